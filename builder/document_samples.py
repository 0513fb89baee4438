"""Plausible sample answers for a definition, to preview its documents before any case exists.

`sample_answers` gives every field of the form (and `sample_officer_values` every officer field)
a value of its type that reads like a real answer: a name for a name, an address for an
address, a birth date for a birth date, the first option of a choice. Numbers and dates stay
within the field's `min`/`max`. A group gets as many items as it needs, each with sample
answers; files and notices get nothing (a document never prints them). `preview_document` fills a document with these values, a sample case, the agency's data
(sample values where the agency has none yet) and a number made from the pattern with sequence
1, marked as a sample: never a document anyone can rely on.

Plain Python: no database and no web.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from builder import option_lists, patterns, regions, values
from builder.compiler import compile_definition
from builder.document_model import RenderedDocument, Signatory
from builder.documents import CaseData, documents, render_document, signatory_for
from builder.model import Definition, FieldRef, iter_fields, iter_officer_fields
from builder.numbering import format_number, pattern_problems
from builder.option_lists import expand
from builder.texts import localise

SAMPLE_NAME = "Siti Rahmawati"
SAMPLE_REFERENCE = "LKT-XXXXX-XXXXX"
SAMPLE_OFFICER = "Nama Pejabat (contoh)"
WATERMARK = "CONTOH / PREVIEW"
FOOTER = (
    "CONTOH / PREVIEW – diisi dengan jawaban contoh; bukan dokumen resmi dan tidak "
    "ditandatangani. A sample filled with sample answers: not an official document, not signed."
)
# Agency data printed where the agency has not filled it in yet (marked as a sample).
SAMPLE_AGENCY: dict[str, str] = {
    "parent_government": "Pemerintah Kota Contoh",
    "city": "Kota Contoh",
    "address": "Jl. Contoh No. 1, Kota Contoh (contoh)",
    "signatory_position": "Kepala Instansi (contoh)",
    "signatory_name": SAMPLE_OFFICER,
    "signatory_nip": "197001012000031001",
}

# Sample texts by a word in the field's key, first match wins.
_TEXTS: tuple[tuple[str, str], ...] = (
    ("nama_perusahaan", "CV Contoh Sejahtera"),
    ("nama_lembaga", "Yayasan Contoh Mandiri"),
    ("nama_usaha", "Toko Contoh Jaya"),
    ("nama", SAMPLE_NAME),
    ("tempat_lahir", "Bandar Lampung"),
    ("alamat", "Jl. Contoh Raya No. 10, Enggal"),
    ("pekerjaan", "Karyawan swasta"),
    ("jabatan", "Direktur"),
    ("kelurahan", "Enggal"),
    ("kecamatan", "Enggal"),
    ("naskah", "Promo Akhir Tahun Toko Contoh Jaya"),
    ("npwp", "12.345.678.9-012.000"),
    ("nib", "9120001234567"),
    ("keperluan", "Persyaratan administrasi"),
    ("tujuan", "Bahan penelitian tentang pelayanan publik"),
    ("rincian", "Salinan laporan realisasi anggaran tahun lalu"),
    ("ditujukan", "Rumah Sakit Umum Daerah"),
    ("koordinat", "-5.4292, 105.2610"),
)
_EXACT: dict[str, str] = {"rt": "005", "rw": "002"}
# Sample numbers by a word in the key.
_NUMBERS: tuple[tuple[str, int], ...] = (
    ("penghasilan", 1_500_000),
    ("biaya", 50_000),
    ("tanggungan", 3),
    ("pengikut", 2),
    ("panjang", 4),
    ("lebar", 3),
    ("ketinggian", 6),
    ("sisi", 2),
    ("lama", 14),
    ("jumlah", 2),
)


def _label(ref: FieldRef) -> str:
    return localise(ref.spec.get("label"), "id") or ref.key.replace("_", " ")


# Tried in turn for a text field whose sample does not match its pattern.
_PATTERN_TRIES = ("005", "12345", "1234567890123456", "ABC-12345", "AB12345", "contoh")


def _text(ref: FieldRef, *, long: bool = False) -> str:
    key = ref.key
    found = _EXACT.get(key) or next((text for word, text in _TEXTS if word in key), None)
    if found is None:
        found = f"Contoh {_label(ref)[:1].lower()}{_label(ref)[1:]}" + ("." if long else "")
    least = ref.spec.get("min_length")
    if isinstance(least, int) and len(found) < least:
        found = (found.rstrip(".") + " " + "dan seterusnya " * least)[:least].rstrip() + "."
        found = found.ljust(least, ".")
    limit = ref.spec.get("max_length")
    found = found[: int(limit)] if isinstance(limit, int) and limit > 0 else found
    pattern = ref.spec.get("pattern")
    if isinstance(pattern, str) and not _matches(pattern, found):
        found = next((t for t in _PATTERN_TRIES if _matches(pattern, t)), found)
    return found


def _matches(pattern: str, text: str) -> bool:
    try:
        return patterns.full_match(pattern, text)
    except patterns.PatternError:
        return False


def _number(ref: FieldRef) -> int | float:
    key = ref.key
    number: int | float = next((n for word, n in _NUMBERS if word in key), 1)
    low, high = ref.spec.get("min"), ref.spec.get("max")
    if isinstance(low, int | float) and not isinstance(low, bool) and number < low:
        number = low
    if isinstance(high, int | float) and not isinstance(high, bool) and number > high:
        number = high
    return number


def _date(ref: FieldRef, today: dt.date) -> str:
    key = ref.key
    if "lahir" in key:
        day = dt.date(1990, 8, 17)
    elif any(word in key for word in ("sampai", "akhir", "selesai", "berakhir")):
        day = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today
    else:
        day = today
    low = values.resolve_date_bound(ref.spec.get("min"), today) if "min" in ref.spec else None
    high = values.resolve_date_bound(ref.spec.get("max"), today) if "max" in ref.spec else None
    if low is not None and day < low:
        day = low
    if high is not None and day > high:
        day = high
    return day.isoformat()


def _region(ref: FieldRef) -> dict[str, Any] | None:
    """The first area (by name) at the field's level inside its `within`, as stored."""
    within = ref.spec.get("within")
    level = str(ref.spec.get("level") or "village")
    code = str(within) if isinstance(within, str) and regions.exists(within) else ""
    while regions.level_of(code) != level:
        below = regions.children(code)
        if not below:
            return None
        code = below[0]
    return regions.record(code)


