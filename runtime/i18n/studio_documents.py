"""Interface texts of the studio's document section (merged into `runtime.i18n.UI`)."""

from __future__ import annotations

STUDIO_DOCUMENT_UI: dict[str, tuple[str, str]] = {
    "studio_documents": ("Dokumen", "Documents"),
    "studio_documents_intro": (
        "Surat resmi yang diterbitkan layanan ini: diberi nomor, ditandatangani secara "
        "elektronik dan dapat diunduh pemohon saat transisi yang dipilih dijalankan.",
        "Official letters this service issues: numbered, signed electronically and downloadable "
        "by the applicant when the chosen transition is taken.",
    ),
    "studio_doc_none": (
        "Layanan ini belum menerbitkan dokumen.",
        "This service issues no documents yet.",
    ),
    "studio_doc_edit": ("Ubah dokumen", "Edit the document"),
    "studio_doc_preview": ("Lihat contoh (PDF)", "See a sample (PDF)"),
    "studio_doc_preview_hint": (
        "Diisi dengan jawaban contoh, bertanda CONTOH, tanpa tanda tangan.",
        "Filled with sample answers, marked CONTOH (sample), unsigned.",
    ),
    "studio_doc_preview_unavailable": (
        "Contoh dokumen tersedia setelah galat diperbaiki.",
        "A sample document is available once the errors are fixed.",
    ),
    "studio_doc_preview_errors": (
        "Contoh dokumen belum dapat dibuat: definisi ini masih punya galat. Perbaiki dahulu.",
        "The sample document cannot be made yet: this definition still has errors. Fix them first.",
    ),
    "studio_doc_issued_by_caption": ("Diterbitkan oleh", "Issued by"),
    "studio_doc_not_issued": (
        "belum ada transisi yang menerbitkannya",
        "no transition issues it yet",
    ),
    "studio_doc_title_id": ("Judul (Bahasa Indonesia)", "Title (Bahasa Indonesia)"),
    "studio_doc_title_en": ("Judul (English)", "Title (English)"),
    "studio_doc_number": ("Pola nomor", "Number pattern"),
    "studio_doc_number_hint": (
        "Wajib memuat {seq} tepat sekali (nomor urut per tahun; {seq:04} = 0001). Boleh memakai "
        "{year}, {month}, {month_roman} dan {day}. Contoh: 470/{seq:04}/DUKCAPIL/{month_roman}/{year}",
        "Must hold {seq} exactly once (the sequence within the year; {seq:04} = 0001). May use "
        "{year}, {month}, {month_roman} and {day}. Example: 470/{seq:04}/DUKCAPIL/{month_roman}/{year}",
    ),
    "studio_doc_body": ("Isi surat", "Body of the letter"),
    "studio_doc_body_hint": (
        "Pisahkan paragraf dengan satu baris kosong. Untuk baris label dan isi, awali setiap "
        "baris dengan | lalu pisahkan label dan isi dengan |, mis. | Nama | {nama|upper}. "
        "Tempat isian ditulis dalam kurung kurawal; tambahkan |default:- untuk jawaban yang "
        "mungkin kosong.",
        "Separate paragraphs with an empty line. For label and value rows, start every line "
        "with | and separate the label from the value with |, e.g. | Nama | {nama|upper}. "
        "Placeholders are written in braces; add |default:- to an answer that may be empty.",
    ),
    "studio_doc_placeholder": ("Tempat isian", "Placeholder"),
    "studio_doc_insert": ("Sisipkan ke isi surat", "Insert into the body"),
    "studio_doc_placeholders": (
        "Tempat isian yang dapat dipakai (salin ke isi surat)",
        "Placeholders you can use (copy them into the body)",
    ),
    "studio_doc_signatory": ("Penanda tangan", "Signatory"),
    "studio_doc_visible_to": ("Dapat dilihat oleh", "Visible to"),
    "studio_doc_revoke_roles": ("Peran yang boleh mencabut", "Roles that may revoke it"),
    "studio_doc_revoke_roles_hint": (
        "Tanpa pilihan: peran-peran pada transisi yang menerbitkannya.",
        "None chosen: the roles of the transitions that issue it.",
    ),
    "studio_doc_issued_by": ("Diterbitkan saat transisi", "Issued by the transition"),
    "studio_doc_no_transitions": (
        "Belum ada transisi petugas yang dapat menerbitkan dokumen.",
        "There is no officer transition that could issue a document yet.",
    ),
    "studio_doc_add": ("Tambah dokumen", "Add a document"),
    "studio_doc_new_title": ("Judul dokumen baru", "Title of the new document"),
    "studio_doc_body_part": ("bagian isi ke-{n}", "body part {n}"),
}
