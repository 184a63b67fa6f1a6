"""The datasets: schema validity, loaders' dtypes, clear errors on bad files, reproducibility."""

from __future__ import annotations

import csv
import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", ROOT.parent / "shared"))


def test_datapackage_validates_with_frictionless():
    from frictionless import Package

    report = Package(str(ROOT / "datasets" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]


@pytest.mark.parametrize("name", data.dataset_names())
def test_loader_returns_documented_columns_and_dtypes(name):
    res = data.resource(name)
    df = data.load(name)
    fields = res["schema"]["fields"]
    assert list(df.columns) == [f["name"] for f in fields]
    for field in fields:
        col = df[field["name"]]
        enum = field.get("constraints", {}).get("enum")
        if enum:
            assert isinstance(col.dtype, pd.CategoricalDtype)
            assert set(col.dropna().unique()) <= set(enum)
        elif field["type"] == "integer":
            assert str(col.dtype) == "Int64"
        elif field["type"] == "string":
            assert str(col.dtype) == "string"
        if field.get("constraints", {}).get("required"):
            assert col.notna().all(), f"{name}.{field['name']} has missing values"


def test_every_dataset_folder_has_script_codebook_and_csv():
    for res in data.datapackage()["resources"]:
        folder = (ROOT / "datasets" / res["path"]).parent
        assert (folder / "make_data.py").exists(), folder
        assert (folder / "README.md").exists(), folder
        assert res.get("sources") and res.get("licenses"), f"{res['name']}: citation and terms missing"


def test_treaty_table_facts():
    df = data.load_treaty_ratification()
    assert df["iso3"].nunique() == 193 and df["treaty"].nunique() == 18
    # Namibia's ISO2 code "NA" must not be read as a missing value.
    assert df.loc[df["iso3"] == "NAM", "iso2"].eq("NA").all()
    # Only parties have a year; every party has one.
    assert (df["year"].notna() == (df["status"] == "party")).all()


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def treaty_copy(tmp_path):
    src = data.resource_path("treaty_ratification")
    dst = tmp_path / "treaty_ratification.csv"
    shutil.copyfile(src, dst)
    return dst, data.resource("treaty_ratification")["schema"]


def _edit_line(path: Path, line_no: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line_no - 1] = new
    path.write_text("".join(lines), encoding="utf-8")


def test_wrong_type_names_file_row_and_column(treaty_copy):
    path, schema = treaty_copy
    _edit_line(path, 5, "AFG,AF,Afghanistan,ICESCR,party,nineteen\n")
    before = path.read_bytes()
    with pytest.raises(data.DatasetError) as err:
        data.read_csv_checked(path, schema)
    msg = str(err.value)
    assert str(path) in msg and "row 5" in msg and "'year'" in msg and "not an integer" in msg
    assert path.read_bytes() == before, "the loader must not change the file"


def test_out_of_range_value(treaty_copy):
    path, schema = treaty_copy
    _edit_line(path, 3, "AFG,AF,Afghanistan,ICCPR,party,1850\n")
    with pytest.raises(data.DatasetError, match=r"row 3, column 'year': value '1850' is below the minimum 1966"):
        data.read_csv_checked(path, schema)


def test_value_outside_allowed_set(treaty_copy):
    path, schema = treaty_copy
    _edit_line(path, 3, "AFG,AF,Afghanistan,ICCPR,ratified,1983\n")
    with pytest.raises(data.DatasetError, match=r"row 3, column 'status': value 'ratified' is not one of"):
        data.read_csv_checked(path, schema)


def test_missing_column(treaty_copy):
    path, schema = treaty_copy
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(l.split(",")[:5]) for l in text) + "\n", encoding="utf-8")
    with pytest.raises(data.DatasetError, match=r"row 1 \(header\): missing column\(s\) 'year'"):
        data.read_csv_checked(path, schema)


def test_broken_quoting(treaty_copy):
    path, schema = treaty_copy
    _edit_line(path, 7, 'AGO,AO,"Angola,ICCPR,party,1992\n')
    with pytest.raises(data.DatasetError) as err:
        data.read_csv_checked(path, schema)
    msg = str(err.value)
    assert str(path) in msg and "row 7" in msg


