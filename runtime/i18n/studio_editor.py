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
    "studio_applicant_action": ("Aksi pemohon", "Applicant action"),
    "studio_applicant_action_not": (
        "Transisi ini bukan aksi pemohon (perannya harus hanya pemohon, dari status tanpa "
        "perbaikan oleh pemohon). Hapus isian dan pernyataan di bawah, atau ubah perannya.",
        "This transition is not an applicant action (its only role must be the applicant, from "
        "a state without corrections by the applicant). Remove the fields and statement below, "
        "or change its roles.",
    ),
    "studio_applicant_fields": ("Yang diisi pemohon", "What the applicant fills in"),
    "studio_applicant_fields_hint": (
        "Pertanyaan formulir (di luar grup) yang diisi atau dikirim pemohon saat mengambil aksi "
        "ini, misalnya berkas yang boleh menyusul. Masing-masing wajib diisi saat itu.",
        "Form questions (outside a group) the applicant fills in or sends when taking this "
        "action, such as a file that may follow later. Each is required then.",
    ),
    "studio_applicant_fields_none": (
        "Formulir belum punya pertanyaan yang dapat diisi lewat aksi pemohon.",
        "The form has no question that an applicant action can ask for yet.",
    ),
    "studio_confirm": ("Pernyataan yang dicentang pemohon", "Statement the applicant ticks"),
    "studio_confirm_hint": (
        "Kosongkan keduanya bila tidak perlu pernyataan.",
        "Leave both empty when no statement is needed.",
    ),
    "studio_confirm_id": ("Pernyataan (Bahasa Indonesia)", "Statement (Bahasa Indonesia)"),
    "studio_confirm_en": ("Pernyataan (English)", "Statement (English)"),
    "studio_save_applicant_action": ("Simpan aksi pemohon", "Save the applicant action"),
}
STUDIO_EDITOR_UI.update(STUDIO_FLOW_UI)


# -- rules, computed values and shared option lists (runtime.studio.rules) -----------------------

