"""Errors in a citizen's answers, with bilingual messages that say how to fix them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder import values
from builder.texts import Message, localise

# Default messages by rule; {label} is the field's label, {limit} the rule's bound.
_DEFAULTS: dict[str, tuple[str, str]] = {
    "required": ("{label} wajib diisi.", "{label} is required."),
    "required_choice": ("Pilih {label}.", "Select {label}."),
    "required_file": ("Unggah {label}.", "Upload {label}."),
    "required_declaration": (
        "Centang pernyataan ini untuk melanjutkan.",
        "Tick this declaration to continue.",
    ),
    "min_length": (
        "{label} paling sedikit {limit} karakter.",
        "{label} must be at least {limit} characters.",
    ),
    "max_length": (
        "{label} paling banyak {limit} karakter.",
        "{label} must be at most {limit} characters.",
    ),
    "pattern": (
        "{label} tidak sesuai bentuk yang diminta.",
        "{label} is not in the expected form.",
    ),
    "single_line": (
        "{label} harus satu baris tanpa tab dan tanpa spasi di awal atau akhir.",
        "{label} must be one line, without tabs or spaces at either end.",
    ),
    "single_line_break": (
        "{label} harus satu baris: hapus ganti baris (Enter) di dalamnya.",
        "{label} must be one line: remove the line breaks in it.",
    ),
    "single_line_tab": (
        "{label} tidak boleh berisi tab; pakai spasi.",
        "{label} cannot contain tabs; use spaces.",
    ),
    "single_line_space": (
        "{label} tidak boleh diawali atau diakhiri spasi.",
        "{label} cannot start or end with a space.",
    ),
    "min": ("{label} paling kecil {limit}.", "{label} must be {limit} or more."),
    "max": ("{label} paling besar {limit}.", "{label} must be {limit} or less."),
    "min_date": ("{label} tidak boleh sebelum {limit}.", "{label} cannot be before {limit}."),
    "max_date": ("{label} tidak boleh setelah {limit}.", "{label} cannot be after {limit}."),
    "min_time": ("{label} tidak boleh sebelum pukul {limit}.", "{label} cannot be before {limit}."),
    "max_time": ("{label} tidak boleh setelah pukul {limit}.", "{label} cannot be after {limit}."),
    "min_items": (
        "Isi paling sedikit {limit} untuk {label}.",
        "Give at least {limit} for {label}.",
    ),
    "max_items": ("Isi paling banyak {limit} untuk {label}.", "Give at most {limit} for {label}."),
    "unknown": (
        "Isian '{label}' tidak dikenal di layanan ini.",
        "'{label}' is not a field of this service.",
    ),
    "invalid": ("{label} tidak valid.", "{label} is not valid."),
    "invalid_number": (
        "{label} harus berupa angka, misalnya 1500.",
        "{label} must be a number, e.g. 1500.",
    ),
    "invalid_integer": (
        "{label} harus berupa bilangan bulat, misalnya 3.",
        "{label} must be a whole number, e.g. 3.",
    ),
    "invalid_date": (
        "{label} harus tanggal yang benar, misalnya 17-08-1990.",
        "{label} must be a real date, e.g. 17-08-1990.",
    ),
    "invalid_time": (
        "{label} harus jam yang benar, misalnya 08.30 atau 14.00.",
        "{label} must be a real time of day, e.g. 08:30 or 14:00.",
    ),
    "invalid_email": (
        "Masukkan alamat email yang benar, misalnya nama@contoh.id.",
        "Enter a valid email address, e.g. name@example.id.",
    ),
    "invalid_phone": (
        "Masukkan nomor telepon Indonesia, misalnya 0812 3456 7890.",
        "Enter an Indonesian phone number, e.g. 0812 3456 7890.",
    ),
    "invalid_choice": (
        "Pilih salah satu pilihan yang tersedia untuk {label}.",
        "Select one of the options for {label}.",
    ),
    "not_offered_choice": (
        "Pilihan ini tidak tersedia untuk jawaban sebelumnya; pilih lagi {label} dari daftar.",
        "This option is not available for the earlier answer; select {label} again from the list.",
    ),
    "invalid_yesno": ("Pilih Ya atau Tidak untuk {label}.", "Select Yes or No for {label}."),
    "required_region": ("Pilih {label}.", "Select {label}."),
    "invalid_region": (
        "Pilih {label} sampai {limit} dari daftar.",
        "Select {label} down to the {limit} from the lists.",
    ),
    "file_too_big": (
        "{label}: berkas paling besar {limit} MB; perkecil atau pindai ulang.",
        "{label}: the file can be at most {limit} MB; make it smaller or scan again.",
    ),
    "invalid_file": (
        "Berkas untuk {label} tidak dapat diterima.",
        "The file for {label} cannot be accepted.",
    ),
    "nik_length": ("NIK harus 16 angka.", "A NIK has 16 digits."),
    "nik_digits": ("NIK hanya berisi angka 0–9.", "A NIK contains only the digits 0–9."),
    "nik_region": (
        "Kode wilayah pada NIK tidak dikenal; periksa 6 angka pertama.",
        "The region code of this NIK is unknown; check the first 6 digits.",
    ),
    "nik_birth-date": (
        "Tanggal lahir pada NIK tidak mungkin; periksa angka ke-7 sampai ke-12.",
        "The birth date in this NIK is impossible; check digits 7 to 12.",
    ),
}


@dataclass(frozen=True)
class AnswerError:
    """One problem with an answer, located by a JSON pointer into the answers."""

    pointer: str
    key: str
    rule: str
    message: Message

    def text(self, lang: str = "id") -> str:
        """The message in `lang`."""
        return self.message.get(lang) or self.message["id"]

    @property
    def anchor(self) -> str:
        """An HTML id for the field this error belongs to."""
        return "f-" + self.pointer.strip("/").replace("/", "-")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "pointer": self.pointer,
            "key": self.key,
            "rule": self.rule,
            "message": dict(self.message),
        }


def _format_limit(limit: Any, lang: str) -> str:
    if isinstance(limit, Mapping):  # a text in both languages
        return str(limit.get(lang, ""))
    if isinstance(limit, str):
        day = values.resolve_date_bound(limit)
        return day.strftime("%d-%m-%Y") if day else limit
    if isinstance(limit, float) and limit.is_integer():
        return str(int(limit))
    return str(limit)


def make_error(
    *,
    pointer: str,
    key: str,
    rule: str,
    spec: Mapping[str, Any],
    variant: str | None = None,
    limit: Any = None,
) -> AnswerError:
    """Build an error with the field's custom message for `rule`, or the default one."""
    custom = (
        spec.get("messages", {}).get(rule) if isinstance(spec.get("messages"), Mapping) else None
    )
    if custom is not None:
        message = {lang: localise(custom, lang) for lang in ("id", "en")}
        return AnswerError(pointer, key, rule, message)
    template = _DEFAULTS.get(variant or rule) or _DEFAULTS[rule]
    message = {}
    for lang, text in zip(("id", "en"), template, strict=True):
        label = localise(spec.get("label"), lang) or key
        message[lang] = text.format(label=label, limit=_format_limit(limit, lang))
    return AnswerError(pointer, key, rule, message)
