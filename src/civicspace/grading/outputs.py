"""A cap on the size of every output of a graded notebook, so a single huge line never reaches
the gradebook folder or the feedback."""

from __future__ import annotations

#: Longest text kept per output (characters) and largest image kept (bytes of base64).
MAX_OUTPUT_CHARS = 20_000
MAX_IMAGE_CHARS = 2_000_000


def truncate_outputs(nb) -> int:
    """Cap the size of every output in ``nb``; return how many outputs were cut."""
    cut = 0

    def shorten(text):
        nonlocal cut
        if isinstance(text, list):
            text = "".join(text)
        if len(text) > MAX_OUTPUT_CHARS:
            cut += 1
            return text[:MAX_OUTPUT_CHARS] + f"\n... [{len(text) - MAX_OUTPUT_CHARS} characters removed by the grader]"
        return text

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = shorten(out["text"])
            for mime, value in list(out.get("data", {}).items()):
                if mime.startswith("image/") and len(value) > MAX_IMAGE_CHARS:
                    out["data"][mime] = ""
                    out["data"]["text/plain"] = "[image removed by the grader: too large]"
                    cut += 1
                elif isinstance(value, (str, list)):
                    out["data"][mime] = shorten(value)
            if out.get("output_type") == "error":
                out["evalue"] = shorten(out.get("evalue", ""))
                out["traceback"] = [shorten(t) for t in out.get("traceback", [])][:200]
    return cut


try:  # the preprocessor class is only needed where nbgrader is installed
    from nbgrader.preprocessors import NbGraderPreprocessor

    class TruncateOutputsPreprocessor(NbGraderPreprocessor):
        """nbgrader preprocessor form of :func:`truncate_outputs` (used by autograde)."""

        def preprocess(self, nb, resources):
            truncate_outputs(nb)
            return nb, resources
except ImportError:  # pragma: no cover
    pass
