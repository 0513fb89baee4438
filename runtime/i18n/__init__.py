"""Interface texts of the runtime in Bahasa Indonesia and English, and the visitor's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from builder import messages
from builder.texts import DEFAULT_LANGUAGE, LANGUAGES, pick_language

UI: dict[str, tuple[str, str]] = {
    "site_name": ("Loket Layanan Publik", "Public Service Counter"),
    "skip": ("Langsung ke isi halaman", "Skip to main content"),
    "catalogue": ("Daftar layanan", "Services"),
    "catalogue_intro": (
        "Ajukan permohonan layanan pemerintah daerah secara daring. Tidak perlu membuat akun.",
        "Apply for local government services online. No account needed.",
    ),
    "search": ("Cari layanan", "Search services"),
    "search_button": ("Cari", "Search"),
    "no_services": ("Tidak ada layanan yang cocok.", "No matching services."),
    "requirements": ("Persyaratan", "Requirements"),
    "procedure": ("Prosedur", "Procedure"),
    "duration": ("Jangka waktu penyelesaian", "Time to complete"),
    "working_days": ("hari kerja", "working days"),
    "cost": ("Biaya", "Cost"),
    "output": ("Produk layanan", "What you receive"),
    "legal_basis": ("Dasar hukum", "Legal basis"),
    "contact": ("Kontak", "Contact"),
    "privacy": ("Penggunaan data pribadi Anda", "How your personal data is used"),
    "privacy_retention": ("Data disimpan selama {days} hari.", "Data is kept for {days} days."),
    "privacy_basis": ("Dasar pemrosesan", "Lawful basis"),
    "start": ("Mulai permohonan", "Start application"),
    "continue": ("Lanjutkan", "Continue"),
    "back": ("Kembali", "Back"),
    "save_continue": ("Simpan dan lanjutkan", "Save and continue"),
    "page_of": ("Langkah {n} dari {total}", "Step {n} of {total}"),
    "optional": ("(tidak wajib)", "(optional)"),
    "error_summary": ("Ada yang perlu diperbaiki", "There is a problem"),
    "error_prefix": ("Galat:", "Error:"),
    "new_fields": (
        "Ada pertanyaan tambahan berdasarkan jawaban Anda. Silakan lengkapi.",
        "There are follow-up questions based on your answers. Please complete them.",
    ),
    "add_item": ("Tambah {item}", "Add {item}"),
    "remove_item": ("Hapus {item} {n}", "Remove {item} {n}"),
    "item": ("butir", "item"),
    "check_title": ("Periksa jawaban Anda", "Check your answers"),
    "check_intro": (
        "Pastikan semua jawaban benar sebelum dikirim.",
        "Make sure your answers are right before you send them.",
    ),
    "change": ("Ubah", "Change"),
    "no_answer": ("Tidak diisi", "Not answered"),
    "computed_title": ("Hasil hitungan dari jawaban Anda", "Worked out from your answers"),
    "no_value": ("Tidak dapat dihitung", "Cannot be worked out"),
    "declaration_title": ("Pernyataan", "Declaration"),
    "submit": ("Kirim permohonan", "Send application"),
    "receipt_title": ("Permohonan terkirim", "Application sent"),
    "receipt_reference": ("Nomor permohonan Anda", "Your reference number"),
    "receipt_keep": (
        "Simpan nomor ini dan tautan di bawah. Tautan ini rahasia: siapa pun yang memilikinya dapat melihat status permohonan Anda.",
        "Keep this number and the link below. The link is private: anyone who has it can see the status of your application.",
    ),
    "receipt_link": ("Tautan status pribadi", "Private status link"),
    "receipt_expected": ("Perkiraan selesai", "Expected completion"),
    "receipt_gone": (
        "Tanda terima ini sudah tidak tersedia. Gunakan nomor permohonan dan tautan status yang Anda simpan.",
        "This receipt is no longer available. Use the reference and status link you kept.",
    ),
    "status_title": ("Status permohonan", "Application status"),
    "status_current": ("Status saat ini", "Current status"),
    "status_timeline": ("Riwayat", "History"),
    "status_submitted": ("Diajukan", "Submitted"),
    "status_due": ("Batas waktu tahap ini", "Due for this step"),
    "status_attachments": ("Berkas Anda", "Your files"),
    "correct_title": ("Permohonan perlu diperbaiki", "Your application needs corrections"),
    "correct_intro": (
        "Petugas meminta Anda memperbaiki permohonan; lihat catatannya di riwayat di bawah.",
        "The officer asked you to correct your application; see the note in the history below.",
    ),
    "correct_button": ("Perbaiki jawaban", "Correct my answers"),
    "withdraw_title": ("Tarik kembali permohonan", "Withdraw the application"),
    "withdraw_reason": ("Alasan", "Reason"),
    "withdraw_button": ("Tarik kembali permohonan ini", "Withdraw this application"),
    "case_not_editable": (
        "Permohonan ini tidak dapat diubah sekarang; buka lagi tautan status Anda.",
        "This application cannot be changed now; open your status link again.",
    ),
    "status_lookup": ("Cek status permohonan", "Check an application"),
    "lost_link_title": ("Lupa tautan status?", "Lost your status link?"),
    "lost_link_intro": (
        "Masukkan nomor permohonan dan e-mail atau nomor HP yang Anda isi di formulir. Jika cocok, tautan status pribadi dikirim ulang ke kontak tersebut.",
        "Enter the reference number and the e-mail address or phone number you gave in the form. If they match, the private status link is sent to that contact again.",
    ),
    "lost_link_reference": ("Nomor permohonan", "Reference number"),
    "lost_link_reference_hint": ("Contoh: LKT-7K3M9-QXP4C", "For example: LKT-7K3M9-QXP4C"),
    "lost_link_contact": ("E-mail atau nomor HP", "E-mail address or phone number"),
    "lost_link_contact_hint": (
        "Sama seperti yang Anda isi di formulir, misalnya budi@contoh.id atau 0812 3456 7890.",
        "As you gave it in the form, for example budi@contoh.id or 0812 3456 7890.",
    ),
    "lost_link_button": ("Kirim ulang tautan", "Send the link again"),
    "lost_link_sent": (
        "Jika nomor permohonan dan kontak tersebut cocok, tautan status pribadi sudah dikirim ke kontak itu. Pesan bisa memerlukan beberapa menit untuk sampai.",
        "If the reference number and that contact match, the private status link has been sent to that contact. The message may take a few minutes to arrive.",
    ),
    "lost_link_bad_reference": (
        "Masukkan nomor permohonan yang benar, misalnya LKT-7K3M9-QXP4C.",
        "Enter a valid reference number, for example LKT-7K3M9-QXP4C.",
    ),
    "lost_link_bad_contact": (
        "Masukkan alamat e-mail atau nomor HP Indonesia, misalnya budi@contoh.id atau 0812 3456 7890.",
        "Enter an e-mail address or an Indonesian phone number, for example budi@contoh.id or 0812 3456 7890.",
    ),
    "resume_title": ("Lanjutkan nanti", "Continue later"),
    "resume_intro": (
        "Kirim tautan ke e-mail atau WhatsApp Anda untuk melanjutkan pengisian di perangkat lain. Tautan berlaku selama draf ini tersimpan.",
        "Send a link to your e-mail or WhatsApp to continue on another device. The link works as long as this draft is kept.",
    ),
    "resume_contact": ("E-mail atau nomor WhatsApp", "E-mail address or WhatsApp number"),
    "resume_hint": (
        "Misalnya budi@contoh.id atau 0812 3456 7890. Jawaban yang sudah diisi tetap tersimpan.",
        "For example budi@contoh.id or 0812 3456 7890. Your answers so far are kept.",
    ),
    "resume_button": ("Kirim tautan", "Send the link"),
    "resume_sent": (
        "Tautan untuk melanjutkan sudah dikirim. Siapa pun yang memiliki tautan itu dapat membuka draf ini: jangan bagikan.",
        "The link to continue has been sent. Anyone who has the link can open this draft: do not share it.",
    ),
    "resume_limited": (
        "Terlalu banyak permintaan tautan. Silakan coba lagi dalam satu jam.",
        "Too many link requests. Please try again in an hour.",
    ),
    "resume_back": ("Kembali ke formulir", "Back to the form"),
    "resume_gone": ("Tautan tidak berlaku lagi", "This link no longer works"),
    "resume_gone_text": (
        "Draf ini sudah kedaluwarsa atau sudah dikirim. Mulai permohonan baru dari daftar layanan, atau cek status permohonan yang sudah dikirim.",
        "This draft has expired or has already been sent. Start a new application from the list of services, or check an application already sent.",
    ),
    "status_lookup_intro": (
        "Buka tautan status pribadi yang Anda terima saat mengirim permohonan.",
        "Open the private status link you received when you sent the application.",
    ),
    "not_found": ("Halaman tidak ditemukan", "Page not found"),
    "not_found_text": (
        "Periksa alamatnya, atau mulai dari daftar layanan.",
        "Check the address, or start from the list of services.",
    ),
    "case_not_found": (
        "Permohonan tidak ditemukan. Periksa nomor permohonan dan tautan status Anda.",
        "Application not found. Check your reference number and status link.",
    ),
    "bad_request": ("Permintaan tidak dapat diproses", "The request cannot be processed"),
    "csrf_failed": (
        "Formulir sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.",
        "The form has expired or is not valid. Reload the page and try again.",
    ),
    "too_large": ("Kiriman terlalu besar.", "The upload is too large."),
    "method_not_allowed": ("Metode tidak diizinkan", "Method not allowed"),
    "method_not_allowed_text": (
        "Alamat ini tidak menerima permintaan seperti itu.",
        "This address does not take that kind of request.",
    ),
    "server_error": (
        "Terjadi kesalahan pada sistem. Jawaban Anda tetap tersimpan; coba lagi sebentar lagi.",
        "Something went wrong on our side. Your answers are saved; try again shortly.",
    ),
    "draft_expired": (
        "Sesi pengisian Anda sudah berakhir. Silakan mulai lagi.",
        "Your session has ended. Please start again.",
    ),
    "file_current": ("Berkas tersimpan: {name}", "Saved file: {name}"),
    "files_current": ("Berkas tersimpan: {names}", "Saved files: {names}"),
    "files_replace": (
        "Pilih berkas lagi untuk mengganti semuanya.",
        "Choose files again to replace them all.",
    ),
    "files_hint": (
        "Boleh sampai {count} berkas sekaligus.",
        "Up to {count} files at once.",
    ),
    "file_too_many": (
        "Pilih paling banyak {count} berkas.",
        "Choose at most {count} files.",
    ),
    "file_replace": ("Pilih berkas lain untuk mengganti.", "Choose another file to replace it."),
    "file_hint": ("Jenis: {types}. Paling besar {mb} MB.", "Types: {types}. At most {mb} MB."),
    "file_too_big": (
        "Berkas lebih besar dari {mb} MB. Perkecil atau pindai ulang dengan resolusi lebih rendah.",
        "The file is larger than {mb} MB. Make it smaller or scan again at a lower resolution.",
    ),
    "file_bad_type": (
        "Jenis berkas tidak diterima. Unggah {types}.",
        "This type of file is not accepted. Upload {types}.",
    ),
    "file_empty": ("Berkas kosong. Pilih berkas lain.", "The file is empty. Choose another file."),
    "yes": ("Ya", "Yes"),
    "no": ("Tidak", "No"),
    "choose": ("— Pilih —", "— Choose —"),
    "region_next": ("Tampilkan pilihan berikutnya", "Show the next list"),
    "choices_refresh": ("Tampilkan pilihan yang sesuai", "Show the matching options"),
    "choices_after_filter": (
        "Pilihan muncul setelah pertanyaan sebelumnya dijawab.",
        "The options appear once the question before is answered.",
    ),
    "retired": (
        "Layanan ini tidak lagi menerima permohonan baru.",
        "This service no longer accepts new applications.",
    ),
    "language": ("Bahasa", "Language"),
    "footer": (
        "Layanan daring pemerintah daerah. Keluhan tentang layanan dapat disampaikan melalui kanal pengaduan resmi.",
        "Online services of the local government. Complaints about a service can be made through the official complaints channel.",
    ),
    "date_hint": ("Contoh: {date}", "For example: {date}"),
    "exit_kept": (
        "Permohonan Anda belum dikirim. Bila ada jawaban yang keliru,",
        "Your application has not been sent. If an answer was wrong,",
    ),
    "exit_change": ("kembali dan ubah jawaban.", "go back and change it."),
    "time_hint": ("Jam dalam 24 jam, misalnya 14.30", "24-hour time, for example 14:30"),
    "time_range": ("antara pukul {low} dan {high}", "between {low} and {high}"),
    "time_from": ("paling awal pukul {low}", "no earlier than {low}"),
    "time_until": ("paling lambat pukul {high}", "no later than {high}"),
    "phone_hint": ("Contoh: 0812 3456 7890", "For example: 0812 3456 7890"),
    "nik_hint": ("16 angka sesuai KTP-el", "16 digits, as on the e-KTP"),
    "agency": ("Instansi", "Agency"),
    "version": ("Versi", "Version"),
    # issued documents (status page, case page, API)
    "status_documents": ("Dokumen", "Documents"),
    "doc_number": ("Nomor", "Number"),
    "doc_issued": ("Tanggal terbit", "Issued on"),
    "doc_status": ("Status", "Status"),
    "doc_status_valid": ("Berlaku", "Valid"),
    "doc_status_superseded": ("Diganti", "Superseded"),
    "doc_status_revoked": ("Dicabut", "Revoked"),
    "doc_verify_link": ("Periksa keasliannya", "Check that it is genuine"),
    "doc_revoked_on": ("Dicabut pada {date}", "Revoked on {date}"),
    "doc_superseded_note": (
        "Diganti oleh dokumen yang lebih baru.",
        "Replaced by a newer document.",
    ),
    "doc_download": ("Unduh PDF", "Download PDF"),
    "doc_signed_note": (
        "Dokumen ditandatangani secara elektronik; keasliannya dapat diperiksa lewat kode QR "
        "pada dokumen.",
        "The documents are signed electronically; their authenticity can be checked through "
        "the QR code on them.",
    ),
    # the start page
    "key_facts": ("Ringkasan layanan", "The service at a glance"),
    "standard_full": ("Standar Pelayanan lengkap", "The full service standard"),
    "privacy_short": (
        "Data Anda hanya dipakai untuk layanan ini dan disimpan {days} hari.",
        "Your data is used for this service only and kept for {days} days.",
    ),
    # the receipt
    "copy": ("Salin", "Copy"),
    "copy_reference": ("Salin nomor", "Copy the number"),
    "copy_link": ("Salin tautan", "Copy the link"),
    "copied": ("Tersalin.", "Copied."),
    "receipt_next_title": ("Apa selanjutnya", "What happens next"),
    "receipt_next_check": (
        "Petugas memeriksa {noun} Anda. Jika ada yang perlu diperbaiki, petugas menuliskannya di halaman status.",
        "An officer checks your {noun}. If anything needs correcting, the officer says so on the status page.",
    ),
    "receipt_next_expected": (
        "Perkiraan selesai: {date}, {days} hari kerja sejak diajukan (Sabtu, Minggu dan hari libur tidak dihitung).",
        "Expected completion: {date}, {days} working days after filing (weekends and public holidays not counted).",
    ),
    "receipt_next_status": (
        "Buka tautan status pribadi kapan saja untuk melihat perkembangannya, memperbaiki atau menarik kembali {noun} Anda.",
        "Open the private status link at any time to follow its progress, correct or withdraw your {noun}.",
    ),
    "receipt_send_title": (
        "Kirim tautan ini ke e-mail atau WhatsApp saya",
        "Send this link to my e-mail or WhatsApp",
    ),
    "receipt_send_hint": (
        "Misalnya budi@contoh.id atau 0812 3456 7890. Siapa pun yang menerima pesan itu dapat melihat status: kirim hanya ke kontak Anda sendiri.",
        "For example budi@contoh.id or 0812 3456 7890. Whoever receives the message can see the status: send it to your own contact only.",
    ),
    "receipt_send_button": ("Kirim tautan status", "Send the status link"),
    "receipt_sent": (
        "Tautan status sudah dikirim. Pesan bisa memerlukan beberapa menit untuk sampai.",
        "The status link has been sent. The message may take a few minutes to arrive.",
    ),
    # withdrawing
    "withdraw_confirm_title": ("Tarik kembali {noun} ini?", "Withdraw this {noun}?"),
    "withdraw_confirm_text": (
        "Setelah ditarik, {noun} {ref} tidak diproses lagi dan tidak dapat dibuka kembali. Anda dapat mengajukan yang baru kapan saja.",
        "Once withdrawn, {noun} {ref} is no longer processed and cannot be reopened. You can send a new one at any time.",
    ),
    "withdraw_confirm_button": ("Ya, tarik kembali", "Yes, withdraw it"),
    "withdraw_cancel": ("Tidak, kembali ke status", "No, back to the status"),
    "withdraw_done": (
        "{noun_cap} Anda sudah ditarik kembali dan tidak diproses lagi.",
        "Your {noun} has been withdrawn and is no longer processed.",
    ),
    "state_withdrawn": ("Ditarik kembali oleh pemohon", "Withdrawn by the applicant"),
    # correcting a case sent back
    "correct_note_title": ("Catatan petugas", "The officer's note"),
    "correct_editing": (
        "Anda sedang memperbaiki {noun} {ref}. Perbaiki yang diminta, lalu kirim perbaikan di halaman terakhir.",
        "You are correcting {noun} {ref}. Fix what was asked, then send the corrections on the last page.",
    ),
    "correct_questioned": (
        "Diminta diperbaiki oleh petugas.",
        "The officer asked you to correct this.",
    ),
    "correct_submit": ("Kirim perbaikan", "Send corrections"),
    "correct_check_title": ("Periksa perbaikan Anda", "Check your corrections"),
    "follows_later": (
        "(boleh menyusul: kirim nanti dari halaman status)",
        "(may follow later: send it from the status page)",
    ),
    "applicant_actions_title": ("Yang dapat Anda lakukan sekarang", "What you can do now"),
    "applicant_action_sent": (
        "Terkirim. Petugas melihatnya di permohonan Anda; perkembangannya tampil di halaman ini.",
        "Sent. The officer sees it on your application; the progress shows on this page.",
    ),
    "applicant_action_unavailable": (
        "Aksi ini tidak tersedia untuk permohonan Anda pada statusnya sekarang; buka lagi tautan status Anda.",
        "This action is not available for your application in its current state; open your status link again.",
    ),
    "applicant_action_confirm": (
        "Centang pernyataan ini untuk melanjutkan.",
        "Tick this statement to continue.",
    ),
    "correct_sent": (
        "Perbaikan Anda sudah terkirim. Petugas akan memeriksanya kembali; perkembangannya tampil di halaman ini.",
        "Your corrections have been sent. An officer will check them again; the progress shows on this page.",
    ),
    "change_page": ("Ubah jawaban di halaman ini", "Change the answers on this page"),
    "group_item_edit": ("Ubah", "Change"),
    "group_item_needs_fix": ("perlu diperbaiki", "needs correcting"),
    "group_items_title": ("{item} yang sudah diisi", "{item}s added"),
}

# Words that follow the kind of service (`kind` in the definition): what the citizen sends.
KIND_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "permohonan": {
        "start": ("Mulai permohonan", "Start application"),
        "submit": ("Kirim permohonan", "Send application"),
        "receipt_title": ("Permohonan terkirim", "Application sent"),
        "receipt_reference": ("Nomor permohonan Anda", "Your reference number"),
        "status_title": ("Status permohonan", "Application status"),
        "applicant_name": ("Nama pemohon", "Applicant's name"),
    },
    "pengaduan": {
        "start": ("Mulai aduan", "Start a complaint"),
        "submit": ("Kirim aduan", "Send complaint"),
        "receipt_title": ("Aduan terkirim", "Complaint sent"),
        "receipt_reference": ("Nomor aduan Anda", "Your complaint number"),
        "status_title": ("Status aduan", "Complaint status"),
        "applicant_name": ("Nama pelapor", "Complainant's name"),
    },
    "pendaftaran": {
        "start": ("Mulai pendaftaran", "Start registration"),
        "submit": ("Kirim pendaftaran", "Send registration"),
        "receipt_title": ("Pendaftaran terkirim", "Registration sent"),
        "receipt_reference": ("Nomor pendaftaran Anda", "Your registration number"),
        "status_title": ("Status pendaftaran", "Registration status"),
        "applicant_name": ("Nama pendaftar", "Registrant's name"),
    },
    "permintaan_informasi": {
        "start": ("Mulai permintaan informasi", "Start a request for information"),
        "submit": ("Kirim permintaan informasi", "Send the request"),
        "receipt_title": ("Permintaan informasi terkirim", "Request sent"),
        "receipt_reference": ("Nomor permintaan Anda", "Your request number"),
        "status_title": ("Status permintaan informasi", "Request status"),
        "applicant_name": ("Nama pemohon informasi", "Requester's name"),
    },
}
DEFAULT_KIND = messages.DEFAULT_KIND
# The heading of the sender's name where cases of several kinds are listed together.
MIXED_SENDER_NAME = ("Nama pengirim", "Sender's name")


def kind_nouns(kinds: Iterable[str], lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """What citizens send, for a staff text about cases of services of these kinds (their
    `kind_of`): `noun`, `Noun` (a sentence's start), `nouns`, `Nouns` (plural). Several kinds
    are joined, in the language's order ("permohonan atau aduan", "Permohonan dan aduan");
    none: an application's words. `name` heads the column of the sender's name: the kind's own
    word for one kind ("Nama pelapor"), "Nama pengirim" when kinds are mixed."""
    known = list(messages.KIND_NOUNS)
    chosen = sorted({k for k in kinds if k in known}, key=known.index) or [DEFAULT_KIND]
    words = [messages.KIND_NOUNS[kind][lang if lang == "en" else "id"] for kind in chosen]
    plural = [f"{word}s" for word in words] if lang == "en" else words
    either, both = (" or ", " and ") if lang == "en" else (" atau ", " dan ")
    noun, nouns = either.join(words), both.join(plural)
    pair = KIND_WORDS[chosen[0]]["applicant_name"] if len(chosen) == 1 else MIXED_SENDER_NAME
    return {
        "name": pair[1] if lang == "en" else pair[0],
        "noun": noun,
        "Noun": noun[0].upper() + noun[1:],
        "nouns": nouns,
        "Nouns": nouns[0].upper() + nouns[1:],
    }


def kind_word(definition: Mapping[str, Any] | None, key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A word that follows the service's kind ("Kirim aduan" for a complaint), in `lang`;
    "noun" is what the citizen sends ("aduan"), as the messages to them say it."""
    if key == "noun":
        return messages.kind_noun(definition, lang)
    pair = KIND_WORDS[messages.kind_of(definition)].get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """An interface text in `lang` with parameters filled in."""
    pair = UI.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


def in_language(message: str, lang: str) -> str:
    """The `lang` half of a bilingual message written "Bahasa Indonesia / English" (as the
    account, agency and lifecycle checks write theirs); any other message as it is."""
    first, separator, second = message.partition(" / ")
    if not separator or " / " in second:
        return message
    return second if lang == "en" else first


def request_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The visitor's language: ?lang= first, then the language cookie, then Accept-Language."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return str(candidate)
    return pick_language(accept)


def _merge_office_texts() -> None:
    from runtime.i18n.office import OFFICE_UI
    from runtime.i18n.review import REVIEW_UI
    from runtime.i18n.studio_documents import STUDIO_DOCUMENT_UI
    from runtime.i18n.studio_editor import STUDIO_EDITOR_UI
    from runtime.i18n.studio_trial import STUDIO_TRIAL_UI
    from runtime.i18n.verify import VERIFY_UI

    for key, pair in (
        *OFFICE_UI.items(),
        *VERIFY_UI.items(),
        *STUDIO_DOCUMENT_UI.items(),
        *REVIEW_UI.items(),
        *STUDIO_EDITOR_UI.items(),
        *STUDIO_TRIAL_UI.items(),
    ):
        UI.setdefault(key, pair)


_merge_office_texts()
