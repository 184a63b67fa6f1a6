"""The instructor's grading tools (never in the student edition).

- :mod:`~civicspace.grading.notebooks`: nbgrader metadata of the course's notebooks, the
  instructor-notebook linter and the secret lines of solutions and hidden tests;
- :mod:`~civicspace.grading.sandbox`: the bubblewrap sandbox and its resource limits;
- :mod:`~civicspace.grading.execute`, :mod:`~civicspace.grading.agent`,
  :mod:`~civicspace.grading.codec`: a submission's kernel and the test kernel, and the
  data-only channel between them;
- :mod:`~civicspace.grading.runner`: nbgrader's command line with the kernel workaround;
- the sandboxed, parallel grading pipeline (:mod:`~civicspace.grading.pipeline`, what
  ``civicspace grade`` runs) and its steps: :mod:`~civicspace.grading.intake` (checks before
  any code runs), :mod:`~civicspace.grading.config` (the course's nbgrader configuration and
  the sandbox's layer), :mod:`~civicspace.grading.batch` (scratch courses graded in parallel),
  :mod:`~civicspace.grading.outputs` (output size caps), :mod:`~civicspace.grading.merge`
  (into the course gradebook), :mod:`~civicspace.grading.feedback` (hidden tests redacted)
  and :mod:`~civicspace.grading.items` (item analysis);
- :mod:`~civicspace.grading.lms`: grade files for Canvas and Moodle.
"""