def test_wrong_cell_count(treaty_copy):
    path, schema = treaty_copy
    _edit_line(path, 9, "ALB,AL,Albania,ICCPR,party,1991,extra\n")
    with pytest.raises(data.DatasetError, match=r"row 9: has 7 cells, the header has 6"):
        data.read_csv_checked(path, schema)


def test_duplicate_key(treaty_copy):
    path, schema = treaty_copy
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(data.DatasetError, match=r"duplicate key \('AFG', 'ICERD'\) \(first at row 2\)"):
        data.read_csv_checked(path, schema)


def test_required_value_missing(treaty_copy):
    path, schema = treaty_copy
    _edit_line(path, 4, "AFG,AF,,ICCPR-OP1,no action,\n")
    with pytest.raises(data.DatasetError, match=r"row 4, column 'country': value is missing but required"):
        data.read_csv_checked(path, schema)


def test_many_problems_are_all_counted(treaty_copy):
    path, schema = treaty_copy
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = [l.replace(",party,", ",partyy,") for l in lines]
    path.write_text("".join(bad), encoding="utf-8")
    with pytest.raises(data.DatasetError) as err:
        data.read_csv_checked(path, schema)
    assert len(err.value.problems) > data.MAX_REPORTED_ERRORS
    assert "more problem(s)" in str(err.value)


# --------------------------------------------------------------------------- reproducibility


def _folders_with_scripts():
    return sorted(p.parent for p in (ROOT / "datasets").glob("*/make_data.py"))