def sample_value(ref: FieldRef, today: dt.date) -> Any:
    """A plausible answer to one field, or None for a field that holds no printable answer."""
    kind = ref.type
    options = [o for o in ref.spec.get("options") or [] if isinstance(o, Mapping)]
    if kind == "text":
        return _text(ref)
    if kind == "textarea":
        return _text(ref, long=True)
    if kind == "number":
        return _number(ref)
    if kind == "date":
        return _date(ref, today)
    if kind == "time":
        low = ref.spec.get("min")
        return str(low) if values.is_time(low) else "09:00"
    if kind == "email":
        return "pemohon@contoh.id"
    if kind == "phone":
        return "+6281234567890"
    if kind == "nik":
        return "1871015708900001"
    if kind == "choice":
        return options[0].get("value") if options else None
    if kind == "multichoice":
        return [options[0].get("value")] if options else None
    if kind in {"yesno", "declaration"}:
        return True
    if kind == "region":
        return _region(ref)
    if kind == "group":
        children = [c for c in ref.spec.get("fields") or [] if isinstance(c, Mapping)]
        item = {}
        for child in children:
            child_ref = FieldRef(str(child.get("key")), child, ref.pointer, 0, "", ref.key, 0)
            value = sample_value(child_ref, today)
            if value is not None:
                item[child_ref.key] = value
        least = ref.spec.get("min_items")
        count = least if isinstance(least, int) and least > 0 else 1
        return [dict(item) for _ in range(count)] if item else None
    return None  # file, notice