STUDIO_RULES_UI: dict[str, tuple[str, str]] = {
    "studio_rules": ("Aturan antar-jawaban", "Rules across answers"),
    "studio_rules_intro": (
        "Pemeriksaan yang membandingkan jawaban satu sama lain. Pesannya tampil di samping isian "
        "yang dipilih; aturan diperiksa bila semua jawaban yang dibacanya sudah diisi.",
        "Checks that compare answers with each other. The message is shown beside the chosen "
        "field; a rule is checked once every answer it reads is given.",
    ),
    "studio_rules_none": ("Formulir ini belum punya aturan.", "This form has no rules yet."),
    "studio_rule_n": ("Aturan {n}", "Rule {n}"),
    "studio_rule_edit": ("Ubah aturan", "Edit the rule"),
    "studio_rule_add": ("Tambah aturan", "Add a rule"),
    "studio_rule_kind": ("Jenis aturan", "Kind of rule"),
    "studio_rule_left": ("Nilai pertama", "First value"),
    "studio_rule_op": ("Harus", "Must be"),
    "studio_rule_right": ("Nilai kedua", "Second value"),
    "studio_rule_from": ("Dari tanggal", "From the date"),
    "studio_rule_to": ("Sampai tanggal", "To the date"),
    "studio_rule_at_most": ("Paling lama (hari)", "At most (days)"),
    "studio_rule_group": ("Kelompok", "Group"),
    "studio_rule_equals": ("Banyak butir harus sama dengan", "The number of items must equal"),
    "studio_rule_where": ("Syarat pada butir", "Test on each item"),
    "studio_rule_where_field": ("Isian dalam kelompok", "Field in the group"),
    "studio_rule_where_op": ("Uji", "Test"),
    "studio_rule_where_value": ("Nilai", "Value"),
    "studio_rule_unique_field": ("Isian yang tidak boleh sama", "Field no two items may share"),
    "studio_rule_at": ("Pesan tampil di samping", "Message shown beside"),
    "studio_rule_message_id": ("Pesan (Bahasa Indonesia)", "Message (Indonesian)"),
    "studio_rule_message_en": ("Pesan (English)", "Message (English)"),
    "studio_rule_id": ("Nama aturan (boleh kosong)", "Name of the rule (optional)"),
    "studio_rule_id_hint": (
        "Huruf kecil, angka dan garis bawah; dipakai tinjauan untuk menyebut aturan ini.",
        "Lower-case letters, digits and underscores; the review names the rule by it.",
    ),
    "studio_operand_what": ("Apa", "What"),
    "studio_operand_value": ("Nilai tetap atau JSON", "Fixed value or JSON"),
    "studio_operand_value_hint": (
        "Hanya untuk 'nilai tetap' (angka, atau tanggal seperti 2026-07-01) atau 'ungkapan JSON'.",
        "Only for 'a fixed value' (a number, or a date such as 2026-07-01) or 'JSON expression'.",
    ),
    "studio_computed": ("Nilai hitungan", "Computed values"),
    "studio_computed_intro": (
        "Nilai yang dihitung dari jawaban (umur, jumlah hari, jumlah anggota, penjumlahan). "
        "Aturan dan syarat tampil dapat memakainya seperti jawaban; yang berlabel tampil di "
        "halaman periksa jawaban.",
        "Values worked out from the answers (age, days, number of members, sums). Rules and "
        "conditions may use them like answers; labelled ones are shown on the check page.",
    ),
    "studio_computed_none": (
        "Formulir ini belum punya nilai hitungan.",
        "This form has no computed values yet.",
    ),
    "studio_computed_edit": ("Ubah hitungan", "Edit the computed value"),
    "studio_computed_add": ("Tambah nilai hitungan", "Add a computed value"),
    "studio_computed_name": ("Nama", "Name"),
    "studio_computed_name_hint": (
        "Huruf kecil, angka dan garis bawah, diawali huruf, mis. umur_pemohon.",
        "Lower-case letters, digits and underscores, starting with a letter, e.g. umur_pemohon.",
    ),
    "studio_computed_kind": ("Jenis hitungan", "Kind of value"),
    "studio_computed_label_id": ("Label (Bahasa Indonesia)", "Label (Indonesian)"),
    "studio_computed_label_en": ("Label (English)", "Label (English)"),
    "studio_computed_label_hint": (
        "Bila diisi, nilai ini tampil di halaman periksa jawaban.",
        "When given, the value is shown on the check-answers page.",
    ),
    "studio_computed_age_of": (
        "Umur dari (tanggal lahir atau NIK)",
        "Age from (birth date or NIK)",
    ),
    "studio_computed_age_at": (
        "Dihitung pada tanggal (kosong = hari ini)",
        "As of the date (empty = today)",
    ),
    "studio_computed_sum_field": ("Isian angka yang dijumlahkan", "Number field to add up"),
    "studio_computed_json": ("Ungkapan (JSON)", "Expression (JSON)"),
    "studio_computed_terms_hint": (
        "Kosongkan 'Apa' untuk menghapus suku; satu suku kosong tersedia untuk menambah.",
        "Empty 'What' to remove a term; one empty term is there to add another.",
    ),
    "studio_computed_term": ("Suku {n}", "Term {n}"),
    "studio_option_lists": ("Daftar pilihan bersama", "Shared option lists"),
    "studio_option_lists_intro": (
        "Daftar pilihan yang ditulis sekali dan dipakai beberapa isian pilihan (lihat formulir "
        "isian: 'Daftar pilihan bersama'). Kolom kelompok dipakai untuk menyaring pilihan "
        "menurut jawaban lain.",
        "Option lists written once and taken by several choice fields (see the field's form: "
        "'Shared option list'). The group column filters the options by another answer.",
    ),
    "studio_option_lists_none": ("Belum ada daftar pilihan bersama.", "No shared option lists."),
    "studio_option_list_count": ("{n} pilihan", "{n} options"),
    "studio_option_list_edit": ("Ubah daftar", "Edit the list"),
    "studio_option_list_add": ("Tambah daftar pilihan", "Add an option list"),
    "studio_option_list_name": ("Nama daftar", "Name of the list"),
    "studio_option_list_options": ("Pilihan, satu per baris", "Options, one per row"),
    "studio_rename": ("Ganti nama", "Rename"),
    "studio_rename_new_name": ("Nama baru", "New name"),
    "studio_rename_computed_hint": (
        "Huruf kecil, angka dan garis bawah, diawali huruf. Semua yang memakai nilai ini "
        "(nilai hitungan lain, aturan, syarat tampil, halaman keluar) ikut memakai nama baru.",
        "Lower-case letters, digits and underscores, starting with a letter. Everything that "
        "uses this value (other computed values, rules, conditions, exit pages) takes the new "
        "name too.",
    ),
    "studio_rename_list_hint": (
        "Huruf kecil, angka dan garis bawah, diawali huruf. Semua isian pilihan yang memakai "
        "daftar ini ikut memakai nama baru.",
        "Lower-case letters, digits and underscores, starting with a letter. Every choice field "
        "that takes this list takes the new name too.",
    ),
    "studio_option_group": ("Kelompok (penyaring)", "Group (filter)"),
    "studio_option_group_hint": (
        "Kelompok: jawaban isian penyaring yang menawarkan pilihan ini (kode wilayah atau nilai "
        "pilihan); kosong = selalu ditawarkan.",
        "Group: the filtering field's answer that offers this option (an area code or a choice "
        "value); empty = always offered.",
    ),
    "studio_field_list": ("Daftar pilihan bersama", "Shared option list"),
    "studio_field_list_hint": (
        "Bila dipilih, isian ini memakai pilihan dari daftar bersama, bukan pilihannya sendiri. "
        "Kosongkan untuk kembali ke pilihan sendiri (salinan daftar).",
        "When chosen, the field offers the shared list's options instead of its own. Empty it to "
        "have its own options again (a copy of the list).",
    ),
    "studio_field_list_from": ("Daftar", "List"),
    "studio_field_list_save": ("Simpan pilihan daftar", "Save the list choice"),
    "studio_field_list_filter": ("Disaring menurut jawaban", "Filtered by the answer to"),
}
STUDIO_EDITOR_UI.update(STUDIO_RULES_UI)
