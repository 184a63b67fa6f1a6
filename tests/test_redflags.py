"""Chapter 11 (civil-society partnerships that monitor compliance): the red-flag detector.

Most tests use small hand-made weekly tables whose baselines, flags and scores can be
worked out by hand; the last ones check the functions against the SIMULATED
monitoring reports (``cs.data.load_monitoring_reports_simulated()``).
"""

import math

import pandas as pd
import pytest

import civicspace as cs
from civicspace.chapters import ch11_partnerships as rf
from civicspace.plotting import OKABE_ITO


def _reports(rows):
    """Long table like the real one: (week index, region, type, count, in window)."""
    weeks = pd.date_range("2021-01-04", periods=20, freq="7D")
    df = pd.DataFrame(
        [
            {
                "week_start": weeks[w],
                "iso_week": f"2021-W{w + 1:02d}",
                "region": r,
                "incident_type": t,
                "count": c,
                "expected_count": float(c),
                "is_election_window": win,
            }
            for w, r, t, c, win in rows
        ]
    )
    df["region"] = df["region"].astype("category")
    df["incident_type"] = df["incident_type"].astype("category")
    df["count"] = df["count"].astype("Int64")
    df["is_election_window"] = df["is_election_window"].astype("boolean")
    return df


@pytest.fixture
def reports():
    # Region X: arrests 2 a week, smears 1 a week, weeks 0-9; week 6 is a spike (10 + 1) inside the window
    # (weeks 5-6); week 8 a spike (6 + 1) outside it. Region Y: 4 arrests a week, constant.
    rows = []
    for w in range(10):
        win = w in (5, 6)
        arrests = {6: 10, 8: 6}.get(w, 2)
        rows.append((w, "X", "arbitrary_arrest", arrests, win))
        rows.append((w, "X", "online_smear_campaign", 1, win))
        rows.append((w, "Y", "arbitrary_arrest", 4, win))
    return _reports(rows)


@pytest.fixture
def events():
    return pd.DataFrame(
        {
            "event_id": ["E1", "E1"],
            "event": ["simulated test election"] * 2,
            "election_date": ["2021-02-14", "2021-02-14"],
            "week_start": pd.to_datetime(["2021-02-08", "2021-02-15"]),
            "iso_week": ["2021-W06", "2021-W07"],
            "weeks_from_election": [0, 1],
            "intensity": [1.0, 0.5],
        }
    )


# --------------------------------------------------------------------------- tables


def test_select_filters_and_rejects_unknown_values(reports):
    assert len(rf.select(reports)) == len(reports)
    assert set(rf.select(reports, region="X")["region"].astype(str)) == {"X"}
    one = rf.select(reports, region="X", incident_type="online_smear_campaign")
    assert len(one) == 10 and one["count"].sum() == 10
    with pytest.raises(ValueError, match="unknown region"):
        rf.select(reports, region="Atlantis")
    with pytest.raises(ValueError, match="unknown incident_type"):
        rf.select(reports, incident_type="flood")


def test_weekly_counts_sums_types_per_region_and_week(reports):
    weekly = rf.weekly_counts(reports)
    assert list(weekly.columns) == ["region", "week_start", "count", "is_election_window"]
    assert len(weekly) == 20
    x = weekly[weekly["region"] == "X"]
    assert x["count"].tolist() == [3, 3, 3, 3, 3, 3, 11, 3, 7, 3]
    assert x["is_election_window"].tolist() == [w in (5, 6) for w in range(10)]
    assert weekly["count"].dtype == float
    total = rf.weekly_counts(reports, by=[])
    assert list(total.columns) == ["week_start", "count", "is_election_window"]
    assert total["count"].tolist()[6] == 15 and total["count"].sum() == reports["count"].sum()


def test_module_offers_no_general_detector_api():
    """The exercise asks for the baseline, the flags and the scores: the module must not hand them out."""
    for name in ["add_baseline", "flag_weeks", "evaluate", "flags_per_group", "detect", "threshold_sweep"]:
        assert not hasattr(rf, name), name


def test_series_baseline_uses_previous_weeks_only_and_each_region_alone(reports):
    x = rf._series(reports, region="X", window=3)
    assert list(x.columns) == ["week_start", "count", "is_election_window", "baseline", "spread"]
    assert x["count"].tolist() == [3, 3, 3, 3, 3, 3, 11, 3, 7, 3]
    # No baseline for the first three weeks; week 3 uses weeks 0-2 (3, 3, 3).
    assert x["baseline"].iloc[:3].isna().all()
    assert x["baseline"].iloc[3] == 3
    # Week 6 (the spike) is judged against weeks 3-5, not against itself.
    assert x["baseline"].iloc[6] == 3 and x["spread"].iloc[6] == 0
    # Week 7 sees the spike in its window: median of (3, 3, 11) is 3, mean 17/3.
    assert x["baseline"].iloc[7] == 3
    mean = rf._series(reports, region="X", window=3, stat="mean")
    assert mean["baseline"].iloc[7] == pytest.approx(17 / 3)
    assert mean["spread"].iloc[7] == pytest.approx(pd.Series([3, 3, 11.0]).std())
    # Region Y is a series of its own: no value leaks from region X.
    y = rf._series(reports, region="Y", window=3)
    assert y["baseline"].iloc[:3].isna().all() and (y["baseline"].iloc[3:] == 4).all()


