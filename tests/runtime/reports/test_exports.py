"""Exports of a service's cases: flattening, formula neutralisation, NIK masking, access."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from runtime import reports

from .conftest import AGENCY, NIK, NOW, SLUG, Data, add_case

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


def test_csv_flattens_groups_masks_nik_and_neutralises(data: Data) -> None:
    reference = _add_tricky(data)
    response = data.login("petugas.uji").get(f"{BASE}/ekspor.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="dinas-uji-bantuan-uji-')
    assert disposition.endswith(".csv\"; filename*=UTF-8''" + disposition.split('"')[1])
    rows = _csv_rows(response.content)
    assert len(rows) == 8
    assert list(rows[0])[:4] == ["reference", "state", "created", "due"]
    assert list(rows[0])[4:] == [
        "nik",
        "nama",
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
    rows = _csv_rows(data.login("petugas.uji").get(f"{BASE}/ekspor.csv").content)
    for row in rows:
        for value in row.values():
            assert not value.startswith(reports.FORMULA_STARTS), row
    assert sorted(r["nama"] for r in rows if r["nama"].endswith("X")) == sorted(
        f"'{start}X" for start in ("=", "+", "-", "@", "\t", "\r")
    )


def test_xlsx_has_the_same_table_with_text_never_a_formula(data: Data) -> None:
    reference = _add_tricky(data)
    response = data.login("kepala.uji").get(f"{BASE}/ekspor.xlsx")
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
