"""Unit tests of the pure functions over the treaty table, on small hand-made tables."""

import pandas as pd
import pytest

from civicspace import treaties as tr


@pytest.fixture
def tiny():
    # Three states, two treaties; A joined ICCPR in 1970, B in 1990, C only signed.
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "AAA", "BBB", "CCC"],
            "country": ["A", "B", "C", "A", "B", "C"],
            "treaty": ["ICCPR", "ICCPR", "ICCPR", "CAT", "CAT", "CAT"],
            "status": ["party", "party", "signatory", "no action", "party", "party"],
            "year": pd.array([1970, 1990, None, None, 1987, 1987], dtype="Int64"),
        }
    )


def test_parties_in_year_counts_the_year_itself(tiny):
    rows = tr.parties_in_year(tiny, "ICCPR", 1990)
    assert dict(zip(rows["iso3"], rows["party_by_year"])) == {"AAA": True, "BBB": True, "CCC": False}


def test_parties_in_year_before_and_between(tiny):
    assert tr.parties_in_year(tiny, "ICCPR", 1969)["party_by_year"].sum() == 0
    assert tr.parties_in_year(tiny, "ICCPR", 1989)["party_by_year"].sum() == 1


def test_signatories_never_count(tiny):
    rows = tr.parties_in_year(tiny, "ICCPR", 3000)
    assert not rows.loc[rows["iso3"] == "CCC", "party_by_year"].item()


def test_unknown_treaty_is_a_clear_error(tiny):
    with pytest.raises(ValueError, match="unknown treaty 'ICCPR-OP9'"):
        tr.parties_in_year(tiny, "ICCPR-OP9", 2000)


def test_cumulative_parties(tiny):
    out = tr.cumulative_parties(tiny, ["ICCPR", "CAT"], first=1969, last=1991)
    iccpr = out[out["treaty"] == "ICCPR"].set_index("year")["parties"]
    assert iccpr[1969] == 0 and iccpr[1970] == 1 and iccpr[1989] == 1 and iccpr[1990] == 2 and iccpr[1991] == 2
    cat = out[out["treaty"] == "CAT"].set_index("year")["parties"]
    assert cat[1986] == 0 and cat[1987] == 2
    assert len(out) == 2 * (1991 - 1969 + 1)


def test_cumulative_counts_parties_that_joined_before_the_window(tiny):
    out = tr.cumulative_parties(tiny, ["ICCPR"], first=1980, last=1981)
    assert out["parties"].tolist() == [1, 1]


def test_status_counts(tiny):
    assert tr.status_counts(tiny, "ICCPR") == {"party": 2, "signatory": 1, "no action": 0}
    assert tr.status_counts(tiny, "CAT") == {"party": 2, "signatory": 0, "no action": 1}


def test_ratification_facts_on_the_real_table():
    from civicspace import data

    df = data.load_treaty_ratification()
    facts = tr.ratification_facts(df)
    # The facts agree with a direct pandas count, and the three statuses add up to all states.
    iccpr = df[df["treaty"] == "ICCPR"]
    assert facts["iccpr_parties"] == (iccpr["status"] == "party").sum()
    assert facts["iccpr_parties"] + facts["iccpr_signatories"] + facts["iccpr_no_action"] == len(iccpr)
    assert facts["n_states"] == df["iso3"].nunique() == 193
    assert facts["first_iccpr_year"] == iccpr["year"].min()
