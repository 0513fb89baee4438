"""A document ready to print: the plain data between the language and the PDF.

`builder.documents` (the language) fills a `RenderedDocument` from a definition's document,
the case's answers, the officer's fields, the agency's letterhead data and the issue date;
`runtime.documents` turns it into a signed PDF. Every text here is final (placeholders filled,
dates in Indonesian, amounts formatted), so the PDF side only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Letterhead:
    """The agency block at the top (kop surat)."""

    parent_government: str  # "PEMERINTAH KOTA BANDAR LAMPUNG"
    agency_name: str  # "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
    address_lines: tuple[str, ...] = ()  # address, then "Telp. … · Surel … · Situs …"
    logo: bytes | None = None  # PNG or JPEG


@dataclass(frozen=True)
class Rows:
    """A block of label–value rows ("Nama : Budi Santoso")."""

    rows: tuple[tuple[str, str], ...]


Block = str | Rows  # a paragraph, or a block of rows


@dataclass(frozen=True)
class Signatory:
    """Who signs: position, name and NIP (the NIP may be empty)."""

    position: str
    name: str
    nip: str = ""


@dataclass(frozen=True)
class RenderedDocument:
    """Everything printed on one document."""

    letterhead: Letterhead
    title: str  # "SURAT KETERANGAN DOMISILI"
    number: str  # "470/0007/DUKCAPIL/XII/2026"
    body: tuple[Block, ...]
    place_and_date: str  # "Bandar Lampung, 2 Desember 2026"
    signatory: Signatory
    verification_url: str = ""  # printed and encoded in the QR code
    footer: str = ""  # e.g. "Dokumen ini ditandatangani secara elektronik …"
    labels: dict[str, str] = field(default_factory=dict)  # e.g. {"number": "Nomor"}
    watermark: str = ""  # printed across every page (a sample: "CONTOH / PREVIEW")