@pytest.mark.parametrize("folder", _folders_with_scripts(), ids=lambda p: p.name)
def test_make_data_reproduces_committed_files(folder, tmp_path):
    if not (SHARED / "data").exists():
        message = f"{SHARED}/data is missing: the raw data must sit beside the repository (../shared)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + "; CI always runs this check")
    env = dict(os.environ, CIVICSPACE_SHARED=str(SHARED))
    out = subprocess.run([sys.executable, str(folder / "make_data.py"), str(tmp_path)], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made, "make_data.py wrote nothing"
    for name in made:
        committed = folder / name
        assert committed.exists(), f"{name} is made by the script but not committed"
        if not filecmp.cmp(committed, tmp_path / name, shallow=False):
            import difflib

            diff = difflib.unified_diff(
                committed.read_text(encoding="utf-8").splitlines(),
                (tmp_path / name).read_text(encoding="utf-8").splitlines(),
                fromfile=f"committed {name}",
                tofile=f"rebuilt {name}",
                lineterm="",
                n=0,
            )
            pytest.fail("make_data.py no longer reproduces the committed file:\n" + "\n".join(list(diff)[:40]))


def test_codebook_column_tables_match_the_schema():
    """Each README's column table lists every schema field, with the schema's type."""
    import re

    for res in data.datapackage()["resources"]:
        readme = ((ROOT / "datasets" / res["path"]).parent / "README.md").read_text(encoding="utf-8")
        for field in res["schema"]["fields"]:
            pattern = rf"^\| `{re.escape(field['name'])}` \| {field['type']} \|"
            assert re.search(pattern, readme, re.M), f"{res['name']}: README has no row for `{field['name']}` ({field['type']})"


def test_datapackage_json_is_assembled_from_the_folders():
    """datasets/datapackage.json equals what build_datapackage.py makes from each resource.json."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_datapackage", ROOT / "datasets" / "build_datapackage.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    committed = (ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8")
    assert committed == mod.render(mod.build()), "run: python datasets/build_datapackage.py"


def test_every_resource_documents_coverage_citation_and_terms():
    for res in data.datapackage()["resources"]:
        for key in ("title", "description", "coverage", "citation", "sources", "licenses"):
            assert res.get(key), f"{res['name']}: '{key}' is missing from its resource.json"


def test_data_appendix_lists_every_dataset_with_citation_and_terms():
    from civicspace.book import datadoc

    text = datadoc.appendix_markdown()
    for res in data.datapackage()["resources"]:
        assert f"Name: `{res['name']}`" in text
        assert res["citation"] in text
        for lic in res["licenses"]:
            assert (lic.get("title") or lic["name"]) in text
        for field in res["schema"]["fields"]:
            assert f"| `{field['name']}` |" in text


def test_every_dataset_has_a_named_loader():
    """Notebooks call cs.data.load_<name>(), never a path: each resource has its loader."""
    for name in data.dataset_names():
        if name == "treaties":
            loader = data.load_treaties
        else:
            loader = getattr(data, f"load_{name}", None)
        assert loader is not None, f"add load_{name}() to civicspace.data"
        assert loader.__doc__, f"load_{name}() needs a docstring"


@pytest.mark.parametrize("name", data.dataset_names())
def test_corrupted_copy_of_each_dataset_names_file_row_and_column(name, tmp_path):
    """Break one typed cell of each dataset: the loader names the file, the row and the column."""
    res = data.resource(name)
    fields = res["schema"]["fields"]
    # The first typed (non-string) column, or a column with an enum or pattern.
    target = next(
        (i for i, f in enumerate(fields) if f.get("type") in ("integer", "number", "boolean", "date")),
        next((i for i, f in enumerate(fields) if set(f.get("constraints", {})) & {"enum", "pattern"}), None),
    )
    assert target is not None, f"{name}: no typed or constrained column to check"
    import csv

    src = data.resource_path(name)
    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[3][target] = "not-a-valid-value!"
    bad = tmp_path / src.name
    with open(bad, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(data.DatasetError) as err:
        data.read_csv_checked(bad, res["schema"])
    msg = str(err.value)
    assert str(bad) in msg and "row 4" in msg and repr(fields[target]["name"]) in msg


CURATED = [r["name"] for r in data.datapackage()["resources"] if any(f["name"] == "source_url" for f in r["schema"]["fields"])]


def _source_url_required(name: str) -> bool:
    field = next(f for f in data.resource(name)["schema"]["fields"] if f["name"] == "source_url")
    return bool(field.get("constraints", {}).get("required"))


@pytest.mark.parametrize("name", CURATED)
def test_curated_rows_all_have_a_source_url(name):
    """Every source URL is an http(s) address; it may be empty only where the schema allows it."""
    df = data.load(name)
    urls = df["source_url"].astype("string")
    given = urls.dropna()
    assert given.str.match(r"^https?://\S+$").all(), f"{name}: a source URL that is not an http(s) address"
    if _source_url_required(name):
        assert urls.notna().all(), f"{name}: a row without a source URL"
    else:
        assert len(given) >= len(urls) / 2, f"{name}: most rows have lost their source URL"


# The book's list of mirror and Wikipedia hosts (tests/test_scholarship.py), reused, not copied.
from test_scholarship import MIRROR_RX  # noqa: E402

SOURCE_URL_CSVS = sorted(
    p for p in DATASETS.glob("*/*.csv") if "source_url" in p.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
)


def test_the_source_url_files_are_found():
    names = {p.name for p in SOURCE_URL_CSVS}
    for dataset in ["ilo_uzbekistan_monitoring", "defenders_killed", "fatf_r8_timeline", "case_timelines", "restrictive_laws"]:
        assert {f"{dataset}_source.csv", f"{dataset}.csv"} <= names, dataset


@pytest.mark.parametrize("path", SOURCE_URL_CSVS, ids=lambda p: str(p.relative_to(DATASETS)))
def test_no_source_url_points_at_a_mirror_site(path):
    """Students see source_url as "the source": never a document mirror or Wikipedia (notes may say where text was read)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found = [f"row {i}: {row['source_url']}" for i, row in enumerate(rows, start=2) if MIRROR_RX.search(row["source_url"] or "")]
    assert not found, f"{path.relative_to(DATASETS)}: cite the original, not a mirror:\n" + "\n".join(found)


PERSONAL_FIELD = re.compile(r"(^|_)(name|person|people|victim|author|surname|firstname|lastname|individual)(_|$)")


def test_no_column_is_meant_for_a_private_individuals_name():
    """No field of any dataset is a person's name (countries, organisations and laws only)."""
    for res in data.datapackage()["resources"]:
        for field in res["schema"]["fields"]:
            assert not PERSONAL_FIELD.search(field["name"]), f"{res['name']}.{field['name']}"


def test_require_columns_names_every_missing_column():
    df = pd.DataFrame({"a": [1], "b": [2]})
    data.require_columns(df, ["a", "b"])
    with pytest.raises(KeyError, match=r"\['c', 'd'\]"):
        data.require_columns(df, ["a", "c", "d"])
