"""The course can be reused and cited: code, text and data licences are stated where users look."""

from __future__ import annotations

import yaml
from conftest import ROOT

from civicspace.editions import student_edition as edition


def test_code_licence_is_mit_and_matches_the_package_metadata():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_text_licence_is_cc_by_4_in_its_file_the_readme_and_every_page_footer():
    assert "CC BY 4.0" in (ROOT / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in (ROOT / "README.md").read_text(encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "CC BY 4.0" in config["html"]["extra_footer"]


def test_citation_file_is_valid_cff_with_both_licences():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version"):
        assert cff[key], key
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}


def test_licences_ship_with_the_student_edition():
    for name in ("LICENSE", "LICENSE-CONTENT.md", "CITATION.cff"):
        assert name in edition.COPIED
