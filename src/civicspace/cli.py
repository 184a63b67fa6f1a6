"""Command line: ``civicspace student-release OUT`` (more commands as the course grows)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civicspace", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("student-release", help="write the student versions of all assignments to OUT")
    rel.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "student-release":
        for folder in release.release_all(args.out):
            print(f"student version: {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
