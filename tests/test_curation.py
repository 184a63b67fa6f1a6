"""Curated source tables: checked cell by cell against their Table Schema, and documented corrections
applied only while their source is unchanged."""

import json

import pytest

from civicspace.data.curation import SourceError, apply_corrections, load_resource, read_source, write_checked


def test_a_correction_replaces_the_value_it_was_written_against():
    rows = [{"event_id": "HUN-2021", "target_stigma": "1"}, {"event_id": "RUS-2012", "target_stigma": "1"}]
    out = apply_corrections(rows, {"HUN-2021": {"target_stigma": ("1", "0")}})
    assert out[0]["target_stigma"] == "0" and out[1]["target_stigma"] == "1"


def test_a_changed_source_or_a_missing_row_stops_with_every_problem_named():
    rows = [{"event_id": "HUN-2021", "target_stigma": "0"}]
    with pytest.raises(SourceError) as err:
        apply_corrections(rows, {"HUN-2021": {"target_stigma": ("1", "0")}, "XXX-1999": {"target_stigma": ("1", "0")}})
    assert len(err.value.problems) == 2
    assert "'HUN-2021', column 'target_stigma': the source value has changed" in str(err.value)
    assert "'XXX-1999': no such row" in str(err.value)


# --------------------------------------------------------------------------- schema-driven source checks

RESOURCE = {
    "name": "demo",
    "schema": {
        "fields": [
            {"name": "id", "type": "string", "constraints": {"required": True, "unique": True, "pattern": "^[a-z]+$"}},
            {"name": "date", "type": "string", "constraints": {"required": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}},
            {"name": "kind", "type": "string", "constraints": {"enum": ["law", "case"]}},
            {"name": "count", "type": "integer", "constraints": {"minimum": 1, "maximum": 10}},
            {"name": "year", "type": "integer", "constraints": {"required": True}},
        ]
    },
}


def _source(tmp_path, text):
    path = tmp_path / "demo_source.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_clean_source_passes_and_keeps_its_rows_and_row_numbers(tmp_path):
    path = _source(tmp_path, "kind,id,date,count\nlaw,abc,2020-02-29,3\n,def,2021,\n")
    table = read_source(path, RESOURCE, derived=["year"])
    assert [line for line, _ in table] == [2, 3]
    assert table.checked() == [
        {"kind": "law", "id": "abc", "date": "2020-02-29", "count": "3"},
        {"kind": "", "id": "def", "date": "2021", "count": ""},
    ]


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("id", "", "value is missing but required"),
        ("id", "ABC", "does not match the pattern"),
        ("date", "2021-02-30", "not a valid calendar date"),
        ("date", "21 May 2020", "does not match the pattern"),
        ("kind", "treaty", "not one of the allowed values"),
        ("count", "three", "not an integer"),
        ("count", "0", "below the minimum 1"),
        ("count", "11", "above the maximum 10"),
        ("count", " 3", "leading or trailing spaces"),
    ],
)
def test_each_schema_rule_names_file_row_and_column(tmp_path, column, value, message):
    row = {"id": "abc", "date": "2020", "kind": "law", "count": "3"}
    row[column] = value
    path = _source(tmp_path, "id,date,kind,count\nxyz,2019,case,1\n" + ",".join(f'"{v}"' for v in row.values()) + "\n")
    with pytest.raises(SourceError) as err:
        read_source(path, RESOURCE, derived=["year"]).checked()
    assert any(p.startswith(f"{path}, row 3, column '{column}':") and message in p for p in err.value.problems), (
        err.value.problems
    )


def test_a_repeated_unique_value_names_the_first_row(tmp_path):
    path = _source(tmp_path, "id,date,kind,count\nabc,2019,,\nxyz,2019,,\nabc,2020,,\n")
    with pytest.raises(SourceError, match=r"row 4, column 'id': duplicate id 'abc' \(first at row 2\)"):
        read_source(path, RESOURCE, derived=["year"]).checked()


def test_a_script_adds_its_own_rules_and_optional_columns_may_be_empty(tmp_path):
    path = _source(tmp_path, "id,date,kind,count,year\nabc,2019,,,\n")
    table = read_source(path, RESOURCE, optional=["year"])
    for line, _row in table:
        table.bad(line, "date", "before the law it reports on")
    with pytest.raises(SourceError) as err:
        table.checked()
    assert err.value.problems == [f"{path}, row 2, column 'date': before the law it reports on"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("id,date,kind\nabc,2019,law\n", "missing ['count']"),
        ("id,date,kind,count,notes\nabc,2019,law,1,x\n", "unexpected ['notes']"),
        ('id,date,kind,count\n"abc,2019,law,1\n', "broken CSV quoting"),
    ],
)
def test_a_broken_header_or_quoting_is_named(tmp_path, text, message):
    path = _source(tmp_path, text)
    with pytest.raises(SourceError) as err:
        read_source(path, RESOURCE, derived=["year"])
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_row_with_too_few_cells_is_reported_and_the_others_still_checked(tmp_path):
    path = _source(tmp_path, "id,date,kind,count\nabc,2019\nxyz,1999-13,,\n")
    with pytest.raises(SourceError) as err:
        read_source(path, RESOURCE, derived=["year"]).checked()
    assert err.value.problems[0] == f"{path}, row 2: has 2 cells, the header has 4"
    assert any("row 3, column 'date'" in p for p in err.value.problems)


def test_the_tidy_table_is_written_only_if_it_passes_the_schema(tmp_path):
    out = tmp_path / "demo.csv"
    out.write_text("the previous table\n", encoding="utf-8")
    good = {"id": "abc", "date": "2020", "kind": "law", "count": "3", "year": "2020"}
    with pytest.raises(SourceError, match=r"demo.csv \(not written\), row 2, column 'year': value is missing"):
        write_checked(out, [{**good, "year": ""}], RESOURCE)
    assert out.read_text(encoding="utf-8") == "the previous table\n"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.csv"]
    write_checked(out, [good], RESOURCE)
    assert out.read_text(encoding="utf-8") == "id,date,kind,count,year\nabc,2020,law,3,2020\n"


def test_load_resource_finds_the_folders_table(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "resource.json").write_text(json.dumps([{"name": "other"}, RESOURCE]), encoding="utf-8")
    assert load_resource(folder / "resource.json") == RESOURCE
    with pytest.raises(SourceError, match="no resource named 'missing'"):
        load_resource(folder / "resource.json", "missing")
