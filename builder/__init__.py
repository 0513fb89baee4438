"""Loket builder: load, validate, compile, diff and build service definitions.

Pure Python: no web framework, no database, no templating (see builder/README.md).
"""

__version__ = "0.1.0"
