"""Copy the gradebook records a scratch course needs, and merge its grades back into the
course gradebook (one writer per run; any database nbgrader's ``db_url`` names)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from civicspace.grading.config import course_directory
from civicspace.grading.intake import SubmissionResult


def copy_gradebook(src_url: str, dst_url: str, course_id: str, assignment: str, students: list[str]) -> None:
    """Copy what autograding ``students`` on ``assignment`` needs from one gradebook to a new one.

    The assignment (its notebooks, cells and due date), the students and their existing
    submissions of it, with their grades and comments: every row of nbgrader's tables
    that belongs to them, whatever database either URL names.
    """
    from nbgrader.api import Base
    from sqlalchemy import MetaData, Table, create_engine, inspect, select

    wanted = set(students)
    kept: dict[str, set] = {}
    src, dst = create_engine(src_url, future=True), create_engine(dst_url, future=True)
    try:
        Base.metadata.create_all(bind=dst)  # nbgrader's schema, as nbgrader makes it
        with src.connect() as read, dst.begin() as write:
            if "alembic_version" in inspect(read).get_table_names():  # the schema's version, as in the source
                version = Table("alembic_version", MetaData(), autoload_with=read)
                version.create(bind=write, checkfirst=True)
                rows = [dict(r._mapping) for r in read.execute(select(version))]
                if rows:
                    write.execute(version.insert(), rows)
            for table in Base.metadata.sorted_tables:
                query = select(table)
                if table.name == "student":
                    query = query.where(table.c.id.in_(wanted))
                elif table.name == "assignment":
                    query = query.where(table.c.name == assignment)
                elif table.name == "course":
                    query = query.where(table.c.id == course_id)
                rows = [dict(r._mapping) for r in read.execute(query)]
                links = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
                rows = [r for r in rows if all(r[col] is None or r[col] in kept.get(ref, ()) for col, ref in links)]
                if rows:
                    write.execute(table.insert(), rows)
                kept[table.name] = {r["id"] for r in rows}
            if not kept.get("course"):  # a gradebook nbgrader has not opened for this course yet
                write.execute(Base.metadata.tables["course"].insert(), [{"id": course_id}])
    finally:
        src.dispose()
        dst.dispose()


# --------------------------------------------------------------------------- merging (one writer)


def merge_into_gradebook(course: Path, assignment: str, results: list[SubmissionResult], expected: list[str]) -> None:
    """Copy each student's grades from its batch's scratch gradebook into the course gradebook.

    One writer per run: called once, after every batch has finished. The course gradebook
    (the course configuration's ``db_url``, whatever database it names) and each scratch
    gradebook are opened once for the whole class. A student's record that another grading
    run writes at the same moment (a shared PostgreSQL gradebook) is tried again.
    """
    import warnings
    from contextlib import ExitStack

    from nbgrader.api import Gradebook

    coursedir = course_directory(course)
    with warnings.catch_warnings(), ExitStack() as stack:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notices from nbgrader's API
        main = stack.enter_context(Gradebook(coursedir.db_url, coursedir.course_id))
        scratch_books: dict[Path, Gradebook] = {}
        for result in results:
            scratch_db = result.scratch / "gradebook.db" if result.scratch else None
            other = None
            if result.status == "graded" and scratch_db and scratch_db.exists():
                if scratch_db not in scratch_books:
                    scratch_books[scratch_db] = stack.enter_context(Gradebook(f"sqlite:///{scratch_db}", coursedir.course_id))
                other = scratch_books[scratch_db]
            for attempt in range(MERGE_ATTEMPTS):
                try:
                    notes = _merge_one(main, other, assignment, result, expected)
                    main.db.commit()
                    result.messages += notes
                    break
                except Exception as exc:  # one student's bad record must not stop the others'
                    main.db.rollback()
                    if attempt + 1 < MERGE_ATTEMPTS and _is_concurrent_write(exc):
                        time.sleep(0.2 * (attempt + 1))
                        continue
                    result.status = "not merged"
                    result.messages.append(f"could not record the grades in the gradebook: {type(exc).__name__}: {exc}")
                    break
            if result.status == "not merged":
                continue
            if result.scratch:
                src = result.scratch / "autograded" / result.student / assignment
                dst = course / "autograded" / result.student / assignment
                if src.is_dir() and any(src.glob("*.ipynb")):
                    shutil.rmtree(dst, ignore_errors=True)
                    shutil.copytree(src, dst)


#: How often a student's record is written before giving up when another run writes it at the same time.
MERGE_ATTEMPTS = 4


def _is_concurrent_write(exc: Exception) -> bool:
    """An error that another writer of the same gradebook caused (a student or course row created by
    both at once, a serialisation failure or deadlock): writing again succeeds."""
    from nbgrader.api import InvalidEntry
    from sqlalchemy.exc import IntegrityError, OperationalError

    return isinstance(exc, (InvalidEntry, IntegrityError, OperationalError))


def _merge_one(main, other, assignment: str, result: SubmissionResult, expected: list[str]) -> list[str]:
    """Write one student's grades into ``main``; return the notes for the log (nothing is
    added to ``result`` here, so a write that is tried again does not repeat them)."""
    from nbgrader.api import MissingEntry

    notes: list[str] = []
    main.update_or_create_student(result.student)
    # Update, never remove: a re-run must keep the scores entered by hand in formgrader.
    sub = main.update_or_create_submission(assignment, result.student)
    copied = False
    fresh: set[tuple[str, str]] = set()  # (notebook, cell) whose score this run recorded
    if other is not None:
        try:
            theirs_sub = other.find_submission(assignment, result.student)
            sub.timestamp = theirs_sub.timestamp  # from timestamp.txt: late penalties use it
            copied = True
        except MissingEntry:
            notes.append("no grades recorded by nbgrader; scored 0")
        if copied:
            for nb_name in expected:
                notebook = nb_name[: -len(".ipynb")]
                mine_nb = main.find_submission_notebook(notebook, assignment, result.student)
                try:  # the late penalty nbgrader's AssignLatePenalties set (the course's LateSubmissionPlugin)
                    mine_nb.late_submission_penalty = other.find_submission_notebook(
                        notebook, assignment, result.student
                    ).late_submission_penalty
                except MissingEntry:
                    pass
                for grade in mine_nb.grades:
                    try:
                        theirs = other.find_grade(grade.cell.name, notebook, assignment, result.student)
                    except MissingEntry:
                        continue
                    flagged = nb_name in result.flags
                    grade.auto_score = theirs.auto_score
                    if theirs.auto_score is not None:  # a test the student deleted has a grade row but no score
                        fresh.add((notebook, grade.cell.name))
                    grade.needs_manual_grade = (theirs.needs_manual_grade or flagged) and grade.manual_score is None
                for comment in mine_nb.comments:
                    try:
                        theirs = other.find_comment(comment.cell.name, notebook, assignment, result.student)
                        comment.auto_comment = theirs.auto_comment
                    except MissingEntry:
                        pass
    # Whatever this run could not grade scores 0 on its autograded tests (never "not graded =
    # pass"), also when an earlier run had scored it: the log says "scored 0", so must the gradebook.
    for nb_name in expected:
        notebook = nb_name[: -len(".ipynb")]
        for grade in main.find_submission_notebook(notebook, assignment, result.student).grades:
            is_test = grade.cell.cell_type == "code" and not _is_solution(main, grade.cell.name, notebook, assignment)
            if is_test and (notebook, grade.cell.name) not in fresh:
                if result.status == "graded" and nb_name not in result.flags:
                    notes.append(f"{nb_name}: test cell {grade.cell.name} is missing from the submission; scored 0")
                grade.auto_score = 0.0
                grade.needs_manual_grade = nb_name in result.flags and grade.manual_score is None
    return notes


def _is_solution(gb, cell_name: str, notebook: str, assignment: str) -> bool:
    from nbgrader.api import MissingEntry

    try:
        gb.find_solution_cell(cell_name, notebook, assignment)
        return True
    except MissingEntry:
        return False
