"""File checks shared by the pre-commit hooks and tests/test_hygiene.py.

    python scripts/check_files.py structured FILE...   # every JSON and YAML file parses
    python scripts/check_files.py notebooks FILE...    # notebooks carry no outputs or execution counts

Prints one line per problem, naming the file (and the cell), and exits 1 if there is any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml


def structured_problems(path: Path) -> list[str]:
    """Why ``path`` (a .json, .ipynb, .yml or .yaml file) does not parse; empty if it does."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix in {".yml", ".yaml"}:
            list(yaml.safe_load_all(text))
        else:
            json.loads(text)
    except (ValueError, yaml.YAMLError) as err:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return [f"{path}: does not parse: {err}"]
    return []


def notebook_problems(path: Path) -> list[str]:
    """Code cells of the notebook ``path`` that hold outputs or an execution count."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for number, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path}: cell {number} has outputs (clear them before committing)")
        if cell.get("execution_count") is not None:
            problems.append(f"{path}: cell {number} has an execution count (clear outputs before committing)")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in {"structured", "notebooks"}:
        print(__doc__, file=sys.stderr)
        return 2
    check = structured_problems if argv[0] == "structured" else notebook_problems
    problems = [p for name in argv[1:] for p in check(Path(name))]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
