"""Write the book's Data appendix from datasets/datapackage.json (never by hand).

Every resource's title, description, coverage, citation, sources, terms and
column table come from its descriptor, so the appendix cannot drift from the
schemas the loaders and tests enforce.
"""

from __future__ import annotations

from typing import Any

from civicspace.data import datapackage


def _md(text: str) -> str:
    """Escape the characters that would break a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _allowed(field: dict[str, Any]) -> str:
    cons = field.get("constraints", {})
    parts = []
    if "enum" in cons:
        parts.append(", ".join(f"`{v}`" for v in cons["enum"]))
    if "minimum" in cons or "maximum" in cons:
        parts.append(f"{cons.get('minimum', '…')} to {cons.get('maximum', '…')}")
    if "pattern" in cons:
        parts.append(f"pattern `{cons['pattern']}`")
    if cons.get("required"):
        parts.append("required")
    if cons.get("unique"):
        parts.append("unique")
    return "; ".join(parts)


def resource_markdown(res: dict[str, Any], level: int = 2) -> str:
    """Markdown section documenting one data resource."""
    h = "#" * level
    lines = [f"{h} {res.get('title', res['name'])}", ""]
    lines += [f"Name: `{res['name']}` · file: `datasets/{res['path']}` · load it with `cs.data.load({res['name']!r})`", ""]
    if res.get("description"):
        lines += [res["description"], ""]
    if res.get("coverage"):
        lines += [f"**Coverage.** {res['coverage']}", ""]
    if res.get("citation"):
        lines += [f"**Cite as.** {res['citation']}", ""]
    for src in res.get("sources", []):
        path = src.get("path", "")
        lines += [f"**Source.** {src.get('title', '')}" + (f" <{path}>" if path.startswith("http") else ""), ""]
    for lic in res.get("licenses", []):
        lines += [f"**Terms of use.** {lic.get('title') or lic.get('name')}", ""]
    lines += ["| column | type | allowed values | meaning |", "|---|---|---|---|"]
    for field in res["schema"]["fields"]:
        meaning = field.get("description") or field.get("title", "")
        lines.append(f"| `{field['name']}` | {field.get('type', 'string')} | {_md(_allowed(field))} | {_md(meaning)} |")
    lines.append("")
    return "\n".join(lines)


def appendix_markdown() -> str:
    """The body of the Data appendix: one section per dataset in the data package."""
    pkg = datapackage()
    parts = [pkg.get("description", ""), ""]
    parts += [resource_markdown(res) for res in pkg["resources"]]
    return "\n".join(parts)
