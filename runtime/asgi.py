"""ASGI entry point for servers: `uvicorn runtime.asgi:app` builds the app from LOKET_* settings."""

from __future__ import annotations

from typing import Any

from runtime.app import create_app
from runtime.settings import Settings


def __getattr__(name: str) -> Any:
    # Built on first access, not at import time, so that importing this module has no effect.
    if name == "app":
        application = create_app(Settings.from_env())
        globals()["app"] = application
        return application
    raise AttributeError(name)
