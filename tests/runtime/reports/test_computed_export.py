"""Exports carry a service's computed values, worked out as of the day each case was filed."""

from __future__ import annotations

import datetime as dt

from builder import computed
from builder.bundle import normalise
from builder.canonical import digest
from runtime import store
from runtime.reporting import reports
from runtime.workdays import WIB

from .conftest import NIK, NOW, Data, add_case, definition


def test_computed_values_are_exported_after_the_answers(data: Data) -> None:
    changed = definition()
    changed["form"]["computed"] = {
        "banyak": {"count": "anggota", "label": {"id": "Banyak anggota", "en": "Members"}},
        "umur_pemohon": {"age": {"field": "nik"}},
    }
    with data.session() as session:
        normal = normalise(changed)
        version = store.publish_version(session, definition=normal, sha256=digest(normal))
        assert version.id is not None
        answers = {"nik": NIK, "nama": "Budi", "anggota": [{"nama_anggota": "Ani"}] * 2}
        case = add_case(
            session, version.id, data.service_id, state="diajukan", created=NOW, answers=answers
        )
        session.commit()
        keyed = reports.export_table(
            session, data.service_id, {version.id}, reports.ExportOptions(keys=True)
        )
        labelled = reports.export_table(session, data.service_id, {version.id})
    assert keyed.header[-2:] == ["banyak", "umur_pemohon"]
    assert labelled.header[-2:] == ["Banyak anggota", "umur_pemohon"]
    row = next(r for r in keyed.rows if r[0] == case.reference)
    filed = NOW.astimezone(WIB).date()
    assert row[-2] == 2
    assert row[-1] == computed.years_between(dt.date(1990, 8, 17), filed)
