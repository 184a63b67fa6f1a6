"""upr_recommendations: facts a user of the UPR extract relies on."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import country_name, is_known

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "datasets" / "upr_recommendations"
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", ROOT.parent / "shared"))
RAW = SHARED / "data" / "upr"


def _load_script():
    spec = importlib.util.spec_from_file_location("upr_make_data", FOLDER / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


md = _load_script()


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return data.load("upr_recommendations")


def _needs_raw():
    if not RAW.exists():
        pytest.skip(f"{RAW} is missing: the raw data must sit beside the repository (../shared)")


def _raw_records(year: int) -> list[list[str]]:
    """Data records of a raw file, read independently of make_data.py (lenient csv, byte-transparent)."""
    text = (RAW / f"upr_recommendations_{year}.csv").read_bytes().decode("latin-1")
    records = list(csv.reader(io.StringIO(text, newline="")))
    return [r for r in records[1:] if any(cell.strip() for cell in r)]


# --------------------------------------------------------------------------- rows


def test_as_many_rows_as_the_raw_files(df):
    _needs_raw()
    per_year = df.groupby("year").size().to_dict()
    for year in range(2008, 2015):
        assert per_year.get(year) == len(_raw_records(year)), year
    # PROVENANCE.md: "39,191 Universal Periodic Review recommendations".
    assert len(df) == 39191


def test_rows_keep_source_order_and_ids(df):
    assert df["rec_id"].is_unique
    assert (df["rec_id"].str.slice(0, 4).astype(int) == df["year"]).all()
    for _year, group in df.groupby("year"):
        numbers = group["rec_id"].str.slice(5).astype(int)
        assert list(numbers) == list(range(1, len(group) + 1))
        assert group["source_row"].is_monotonic_increasing and group["source_row"].is_unique


def test_text_matches_the_raw_record_it_comes_from(df):
    """Spot-check: the first words of each year's rows agree with the raw file's records, in order."""
    _needs_raw()
    for year in range(2008, 2015):
        raw = _raw_records(year)
        rows = df[df["year"] == year]
        for i in range(0, len(raw), 997):
            raw_words = re.findall(r"[A-Za-z]+", raw[i][0])[:6]
            assert re.findall(r"[A-Za-z]+", rows["text"].iloc[i])[:6] == raw_words, (year, i)


def test_text_is_clean_utf8_and_whitespace_normalised(df):
    for col in ("text", "notes"):
        values = df[col].dropna()
        assert not values.str.contains(r"\s{2,}|^\s|\s$|[\r\n\t]", regex=True).any(), col
        # Mojibake of the raw files' Mac Roman / Windows-1252 round trips, and unmapped bytes.
        assert not values.str.contains("[ÕÓÒÍÔ™ª\u02c6‡\uf780-\uf7ff\ufffd]", regex=True).any(), col
    assert df["text"].str.contains("Côte d’Ivoire").any()
    assert df["text"].str.contains("vis-à-vis").any()


# --------------------------------------------------------------------------- responses


def test_every_raw_response_maps_to_a_cleaned_one(df):
    _needs_raw()
    schema = {f["name"]: f for f in data.resource("upr_recommendations")["schema"]["fields"]}
    raw_values = {r[2] for year in range(2008, 2015) for r in _raw_records(year)}
    assert raw_values <= set(md.RESPONSES), raw_values - set(md.RESPONSES)
    assert set(md.RESPONSES) == set(schema["response_raw"]["constraints"]["enum"])
    assert set(md.RESPONSES.values()) == set(schema["response"]["constraints"]["enum"])
    mapped = df["response_raw"].astype(str).map(md.RESPONSES)
    assert (mapped == df["response"].astype(str)).all()


def test_cleaning_counts_in_the_codebook_match_the_data(df):
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for raw, n in df["response_raw"].astype(str).value_counts().items():
        assert re.search(rf"\| `{raw}` \| {n:,} \| `{md.RESPONSES[raw]}` \|", readme), raw
    for col in md.FLAGS:
        n = int(df[col].sum())
        assert re.search(rf"\| `{col}` \| `\w+` \| .* \| {n:,} \|", readme), (col, n)


# --------------------------------------------------------------------------- countries


def test_countries_are_coded_and_named_by_the_course_rule(df):
    assert df["sur_iso3"].map(is_known).all()
    assert (df["sur_country"] == df["sur_iso3"].map(country_name)).all()
    coded = df["rec_iso3"].notna()
    assert df.loc[coded, "rec_iso3"].map(is_known).all()
    assert (df.loc[coded, "rec_country"] == df.loc[coded, "rec_iso3"].map(country_name)).all()
    assert df.loc[~coded, "rec_country"].isna().all()
    # Observers keep documented ISO codes.
    assert set(df.loc[df["rec_raw"] == "Holy See", "rec_iso3"]) == {"VAT"}
    assert set(df.loc[df["rec_raw"].isin(["Palestine", "State of Palestine"]), "rec_iso3"]) == {"PSE"}


def test_only_documented_names_lack_a_code(df):
    with open(FOLDER / "country_names.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    no_code = {r["raw_name"] for r in table if not r["iso3"]}
    assert all(r["note"].strip() for r in table if not r["iso3"])
    assert set(df.loc[df["rec_iso3"].isna(), "rec_raw"]) <= no_code
    assert df["sur_iso3"].notna().all()


def test_recommending_state_usually_named_in_the_text(df):
    """The source read `From` from the text's last parentheses: the name should mostly be there."""
    sample = df[df["rec_iso3"].notna()].iloc[::50]
    hits = [str(raw).rstrip(";").lower() in text.lower() for raw, text in zip(sample["rec_raw"], sample["text"])]
    assert sum(hits) / len(hits) > 0.9


