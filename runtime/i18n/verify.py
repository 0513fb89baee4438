"""Interface texts of the public document verification pages (merged into `runtime.i18n.UI`)."""

from __future__ import annotations

VERIFY_UI: dict[str, tuple[str, str]] = {
    "verify_title": ("Verifikasi dokumen", "Document verification"),
    "verify_intro": (
        "Periksa keaslian dokumen yang diterbitkan secara elektronik. Masukkan kode verifikasi "
        "yang tercetak di bawah kode QR dokumen, atau pindai kode QR tersebut.",
        "Check that an electronically issued document is genuine. Enter the verification code "
        "printed under the document's QR code, or scan that QR code.",
    ),
    "verify_code": ("Kode verifikasi", "Verification code"),
    "verify_code_hint": (
        "Contoh: 7Q2MK-4XD93-PAH6V-M8NRT-3C9WE (huruf besar atau kecil, dengan atau tanpa tanda hubung)",
        "For example: 7Q2MK-4XD93-PAH6V-M8NRT-3C9WE (any case, with or without dashes)",
    ),
    "verify_button": ("Periksa", "Check"),
    "verify_not_found": ("Dokumen tidak ditemukan", "Document not found"),
    "verify_not_found_text": (
        "Tidak ada dokumen dengan kode ini. Periksa kode pada dokumen dan coba lagi. "
        "Dokumen tanpa kode yang sah tidak dapat dianggap asli.",
        "There is no document with this code. Check the code on the document and try again. "
        "A document without a valid code cannot be taken as genuine.",
    ),
    "verify_status_valid": ("Dokumen sah", "Valid document"),
    "verify_status_valid_text": (
        "Dokumen ini diterbitkan oleh instansi di bawah ini dan masih berlaku.",
        "This document was issued by the agency below and is in force.",
    ),
    "verify_status_superseded": ("Dokumen sudah diganti", "Document replaced"),
    "verify_status_superseded_text": (
        "Dokumen ini sudah diganti dengan dokumen yang lebih baru dan tidak berlaku lagi.",
        "This document has been replaced by a newer one and is no longer in force.",
    ),
    "verify_successor": ("Lihat dokumen pengganti", "See the newer document"),
    "verify_status_revoked": ("Dokumen dicabut", "Document revoked"),
    "verify_status_revoked_text": (
        "Dokumen ini dicabut oleh instansi penerbit pada {date} dan tidak berlaku lagi. "
        "Untuk keterangan lebih lanjut, hubungi instansi penerbit.",
        "This document was revoked by the issuing agency on {date} and is no longer in force. "
        "For more information, contact the issuing agency.",
    ),
    "verify_details": ("Rincian dokumen", "Document details"),
    "verify_agency": ("Instansi penerbit", "Issuing agency"),
    "verify_doc_title": ("Jenis dokumen", "Document type"),
    "verify_number": ("Nomor", "Number"),
    "verify_issued": ("Tanggal terbit", "Date of issue"),
    "verify_holder": ("Atas nama", "Issued to"),
    "verify_holder_hint": (
        "Sebagian huruf disembunyikan untuk melindungi data pribadi.",
        "Some letters are hidden to protect personal data.",
    ),
    "verify_sha256": ("Sidik berkas (SHA-256)", "File fingerprint (SHA-256)"),
    "verify_size": ("Ukuran berkas", "File size"),
    "verify_address": (
        "Alamat halaman ini (tujuan kode QR)",
        "This page's address (the QR code's target)",
    ),
    "verify_signature": ("Tanda tangan elektronik", "Electronic signature"),
    "verify_signature_intact": (
        "Utuh: berkas tidak berubah sejak ditandatangani oleh {signer}.",
        "Intact: the file has not changed since it was signed by {signer}.",
    ),
    "verify_signature_broken": (
        "Tanda tangan pada berkas tersimpan tidak utuh. Hubungi instansi penerbit.",
        "The signature on the stored file is not intact. Contact the issuing agency.",
    ),
    "verify_signature_unknown": (
        "Tanda tangan berkas tidak dapat diperiksa saat ini.",
        "The file's signature cannot be checked at the moment.",
    ),
    "verify_development": ("Sertifikat pengembangan", "Development certificate"),
    "verify_development_text": (
        "Dokumen ini ditandatangani dengan sertifikat pengembangan (BUKAN SERTIFIKAT RESMI). "
        "Tanda tangannya tidak sah secara hukum; dokumen ini hanya untuk uji coba atau "
        "demonstrasi.",
        "This document was signed with a development certificate (NOT AN OFFICIAL "
        "CERTIFICATE). Its signature is not legally valid; the document is for testing or "
        "demonstration only.",
    ),
    "verify_compare": ("Cocokkan berkas PDF", "Compare a PDF file"),
    "verify_compare_intro": (
        "Punya berkas PDF dokumen ini? Unggah untuk memeriksa apakah berkas itu sama persis "
        "dengan yang diterbitkan. Berkas tidak disimpan.",
        "Have this document as a PDF file? Upload it to check whether it is exactly the one "
        "issued. The file is not kept.",
    ),
    "verify_file": ("Berkas PDF", "PDF file"),
    "verify_file_hint": ("Paling besar {mb} MB.", "At most {mb} MB."),
    "verify_compare_button": ("Cocokkan", "Compare"),
    "verify_match": ("Cocok", "Match"),
    "verify_match_text": (
        "Berkas yang Anda unggah sama persis dengan dokumen yang diterbitkan.",
        "The file you uploaded is exactly the document that was issued.",
    ),
    "verify_no_match": ("Tidak cocok", "No match"),
    "verify_no_match_text": (
        "Berkas yang Anda unggah tidak sama dengan dokumen yang diterbitkan: isinya berbeda, "
        "walaupun hanya satu bita. Jangan menganggapnya sebagai dokumen asli.",
        "The file you uploaded is not the document that was issued: its content differs, even "
        "if only by one byte. Do not take it as the genuine document.",
    ),
    "verify_file_missing": ("Pilih berkas PDF untuk dicocokkan.", "Choose a PDF file to compare."),
    "verify_file_too_big": (
        "Berkas lebih besar dari {mb} MB, jadi tidak mungkin sama dengan dokumen ini.",
        "The file is larger than {mb} MB, so it cannot be this document.",
    ),
    "verify_too_many": ("Terlalu banyak permintaan", "Too many requests"),
    "verify_too_many_text": (
        "Anda memeriksa terlalu banyak dokumen dalam waktu singkat. Coba lagi dalam {seconds} detik.",
        "You have checked too many documents in a short time. Try again in {seconds} seconds.",
    ),
}
