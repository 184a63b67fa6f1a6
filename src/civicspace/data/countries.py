"""One naming rule for countries across every dataset: ISO 3166 codes, readable names.

``make_data.py`` scripts use these functions so that a country has the same
``iso3`` code and the same ``country`` name in every table of the course.
Codes outside ISO 3166-1 that research datasets use for historical or disputed
entities are listed in :data:`NON_ISO`; they never collide with ISO codes.
"""

from __future__ import annotations

from functools import cache

import pycountry

#: Shorter names where the ISO short name is long or inverted ("Korea, Republic of").
DISPLAY = {
    "COD": "DR Congo",
    "COG": "Congo (Brazzaville)",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "IRN": "Iran",
    "SYR": "Syria",
    "TZA": "Tanzania",
    "VEN": "Venezuela",
    "BOL": "Bolivia",
    "MDA": "Moldova",
    "LAO": "Laos",
    "FSM": "Micronesia",
    "RUS": "Russia",
    "VNM": "Vietnam",
    "BRN": "Brunei",
    "TWN": "Taiwan",
    "PSE": "Palestine",
    "CZE": "Czechia",
    "TUR": "Türkiye",
}

#: Non-ISO codes used by research datasets (V-Dem and others) for entities with no ISO 3166-1 code.
NON_ISO = {
    "XKX": "Kosovo",
    "SML": "Somaliland",
    "ZZB": "Zanzibar",
    "PSG": "Palestine/Gaza",
    "DDR": "German Democratic Republic",
    "YMD": "South Yemen",
    "VDR": "Republic of Vietnam",
}


@cache
def country_name(iso3: str) -> str:
    """Readable English name of the country with ISO 3166-1 alpha-3 code ``iso3``."""
    if iso3 in DISPLAY:
        return DISPLAY[iso3]
    if iso3 in NON_ISO:
        return NON_ISO[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise KeyError(f"unknown country code {iso3!r} (not ISO 3166-1 alpha-3, nor in civicspace.data.countries.NON_ISO)")
    return getattr(country, "common_name", None) or country.name


def iso3_from_iso2(iso2: str) -> str:
    """ISO alpha-3 code for an alpha-2 code (raises KeyError naming the code)."""
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        raise KeyError(f"unknown ISO 3166-1 alpha-2 code {iso2!r}")
    return country.alpha_3


def is_known(iso3: str) -> bool:
    """True for ISO 3166-1 alpha-3 codes and the documented non-ISO codes."""
    return iso3 in NON_ISO or pycountry.countries.get(alpha_3=iso3) is not None
