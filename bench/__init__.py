"""Benchmarks of datasync_grades: ``python bench/run.py`` (``nox -s bench``) writes RESULTS.md."""
