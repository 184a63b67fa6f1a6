"""The instructor's grading tools (never in the student edition).

- :mod:`~civicspace.grading.notebooks`: nbgrader metadata of the course's notebooks, the
  instructor-notebook linter and the secret lines of solutions and hidden tests;
- :mod:`~civicspace.grading.sandbox`: the bubblewrap sandbox and its resource limits;
- :mod:`~civicspace.grading.execute`, :mod:`~civicspace.grading.agent`,
  :mod:`~civicspace.grading.codec`: a submission's kernel and the test kernel, and the
  data-only channel between them;
- :mod:`~civicspace.grading.runner`: nbgrader's command line with the kernel workaround;
- :mod:`~civicspace.grading.autograde`: the sandboxed, parallel grading pipeline;
- :mod:`~civicspace.grading.lms`: grade files for Canvas and Moodle.
"""
