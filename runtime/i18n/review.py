"""Interface texts of the review page's preview, confirmations and conversation (Bahasa
Indonesia, English); merged into runtime.i18n.UI."""

from __future__ import annotations

REVIEW_UI: dict[str, tuple[str, str]] = {
    "review_preview": ("Yang akan terbit", "What will be published"),
    "review_preview_intro": (
        "Formulir seperti yang dilihat warga (semua halaman, tanpa jawaban), standar pelayanan, "
        "pemberitahuan privasi, dan alur kerja.",
        "The form as citizens will see it (every page, unanswered), the service standard, the "
        "privacy notice and the workflow.",
    ),
    "review_preview_form": ("Formulir", "The form"),
    "review_preview_page": ("Halaman {n}: {title}", "Page {n}: {title}"),
    "review_preview_unavailable": (
        "Formulir belum dapat ditampilkan karena definisi masih punya galat.",
        "The form cannot be shown while the definition has errors.",
    ),
    "review_preview_standard": ("Standar pelayanan dan privasi", "Service standard and privacy"),
    "review_preview_workflow": ("Alur kerja", "Workflow"),
    "review_conditional": ("bersyarat", "conditional"),
    "review_confirm_publish_new": (
        "Saya yakin: versi {number} terbit sebagai layanan baru, tampil di katalog, dan warga "
        "dapat langsung mengajukan permohonan.",
        "I am sure: version {number} goes live as a new service, is listed in the catalogue, and "
        "citizens can apply at once.",
    ),
    "review_confirm_publish": (
        "Saya yakin: versi {number} terbit menggantikan versi {live}; pemohon baru mendapat versi "
        "{number}. {count} permohonan yang sedang berjalan pada versi {live} tetap diproses "
        "dengan versi {live}.",
        "I am sure: version {number} replaces version {live}; new applicants get version "
        "{number}. {count} open applications on version {live} continue on version {live}.",
    ),
    "review_confirm_moved": (
        "{moved} di antaranya pindah ke versi {number} sesuai pemetaan status di atas.",
        "{moved} of them move to version {number} as the state mapping above says.",
    ),
    "review_confirm_changes_new": (
        "Saya yakin: versi {number} dikembalikan ke perancang dengan catatan saya dan tidak "
        "dapat terbit sampai diajukan lagi. Layanan ini belum terbit, jadi tidak ada permohonan "
        "yang terdampak.",
        "I am sure: version {number} goes back to its designers with my notes and cannot go "
        "live until it is sent again. The service is not live yet, so no application is "
        "affected.",
    ),
    "review_confirm_changes": (
        "Saya yakin: versi {number} dikembalikan ke perancang dengan catatan saya dan tidak "
        "dapat terbit sampai diajukan lagi. Versi {live} tetap berlaku, dan {count} permohonan "
        "yang sedang berjalan padanya tidak berubah.",
        "I am sure: version {number} goes back to its designers with my notes and cannot go "
        "live until it is sent again. Version {live} stays live, and its {count} open "
        "applications do not change.",
    ),
    "review_confirm_missing": (
        "Centang pernyataan untuk mengonfirmasi.",
        "Tick the statement to confirm.",
    ),
    "review_conversation": ("Percakapan tinjauan", "Review conversation"),
    "review_conversation_intro": (
        "Catatan peninjau dan balasan perancang untuk versi ini, urut waktu. Catatan tidak "
        "mengubah status versi.",
        "The reviewers' notes and the designers' replies on this version, oldest first. A note "
        "does not change the version's state.",
    ),
    "review_conversation_empty": ("Belum ada catatan.", "No notes yet."),
    "review_role_reviewer": ("Peninjau", "Reviewer"),
    "review_role_designer": ("Perancang", "Designer"),
    "review_with_decision": ("bersama permintaan perubahan", "with the request for changes"),
    "review_note_label": ("Catatan untuk perancang", "Note to the designers"),
    "review_note_send": ("Kirim catatan", "Send note"),
    "studio_reply_label": ("Balasan untuk peninjau", "Reply to the reviewers"),
    "studio_reply_send": ("Kirim balasan", "Send reply"),
    "studio_reply_sent": ("Balasan Anda tersimpan.", "Your reply was saved."),
    "ev_review_note": ("Catatan peninjau", "Reviewer's note"),
    "ev_designer_replied": ("Balasan perancang", "Designer's reply"),
}
