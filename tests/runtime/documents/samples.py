"""A sample document for the PDF and signing tests (and the benchmark)."""

from __future__ import annotations

import io

from PIL import Image

from builder.document_model import Letterhead, RenderedDocument, Rows, Signatory

VERIFY_URL = "https://layanan.bandarlampungkota.go.id/verifikasi/7Q2M-K4XD-93PA"


def logo_png() -> bytes:
    """A small two-colour PNG standing in for an agency's logo."""
    image = Image.new("RGB", (120, 140), (0, 90, 60))
    image.paste((230, 190, 40), (20, 20, 100, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def sample_document(*, logo: bool = True, extra_paragraphs: int = 0) -> RenderedDocument:
    """A Surat Keterangan Domisili with Indonesian text and a name with diacritics."""
    body: list[str | Rows] = [
        "Yang bertanda tangan di bawah ini Kepala Dinas Kependudukan dan Pencatatan Sipil "
        "Kota Bandar Lampung menerangkan bahwa:",
        Rows(
            (
                ("Nama", "Renée Ōkawa Siregar"),
                ("NIK", "1871010101900001"),
                ("Tempat/Tanggal Lahir", "Bandar Lampung, 1 Januari 1990"),
                (
                    "Alamat",
                    "Jl. Wolter Monginsidi No. 12, Kel. Pengajaran, Kec. Teluk Betung Utara",
                ),
            )
        ),
        "benar berdomisili di alamat tersebut di atas. Surat keterangan ini berlaku sampai "
        "2 Desember 2027 dan diberikan untuk keperluan pendaftaran sekolah anaknya.",
        "Bantuan sebesar Rp1.250.000 (satu juta dua ratus lima puluh ribu rupiah) & "
        "<tidak> dipungut biaya.",
    ]
    body.extend(
        f"Paragraf tambahan {n}: demikian surat keterangan ini dibuat dengan sebenarnya untuk "
        "dipergunakan sebagaimana mestinya oleh yang bersangkutan."
        for n in range(1, extra_paragraphs + 1)
    )
    body.append("Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.")
    return RenderedDocument(
        letterhead=Letterhead(
            parent_government="PEMERINTAH KOTA BANDAR LAMPUNG",
            agency_name="DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
            address_lines=(
                "Jl. Dr. Susilo No. 2, Sumur Batu, Teluk Betung Utara, Bandar Lampung 35214",
                "Telp. (0721) 123456 · Surel disdukcapil@bandarlampungkota.go.id",
            ),
            logo=logo_png() if logo else None,
        ),
        title="SURAT KETERANGAN DOMISILI",
        number="470/0007/DUKCAPIL/XII/2026",
        body=tuple(body),
        place_and_date="Bandar Lampung, 2 Desember 2026",
        signatory=Signatory(
            position="Kepala Dinas Kependudukan dan Pencatatan Sipil",
            name="Dr. Hj. Siti Nurhaliza, S.Sos., M.Si.",
            nip="197001012000032001",
        ),
        verification_url=VERIFY_URL,
        footer="Dokumen ini ditandatangani secara elektronik. Keasliannya dapat diperiksa "
        "dengan memindai kode QR atau membuka alamat di bawah kode tersebut.",
    )