def test_unmapped_name_is_reported_clearly(tmp_path, monkeypatch):
    table = tmp_path / "country_names.csv"
    lines = (FOLDER / "country_names.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(line for line in lines if not line.startswith("Holy See,")), encoding="utf-8")
    monkeypatch.setattr(md, "NAMES_TABLE", table)
    _needs_raw()
    with pytest.raises(SystemExit) as err:
        md.build()
    msg = str(err.value)
    assert "'Holy See'" in msg and "not in the table" in msg and "column 'From'" in msg


# --------------------------------------------------------------------------- bad raw input


def _fake_raw(tmp_path, monkeypatch, body: bytes, year: int = 2008):
    folder = tmp_path / "data" / "upr"
    folder.mkdir(parents=True)
    path = folder / f"upr_recommendations_{year}.csv"
    path.write_bytes(b"text,to,decision,From,year,notes\r" + body)
    monkeypatch.setattr(md, "SHARED", folder)
    return path


def test_unknown_byte_names_file_row_and_column(tmp_path, monkeypatch):
    path = _fake_raw(
        tmp_path,
        monkeypatch,
        b"1.1 Ratify CAT (France);,Algeria,support,France,2008,\r1.2 Protect women\xcds rights \xff (Chile);,Algeria,support,Chile,2008,\r",
    )
    with pytest.raises(SystemExit) as err:
        md.read_raw(2008)
    msg = str(err.value)
    assert str(path) in msg and "row 3" in msg and "'text'" in msg and "0xFF" in msg


def test_unexpected_response_names_file_and_row(tmp_path, monkeypatch):
    path = _fake_raw(tmp_path, monkeypatch, b"1.1 Ratify CAT (France);,Algeria,accepted,France,2008,\r")
    with pytest.raises(SystemExit) as err:
        md.read_raw(2008)
    msg = str(err.value)
    assert str(path) in msg and "row 2" in msg and "'decision'" in msg and "'accepted'" in msg


def test_broken_quoting_names_file_and_row(tmp_path, monkeypatch):
    path = _fake_raw(
        tmp_path,
        monkeypatch,
        b'1.1 Ratify CAT (France);,Algeria,support,France,2008,\r"1.2 Free "the" press (Chile);",Algeria,support,Chile,2008,\r',
    )
    with pytest.raises(SystemExit) as err:
        md.read_raw(2008)
    msg = str(err.value)
    assert str(path) in msg and "row 3" in msg and "broken CSV" in msg


def test_old_mac_line_endings_and_quoted_line_breaks_are_parsed(tmp_path, monkeypatch):
    _fake_raw(
        tmp_path,
        monkeypatch,
        b"1.1 Ratify CAT (France);,Algeria,support,France,2008,\r"
        b'"1.2 Protect women\xcds rights, and NGOs (Chile);",Algeria,consider,Chile,2008,"A comment\r\non two lines"\r',
    )
    rows = md.read_raw(2008)
    assert [r["_row"] for r in rows] == [2, 3]
    assert rows[1]["text"] == "1.2 Protect women’s rights, and NGOs (Chile);"
    assert md.normalise(rows[1]["notes"]) == "A comment on two lines"


# --------------------------------------------------------------------------- keyword flags

FLAG_EXAMPLES = {
    "mentions_civil_society": (
        [
            "Strengthen cooperation with civil society in the follow-up to the UPR (Norway);",
            "Consult CIVIL SOCIETY organizations",
            "ensure a safe environment for civil-society actors",
            "engage with national civil societies",
        ],
        ["Reform the civil code and the society law", "protect civilians in society", "civil service reform"],
    ),
    "mentions_defenders": (
        [
            "Protect human rights defenders from harassment (Ireland);",
            "Implement the Declaration on Human Rights Defenders",
            "ensure that women human rights defenders can work freely",
            "protect defenders of human rights and journalists",
            "end attacks on defenders of women’s rights",
            "release the detained labour rights defender",
            "Ensure the safety of HR defenders",
        ],
        [
            "Increase the number of public defenders (Brazil);",
            "strengthen the Public Defender’s Office",
            "ensure access to legal defenders for detainees",
            "the defenders of the national team",
        ],
    ),
    "mentions_ngos": (
        [
            "Lift restrictions on NGOs (Canada);",
            "Allow international NGO's to register",
            "cooperate with non-governmental organizations",
            "consult nongovernmental organisations",
            "support non-governmental human rights organizations",
            "work with INGOs",
        ],
        [
            "end the recruitment of children by non-governmental armed groups",
            "the Ngong Hills",
            "cooperation between governmental and non-governmental institutions",
            "ongoing reforms",
        ],
    ),
    "mentions_association": (
        [
            "Guarantee freedom of association (Germany);",
            "respect the rights to freedom of expression, peaceful assembly and association",
            "protect the freedoms of expression, assembly, and association",
            "guarantee the right to associate freely",
            "respect the right of peaceful assembly and of association",
            "amend the Law on Public Associations",
            "adopt a new law on association",
        ],
        [
            "reduce the risks associated with migration",
            "cooperate within the South Asian Association for Regional Cooperation",
            "the Bar Association",
            "to act individually and in association with others",
            "freedom of expression and assembly",
        ],
    ),
}


@pytest.mark.parametrize("flag", sorted(FLAG_EXAMPLES))
def test_flag_regex_matches_and_rejects_examples(flag):
    positives, negatives = FLAG_EXAMPLES[flag]
    for sentence in positives:
        assert md.flags(sentence)[flag], f"{flag} should match: {sentence!r}"
    for sentence in negatives:
        assert not md.flags(sentence)[flag], f"{flag} should not match: {sentence!r}"


def test_flags_are_case_insensitive():
    assert md.flags("CIVIL SOCIETY, HUMAN RIGHTS DEFENDERS, NGOS, FREEDOM OF ASSOCIATION") == {k: True for k in md.FLAGS}
    assert md.flags("civil society, human rights defenders, ngos, freedom of association") == {k: True for k in md.FLAGS}


def test_flags_in_the_csv_are_the_regexes_applied_to_the_text(df):
    for flag, rx in md.FLAG_PATTERNS.items():
        recomputed = df["text"].map(rx.search).notna()
        assert (recomputed == df[flag].astype(bool)).all(), flag
        assert df[flag].any() and not df[flag].all(), flag


def test_codebook_prints_every_flag_regex():
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name, rx in md.FLAGS.items():
        assert f"`{rx.replace('|', chr(92) + '|')}`" in readme, name
