"""nbgrader course configuration. Run nbgrader from this folder (``cd autograder``).

Layout (nbgrader's defaults, except where the source assignments live):

- ``../exercises/<assignment>/``  instructor versions, with solutions and hidden tests
- ``release/<assignment>/``       student versions (made by ``nbgrader generate_assignment``)
- ``submitted/<student>/<assignment>/``, ``autograded/...``, ``feedback/...``
- ``gradebook.db``                the SQLite gradebook (never committed)
- ``rubrics/<assignment>.md``     instructor-only rubrics for the written answers

The folders other than ``rubrics/`` are made by nbgrader and are git-ignored.
"""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "civicspace"
# Instructor sources live in the repository's exercises/ folder, one folder per assignment.
c.CourseDirectory.source_directory = "../exercises"

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Limits for running a submission (the sandboxed pipeline adds its own on top).
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
