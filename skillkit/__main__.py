"""`python -m skillkit` runs the command line."""

from skillkit.cli import run

run()
