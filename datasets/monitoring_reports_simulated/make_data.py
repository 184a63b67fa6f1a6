"""Generate SIMULATED weekly incident reports of a civil-society monitoring coalition.

No input files: every number comes from the parameters below and a seeded random
generator (numpy.random.default_rng(SEED)). The data are invented for teaching
(chapter 11: coalitions that monitor compliance with red-flag mechanisms); the six
regions are fictional ("Region A" ... "Region F") and no count describes a real
place, person or event. Writes, next to this script (or into OUT_DIR):

- monitoring_reports_simulated.csv: one row per ISO week (2021-W01 ... 2023-W52,
  156 weeks), region (6) and incident type (5): 4,680 rows of simulated counts;
- monitoring_reports_simulated_events.csv: the ground truth, one row per week of
  each simulated election window, with its position relative to election day and
  the intensity of the spike that week.

Model (every parameter is explained in README.md): for week w, region r, type t

    expected = TYPE_RATE[t] * REGION_SCALE[r] * trend(w) * season(w) * election(w, t)
    count    ~ Poisson(expected)

    trend(w)       = (1 + TREND_PER_YEAR) ** (years since 2021-01-04)
    season(w)      = 1 + SEASON_AMPLITUDE * cos(2 pi (iso_week - SEASON_PEAK_WEEK) / 52)
    election(w, t) = 1 + (SPIKE[t] - 1) * STRENGTH[event] * RAMP[k]   (k = week relative to election day)
                     1 outside the windows.

Run from the repository root:  python datasets/monitoring_reports_simulated/make_data.py [OUT_DIR]
Deterministic: the same SEED gives the same bytes (with the numpy the project pins).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUTPUT = "monitoring_reports_simulated.csv"
EVENTS_OUTPUT = "monitoring_reports_simulated_events.csv"

#: Seed of numpy.random.default_rng; change it only deliberately (the CSVs are committed).
SEED = 20211101

#: First and last ISO years simulated (ISO weeks: Monday to Sunday).
FIRST_ISO_YEAR, LAST_ISO_YEAR = 2021, 2023

#: Fictional regions and their scale factor (relative level of monitored incidents:
#: Region A, the capital region, has the most monitors and reports).
REGION_SCALE = {
    "Region A": 1.6,
    "Region B": 1.2,
    "Region C": 1.0,
    "Region D": 0.8,
    "Region E": 0.6,
    "Region F": 0.4,
}

#: Incident types and their baseline rate (expected reports per week in a region of scale 1,
#: in the first week of 2021, before the seasonal term).
TYPE_RATE = {
    "arbitrary_arrest": 2.0,
    "assault_on_defender": 0.6,
    "raid_on_ngo_office": 0.3,
    "online_smear_campaign": 3.0,
    "registration_refusal": 0.8,
}

#: Growth of every rate per year (a slowly shrinking civic space): +8 % a year.
TREND_PER_YEAR = 0.08

#: Seasonal term: rates are 25 % above the trend at ISO week 10 (early March) and
#: 25 % below it half a year later.
SEASON_AMPLITUDE = 0.25
SEASON_PEAK_WEEK = 10

#: Multiplier of each incident type at the peak of a full-strength election spike.
SPIKE = {
    "arbitrary_arrest": 3.0,
    "assault_on_defender": 2.5,
    "raid_on_ngo_office": 2.5,
    "online_smear_campaign": 4.0,
    "registration_refusal": 1.5,
}

#: Shape of a spike: share of the peak excess applied k weeks from the week of election
#: day (k = 0); it builds up over the six weeks of the campaign and fades over two weeks.
RAMP = {-6: 0.15, -5: 0.3, -4: 0.45, -3: 0.6, -2: 0.75, -1: 0.9, 0: 1.0, 1: 0.6, 2: 0.3}

#: The simulated elections (all regions): id, name, election day (a Sunday), strength
#: (share of the full spike: the local elections stir up half as much).
EVENTS = [
    ("E1", "simulated national election", dt.date(2022, 9, 18), 1.0),
    ("E2", "simulated local elections", dt.date(2023, 5, 14), 0.5),
]

START = dt.date.fromisocalendar(FIRST_ISO_YEAR, 1, 1)  # Monday 2021-01-04


def weeks() -> list[dt.date]:
    """Monday of every ISO week from FIRST_ISO_YEAR-W01 to the last week of LAST_ISO_YEAR."""
    end = dt.date.fromisocalendar(LAST_ISO_YEAR + 1, 1, 1)
    out, day = [], START
    while day < end:
        out.append(day)
        day += dt.timedelta(weeks=1)
    return out


def iso_week(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def event_weeks() -> list[dict]:
    """The ground truth: every week of every election window, with its spike intensity."""
    rows = []
    for event_id, name, day, strength in EVENTS:
        monday = day - dt.timedelta(days=day.weekday())
        for k, share in RAMP.items():
            week_start = monday + dt.timedelta(weeks=k)
            rows.append(
                {
                    "event_id": event_id,
                    "event": name,
                    "election_date": day.isoformat(),
                    "week_start": week_start.isoformat(),
                    "iso_week": iso_week(week_start),
                    "weeks_from_election": k,
                    "intensity": round(strength * share, 4),
                }
            )
    return rows


def expected_counts(mondays: list[dt.date]) -> np.ndarray:
    """Expected count per (week, region, type), shape (len(mondays), 6, 5)."""
    intensity = {}
    for row in event_weeks():
        if row["week_start"] in intensity:
            raise SystemExit(f"election windows overlap in week {row['iso_week']}")
        intensity[row["week_start"]] = row["intensity"]
    types = list(TYPE_RATE)
    base = np.outer(list(REGION_SCALE.values()), list(TYPE_RATE.values()))  # (region, type)
    spike = np.array([SPIKE[t] for t in types])
    lam = np.empty((len(mondays), *base.shape))
    for i, monday in enumerate(mondays):
        years = (monday - START).days / 365.25
        trend = (1 + TREND_PER_YEAR) ** years
        season = 1 + SEASON_AMPLITUDE * math.cos(2 * math.pi * (monday.isocalendar()[1] - SEASON_PEAK_WEEK) / 52)
        election = 1 + (spike - 1) * intensity.get(monday.isoformat(), 0.0)
        lam[i] = base * trend * season * election
    return lam


def generate(seed: int = SEED) -> tuple[list[dict], list[dict]]:
    mondays = weeks()
    lam = expected_counts(mondays)
    counts = np.random.default_rng(seed).poisson(lam)
    window = {row["week_start"] for row in event_weeks()}
    rows = []
    for i, monday in enumerate(mondays):
        for j, region in enumerate(REGION_SCALE):
            for k, incident_type in enumerate(TYPE_RATE):
                rows.append(
                    {
                        "week_start": monday.isoformat(),
                        "iso_week": iso_week(monday),
                        "region": region,
                        "incident_type": incident_type,
                        "count": int(counts[i, j, k]),
                        "expected_count": f"{lam[i, j, k]:.4f}",
                        "is_election_window": "true" if monday.isoformat() in window else "false",
                    }
                )
    rows.sort(key=lambda r: (r["week_start"], r["region"], r["incident_type"]))
    return rows, event_weeks()


def write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path = HERE) -> None:
    rows, events = generate()
    write(out_dir / OUTPUT, rows)
    write(out_dir / EVENTS_OUTPUT, events)
    print(f"wrote {len(rows)} rows to {out_dir / OUTPUT} (SIMULATED data, seed {SEED})")
    print(f"wrote {len(events)} rows to {out_dir / EVENTS_OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
