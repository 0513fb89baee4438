"""The `loket` command (typer): `main` is the console script, `app` the command tree (the
builder's, with the runtime's commands added by `runtime.cli.main`)."""

from builder.cli import app
from runtime.cli.main import main

__all__ = ["app", "main"]
