"""civicspace.chapters.ch06_aml_cft: the R8 timeline helpers, the proportionality checker, its figures and its widget."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from civicspace import data
from civicspace.chapters import ch06_aml_cft as fatf
from civicspace.plotting import OKABE_ITO


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    return data.load("fatf_r8_timeline")


@pytest.fixture
def tiny() -> pd.DataFrame:
    """A hand-made timeline: two standards, one guidance paper, three national events."""
    return pd.DataFrame(
        {
            "event_id": [
                "fatf-2001-special-recommendations",
                "fatf-2012-recommendation-8",
                "g-2015",
                "x-2018-freeze",
                "x-2020-halt",
                "y-2024-law",
            ],
            "date": ["2001-10-30", "2012-02-16", "2015-06", "2018-10-25", "2020-09-29", "2024-01-05"],
            "year": [2001, 2012, 2015, 2018, 2020, 2024],
            "track": ["FATF", "FATF", "FATF", "national", "national", "national"],
            "event_type": ["standard", "standard", "guidance", "enforcement", "outcome", "law"],
            "title": ["a", "b", "c", "d", "e", "f"],
        }
    )


# --------------------------------------------------------------------------- timeline helpers


def test_to_timestamp_reads_partial_dates():
    assert fatf.to_timestamp("2016-06") == pd.Timestamp("2016-06-01")
    assert fatf.to_timestamp("2001") == pd.Timestamp("2001-01-01")
    assert fatf.to_timestamp("2023-11-16") == pd.Timestamp("2023-11-16")
    with pytest.raises(ValueError):
        fatf.to_timestamp("June 2016")


def test_measures_against_ngos_keeps_national_rows_in_date_order(tiny, timeline):
    rows = fatf.measures_against_ngos(tiny)
    assert list(rows["event_id"]) == ["x-2018-freeze", "x-2020-halt", "y-2024-law"]
    real = fatf.measures_against_ngos(timeline)
    assert (real["track"] == "national").all() and len(real) == int((timeline["track"] == "national").sum())
    assert list(real["date"]) == sorted(real["date"])


def test_r8_versions_are_dated_in_the_timeline(timeline):
    """The four versions of the standard that the timeline figure marks are rows of the timeline, in date order."""
    dates = timeline.set_index("event_id").loc[list(fatf.R8_VERSIONS), "date"].astype(str)
    assert list(dates) == sorted(dates)
    assert dates["fatf-2023-recommendation-8-published"] == "2023-11-16"  # publication, not the October approval


# --------------------------------------------------------------------------- the checker


def test_validate_profile_fills_defaults_and_rejects_bad_values():
    p = fatf.validate_profile({"activity": "human-rights advocacy"})
    assert p["safeguards"] == "strong" and p["high_risk_areas"] is False and p["prior_findings"] == "none"
    with pytest.raises(ValueError):
        fatf.validate_profile({"activity": "terrorism"})
    with pytest.raises(ValueError):
        fatf.validate_profile({"foreign_funding": "yes"})
    with pytest.raises(ValueError):
        fatf.validate_profile({"budget": 10})


@pytest.mark.parametrize(
    "profile, level",
    [
        ({}, "low"),
        ({"foreign_funding": True, "activity": "human-rights advocacy"}, "low"),
        ({"prior_findings": "unproven allegation"}, "low"),
        ({"high_risk_areas": True}, "elevated"),
        ({"high_risk_areas": True, "safeguards": "weak"}, "elevated"),
        ({"high_risk_areas": True, "cash_intensive": True, "safeguards": "weak"}, "high"),
        ({"prior_findings": "credible evidence"}, "evidence"),
    ],
)
def test_risk_level(profile, level):
    assert fatf.risk_level(profile) == level


def _verdicts(profile) -> dict[str, str]:
    return dict(fatf.proportionality_check(profile)[["measure", "verdict"]].itertuples(index=False))


def test_check_returns_every_measure_with_a_verdict_and_a_reason():
    table = fatf.proportionality_check({})
    assert list(table.columns) == ["measure", "verdict", "reason"]
    assert list(table["measure"]) == fatf.MEASURES
    assert set(table["verdict"]) <= set(fatf.VERDICTS)
    assert table["reason"].str.len().gt(30).all()
    assert table.attrs["risk"] == "low"


def test_foreign_funding_and_an_unproven_allegation_change_no_verdict():
    base = _verdicts({"activity": "human-rights advocacy"})
    assert (
        _verdicts({"activity": "human-rights advocacy", "foreign_funding": True, "prior_findings": "unproven allegation"}) == base
    )
    reasons = fatf.proportionality_check({"prior_findings": "unproven allegation"})["reason"]
    assert reasons.str.contains("unproven allegation").any()


def test_blanket_measures_are_always_disproportionate():
    for profile in list(fatf.PRESETS.values()) + [{}]:
        v = _verdicts(profile)
        assert v["Prior authorisation of all foreign funding"] == "disproportionate"
        assert v["Treating the NPO as a reporting (obliged) entity"] == "disproportionate"
        assert v["Outreach and support for self-regulation"] == "supported"


def test_targeted_measures_follow_the_risk():
    low, conflict = _verdicts({}), _verdicts({"high_risk_areas": True})
    assert low["Risk-based monitoring of this organisation"] == "disproportionate"
    assert conflict["Risk-based monitoring of this organisation"] == "supported"
    assert low["Enhanced due diligence on the high-risk activity"] == "disproportionate"
    assert conflict["Enhanced due diligence on the high-risk activity"] == "supported"
    assert _verdicts({"cash_intensive": True})["Enhanced due diligence on the high-risk activity"] == "supported"


def test_freezes_and_allegations_need_evidence_and_due_process():
    for measure in [
        "Freezing the organisation's assets",
        "Public terrorism-financing allegation or criminal case",
        "Suspending its leaders or appointing a trustee",
        "Bank closes the organisation's accounts (de-risking)",
    ]:
        assert _verdicts({"high_risk_areas": True, "cash_intensive": True, "safeguards": "weak"})[measure] == "disproportionate"
        assert _verdicts({"prior_findings": "credible evidence"})[measure] == "only with due process"


def test_verdict_matrix_has_one_column_per_profile():
    m = fatf.verdict_matrix()
    assert list(m.columns) == list(fatf.PRESETS) and list(m.index) == fatf.MEASURES
    assert m.loc["Freezing the organisation's assets", "Organisation under credible investigation"] == "only with due process"
    assert m.loc["Freezing the organisation's assets", "Human-rights NGO with foreign grants"] == "disproportionate"
    with pytest.raises(ValueError):
        fatf.verdict_matrix({})


# --------------------------------------------------------------------------- figures and widget


def _alt(fig: go.Figure) -> str:
    alt = fig.layout.meta["alt"]
    assert isinstance(alt, str) and alt.endswith(".") and len(alt) > 40
    return alt


def test_verdict_heatmap():
    fig = fatf.verdict_heatmap()
    _alt(fig)
    (trace,) = fig.data
    assert trace.type == "heatmap" and len(trace.y) == len(fatf.MEASURES) and len(trace.x) == len(fatf.PRESETS)
    assert {c for _, c in trace.colorscale} == set(fatf.VERDICT_COLOURS.values()) <= set(OKABE_ITO)
    flat = [v for row in trace.text for v in row]
    assert set(flat) <= set(fatf.VERDICT_SHORT.values()), "every cell carries its verdict as text, not only a colour"
    full = [v for row in trace.customdata for v in row]
    assert full == [v for row in fatf.verdict_matrix().values.tolist() for v in row]
    assert [fatf.VERDICT_SHORT[v] for v in full] == flat
    assert list(trace.y) == fatf.SHORT_MEASURES


def test_proportionality_figure_and_dropdown():
    fig = fatf.proportionality_figure({"prior_findings": "credible evidence"})
    _alt(fig)
    assert fig.data[0].type == "table" and "evidence" in fig.layout.title.text
    assert list(fig.data[0].cells.values[1]) == list(
        fatf.proportionality_check({"prior_findings": "credible evidence"})["verdict"]
    )


def test_book_checker_shows_each_preset_profiles_table_under_its_own_choice():
    from test_interactives import read_table_choice

    shown = read_table_choice(fatf.proportionality_by_profile()._repr_html_())
    assert [c["label"] for c in shown["choices"]] == list(fatf.PRESETS)
    assert [c["checked"] for c in shown["choices"]] == [True] + [False] * (len(fatf.PRESETS) - 1)
    assert shown["scripts"] == 0, "the book's table needs no JavaScript (and no plotly.js table trace)"
    for (name, profile), table in zip(fatf.PRESETS.items(), shown["tables"]):
        want = fatf.proportionality_check(profile)
        assert table["header"] == ["Measure", "Verdict", "Reason"]
        assert [[text for text, _ in row] for row in table["rows"]] == want[["measure", "verdict", "reason"]].values.tolist()
        # The verdict is written out and its cell coloured to match; other cells are not coloured.
        assert [row[1][1] for row in table["rows"]] == [fatf.VERDICT_COLOURS[v] for v in want["verdict"]]
        assert {row[0][1] for row in table["rows"]} | {row[2][1] for row in table["rows"]} == {None}
        assert name in table["caption"] and f"Risk: {want.attrs['risk']}" in table["caption"]
    with pytest.raises(ValueError, match="no profile"):
        fatf.proportionality_by_profile({})


def test_timeline_figure(timeline):
    fig = fatf.timeline_figure(timeline)
    alt = _alt(fig)
    assert str(len(timeline)) in alt
    assert [t.name for t in fig.data] == ["FATF standard, guidance and review", "AML/CFT measures against NGOs"]
    assert sum(len(t.x) for t in fig.data) == len(timeline)
    assert {t.marker.color for t in fig.data} <= set(OKABE_ITO)
    assert len(fig.layout.shapes) == len(fatf.R8_VERSIONS)


def test_widget_redraws_on_each_control():
    w = fatf.proportionality_checker()
    assert w.current_table.attrs["risk"] == "low"
    first = w.current_figure
    w.controls["prior_findings"].value = "credible evidence"
    assert w.current_table.attrs["risk"] == "evidence" and w.current_figure is not first
    assert "only with due process" in set(w.current_table["verdict"])
    w.controls["prior_findings"].value = "none"
    w.controls["high_risk_areas"].value = True
    assert w.current_table.attrs["risk"] == "elevated"
    assert w.profile["high_risk_areas"] is True
    assert list(w.current_figure.data[0].cells.values[1]) == list(w.current_table["verdict"])
