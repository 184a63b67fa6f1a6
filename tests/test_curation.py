"""Documented corrections to curated source tables are applied only while their source is unchanged."""

import pytest

from civicspace.curation import SourceError, apply_corrections


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
