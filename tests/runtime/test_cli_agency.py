"""`loket agency add`, `update` and `list` on a migrated database (SQLite in tmp_path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from runtime import agencies, db
from runtime.cli import app
from runtime.models import Agency
from runtime.settings import Settings
from tests.runtime.admin.test_admin_agencies import png


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated, empty data folder named in the environment the command reads."""
    monkeypatch.setenv("LOKET_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOKET_SECRET_KEY", "cli-test-secret-key-0123456789-abcdefghij")
    monkeypatch.delenv("LOKET_DATABASE_URL", raising=False)
    db.migrate(Settings.from_env())
    return tmp_path


def _stored(agency_id: str) -> tuple[Agency | None, bool]:
    engine = db.make_engine(Settings.from_env())
    try:
        with Session(engine) as session:
            return session.get(Agency, agency_id), agencies.logo_of(session, agency_id) is not None
    finally:
        engine.dispose()


def test_add_update_and_list(data_dir: Path) -> None:
    logo = data_dir / "logo.png"
    logo.write_bytes(png())
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "agency",
            "add",
            "disperkim",
            "--name",
            "Dinas Perumahan dan Kawasan Permukiman",
            "--parent",
            "Pemerintah Kota Bandar Lampung",
            "--phone",
            "0721 255 255",
            "--logo",
            str(logo),
        ],
    )
    assert added.exit_code == 0, added.output
    agency, has_logo = _stored("disperkim")
    assert agency is not None and agency.phone == "+62721255255" and has_logo

    updated = runner.invoke(
        app, ["agency", "update", "disperkim", "--city", "Bandar Lampung", "--remove-logo"]
    )
    assert updated.exit_code == 0, updated.output
    agency, has_logo = _stored("disperkim")
    assert agency is not None and agency.city == "Bandar Lampung" and not has_logo
    assert agency.name == "Dinas Perumahan dan Kawasan Permukiman"  # not named: unchanged

    listed = runner.invoke(app, ["agency", "list"])
    assert listed.exit_code == 0
    assert "disperkim" in listed.output and "Pemerintah Kota Bandar Lampung" in listed.output


def test_mistakes_are_each_reported(data_dir: Path) -> None:
    bad = data_dir / "logo.gif"
    bad.write_bytes(b"GIF89a....")
    result = CliRunner().invoke(
        app,
        [
            "agency",
            "add",
            "Dinas Baru",
            "--name",
            " ",
            "--email",
            "bukan-surel",
            "--logo",
            str(bad),
        ],
    )
    assert result.exit_code == 1
    for name in ("id:", "name:", "email:", "logo:"):
        assert name in result.output
    assert _stored("Dinas Baru")[0] is None


def test_updating_an_unknown_agency_fails(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["agency", "update", "tidak-ada", "--city", "Metro"])
    assert result.exit_code == 1
    assert "tidak dikenal" in result.output
