"""A cap on the size of every output of a graded notebook, so a single huge line never reaches
the gradebook folder or the feedback."""

from __future__ import annotations

#: Longest text kept per output (characters) and largest image kept (bytes of base64).
MAX_OUTPUT_CHARS = 20_000
MAX_IMAGE_CHARS = 2_000_000


def truncate_outputs(nb) -> int:
    """Cap the size of every output in ``nb``; return how many texts and images were cut or removed."""
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
            data = out.get("data", {})
            removed = [m for m, v in data.items() if m.startswith("image/") and len(v) > MAX_IMAGE_CHARS]
            for mime in removed:
                data[mime] = ""
                cut += 1
            for mime, value in list(data.items()):
                if mime not in removed and isinstance(value, (str, list)):
                    data[mime] = shorten(value)
            if removed:  # after the texts, so that the notice is not written over
                data["text/plain"] = "[image removed by the grader: too large]"
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
