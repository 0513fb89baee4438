"""Interface texts of trying a draft in the studio (merged into `runtime.i18n.UI`)."""

from __future__ import annotations

STUDIO_TRIAL_UI: dict[str, tuple[str, str]] = {
    "studio_try": ("Coba draf ini sebagai warga", "Try this draft as a citizen"),
    "studio_try_text": (
        "Isi formulir halaman demi halaman seperti warga; tidak ada permohonan yang dikirim.",
        "Fill in the form page by page as a citizen would; nothing is filed.",
    ),
    "trial_banner": (
        "Mode coba — tidak ada permohonan yang dikirim.",
        "Trial mode — no application is filed.",
    ),
    "trial_back_to_studio": ("Kembali ke studio", "Back to the studio"),
    "trial_blocked": (
        "Draf ini belum bisa dicoba",
        "This draft cannot be tried yet",
    ),
    "trial_blocked_text": (
        "Draf ini masih memiliki galat. Perbaiki galat yang tercantum di studio, lalu coba lagi.",
        "This draft still has errors. Fix the errors listed in the studio, then try again.",
    ),
    "trial_too_long": (
        "Jawaban percobaan terlalu panjang untuk disimpan dalam mode coba (sekitar 3 KB "
        "setelah dipadatkan). Persingkat jawaban ini.",
        "The trial's answers are too long to keep in trial mode (about 3 KB once compressed). "
        "Shorten this answer.",
    ),
    "trial_done_title": (
        "Percobaan selesai — tidak ada yang dikirim",
        "Trial finished — nothing was filed",
    ),
    "trial_done_text": (
        "Ini hanya percobaan: tidak ada permohonan yang dibuat, tidak ada nomor registrasi, "
        "tidak ada pesan yang dikirim dan berkas yang diunggah tidak disimpan. Berikut jawaban "
        "yang akan dikirim seorang warga.",
        "This was only a trial: no application was made, no reference number issued, no "
        "message sent, and uploaded files were not kept. These are the answers a citizen "
        "would have sent.",
    ),
    "trial_done_answers": ("Jawaban percobaan", "The trial's answers"),
    "trial_again": ("Coba lagi dari awal", "Try again from the start"),
}
