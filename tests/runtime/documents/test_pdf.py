"""The issued letter as a PDF: text, embedded fonts, QR code, letterhead, pages, bad logo."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from builder.document_model import Letterhead
from runtime.documents.pdf import PdfError, qr_matrix, qr_png, render_pdf
from tests.runtime.documents.samples import VERIFY_URL, sample_document


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> list[DictionaryObject]:
    """Every font dictionary's descriptor-bearing font (the CID font of a Type0 font)."""
    found: list[DictionaryObject] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        for ref in resources["/Font"].get_object().values():
            font = ref.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            found.append(font)
    return found


def _decoded_qr_codes(pdf: bytes, page: int = 0) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=2).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_text_holds_title_number_names_body_and_diacritics() -> None:
    text = _text(render_pdf(sample_document()))
    for expected in (
        "PEMERINTAH KOTA BANDAR LAMPUNG",
        "DINAS KEPENDUDUKAN DAN",
        "SURAT KETERANGAN DOMISILI",
        "Nomor: 470/0007/DUKCAPIL/XII/2026",
        "Renée Ōkawa Siregar",
        "1871010101900001",
        "Bandar Lampung, 2 Desember 2026",
        "Dr. Hj. Siti Nurhaliza, S.Sos., M.Si.",
        "NIP. 197001012000032001",
        "Dokumen ini ditandatangani secara elektronik.",
        "Telp. (0721) 123456 · Surel",
    ):
        assert expected in text, expected


def test_markup_in_texts_is_printed_not_interpreted() -> None:
    text = _text(render_pdf(sample_document()))
    assert "Rp1.250.000 (satu juta dua ratus lima puluh ribu rupiah) & <tidak>" in " ".join(
        text.split()
    )


def test_every_font_is_embedded_truetype() -> None:
    fonts = _fonts(render_pdf(sample_document()))
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font
        assert "Caladea" in str(font["/BaseFont"])


def test_qr_code_on_the_page_decodes_to_the_verification_address() -> None:
    assert _decoded_qr_codes(render_pdf(sample_document())) == [VERIFY_URL]


def test_qr_png_is_the_same_code() -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(qr_png(VERIFY_URL)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [VERIFY_URL]
    assert len(qr_matrix(VERIFY_URL)) >= 21


def test_no_verification_address_means_no_qr_code() -> None:
    pdf = render_pdf(replace(sample_document(), verification_url=""))
    assert _decoded_qr_codes(pdf) == []


def test_logo_is_placed_as_an_image_and_optional() -> None:
    with_logo = PdfReader(io.BytesIO(render_pdf(sample_document(logo=True))))
    without = PdfReader(io.BytesIO(render_pdf(sample_document(logo=False))))
    assert len(with_logo.pages[0].images) == 1
    assert len(without.pages[0].images) == 0


def test_a_logo_that_is_not_an_image_is_refused_clearly() -> None:
    document = sample_document()
    broken = replace(
        document, letterhead=replace(document.letterhead, logo=b"<svg>not a png</svg>")
    )
    with pytest.raises(PdfError, match="logo"):
        render_pdf(broken)


def test_long_body_flows_onto_more_pages_with_the_signature_at_the_end() -> None:
    pdf = render_pdf(sample_document(extra_paragraphs=40))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    last = reader.pages[-1].extract_text()
    assert "Dr. Hj. Siti Nurhaliza" in last
    assert "SURAT KETERANGAN DOMISILI — 2" in reader.pages[1].extract_text()
    assert _decoded_qr_codes(pdf, page=len(reader.pages) - 1) == [VERIFY_URL]


def test_letterhead_without_parent_government_and_labels_in_english() -> None:
    document = replace(
        sample_document(logo=False),
        letterhead=Letterhead(parent_government="", agency_name="DINAS UJI"),
        labels={"number": "Number"},
    )
    text = _text(render_pdf(document))
    assert "Number: 470/0007/DUKCAPIL/XII/2026" in text
    assert "PEMERINTAH" not in text


def test_metadata_names_title_number_and_agency() -> None:
    meta = PdfReader(io.BytesIO(render_pdf(sample_document()))).metadata
    assert meta is not None
    assert meta.title == "SURAT KETERANGAN DOMISILI"
    assert meta.subject == "470/0007/DUKCAPIL/XII/2026"
    assert meta.author == "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"


def test_documents_rendered_in_parallel_threads_keep_their_own_text() -> None:
    from concurrent.futures import ThreadPoolExecutor

    documents = [
        replace(sample_document(logo=n % 2 == 0), number=f"470/{n:04}/DUKCAPIL/XII/2026")
        for n in range(16)
    ]
    with ThreadPoolExecutor(4) as pool:
        pdfs = list(pool.map(render_pdf, documents))
    for document, pdf in zip(documents, pdfs, strict=True):
        text = _text(pdf)
        assert f"Nomor: {document.number}" in text
        assert "Renée Ōkawa Siregar" in text
