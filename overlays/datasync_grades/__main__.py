"""`python -m datasync_grades ...`: the command line (needs the `cli` extra)."""

from datasync_grades.cli import main

main()