def sample_answers(definition: Definition, today: dt.date | None = None) -> dict[str, Any]:
    """A sample answer to every field of the form outside groups (by key).

    A dependent choice takes an option offered for its filter field's sample answer, and a
    choice that a rule wants different from another takes another option.
    """
    today = today or values.today()
    found: dict[str, Any] = {}
    refs = list(iter_fields(expand(definition), include_children=False))
    for ref in refs:
        value = sample_value(ref, today)
        if value is not None:
            found.setdefault(ref.key, value)
    kinds = {ref.key: ref.type for ref in refs}
    for ref in refs:
        source = ref.spec.get("filter_by")
        if ref.type not in {"choice", "multichoice"} or source not in kinds:
            continue
        offered = option_lists.offered(ref.spec, found.get(str(source)), kinds[str(source)])
        if not offered:
            found.pop(ref.key, None)
        else:
            found[ref.key] = offered[0] if ref.type == "choice" else [offered[0]]
    _choose_differing(definition, refs, found)
    return found


def _choose_differing(definition: Definition, refs: list[FieldRef], found: dict[str, Any]) -> None:
    """For each rule `a ne b` between two answered choices, move `at` to another option."""
    specs = {ref.key: ref.spec for ref in refs if ref.type == "choice"}
    form = definition.get("form")
    rules = form.get("rules") if isinstance(form, Mapping) else None
    for rule in rules if isinstance(rules, list) else []:
        test = rule.get("compare") if isinstance(rule, Mapping) else None
        if not isinstance(test, Mapping) or test.get("op") != "ne":
            continue
        keys = [str(side.get("field")) for side in (test.get("left"), test.get("right"))
                if isinstance(side, Mapping)]  # fmt: skip
        at = rule.get("at")
        if len(keys) != 2 or at not in keys or not all(k in specs for k in keys):
            continue
        if found.get(keys[0]) is None or found.get(keys[0]) != found.get(keys[1]):
            continue
        others = [
            o.get("value")
            for o in specs[str(at)].get("options") or []
            if isinstance(o, Mapping) and o.get("value") != found.get(str(at))
        ]
        if others:
            found[str(at)] = others[0]


def sample_officer_values(
    definition: Definition, today: dt.date | None = None, transition: int | None = None
) -> dict[str, Any]:
    """A sample value for every officer field (of one transition, when `transition` is given)."""
    today = today or values.today()
    found: dict[str, Any] = {}
    for ref in iter_officer_fields(expand(definition)):
        if transition is not None and ref.transition != transition:
            continue
        value = sample_value(ref, today)
        if value is not None:
            found.setdefault(ref.key, value)
    return found


def sample_agency(agency: Mapping[str, Any]) -> dict[str, Any]:
    """The agency's data with sample values where a letterhead or signatory field is empty."""
    filled = dict(agency)
    for key, text in SAMPLE_AGENCY.items():
        if not str(filled.get(key) or "").strip():
            filled[key] = text
    if not str(filled.get("name") or "").strip():
        filled["name"] = "Instansi Contoh"
    return filled


def sample_number(pattern: str, today: dt.date) -> str:
    """The first number of the year from a document's pattern ("" for a broken pattern)."""
    if pattern_problems(pattern):
        return ""
    return format_number(pattern, seq=1, issued_on=today)


def preview_document(
    definition: Definition,
    document_id: str,
    agency: Mapping[str, Any],
    *,
    today: dt.date | None = None,
    verification_url: str = "",
) -> RenderedDocument:
    """A (valid) definition's document filled with sample answers, marked CONTOH / PREVIEW.

    The answers are pruned as a case's are (a field its conditions hide prints its default).

    Raises KeyError for an unknown document.
    """
    today = today or values.today()
    spec = documents(definition)[document_id]
    data = sample_agency(agency)
    signatory: Signatory = signatory_for(spec, data, SAMPLE_OFFICER)
    compiled = compile_definition(definition)
    answers = compiled.prune(sample_answers(definition, today), today)
    rendered = render_document(
        definition,
        document_id,
        answers=answers,
        officer_values=sample_officer_values(definition, today),
        case=CaseData(SAMPLE_REFERENCE, today),
        agency=data,
        number=sample_number(str(spec.get("number") or ""), today),
        issued_on=today,
        signatory=signatory,
        verification_url=verification_url,
        footer=FOOTER,
    )
    return _marked(rendered)


def _marked(rendered: RenderedDocument) -> RenderedDocument:
    return replace(rendered, watermark=WATERMARK, title=f"{rendered.title} ({WATERMARK})")
