"""Interface texts of the studio's editor: problem list, preview panel, drafts, undo, references
(merged into `runtime.i18n.UI`)."""

from __future__ import annotations

STUDIO_EDITOR_UI: dict[str, tuple[str, str]] = {
    "studio_problem_list": ("Daftar masalah", "List of problems"),
    "studio_show_preview": ("Pratinjau formulir warga", "Preview of the citizen's form"),
    "studio_preview_open": ("Tampilkan pratinjau", "Show the preview"),
    "studio_preview_hide": ("Sembunyikan pratinjau", "Hide the preview"),
    "studio_preview_stale": (
        "Pratinjau terakhir yang berhasil; diperbarui lagi setelah galat berikut diperbaiki.",
        "The last good preview; it updates again once these errors are fixed.",
    ),
    "studio_live_shown": (
        "Anda melihat versi terbit. Draf baru dibuat saat Anda menyimpan perubahan pertama.",
        "You are looking at the live version. A new draft is made when you save the first change.",
    ),
    "studio_discard": ("Buang draf", "Discard the draft"),
    "studio_discard_text": (
        "Semua perubahan draf ini hilang; layanan kembali ke versi terbit.",
        "All changes in this draft are lost; the service goes back to the live version.",
    ),
    "studio_discard_confirm": ("Ya, buang draf ini", "Yes, discard this draft"),
    "studio_discarded": ("Draf dibuang.", "The draft was discarded."),
    "studio_undo": ("Batalkan perubahan terakhir", "Undo the last change"),
    "studio_undone": ("Perubahan terakhir dibatalkan.", "The last change was undone."),
    "studio_saved": ("Perubahan disimpan.", "The change was saved."),
    "studio_referenced": (
        "Bagian ini masih dipakai oleh bagian lain. Jika dihapus, bagian berikut akan rusak:",
        "Other parts still use this item. Removing it breaks the following:",
    ),
    "studio_remove_anyway": ("Tetap hapus", "Remove anyway"),
    "studio_keep": ("Batal, jangan hapus", "Cancel, keep it"),
    "studio_submitted": (
        "Draf telah diajukan untuk ditinjau. Diskominfo akan memeriksanya; Anda akan melihat "
        "keputusannya di sini.",
        "The draft was submitted for review. Diskominfo will check it; you will see their "
        "decision here.",
    ),
    "ev_draft_discarded": ("Draf dibuang", "Draft discarded"),
    "ev_undone": ("Perubahan dibatalkan", "Change undone"),
    "ev_edited": ("Draf diubah", "Draft edited"),
    "studio_nothing_to_submit": (
        "Belum ada draf: ubah sesuatu dulu.",
        "There is no draft yet: change something first.",
    ),
    "studio_option_label": ("Label (Bahasa Indonesia)", "Label (Indonesian)"),
    "studio_option_label_en": ("Label (English)", "Label (English)"),
    "studio_option_value": ("Nilai (kode)", "Value (code)"),
    "studio_option_hint": (
        "Kosongkan label untuk menghapus baris. Nilai dibuat dari label bila kosong.",
        "Empty a label to remove its row. A value is made from the label when left empty.",
    ),
    "studio_date_bound_hint": (
        "Tanggal (2026-01-31) atau kode relatif: today = hari ini, today+30d = 30 hari dari "
        "hari ini, today-17y = 17 tahun lalu.",
        "A date (2026-01-31) or a relative code: today, today+30d = 30 days from today, "
        "today-17y = 17 years ago.",
    ),
    "studio_date_bound_now": ("Sekarang", "Now"),
    "studio_date_bound_list": ("Batas yang umum", "Common bounds"),
    "studio_required_choice": ("Wajib diisi?", "Required?"),
    "studio_required_yes": ("Ya, wajib diisi", "Yes, required"),
    "studio_required_no": ("Tidak, boleh dikosongkan", "No, may be left empty"),
    "studio_required_default": ("(bawaan)", "(default)"),
}


# -- the flow: exit pages, time limits in their unit, joint approval, group conditions ------------

STUDIO_FLOW_UI: dict[str, tuple[str, str]] = {
    "studio_exits_page": ("Halaman keluar dari halaman ini", "Exit pages of this page"),
    "studio_exits_form": ("Halaman keluar dari seluruh formulir", "Exit pages of the whole form"),
    "studio_exits_none": ("Belum ada halaman keluar.", "No exit pages yet."),
    "studio_exits_intro": (
        "Halaman keluar menghentikan pemohon yang salah tempat, menjelaskan sebabnya dan ke mana "
        "ia harus pergi. Tulis judul dan penjelasan, lalu tentukan syaratnya.",
        "An exit page stops an applicant who is in the wrong place, says why and where to go "
        "instead. Write its title and explanation, then set its condition.",
    ),
    "studio_exit_add": ("Tambah halaman keluar", "Add an exit page"),
    "studio_exit_when": ("berhenti bila", "stops when"),
    "studio_exit_no_when": ("belum ada syarat", "no condition yet"),
    "studio_exit_condition": ("Hentikan pemohon bila", "Stop the applicant when"),
    "studio_exit_id": ("Id (huruf kecil, angka, _)", "Id (lower-case letters, digits, _)"),
    "studio_exit_title_id": ("Judul (Bahasa Indonesia)", "Title (Indonesian)"),
    "studio_exit_title_en": ("Judul (English)", "Title (English)"),
    "studio_exit_text_id": (
        "Penjelasan dan ke mana harus pergi (Bahasa Indonesia)",
        "Why, and where to go instead (Indonesian)",
    ),
    "studio_exit_text_en": (
        "Penjelasan dan ke mana harus pergi (English)",
        "Why, and where to go instead (English)",
    ),
    "studio_exit_link_url": (
        "Alamat tujuan (https://…, boleh kosong)",
        "Where to go: address (https://…, optional)",
    ),
    "studio_exit_link_label_id": (
        "Teks tautan (Bahasa Indonesia)",
        "Link text (Indonesian)",
    ),
    "studio_exit_link_label_en": ("Teks tautan (English)", "Link text (English)"),
    "studio_sla_limit": ("Batas waktu", "Time limit"),
    "studio_sla_unit": ("Satuan batas waktu", "Unit of the time limit"),
    "studio_approvals": ("Persetujuan bersama", "Joint approval"),
    "studio_approvals_count": (
        "Jumlah peran (bila sejumlah)",
        "Number of roles (for a number)",
    ),
    "studio_group_test": ("Butir grup", "Group items"),
    "studio_group_quantifier": ("Berlaku untuk", "Applies to"),
    "studio_group_field": ("Pertanyaan dalam grup", "Question in the group"),
    "studio_group_option": ("butir grup", "group items"),
}
STUDIO_EDITOR_UI.update(STUDIO_FLOW_UI)
