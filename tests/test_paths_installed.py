"""The package finds its course files in a repository and when installed from the student wheel.

Fast checks (no wheel build): :func:`civicspace.paths.course_root` on made-up layouts; the
real package copied into a ``site-packages`` folder with its ``coursefiles/`` loads data
with no repository around it; ``civicspace-course``'s copying never overwrites a file;
the student guide gives the wheel's published address. The full path (build the wheel, pip-install it in a fresh environment) is
tests/test_student_wheel.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_python_on

from civicspace import course, paths
from civicspace.editions import student_wheel as studentkit


def _package(tmp_path: Path, layout: str) -> Path:
    """An empty package folder in a repository (src layout) or in site-packages."""
    if layout == "repo":
        package = tmp_path / "repo" / "src" / "civicspace"
    else:
        package = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "civicspace"
    package.mkdir(parents=True)
    return package


def test_course_root_is_the_repository_when_it_has_the_datasets(tmp_path):
    package = _package(tmp_path, "repo")
    (tmp_path / "repo" / "datasets").mkdir()
    (tmp_path / "repo" / "datasets" / "datapackage.json").write_text("{}", encoding="utf-8")
    (package / paths.COURSE_FILES_DIR).mkdir()  # even with installed course files next to it
    assert paths.course_root(package) == tmp_path / "repo"


def test_course_root_is_the_installed_course_files_outside_a_repository(tmp_path):
    package = _package(tmp_path, "site")
    (package / paths.COURSE_FILES_DIR / "datasets").mkdir(parents=True)
    assert paths.course_root(package) == package / paths.COURSE_FILES_DIR


def test_course_root_without_any_course_files_names_the_repository_path(tmp_path):
    """Nothing anywhere: the repository path, so a missing-file error names where the files belong."""
    package = _package(tmp_path, "site")
    assert paths.course_root(package) == package.parents[1]


def test_course_root_in_this_repository():
    assert paths.course_root(ROOT / "src" / "civicspace") == ROOT


def test_installed_package_loads_data_from_its_course_files(tmp_path):
    """The package copied into site-packages with coursefiles/ (as the wheel installs it), imported
    with no repository on the path: datasets, the data package and the assignments come from coursefiles/."""
    site = tmp_path / "site-packages"
    package = site / "civicspace"
    shutil.copytree(ROOT / "src" / "civicspace", package, ignore=shutil.ignore_patterns("__pycache__"))
    files = package / paths.COURSE_FILES_DIR
    shutil.copytree(ROOT / "datasets", files / "datasets", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (files / "exercises" / "ch00_jupyter_pandas").mkdir(parents=True)
    (files / "exercises" / "ch00_jupyter_pandas" / "ch00_jupyter_pandas.ipynb").write_text("{}", encoding="utf-8")
    script = (
        "import json, civicspace as cs\n"
        "from civicspace import paths\n"
        "t = cs.data.load_treaty_ratification()\n"
        "print(json.dumps({'file': cs.__file__, 'root': str(paths.repo_root()), 'datasets': str(paths.datasets_dir()),"
        " 'rows': len(t), 'assignments': paths.assignments()}))\n"
    )
    res = run_python_on(site, ["-c", script], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout.strip().splitlines()[-1])
    assert Path(info["file"]).parent == package, "the copy in site-packages is the one imported"
    assert Path(info["root"]) == files
    assert Path(info["datasets"]) == files / "datasets"
    expected_rows = (
        sum(1 for _ in (ROOT / "datasets" / "treaty_ratification" / "treaty_ratification.csv").open(encoding="utf-8")) - 1
    )
    assert info["rows"] == expected_rows
    assert info["assignments"] == ["ch00_jupyter_pandas"]


def test_installed_package_without_course_files_says_which_file_is_missing(tmp_path):
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "src" / "civicspace", site / "civicspace", ignore=shutil.ignore_patterns("__pycache__"))
    res = run_python_on(site, ["-c", "import civicspace as cs; cs.data.load_treaty_ratification()"], cwd=tmp_path)
    assert res.returncode != 0
    assert (
        str(tmp_path / "datasets" / "datapackage.json") in res.stderr
    )  # site-packages/.. = where a repository's datasets/ would be


# --------------------------------------------------------------------------- civicspace-course


def _course_files(tmp_path: Path) -> Path:
    src = tmp_path / "installed"
    (src / "chapters").mkdir(parents=True)
    (src / "chapters" / "01_foundations.ipynb").write_text("chapter 1", encoding="utf-8")
    (src / "exercises" / "ch01_foundations").mkdir(parents=True)
    (src / "exercises" / "ch01_foundations" / "ch01_foundations.ipynb").write_text("exercise 1", encoding="utf-8")
    (src / "glossary.md").write_text("glossary", encoding="utf-8")
    (src / "datasets").mkdir()
    (src / "datasets" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    return src


def test_copy_course_copies_chapters_exercises_and_glossary_but_not_data(tmp_path):
    src = _course_files(tmp_path)
    result = course.copy_course(tmp_path / "home" / "my course", src)
    dest = tmp_path / "home" / "my course"
    assert sorted(p.as_posix() for p in result.copied) == [
        "chapters/01_foundations.ipynb",
        "exercises/ch01_foundations/ch01_foundations.ipynb",
        "glossary.md",
    ]
    assert result.kept == []
    assert (dest / "exercises" / "ch01_foundations" / "ch01_foundations.ipynb").read_text(encoding="utf-8") == "exercise 1"
    assert not (dest / "datasets").exists(), "notebooks load the data from the package"


def test_copy_course_never_overwrites_a_students_work(tmp_path):
    src = _course_files(tmp_path)
    dest = tmp_path / "course"
    course.copy_course(dest, src)
    mine = dest / "exercises" / "ch01_foundations" / "ch01_foundations.ipynb"
    mine.write_text("my answers", encoding="utf-8")
    (dest / "chapters" / "01_foundations.ipynb").unlink()  # deleted: copied again
    result = course.copy_course(dest, src)
    assert mine.read_text(encoding="utf-8") == "my answers"
    assert [p.as_posix() for p in result.kept] == ["exercises/ch01_foundations/ch01_foundations.ipynb", "glossary.md"]
    assert [p.as_posix() for p in result.copied] == ["chapters/01_foundations.ipynb"]


def test_course_command_lists_what_it_kept(tmp_path, monkeypatch, capsys):
    src = _course_files(tmp_path)
    monkeypatch.setattr(course, "course_files", lambda: src)
    monkeypatch.setattr(course, "make_offline", lambda: None)  # not this environment's JupyterLab
    dest = tmp_path / "course"
    assert course.main(["--dir", str(dest), "--no-launch"]) == 0
    (dest / "glossary.md").write_text("my notes", encoding="utf-8")
    assert course.main(["--dir", str(dest), "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "kept 3 file(s) already there" in out and "  glossary.md" in out
    assert (dest / "glossary.md").read_text(encoding="utf-8") == "my notes"


def test_course_command_refuses_a_file_as_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "course_files", lambda: _course_files(tmp_path))
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    assert course.main(["--dir", str(tmp_path / "afile"), "--no-launch"]) == 1
    assert f"{tmp_path / 'afile'}: exists and is not a folder" in capsys.readouterr().err


def test_course_command_outside_the_installed_package_explains(tmp_path):
    """In the repository (no coursefiles/ in the package) the command says what it is for."""
    with pytest.raises(course.CourseError, match="installed student package"):
        course.copy_course(tmp_path / "c")


def test_student_guide_gives_the_published_wheel():
    """The guide's install commands use the wheel's file name and the student edition's
    releases (repository.url of _config.yml), on Windows and on macOS/Linux."""
    guide = (ROOT / "book" / "guides" / "students.md").read_text(encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = studentkit.wheel_url(config, studentkit.project_version(ROOT))
    assert url.startswith(config["repository"]["url"].rstrip("/") + "/releases/latest/download/")
    assert guide.count(f"python -m pip install {url}\n") == 2
    assert "\\civicspace-env\\Scripts\\civicspace-course\n" in guide and "civicspace-env/bin/civicspace-course\n" in guide
    assert guide.index("Open on Binder") < guide.index(url), "Binder first, then the set-up on one's own computer"
