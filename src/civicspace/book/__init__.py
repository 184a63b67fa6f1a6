"""The online book's build: the Sphinx extension (:mod:`~civicspace.book.sphinxext`) and
the Data appendix written from ``datasets/datapackage.json`` (:mod:`~civicspace.book.datadoc`)."""
