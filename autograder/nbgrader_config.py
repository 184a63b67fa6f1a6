"""nbgrader course configuration. Run nbgrader from this folder (``cd autograder``).

Layout (nbgrader's defaults, except where the source assignments live):

- ``../exercises/<assignment>/``  instructor versions, with solutions and hidden tests
- ``release/<assignment>/``       student versions (made by ``nbgrader generate_assignment``)
- ``submitted/<student>/<assignment>/``, ``autograded/...``, ``feedback/...``
- ``gradebook.db``                the SQLite gradebook (never committed); set
  ``c.CourseDirectory.db_url`` to use another database (e.g. a shared PostgreSQL one)
- ``rubrics/<assignment>.md``     instructor-only rubrics for the written answers

The folders other than ``rubrics/`` are made by nbgrader and are git-ignored.

This file is the configuration of the grading pipeline too (``civicspace grade``): it
adds only what its sandbox needs (the sandboxed kernels, their sockets and runtime
folder, the two-kernel Execute step); every other setting here is honoured, e.g.

    c.CourseDirectory.db_url = "postgresql+psycopg2:///civicspace?host=/run/postgresql"
    c.LateSubmissionPlugin.penalty_method = "zero"   # a late notebook scores 0
"""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "civicspace"
# Instructor sources live in the repository's exercises/ folder, one folder per assignment.
c.CourseDirectory.source_directory = "../exercises"

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Limits for running a submission: the per-cell time limit, in seconds, is also the grading
# pipeline's (`civicspace grade --cell-timeout N` overrides it for one run); the sandbox adds
# its own memory, process, CPU and file-size limits on top.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
