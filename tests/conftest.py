"""Suite-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from runtime import db

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test`), one worker runs every browser test: they share one
    live server and one Chromium per process, which is cheaper to start once than per worker.
    """
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(autouse=True)
def _dispose_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close the connection pools of every engine a test created (apps make their own engine).

    Without this, an app's pooled connections are closed by the garbage collector during some
    later test, and the ResourceWarning (an error under filterwarnings=error) lands there.
    """
    made: list[Engine] = []
    real = db.make_engine

    def tracking(*args: Any, **kwargs: Any) -> Engine:
        engine = real(*args, **kwargs)
        made.append(engine)
        return engine

    monkeypatch.setattr(db, "make_engine", tracking)
    yield
    for engine in made:
        engine.dispose()
