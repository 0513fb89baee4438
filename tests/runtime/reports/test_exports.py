"""Exports of a service's cases: flattening, formula neutralisation, NIK masking, access."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import select

from builder.bundle import normalise
from builder.canonical import digest
from runtime import store
from runtime.models import CaseEvent, Submission
from runtime.reporting import reports
from runtime.workdays import WIB

from .conftest import AGENCY, NIK, NOW, SLUG, Data, add_case, definition, page

BASE = f"/kantor/layanan/{AGENCY}/{SLUG}"
TRICKY: dict[str, Any] = {
    "nik": NIK,
    "nama": '=HYPERLINK("http://contoh.invalid","klik")',
    "minat": ["beras", "sekolah"],
    "anggota": [
        {"nama_anggota": "+Ani", "umur": -3},
        {"nama_anggota": "@Budi"},
        {"nama_anggota": "Citra", "umur": 7},
    ],
    "ktp": {"id": "A" * 22, "name": "-ktp.pdf", "size": 2048, "content_type": "application/pdf"},
}


def _add_tricky(data: Data, answers: dict[str, Any] | None = None) -> str:
    with data.session() as session:
        case = add_case(
            session,
            data.version_id,
            data.service_id,
            state="diajukan",
            created=NOW,
            due=NOW,
            answers=answers or TRICKY,
        )
        session.commit()
        return case.reference


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Budi = baik", "Budi = baik"),
        ("", ""),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert reports.neutralise(text) == expected


def _cells_both_ways(body: bytes) -> list[str]:
    """Every cell of a CSV file read with ',' and again with ';' as the separator."""
    text = body.decode("utf-8-sig")
    cells = []
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells += row
    return cells


def _no_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Budi;=1+1", "Budi;'=1+1"),
        ("a;;-1", "a;;'-1"),
        ("baris\r\n@x", "baris\r\n'@x"),
        ('a;"=1', "a;'\"=1"),
        ("akhir;", "akhir;'"),
        ("a; b", "a; b"),
        ("=x;+y", "'=x;'+y"),
    ],
)
def test_neutralise_csv_guards_every_cell_a_semicolon_would_start(text: str, expected: str) -> None:
    assert reports.neutralise_csv(text) == expected


TRICKY_TEXT = st.text(alphabet=st.sampled_from(list(";,\"=+-@\t\r\n a'")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(TRICKY_TEXT, min_size=1, max_size=4), min_size=1, max_size=3))
def test_no_csv_cell_is_a_formula_whichever_separator_is_used(rows: list[list[str]]) -> None:
    header = ["reference", *(f"k{i}" for i in range(1, max(map(len, rows))))]
    body = reports.to_csv(header, [["REF-1", *row[1:]] for row in rows])
    _no_formula(_cells_both_ways(body))
    text = body.decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[1:] for r in read[1:]] == [
        [reports.neutralise_csv(cell) for cell in row[1:]] for row in rows
    ]  # read with ',', every cell comes back whole


def test_csv_flattens_groups_masks_nik_and_neutralises(data: Data) -> None:
    reference = _add_tricky(data)
    response = data.login("petugas.uji").get(f"{BASE}/ekspor.csv?kolom=kunci")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="dinas-uji-bantuan-uji-')
    assert disposition.endswith(".csv\"; filename*=UTF-8''" + disposition.split('"')[1])
    rows = _csv_rows(response.content)
    assert len(rows) == 8
    assert list(rows[0])[:4] == ["reference", "state", "created", "due"]
    assert list(rows[0])[4:] == [  # the sensitive answers are left out
        "nik",
        "nama",
        "telepon",
        "wilayah",
        "wilayah.code",
        "minat",
        "anggota[1].nama_anggota",
        "anggota[1].umur",
        "anggota[2].nama_anggota",
        "anggota[2].umur",
        "anggota[3].nama_anggota",
        "anggota[3].umur",
        "ktp",
    ]
    row = next(r for r in rows if r["reference"] == reference)
    assert row["nik"] == "187101••••••0001" and NIK not in response.text
    assert row["nama"] == "'" + TRICKY["nama"]
    assert row["minat"] == "beras; sekolah"
    assert (row["anggota[1].nama_anggota"], row["anggota[1].umur"]) == ("'+Ani", "'-3")
    assert (row["anggota[2].nama_anggota"], row["anggota[2].umur"]) == ("'@Budi", "")
    assert (row["anggota[3].nama_anggota"], row["anggota[3].umur"]) == ("Citra", "7")
    assert row["ktp"] == "'-ktp.pdf"
    assert row["state"] == "diajukan" and row["due"] and row["created"]
    other = next(r for r in rows if r["reference"] != reference)
    assert other["anggota[1].nama_anggota"] == "" and other["minat"] == ""


def test_every_cell_starting_like_a_formula_is_neutralised(data: Data) -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        _add_tricky(data, {"nik": NIK, "nama": f"{start}X"})
    rows = _csv_rows(data.login("petugas.uji").get(f"{BASE}/ekspor.csv?kolom=kunci").content)
    for row in rows:
        for value in row.values():
            assert not value.startswith(reports.FORMULA_STARTS), row
    assert sorted(r["nama"] for r in rows if r["nama"].endswith("X")) == sorted(
        f"'{start}X" for start in ("=", "+", "-", "@", "\t", "\r")
    )


def test_an_export_opened_with_semicolons_has_no_formula(data: Data) -> None:
    _add_tricky(
        data,
        {
            "nik": NIK,
            "nama": 'Budi;=HYPERLINK("http://contoh.invalid";"klik")',
            "anggota": [{"nama_anggota": "Ani\n+1;@SUM(A1)", "umur": 3}, {"nama_anggota": "x;"}],
        },
    )
    body = data.login("petugas.uji").get(f"{BASE}/ekspor.csv").content
    cells = _cells_both_ways(body)
    assert any("HYPERLINK" in cell for cell in cells)
    _no_formula(cells)


def test_xlsx_has_the_same_table_with_text_never_a_formula(data: Data) -> None:
    reference = _add_tricky(data)
    response = data.login("kepala.uji").get(f"{BASE}/ekspor.xlsx?kolom=kunci")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    table = [list(row) for row in sheet.iter_rows()]
    header = [cell.value for cell in table[0]]
    row = next(r for r in table[1:] if r[0].value == reference)
    cells = dict(zip(header, row, strict=True))
    assert cells["nama"].value == "'" + TRICKY["nama"] and cells["nama"].data_type == "s"
    assert cells["anggota[1].nama_anggota"].value == "'+Ani"
    assert cells["anggota[1].umur"].value == -3  # a number stays a number, which is no formula
    assert cells["nik"].value == "187101••••••0001"
    assert cells["ktp"].value == "'-ktp.pdf"
    assert cells["created"].is_date
    assert all(cell.data_type != "f" for line in table for cell in line)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_officer_of_another_agency_gets_404(data: Data, kind: str) -> None:
    client = data.login("petugas.lain")
    assert client.get(f"{BASE}/ekspor.{kind}").status_code == 404
    assert client.get(f"/kantor/layanan/{AGENCY}/tidak-ada/ekspor.{kind}").status_code == 404


def test_an_unknown_service_of_ones_own_agency_is_404(data: Data) -> None:
    client = data.login("petugas.uji")
    assert client.get(f"/kantor/layanan/{AGENCY}/tidak-ada/ekspor.csv").status_code == 404
    assert client.get("/kantor/layanan/dinas-lain/layanan-lain/ekspor.csv").status_code == 404


def test_anonymous_export_is_refused(data: Data) -> None:
    from fastapi.testclient import TestClient

    with TestClient(data.app, follow_redirects=False) as client:
        response = client.get(f"{BASE}/ekspor.csv")
    assert response.status_code == 303
    assert "text/csv" not in response.headers.get("content-type", "")


def test_an_export_holds_only_the_cases_the_user_may_open(data: Data) -> None:
    """A later version that drops the `petugas` role: its cases are left out of their export."""
    changed = definition()
    changed["roles"] = {"kepala": "Kepala"}
    changed["workflow"]["transitions"] = [
        t for t in changed["workflow"]["transitions"] if "petugas" not in t["roles"]
    ]
    with data.session() as session:
        normal = normalise(changed)
        version = store.publish_version(session, definition=normal, sha256=digest(normal))
        assert version.id is not None and version.id != data.version_id
        late = add_case(session, version.id, data.service_id, state="diajukan", created=NOW)
        session.commit()
        assert reports.openable_versions(session, data.service_id, frozenset({"petugas"})) == {
            data.version_id
        }
        assert reports.openable_versions(session, data.service_id, frozenset({"arsip"})) == set()
    officer = _csv_rows(data.login("petugas.uji").get(f"{BASE}/ekspor.csv?kolom=kunci").content)
    head = _csv_rows(data.login("kepala.uji").get(f"{BASE}/ekspor.csv?kolom=kunci").content)
    assert late.reference not in {r["reference"] for r in officer} and len(officer) == 7
    assert late.reference in {r["reference"] for r in head} and len(head) == 8


def test_a_designer_sees_the_figures_but_no_export(data: Data) -> None:
    client = data.login("perancang.uji")
    shown = page(client.get(f"/kantor/laporan/{AGENCY}"))
    assert shown.css_first(f"#service-{SLUG}") is not None
    assert shown.css("a.export, form.export") == []
    for kind in ("csv", "xlsx"):
        refused = client.get(f"{BASE}/ekspor.{kind}")
        assert refused.status_code == 403
        assert "attachment" not in refused.headers.get("content-disposition", "")
    officer = page(data.login("petugas.uji").get(f"/kantor/laporan/{AGENCY}"))
    assert officer.css("a.export, form.export") != []


SENSITIVE: dict[str, Any] = {
    "nik": NIK,
    "nama": "Sari",
    "telepon": "+6281234567890",
    "penghasilan": 1750000,
    "minat": ["beras", "sekolah"],
    "anggota": [{"nama_anggota": "Ani", "umur": 7, "penyakit": "Asma berat"}],
}


def _sensitive_events(data: Data) -> list[CaseEvent]:
    with data.session() as session:
        return list(
            session.exec(select(CaseEvent).where(CaseEvent.action == "export_sensitive")).all()
        )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_sensitive_answers_are_left_out_unless_asked_for_and_then_recorded(
    data: Data, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reference = _add_tricky(data, SENSITIVE)
    client = data.login("petugas.uji")
    plain = client.get(f"{BASE}/ekspor.{kind}?kolom=kunci")
    assert plain.status_code == 200
    header, rows = _table(plain.content, kind)
    assert "penghasilan" not in header and "anggota[1].penyakit" not in header
    assert "anggota[1].umur" in header
    assert not _sensitive_events(data)

    full = client.get(f"{BASE}/ekspor.{kind}", params={"kolom": "kunci", "sensitif": "1"})
    assert full.status_code == 200
    header, rows = _table(full.content, kind)
    row = dict(zip(header, next(r for r in rows if r[0] == reference), strict=True))
    assert str(row["penghasilan"]) == "1750000" and row["anggota[1].penyakit"] == "Asma berat"
    events = _sensitive_events(data)
    with data.session() as session:
        case = session.exec(select(Submission).where(Submission.reference == reference)).one()
    assert [e.submission_id for e in events] == [case.id]  # the other cases hold none
    assert events[0].details == {"fields": ["anggota.penyakit", "penghasilan"], "format": kind}
    assert events[0].actor_user_id is not None
    timeline = page(client.get(f"/kantor/kasus/{case.id}")).css_first("#timeline")
    assert timeline is not None and "Mengekspor data pribadi spesifik" in timeline.text()
    assert "1750000" not in caplog.text and "Asma" not in caplog.text
    assert "sensitive answers of 1" in caplog.text


def _table(body: bytes, kind: str) -> tuple[list[str], list[list[Any]]]:
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        rows = [[c.value for c in line] for line in sheet.iter_rows()]
    return [str(h) for h in rows[0]], rows[1:]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_headers_are_labels_and_answers_read_as_on_the_case_page(data: Data, kind: str) -> None:
    reference = _add_tricky(data, SENSITIVE)
    response = data.login("kepala.uji").get(f"{BASE}/ekspor.{kind}")
    header, rows = _table(response.content, kind)
    assert header == [
        "Nomor permohonan",
        "Status",
        "Tanggal diajukan",
        "Tenggat",
        "NIK",
        "Nama",
        "Telepon",
        "Kecamatan",
        "Kecamatan (kode wilayah)",
        "Bantuan",
        "Anggota keluarga 1: Nama",
        "Anggota keluarga 1: Umur",
        "KTP",
    ]
    row = dict(zip(header, next(r for r in rows if r[0] == reference), strict=True))
    assert row["Status"] == "Diajukan"  # the state's label
    assert row["Bantuan"] == "Beras; Sekolah"  # the options' labels
    assert row["Telepon"] == "0812-3456-7890"  # no apostrophe needed, no number either
    assert row["NIK"] == "187101••••••0001"
    if kind == "csv":
        cells = _cells_both_ways(response.content)
        _no_formula(cells)
        assert "0812-3456-7890" in cells


def test_the_key_option_keeps_stored_values(data: Data) -> None:
    reference = _add_tricky(data, SENSITIVE)
    rows = _csv_rows(data.login("petugas.uji").get(f"{BASE}/ekspor.csv?kolom=kunci").content)
    row = next(r for r in rows if r["reference"] == reference)
    assert (row["state"], row["minat"], row["telepon"]) == (
        "diajukan",
        "beras; sekolah",
        "'+6281234567890",
    )


def _references(data: Data, **params: str) -> set[str]:
    response = data.login("petugas.uji").get(f"{BASE}/ekspor.csv", params=params)
    assert response.status_code == 200, response.text[:300]
    return {row["Nomor permohonan"] for row in _csv_rows(response.content)}


def test_the_filing_date_range_filters_the_cases(data: Data) -> None:
    today = NOW.astimezone(WIB).date()
    reference = _add_tricky(data)
    everything = _references(data)
    assert reference in everything and len(everything) == 8
    assert _references(data, dari=today.isoformat()) == {reference}
    assert _references(data, dari=today.strftime("%d-%m-%Y"), sampai=today.isoformat()) == {
        reference
    }
    earlier = _references(data, sampai=(today - dt.timedelta(days=1)).isoformat())
    assert earlier == everything - {reference}
    assert _references(data, dari="", sampai="") == everything


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"dari": "2025-02-30"}, "dari", "Tulis tanggal"),
        ({"sampai": "kemarin"}, "sampai", "Tulis tanggal"),
        ({"dari": "2025-06-02", "sampai": "2025-06-01"}, "sampai", "sebelum tanggal awal"),
        ({"dari": "9" * 40}, "dari", "Tulis tanggal"),
    ],
)
def test_a_bad_date_brings_the_page_back_with_the_error_beside_the_field(
    data: Data, params: dict[str, str], field: str, message: str
) -> None:
    for kind in ("csv", "xlsx"):
        response = data.login("petugas.uji").get(f"{BASE}/ekspor.{kind}", params=params)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("text/html")
        assert "attachment" not in response.headers.get("content-disposition", "")
        form = page(response).css_first(f"form#export-{SLUG}")
        assert form is not None
        box = form.css_first(f"#{field}-{SLUG}")
        assert box is not None and box.attributes.get("aria-invalid") == "true"
        error = form.css_first(f"#{field}-{SLUG}-error")
        assert error is not None and message in error.text()
        assert form.css_first(f"#export-{SLUG}-errors") is not None
    assert not _sensitive_events(data)


def test_a_region_answer_is_exported_as_its_names_and_its_code(data: Data) -> None:
    answers = {
        "nik": NIK,
        "nama": "Budi",
        "wilayah": {"code": "18.71.01", "names": ["Lampung", "Kota Bandar Lampung", "Kedaton"]},
    }
    reference = _add_tricky(data, answers)
    with data.session() as session:
        for keys, names_column, code_column in [
            (False, "Kecamatan", "Kecamatan (kode wilayah)"),
            (True, "wilayah", "wilayah.code"),
        ]:
            table = reports.export_table(
                session, data.service_id, {data.version_id}, reports.ExportOptions(keys=keys)
            )
            row = next(r for r in table.rows if r[0] == reference)
            cells = dict(zip(table.header, row, strict=True))
            assert cells[names_column] == "Kec. Kedaton, Kota Bandar Lampung, Lampung"
            assert cells[code_column] == "18.71.01"
            assert table.header.index(code_column) == table.header.index(names_column) + 1
            other = next(r for r in table.rows if r[0] != reference)
            assert dict(zip(table.header, other, strict=True))[code_column] is None


def test_the_case_page_shows_a_region_answer_by_name(data: Data) -> None:
    answers = {
        "nik": NIK,
        "nama": "Budi",
        "wilayah": {"code": "18.71.01", "names": ["Lampung", "Kota Bandar Lampung", "Kedaton"]},
    }
    reference = _add_tricky(data, answers)
    with data.session() as session:
        case = session.exec(select(Submission).where(Submission.reference == reference)).one()
    shown = data.login("petugas.uji").get(f"/kantor/kasus/{case.id}")
    assert shown.status_code == 200
    assert "Kec. Kedaton, Kota Bandar Lampung, Lampung" in page(shown).text()