def test_series_of_all_regions_and_bad_arguments(reports):
    total = rf._series(reports, window=2)
    assert total["baseline"].iloc[2] == 7 and math.isnan(total["baseline"].iloc[1])
    with pytest.raises(ValueError):
        rf._series(reports, window=0)
    with pytest.raises(ValueError):
        rf._series(reports, stat="mode")


def test_rule_ratio_and_z(reports):
    x = rf._series(reports, region="X", window=3)
    ratio = rf._apply_rule(x, threshold=2.0)
    assert ratio["flag"].tolist() == [False] * 6 + [True, False, True, False]  # 11 > 6 and 7 > 6
    assert ratio["limit"].iloc[6] == 6 and ratio["flag"].dtype == bool
    assert not rf._apply_rule(rf._series(reports, region="Y", window=3), threshold=2.0)["flag"].any()
    strict = rf._apply_rule(x, threshold=7 / 3)  # limit exactly 7 for week 8: not strictly above
    assert strict["flag"].tolist()[8] is False
    z = rf._apply_rule(x, threshold=1.0, rule="z")
    # Spread of weeks 3-5 is 0, so the rise in week 6 is flagged; week 8 (7) stays under 3 + sd(3, 11, 3) = 7.62.
    assert z["flag"].tolist() == [False] * 6 + [True, False, False, False]
    assert z["limit"].iloc[8] == pytest.approx(3 + pd.Series([3, 11, 3.0]).std())
    assert "flag" not in x.columns  # a copy
    with pytest.raises(ValueError):
        rf._apply_rule(x, rule="vibes")
    with pytest.raises(ValueError):
        rf._apply_rule(x, threshold=-1)


def test_score_text_counts_hits_false_alarms_and_missed(reports):
    flagged = rf._apply_rule(rf._series(reports, region="X", window=3), threshold=2.0)
    # Window weeks 5 and 6. Hit: week 6. False alarm: week 8. Missed: week 5.
    assert rf._score_text(flagged) == "1 hit(s), 1 false alarm(s), 1 missed election-window week(s)"
    assert rf._flag_label(flagged) == "Flagged: 1 hit(s), 1 false alarm(s)"


def test_election_windows(events):
    w = rf.election_windows(events)
    assert len(w) == 1
    row = w.iloc[0]
    assert row["first_week"] == pd.Timestamp("2021-02-08") and row["end"] == pd.Timestamp("2021-02-22")
    assert row["election_date"] == pd.Timestamp("2021-02-14")


# --------------------------------------------------------------------------- figures and widget


def test_series_figure_marks_flags_and_says_simulated(reports, events):
    fig = rf.series_figure(reports, events, region="X", incident_type="arbitrary_arrest", threshold=2.0, window=3)
    names = [t.name for t in fig.data]
    assert names[0] == "Reports per week (simulated)"
    assert len(fig.data) == 4
    flags = fig.data[3]
    assert list(flags.y) == [10, 6] and list(flags.x) == ["2021-02-15", "2021-03-01"]
    assert "simulated" in fig.layout.title.text.lower()
    assert "1 hit(s), 1 false alarm(s), 1 missed" in fig.layout.title.text
    assert "simulated" in fig.layout.meta["alt"].lower()
    assert fig.layout.shapes[0].x0 == "2021-02-08"
    colours = {fig.data[0].line.color, fig.data[2].line.color, fig.data[3].marker.color}
    assert colours <= set(OKABE_ITO)
    assert fig.data[3].marker.symbol == "triangle-up"  # not colour alone


def test_detector_figure_menu_and_slider(reports, events):
    fig = rf.detector_figure(reports, events, thresholds=[1.5, 2.0, 4.0], window=3, start=2.0)
    # All regions + X + Y, four traces each; only the first region visible at first.
    assert len(fig.data) == 12
    assert [bool(t.visible) for t in fig.data] == [True] * 4 + [False] * 8
    menu = fig.layout.updatemenus[0]
    assert [b.label for b in menu.buttons] == ["All regions", "X", "Y"]
    assert menu.buttons[1].args[0]["visible"] == [False] * 4 + [True] * 4 + [False] * 4
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["1.5", "2", "4"] and slider.active == 1
    step = slider.steps[2]
    assert list(step.args[1]) == [2, 3, 6, 7, 10, 11]
    # At threshold 4 region X has no flag at all, and its limit is 4 x baseline.
    assert all(v is None for v in step.args[0]["y"][3])
    assert step.args[0]["y"][2][6] == 12
    assert step.args[0]["name"][3] == "Flagged: 0 hit(s), 0 false alarm(s)"
    # Start state equals the threshold-2 step.
    assert list(fig.data[7].y) == slider.steps[1].args[0]["y"][3]
    assert "simulated" in fig.layout.title.text and "slider" in fig.layout.meta["alt"]
    with pytest.raises(ValueError):
        rf.detector_figure(reports, events, thresholds=[1.5], start=2.0)


