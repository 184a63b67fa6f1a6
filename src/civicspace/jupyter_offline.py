"""Make JupyterLab work with no network: maps drawn from local files, no news or update checks.

Two things in JupyterLab reach the internet when the course runs:

- plotly.js downloads the world map for every map figure from its CDN, so maps stay
  blank offline;
- JupyterLab asks for Jupyter news and checks PyPI for a newer version of itself and
  of its extensions.

``python -m civicspace.jupyter_offline install`` fixes both for one Python environment
(by default the one running the command). It writes:

- ``share/jupyter/labextensions/civicspace-jupyterlab/``: a small JupyterLab extension
  that hands plotly the course's copy of the world map (``datasets/world_map``) before
  any notebook is shown, and turns off JupyterLab's news and update notices;
- ``etc/jupyter/jupyter_lab_config.json``: JupyterLab's server settings that stop the
  news feed, the update check and the PyPI extension search (other settings in the file
  are kept).

Run it once after installing the course package (Binder's ``postBuild`` does); restart
JupyterLab afterwards. ``python -m civicspace.jupyter_offline check`` reports what is
missing or out of date.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

from civicspace.paths import datasets_dir

EXTENSION = "civicspace-jupyterlab"
SCRIPT = Path(__file__).parent / "static" / "civicspace-jupyterlab.js"
#: The plotly topologies the extension provides; plotly names them <scope>_<resolution>m.
MAPS = ("world_110m",)
#: Read by JupyterLab whether it runs as ``jupyter lab`` or inside ``jupyter server``
#: (as on JupyterHub). A ``*.d/`` folder would not do: Jupyter reads only the list of
#: server extensions from those.
SERVER_CONFIG_NAME = "jupyter_lab_config.json"
#: JupyterLab's front-end plugin that shows news and "a newer version is available".
ANNOUNCEMENTS = "@jupyterlab/apputils-extension:announcements"
SERVER_CONFIG = {
    "LabApp": {
        # No news feed, no check for a newer JupyterLab, no search of PyPI for extensions.
        "news_url": None,
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "extension_manager": "readonly",
    }
}


def map_path(name: str) -> Path:
    """The course's copy of the plotly topology ``name`` (e.g. ``world_110m``)."""
    path = datasets_dir() / "world_map" / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the world map topology is missing (see datasets/world_map/README.md)")
    return path


def _files() -> dict[str, bytes]:
    """The extension's files, by path relative to its folder."""
    script = SCRIPT.read_bytes()
    # A content hash in the script's name, so that a browser never runs a cached old copy.
    entry = f"static/remoteEntry.{hashlib.sha256(script).hexdigest()[:12]}.js"
    package = {
        "name": EXTENSION,
        "version": "0.1.0",
        "description": "Draws plotly maps from the course's own world map and turns off JupyterLab's news.",
        "license": "MIT",
        "jupyterlab": {
            "_build": {"load": entry, "extension": "./extension"},
            "disabledExtensions": [ANNOUNCEMENTS],
        },
    }
    files = {"package.json": (json.dumps(package, indent=2) + "\n").encode(), entry: script}
    for name in MAPS:
        files[f"static/{name}.json"] = map_path(name).read_bytes()
    return files


def extension_dir(prefix: Path) -> Path:
    return Path(prefix) / "share" / "jupyter" / "labextensions" / EXTENSION


def server_config_path(prefix: Path) -> Path:
    return Path(prefix) / "etc" / "jupyter" / SERVER_CONFIG_NAME


def _read_config(path: Path) -> dict:
    if not path.is_file() or not path.stat().st_size:
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err}); fix or remove it, then run this again") from None


def install(prefix: Path | str = sys.prefix) -> list[Path]:
    """Install the extension and the server settings into the environment ``prefix``;
    return the files written."""
    prefix = Path(prefix)
    target = extension_dir(prefix)
    if target.exists():
        shutil.rmtree(target)
    written = []
    for rel, data in _files().items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    config = server_config_path(prefix)
    data = _read_config(config)
    for section, values in SERVER_CONFIG.items():
        data.setdefault(section, {}).update(values)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    written.append(config)
    return written


def problems(prefix: Path | str = sys.prefix) -> list[str]:
    """What is missing or out of date in the environment ``prefix`` (empty: all is in place)."""
    prefix = Path(prefix)
    found = []
    target = extension_dir(prefix)
    for rel, data in _files().items():
        path = target / rel
        if not path.is_file():
            found.append(f"{path}: missing")
        elif path.read_bytes() != data:
            found.append(f"{path}: out of date")
    config = server_config_path(prefix)
    data = _read_config(config)
    for section, values in SERVER_CONFIG.items():
        for key, value in values.items():
            if data.get(section, {}).get(key, "<unset>") != value:
                found.append(f"{config}: {section}.{key} is not {json.dumps(value)}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m civicspace.jupyter_offline",
        description="Make JupyterLab draw the course's maps and stay quiet with no network.",
    )
    parser.add_argument("command", choices=["install", "check"])
    parser.add_argument("--prefix", default=sys.prefix, help="the Python environment (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.command == "install":
        for path in install(args.prefix):
            print(f"wrote {path}")
        print("Restart JupyterLab to use it.")
        return 0
    found = problems(args.prefix)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print("Run: python -m civicspace.jupyter_offline install", file=sys.stderr)
        return 1
    print(f"JupyterLab in {args.prefix} is set up to work offline.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
