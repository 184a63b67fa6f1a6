"""What students receive, made from the instructor repository (instructor-only code).

- :mod:`~civicspace.editions.release`: the student versions of the assignments (nbgrader);
- :mod:`~civicspace.editions.student_edition`: the student edition, a git repository,
  scanned for instructor-only material before each commit;
- :mod:`~civicspace.editions.student_wheel`: the course as one ``pip install``.
"""
