"""Unit tests of the private helpers over the treaty table (the figures use them), on small hand-made tables."""

import pandas as pd
import pytest

from civicspace.chapters import ch01_foundations as tr


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
    rows = tr._parties_in_year(tiny, "ICCPR", 1990)
    assert dict(zip(rows["iso3"], rows["party_by_year"])) == {"AAA": True, "BBB": True, "CCC": False}


def test_parties_in_year_before_and_between(tiny):
    assert tr._parties_in_year(tiny, "ICCPR", 1969)["party_by_year"].sum() == 0
    assert tr._parties_in_year(tiny, "ICCPR", 1989)["party_by_year"].sum() == 1


def test_signatories_never_count(tiny):
    rows = tr._parties_in_year(tiny, "ICCPR", 3000)
    assert not rows.loc[rows["iso3"] == "CCC", "party_by_year"].item()


def test_unknown_treaty_is_a_clear_error(tiny):
    with pytest.raises(ValueError, match="unknown treaty 'ICCPR-OP9'"):
        tr._parties_in_year(tiny, "ICCPR-OP9", 2000)


def test_cumulative_parties(tiny):
    out = tr._cumulative_parties(tiny, ["ICCPR", "CAT"], first=1969, last=1991)
    iccpr = out[out["treaty"] == "ICCPR"].set_index("year")["parties"]
    assert iccpr[1969] == 0 and iccpr[1970] == 1 and iccpr[1989] == 1 and iccpr[1990] == 2 and iccpr[1991] == 2
    cat = out[out["treaty"] == "CAT"].set_index("year")["parties"]
    assert cat[1986] == 0 and cat[1987] == 2
    assert len(out) == 2 * (1991 - 1969 + 1)


def test_cumulative_counts_parties_that_joined_before_the_window(tiny):
    out = tr._cumulative_parties(tiny, ["ICCPR"], first=1980, last=1981)
    assert out["parties"].tolist() == [1, 1]


FIGURES_AND_WIDGETS = {
    "ratification_timeline",
    "ratification_map",
    "ratification_map_by_year",
    "provision_figure",
    "provision_explorer_figure",
    "ratification_explorer",
    "provision_explorer",
    "RatificationExplorer",
    "ProvisionExplorer",
}


def test_no_public_counting_functions():
    # Exercise 1 asks students to count parties and statuses with pandas: the chapter module's
    # public functions only draw (figures and widgets); a new public function must be reviewed here.
    public = {
        name
        for name in dir(tr)
        if not name.startswith("_")
        and callable(getattr(tr, name))
        and getattr(getattr(tr, name), "__module__", "") == tr.__name__
    }
    assert public == FIGURES_AND_WIDGETS
