"""`python -m runtime.cli …` runs the `loket` command."""

from runtime.cli import main

main()