def test_tradeoff_figure(reports):
    fig = rf.tradeoff_figure(reports, thresholds=[1.5, 2.0, 4.0], window=3)
    assert list(fig.data[0].y) == [1, 1, 0] and list(fig.data[1].y) == [1, 1, 0]
    assert list(fig.data[0].x) == ["1.5", "2", "4"]
    assert "simulated" in fig.layout.title.text and fig.layout.meta["alt"]


def test_widget_redraws_on_each_control(reports, events):
    w = rf.red_flag_detector(reports, events, region="X", incident_type="arbitrary_arrest", threshold=2.0, window=3)
    assert [v for _, v in w.region.options] == [rf.ALL, "X", "Y"]
    assert list(w.current_figure.data[3].y) == [10, 6]
    assert "1 hit(s)" in w.summary.value and "simulated" in w.summary.value.lower()
    w.threshold.value = 4.0  # limit 8 for both spikes: only the 10 stays above it
    assert list(w.current_figure.data[3].y) == [10] and "1 hit(s), 0 false alarm(s)" in w.summary.value
    w.threshold.value = 2.0
    w.region.value = "Y"
    assert len(w.current_figure.data[3].y) == 0
    assert "Y" in w.current_figure.layout.title.text
    w.region.value = "X"
    w.incident_type.value = rf.ALL
    assert list(w.current_figure.data[0].y)[6] == 11
    w.rule.value = "z"
    assert "spread" in w.current_figure.data[2].name
    w.window.value = 2
    assert w.current_figure.data[1].name.startswith("Baseline (median of previous 2 weeks)")


# --------------------------------------------------------------------------- simulated data


@pytest.fixture(scope="module")
def real():
    return cs.data.load_monitoring_reports_simulated(), cs.data.load_monitoring_reports_simulated_events()


def test_real_weekly_counts_and_ground_truth(real):
    df, events = real
    weekly = rf.weekly_counts(df)
    assert len(weekly) == 156 * 6
    assert weekly["count"].sum() == df["count"].sum()
    assert weekly["is_election_window"].sum() == 6 * len(events)
    windows = rf.election_windows(events)
    assert windows["election_date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-09-18", "2023-05-14"]


def test_real_baseline_matches_a_direct_computation(real):
    df, _ = real
    based = rf._series(df, region="Region A", window=8)
    a = df[df["region"] == "Region A"].groupby("week_start")["count"].sum().astype(float)
    expected = a.shift(1).rolling(8).median()
    got = based.set_index("week_start")["baseline"]
    pd.testing.assert_series_equal(got, expected, check_names=False, check_freq=False)


def test_real_scores_and_chapter_facts(real):
    df, events = real
    # The chapter's rule computed directly: per region, median of the previous 8 weeks, count > 2 x baseline.
    weekly = df.groupby(["region", "week_start"], observed=True)["count"].sum().astype(float).reset_index()
    weekly["baseline"] = weekly.groupby("region", observed=True)["count"].transform(lambda c: c.shift(1).rolling(8).median())
    flag = weekly["count"] > 2 * weekly["baseline"]
    truth = weekly["week_start"].isin(events["week_start"])
    facts = rf.chapter_facts(df, events)
    assert facts["n_region_window_weeks"] == int(truth.sum()) == 108
    assert facts["hits"] == int((flag & truth).sum()) and facts["false_alarms"] == int((flag & ~truth).sum())
    assert facts["missed"] == int((~flag & truth).sum())
    assert facts["n_weeks"] == 156 and facts["n_regions"] == 6 and facts["n_types"] == 5
    assert facts["national_election"] == "18 September 2022"
    # A lower threshold finds more, and raises more false alarms.
    assert facts["hits_low"] >= facts["hits"] >= facts["hits_high"]
    assert facts["false_alarms_low"] >= facts["false_alarms"] >= facts["false_alarms_high"]
    assert int(facts["mean_march"]) > int(facts["mean_september"])  # the simulated seasonal cycle
    totals = df.groupby("region", observed=True)["count"].sum()
    assert facts["smallest_region"] == str(totals.idxmin())
    assert facts["most_flags_n"] == int(flag.groupby(weekly["region"], observed=True).sum().max())


def test_real_detector_figure_is_small_enough(real):
    df, events = real
    fig = rf.detector_figure(df, events)
    assert len(fig.data) == 4 * 7
    assert len(fig.to_json()) < 160_000
    assert len(rf.tradeoff_figure(df).to_json()) < 10_000
