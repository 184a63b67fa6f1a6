"""Assemble datasets/datapackage.json from each dataset folder's resource.json.

Each folder datasets/<name>/ describes its own table(s) in resource.json (a JSON
list of Frictionless tabular-data-resource descriptors, with paths relative to
datasets/). This script gathers them, in folder order, into the one Data Package
that the loaders, the tests and the book's Data appendix read.

Run from the repository root:  python datasets/build_datapackage.py
``make test`` fails if the committed datapackage.json is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

PACKAGE = {
    "profile": "data-package",
    "name": "civicspace-course-data",
    "title": "Case datasets of the course 'NGOs, human rights and the shrinking civic space'",
    "description": (
        "Tidy extracts of public research data, and small curated tables, used by the course's chapters and "
        "exercises. Each resource is built by the make_data.py script in its folder of datasets/, whose README.md is its "
        "codebook. Every resource keeps the citation and terms of its original provider."
    ),
    "licenses": [
        {"name": "various", "title": "Each resource carries the terms of its original provider; see the resource's licenses."}
    ],
}


def build(datasets: Path = HERE) -> dict:
    resources = []
    for descriptor in sorted(datasets.glob("*/resource.json")):
        try:
            entries = json.loads(descriptor.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{descriptor}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        if not isinstance(entries, list):
            raise SystemExit(f"{descriptor}: expected a JSON list of resources")
        for entry in entries:
            if not str(entry.get("path", "")).startswith(descriptor.parent.name + "/"):
                raise SystemExit(f"{descriptor}: resource {entry.get('name')!r} has a path outside its folder")
        resources += entries
    names = [r["name"] for r in resources]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SystemExit(f"duplicate resource names: {sorted(duplicates)}")
    return {**PACKAGE, "resources": resources}


def render(package: dict) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    out = HERE / "datapackage.json"
    out.write_text(render(build()), encoding="utf-8")
    print(f"wrote {out} ({len(build()['resources'])} resources)")


if __name__ == "__main__":
    main(*sys.argv[1:])
