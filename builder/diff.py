"""Differences between two versions of a definition, written for a reviewer to read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder import regions
from builder.condition_text import describe as in_words
from builder.model import Definition, FieldRef, iter_fields, pages, sources, states, transitions
from builder.option_lists import declared, expand
from builder.rule_words import Words
from builder.texts import Message, localise, msg, plural

# Field properties a reviewer cares about, with how to name them.
_FIELD_PROPS: dict[str, tuple[str, str]] = {
    "label": ("label", "label"),
    "help": ("petunjuk", "help"),
    "min_length": ("panjang minimal", "minimum length"),
    "max_length": ("panjang maksimal", "maximum length"),
    "min": ("batas bawah", "minimum"),
    "max": ("batas atas", "maximum"),
    "pattern": ("pola", "pattern"),
    "accept": ("jenis berkas", "file types"),
    "max_mb": ("ukuran berkas maksimal (MB)", "maximum file size (MB)"),
    "min_items": ("jumlah minimal", "minimum count"),
    "max_items": ("jumlah maksimal", "maximum count"),
    "integer": ("bilangan bulat", "whole numbers only"),
    "display": ("tampilan", "display"),
    "messages": ("pesan kesalahan", "error messages"),
    "within": ("wilayah", "area"),
    "level": ("tingkat wilayah", "area level"),
    "options_from": ("daftar pilihan bersama", "shared option list"),
    "filter_by": ("pilihan disaring menurut", "options filtered by"),
    "follows_later": ("boleh menyusul", "may follow later"),
}


@dataclass(frozen=True)
class Change:
    """One change between two versions."""

    kind: str  # added | removed | changed
    area: str  # service | standard | privacy | page | exit | field | rule | computed | role |
    # state | transition | document
    pointer: str  # where in the new version (or the old one, for removals)
    message: Message
    breaking: bool = False

    def text(self, lang: str = "id") -> str:
        """The change in `lang`."""
        return self.message.get(lang) or self.message["id"]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "kind": self.kind,
            "area": self.area,
            "pointer": self.pointer,
            "message": dict(self.message),
            "breaking": self.breaking,
        }


def _show(value: Any) -> str:
    if isinstance(value, Mapping) and set(value) <= {"id", "en"}:
        return f"“{localise(value, 'id')}”"
    if isinstance(value, str):
        return f"“{value}”"
    return json.dumps(value, ensure_ascii=False)


def _show_area(value: Any) -> str:
    """An area code with its name, for a region field's `within`."""
    name = regions.name(value) if isinstance(value, str) else ""
    return f"{_show(value)} ({name})" if name else _show(value)


def _name(ref: FieldRef) -> tuple[str, str]:
    return localise(ref.spec.get("label"), "id") or ref.key, localise(
        ref.spec.get("label"), "en"
    ) or ref.key


def _diff_simple(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    area: str,
    base: str,
    names: Mapping[str, tuple[str, str]],
) -> list[Change]:
    changes = []
    for key, (name_id, name_en) in names.items():
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append(
                Change(
                    "changed",
                    area,
                    f"{base}/{key}",
                    msg(
                        f"{name_id}: {_show(before) if before is not None else '(kosong)'} → "
                        f"{_show(after) if after is not None else '(kosong)'}",
                        f"{name_en}: {_show(before) if before is not None else '(empty)'} → "
                        f"{_show(after) if after is not None else '(empty)'}",
                    ),
                )
            )
    return changes


def _diff_field(old: FieldRef, new: FieldRef) -> list[Change]:
    changes: list[Change] = []
    name_id, name_en = _name(new)
    where = new.pointer
    if old.type != new.type:
        changes.append(
            Change(
                "changed",
                "field",
                where,
                msg(
                    f"Field '{name_id}' berganti jenis dari {old.type} menjadi {new.type}.",
                    f"Field '{name_en}' changed type from {old.type} to {new.type}.",
                ),
                breaking=True,
            )
        )
    was, now = bool(old.spec.get("required")), bool(new.spec.get("required"))
    if not was and now:
        changes.append(
            Change(
                "changed",
                "field",
                where,
                msg(
                    f"Field '{name_id}' sekarang wajib diisi.",
                    f"Field '{name_en}' is now required.",
                ),
            )
        )
    elif was and not now:
        changes.append(
            Change(
                "changed",
                "field",
                where,
                msg(
                    f"Field '{name_id}' sekarang tidak wajib.",
                    f"Field '{name_en}' is no longer required.",
                ),
            )
        )
    if old.page_id != new.page_id:
        changes.append(
            Change(
                "changed",
                "field",
                where,
                msg(
                    f"Field '{name_id}' pindah dari halaman '{old.page_id}' ke '{new.page_id}'.",
                    f"Field '{name_en}' moved from page '{old.page_id}' to '{new.page_id}'.",
                ),
            )
        )
    if old.spec.get("visible_if") != new.spec.get("visible_if"):
        changes.append(
            Change(
                "changed",
                "field",
                where,
                msg(
                    f"Syarat tampil field '{name_id}' berubah: {_show(old.spec.get('visible_if'))} → "
                    f"{_show(new.spec.get('visible_if'))}.",
                    f"The visibility condition of field '{name_en}' changed: {_show(old.spec.get('visible_if'))}"
                    f" → {_show(new.spec.get('visible_if'))}.",
                ),
            )
        )
    old_options = {o.get("value"): o for o in old.spec.get("options", [])}
    new_options = {o.get("value"): o for o in new.spec.get("options", [])}
    for value in [v for v in new_options if v not in old_options]:
        label = localise(new_options[value].get("label"), "id")
        changes.append(
            Change(
                "added",
                "field",
                where,
                msg(
                    f"Pilihan '{label}' ({value}) ditambahkan pada field '{name_id}'.",
                    f"Option '{label}' ({value}) added to field '{name_en}'.",
                ),
            )
        )
    for value in [v for v in old_options if v not in new_options]:
        label = localise(old_options[value].get("label"), "id")
        changes.append(
            Change(
                "removed",
                "field",
                where,
                msg(
                    f"Pilihan '{label}' ({value}) dihapus dari field '{name_id}'.",
                    f"Option '{label}' ({value}) removed from field '{name_en}'.",
                ),
                breaking=True,
            )
        )
    for value in [v for v in new_options if v in old_options]:
        before_group, after_group = old_options[value].get("group"), new_options[value].get("group")
        if before_group != after_group:
            changes.append(
                Change(
                    "changed",
                    "field",
                    where,
                    msg(
                        f"Grup pilihan '{value}' pada field '{name_id}': {_show(before_group)} → "
                        f"{_show(after_group)}.",
                        f"Group of option '{value}' of field '{name_en}': {_show(before_group)}"
                        f" → {_show(after_group)}.",
                    ),
                )
            )
        if old_options[value].get("label") != new_options[value].get("label"):
            changes.append(
                Change(
                    "changed",
                    "field",
                    where,
                    msg(
                        f"Label pilihan '{value}' pada field '{name_id}': {_show(old_options[value].get('label'))} → "
                        f"{_show(new_options[value].get('label'))}.",
                        f"Label of option '{value}' of field '{name_en}': {_show(old_options[value].get('label'))}"
                        f" → {_show(new_options[value].get('label'))}.",
                    ),
                )
            )
    for prop, (prop_id, prop_en) in _FIELD_PROPS.items():
        before, after = old.spec.get(prop), new.spec.get(prop)
        if before != after:
            show = _show_area if prop == "within" else _show
            changes.append(
                Change(
                    "changed",
                    "field",
                    f"{where}/{prop}",
                    msg(
                        f"Field '{name_id}': {prop_id} {show(before) if before is not None else '(kosong)'} → "
                        f"{show(after) if after is not None else '(kosong)'}.",
                        f"Field '{name_en}': {prop_en} {show(before) if before is not None else '(empty)'} → "
                        f"{show(after) if after is not None else '(empty)'}.",
                    ),
                )
            )
    return changes


def _diff_form(old: Definition, new: Definition) -> list[Change]:
    changes: list[Change] = []
    old_pages = {str(p.get("id")): (i, p) for i, p in enumerate(pages(old))}
    new_pages = {str(p.get("id")): (i, p) for i, p in enumerate(pages(new))}
    for page_id, (index, page) in new_pages.items():
        title = localise(page.get("title"), "id")
        if page_id not in old_pages:
            changes.append(
                Change(
                    "added",
                    "page",
                    f"/form/pages/{index}",
                    msg(
                        f"Halaman '{title}' ditambahkan.",
                        f"Page '{localise(page.get('title'), 'en')}' added.",
                    ),
                )
            )
            continue
        old_index, old_page = old_pages[page_id]
        if old_page.get("title") != page.get("title"):
            changes.append(
                Change(
                    "changed",
                    "page",
                    f"/form/pages/{index}/title",
                    msg(
                        f"Judul halaman '{page_id}': {_show(old_page.get('title'))} → {_show(page.get('title'))}.",
                        f"Title of page '{page_id}': {_show(old_page.get('title'))} → {_show(page.get('title'))}.",
                    ),
                )
            )
        if old_page.get("visible_if") != page.get("visible_if"):
            changes.append(
                Change(
                    "changed",
                    "page",
                    f"/form/pages/{index}/visible_if",
                    msg(
                        f"Syarat tampil halaman '{title}' berubah.",
                        f"The condition of page '{title}' changed.",
                    ),
                )
            )
        if old_index != index:
            changes.append(
                Change(
                    "changed",
                    "page",
                    f"/form/pages/{index}",
                    msg(
                        f"Halaman '{title}' pindah dari urutan {old_index + 1} ke {index + 1}.",
                        f"Page '{title}' moved from position {old_index + 1} to {index + 1}.",
                    ),
                )
            )
    for page_id, (index, page) in old_pages.items():
        if page_id not in new_pages:
            changes.append(
                Change(
                    "removed",
                    "page",
                    f"/form/pages/{index}",
                    msg(
                        f"Halaman '{localise(page.get('title'), 'id')}' dihapus.",
                        f"Page '{localise(page.get('title'), 'en')}' removed.",
                    ),
                )
            )
    old_fields = {ref.key: ref for ref in iter_fields(old)}
    new_fields = {ref.key: ref for ref in iter_fields(new)}
    for key, ref in new_fields.items():
        name_id, name_en = _name(ref)
        if key not in old_fields:
            extra_id = " (wajib)" if ref.spec.get("required") else ""
            extra_en = " (required)" if ref.spec.get("required") else ""
            changes.append(
                Change(
                    "added",
                    "field",
                    ref.pointer,
                    msg(
                        f"Field '{name_id}' ({ref.type}) ditambahkan di halaman '{ref.page_id}'{extra_id}.",
                        f"Field '{name_en}' ({ref.type}) added on page '{ref.page_id}'{extra_en}.",
                    ),
                )
            )
        else:
            changes.extend(_diff_field(old_fields[key], ref))
    for key, ref in old_fields.items():
        if key not in new_fields:
            name_id, name_en = _name(ref)
            changes.append(
                Change(
                    "removed",
                    "field",
                    ref.pointer,
                    msg(
                        f"Field '{name_id}' ({ref.type}) dihapus.",
                        f"Field '{name_en}' ({ref.type}) removed.",
                    ),
                )
            )
    return changes


def _transition_key(transition: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    return str(transition.get("action")), tuple(sorted(sources(transition)))


def _diff_workflow(old: Definition, new: Definition) -> list[Change]:
    changes: list[Change] = []
    old_roles, new_roles = old.get("roles", {}), new.get("roles", {})
    for role in [r for r in new_roles if r not in old_roles]:
        changes.append(
            Change(
                "added",
                "role",
                f"/roles/{role}",
                msg(f"Peran '{role}' ditambahkan.", f"Role '{role}' added."),
            )
        )
    for role in [r for r in old_roles if r not in new_roles]:
        changes.append(
            Change(
                "removed",
                "role",
                f"/roles/{role}",
                msg(f"Peran '{role}' dihapus.", f"Role '{role}' removed."),
                breaking=True,
            )
        )
    old_states, new_states = states(old), states(new)
    for name, state in new_states.items():
        label = localise(state.get("label"), "id")
        if name not in old_states:
            changes.append(
                Change(
                    "added",
                    "state",
                    f"/workflow/states/{name}",
                    msg(
                        f"Status '{label}' ditambahkan.",
                        f"State '{localise(state.get('label'), 'en')}' added.",
                    ),
                )
            )
            continue
        changes.extend(
            _diff_simple(
                old_states[name],
                state,
                "state",
                f"/workflow/states/{name}",
                {
                    "label": (f"Status '{name}': label", f"State '{name}': label"),
                    "public_label": (
                        f"Status '{name}': label untuk warga",
                        f"State '{name}': public label",
                    ),
                    "sla_days": (
                        f"Status '{name}': SLA (hari kerja)",
                        f"State '{name}': SLA (working days)",
                    ),
                    "sla": (
                        f"Status '{name}': batas waktu (jam atau hari kalender)",
                        f"State '{name}': time limit (hours or calendar days)",
                    ),
                    "final": (f"Status '{name}': hasil akhir", f"State '{name}': final outcome"),
                    "applicant_edits": (
                        f"Status '{name}': pemohon boleh memperbaiki",
                        f"State '{name}': applicant may edit",
                    ),
                },
            )
        )
    for name, state in old_states.items():
        if name not in new_states:
            changes.append(
                Change(
                    "removed",
                    "state",
                    f"/workflow/states/{name}",
                    msg(
                        f"Status '{localise(state.get('label'), 'id')}' dihapus.",
                        f"State '{localise(state.get('label'), 'en')}' removed.",
                    ),
                    breaking=True,
                )
            )
    if old.get("workflow", {}).get("initial") != new.get("workflow", {}).get("initial"):
        changes.append(
            Change(
                "changed",
                "state",
                "/workflow/initial",
                msg(
                    f"Status awal berubah menjadi '{new.get('workflow', {}).get('initial')}'.",
                    f"The initial state is now '{new.get('workflow', {}).get('initial')}'.",
                ),
            )
        )
    old_t = {_transition_key(t): t for t in transitions(old)}
    new_t = {_transition_key(t): (i, t) for i, t in enumerate(transitions(new))}
    for key, (index, transition) in new_t.items():
        action, origin = key
        describe = f"{action}: {', '.join(origin)} → {transition.get('to')}"
        if key not in old_t:
            changes.append(
                Change(
                    "added",
                    "transition",
                    f"/workflow/transitions/{index}",
                    msg(f"Transisi '{describe}' ditambahkan.", f"Transition '{describe}' added."),
                )
            )
            continue
        before = old_t[key]
        for prop, (name_id, name_en) in {
            "to": ("tujuan", "target"),
            "roles": ("peran", "roles"),
            "comment": ("komentar", "comment"),
            "guard": ("syarat", "guard"),
            "distinct_actor": ("pemisahan tugas", "separation of duties"),
            "approvals": ("persetujuan bersama", "joint approval"),
            "applicant_fields": ("yang diisi pemohon", "what the applicant fills in"),
            "confirm": ("pernyataan pemohon", "applicant's statement"),
            "issues": ("dokumen yang diterbitkan", "documents issued"),
        }.items():
            if before.get(prop) != transition.get(prop):
                if prop == "issues":
                    docs = {**(old.get("documents") or {}), **(new.get("documents") or {})}
                    was_id, was_en = (
                        _issued_words(before.get(prop), docs, x) for x in ("id", "en")
                    )
                    now_id, now_en = (
                        _issued_words(transition.get(prop), docs, x) for x in ("id", "en")
                    )
                else:
                    was_id = was_en = _show(before.get(prop))
                    now_id = now_en = _show(transition.get(prop))
                changes.append(
                    Change(
                        "changed",
                        "transition",
                        f"/workflow/transitions/{index}/{prop}",
                        msg(
                            f"Transisi '{action}': {name_id} {was_id} → {now_id}.",
                            f"Transition '{action}': {name_en} {was_en} → {now_en}.",
                        ),
                    )
                )
    for key, transition in old_t.items():
        if key not in new_t:
            action, origin = key
            describe = f"{action}: {', '.join(origin)} → {transition.get('to')}"
            changes.append(
                Change(
                    "removed",
                    "transition",
                    "/workflow/transitions",
                    msg(f"Transisi '{describe}' dihapus.", f"Transition '{describe}' removed."),
                )
            )
    return changes


def _block_text(block: Any) -> str:
    """A body block as one line: a paragraph as is, rows as "label: value; …"."""
    if isinstance(block, Mapping):
        return "; ".join(f"{row[0]}: {row[1]}" for row in block.get("rows", []) if len(row) == 2)
    return str(block)


_DOCUMENT_PROPS: dict[str, tuple[str, str]] = {
    "title": ("judul", "title"),
    "number": ("pola nomor", "number pattern"),
    "signatory": ("penanda tangan", "signatory"),
    "visible_to": ("dapat dilihat oleh", "visible to"),
    "revoke_roles": ("peran yang boleh mencabut", "roles that may revoke"),
}


_SIGNATORY_WORDS: dict[str, tuple[str, str]] = {
    "agency": ("pejabat yang ditetapkan instansi", "the official set for the agency"),
    "acting_officer": ("pejabat yang menjalankan transisi", "the officer taking the transition"),
}
_AUDIENCE_WORDS: dict[str, tuple[str, str]] = {
    "applicant": ("pemohon", "the applicant"),
    "officers": ("petugas", "the officers"),
}


def _document_value(prop: str, value: Any, lang: str) -> str:
    """A document property's value in words (an absent one as its default, or "(kosong)")."""
    pick = 1 if lang == "en" else 0
    if prop == "signatory":
        value = value or "agency"
        return _SIGNATORY_WORDS.get(str(value), (str(value), str(value)))[pick]
    if prop == "visible_to":
        chosen = value if isinstance(value, list) and value else list(_AUDIENCE_WORDS)
        words = [_AUDIENCE_WORDS.get(str(a), (str(a), str(a)))[pick] for a in chosen]
        return (" and " if lang == "en" else " dan ").join(words)
    if prop == "revoke_roles" and not value:
        return (
            "(default: the roles of the issuing transitions)"
            if lang == "en"
            else "(bawaan: peran pada transisi yang menerbitkannya)"
        )
    if value is None or value == []:
        return "(empty)" if lang == "en" else "(kosong)"
    if prop == "title":
        return f"“{localise(value, lang)}”"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return _show(value)


def _issued_words(value: Any, docs: Mapping[str, Any], lang: str) -> str:
    """A transition's `issues` in words: the documents' titles."""
    if not isinstance(value, list) or not value:
        return "(none)" if lang == "en" else "(tidak ada)"
    titles = []
    for doc_id in value:
        spec = docs.get(doc_id) if isinstance(docs, Mapping) else None
        title = localise(spec.get("title"), lang) if isinstance(spec, Mapping) else ""
        titles.append(f"“{title}” ({doc_id})" if title else f"'{doc_id}'")
    return ", ".join(titles)


def _diff_document_body(
    names: tuple[str, str], pointer: str, old: list[Any], new: list[Any]
) -> list[Change]:
    name, name_en = names
    changes: list[Change] = []
    for index in range(max(len(old), len(new))):
        where = f"{pointer}/body/{index}"
        if index >= len(old):
            text = _show(_block_text(new[index]))
            changes.append(
                Change(
                    "added",
                    "document",
                    where,
                    msg(
                        f"Dokumen '{name}': bagian isi ke-{index + 1} ditambahkan: {text}.",
                        f"Document '{name_en}': body part {index + 1} added: {text}.",
                    ),
                )
            )
        elif index >= len(new):
            text = _show(_block_text(old[index]))
            changes.append(
                Change(
                    "removed",
                    "document",
                    where,
                    msg(
                        f"Dokumen '{name}': bagian isi ke-{index + 1} dihapus: {text}.",
                        f"Document '{name_en}': body part {index + 1} removed: {text}.",
                    ),
                )
            )
        elif old[index] != new[index]:
            before, after = _show(_block_text(old[index])), _show(_block_text(new[index]))
            changes.append(
                Change(
                    "changed",
                    "document",
                    where,
                    msg(
                        f"Dokumen '{name}': teks bagian isi ke-{index + 1} berubah: {before} → {after}.",
                        f"Document '{name_en}': the text of body part {index + 1} changed: {before} → {after}.",
                    ),
                )
            )
    return changes


def _diff_documents(old: Definition, new: Definition) -> list[Change]:
    changes: list[Change] = []
    old_docs, new_docs = old.get("documents") or {}, new.get("documents") or {}
    for doc_id, spec in new_docs.items():
        pointer = f"/documents/{doc_id}"
        title_id, title_en = localise(spec.get("title"), "id"), localise(spec.get("title"), "en")
        if doc_id not in old_docs:
            changes.append(
                Change(
                    "added",
                    "document",
                    pointer,
                    msg(
                        f"Dokumen '{title_id}' ({doc_id}) ditambahkan.",
                        f"Document '{title_en}' ({doc_id}) added.",
                    ),
                )
            )
            continue
        before = old_docs[doc_id]
        for prop, (prop_id, prop_en) in _DOCUMENT_PROPS.items():
            was, now = before.get(prop), spec.get(prop)
            if was != now:
                changes.append(
                    Change(
                        "changed",
                        "document",
                        f"{pointer}/{prop}",
                        msg(
                            f"Dokumen '{title_id}': {prop_id} {_document_value(prop, was, 'id')}"
                            f" → {_document_value(prop, now, 'id')}.",
                            f"Document '{title_en}': {prop_en} {_document_value(prop, was, 'en')}"
                            f" → {_document_value(prop, now, 'en')}.",
                        ),
                    )
                )
        changes.extend(
            _diff_document_body(
                (title_id, title_en), pointer, before.get("body", []), spec.get("body", [])
            )
        )
    for doc_id, spec in old_docs.items():
        if doc_id not in new_docs:
            changes.append(
                Change(
                    "removed",
                    "document",
                    f"/documents/{doc_id}",
                    msg(
                        f"Dokumen '{localise(spec.get('title'), 'id')}' ({doc_id}) dihapus.",
                        f"Document '{localise(spec.get('title'), 'en')}' ({doc_id}) removed.",
                    ),
                )
            )
    return changes


_SERVICE_PROPS = {"title": ("Judul layanan", "Service title"), "summary": ("Ringkasan", "Summary")}
_STANDARD_PROPS = {
    "requirements": ("Persyaratan", "Requirements"),
    "procedure": ("Prosedur", "Procedure"),
    "duration_days": ("Jangka waktu (hari kerja)", "Duration (working days)"),
    "cost": ("Biaya", "Cost"),
    "output": ("Produk layanan", "Output"),
    "legal_basis": ("Dasar hukum", "Legal basis"),
    "contact": ("Kontak", "Contact"),
    "complaints": ("Pengaduan", "Complaints"),
}
_PRIVACY_PROPS = {
    "purpose": ("Tujuan pemrosesan data", "Purpose of processing"),
    "legal_basis": ("Dasar pemrosesan data", "Lawful basis"),
    "retention_days": ("Masa simpan (hari)", "Retention (days)"),
    "recipients": ("Penerima data", "Recipients"),
}


def _form_part(definition: Definition, name: str) -> Any:
    form = definition.get("form")
    return form.get(name) if isinstance(form, Mapping) else None


def _keyed_rules(definition: Definition) -> dict[str, tuple[int, Mapping[str, Any]]]:
    found = _form_part(definition, "rules")
    items = found if isinstance(found, list) else []
    return {
        str(rule.get("id") or f"#{index + 1}"): (index, rule)
        for index, rule in enumerate(items)
        if isinstance(rule, Mapping)
    }


def _diff_rules(old: Definition, new: Definition) -> list[Change]:
    """Rules across fields and computed values, in words (by rule id, else by position)."""
    changes: list[Change] = []
    before, after = _keyed_rules(old), _keyed_rules(new)
    words = {
        (side, lang): Words(d, lang)
        for side, d in (("old", old), ("new", new))
        for lang in ("id", "en")
    }
    for key, (index, rule) in after.items():
        said = {lang: words["new", lang].rule(rule) for lang in ("id", "en")}
        beside = {lang: words["new", lang].field(rule.get("at")) for lang in ("id", "en")}
        if key not in before:
            changes.append(
                Change(
                    "added",
                    "rule",
                    f"/form/rules/{index}",
                    msg(
                        f"Aturan baru: {said['id']} (pesan di samping {beside['id']}).",
                        f"New rule: {said['en']} (message beside {beside['en']}).",
                    ),
                )
            )
        elif before[key][1] != rule:
            was = {lang: words["old", lang].rule(before[key][1]) for lang in ("id", "en")}
            changes.append(
                Change(
                    "changed",
                    "rule",
                    f"/form/rules/{index}",
                    msg(
                        f"Aturan berubah: {was['id']} → {said['id']}"
                        + ("" if was["id"] != said["id"] else " (pesan atau letaknya)")
                        + ".",
                        f"Rule changed: {was['en']} → {said['en']}"
                        + ("" if was["en"] != said["en"] else " (its message or place)")
                        + ".",
                    ),
                )
            )
    for key, (index, rule) in before.items():
        if key not in after:
            changes.append(
                Change(
                    "removed",
                    "rule",
                    f"/form/rules/{index}",
                    msg(
                        f"Aturan dihapus: {words['old', 'id'].rule(rule)}.",
                        f"Rule removed: {words['old', 'en'].rule(rule)}.",
                    ),
                )
            )
    old_values = _form_part(old, "computed") or {}
    new_values = _form_part(new, "computed") or {}
    for name in [*new_values, *(n for n in old_values if n not in new_values)]:
        before_expr, after_expr = old_values.get(name), new_values.get(name)
        if before_expr == after_expr:
            continue
        kind = "added" if before_expr is None else "removed" if after_expr is None else "changed"
        side = "old" if after_expr is None else "new"
        shown = {
            lang: words[side, lang].expression(after_expr or before_expr) for lang in ("id", "en")
        }
        verb = {"added": ("ditambahkan", "added"), "removed": ("dihapus", "removed")}.get(
            kind, ("berubah", "changed")
        )
        changes.append(
            Change(
                kind,
                "computed",
                f"/form/computed/{name}",
                msg(
                    f"Nilai hitungan '{name}' {verb[0]}: {shown['id']}.",
                    f"Computed value '{name}' {verb[1]}: {shown['en']}.",
                ),
            )
        )
    return changes


def _diff_option_lists(old: Definition, new: Definition) -> list[Change]:
    """Shared option lists declared or removed (their options show in each field using them)."""
    before, after = declared(old), declared(new)
    changes = []
    for name in [n for n in after if n not in before]:
        changes.append(
            Change(
                "added",
                "service",
                f"/option_lists/{name}",
                msg(
                    f"Daftar pilihan bersama '{name}' ditambahkan ({len(after[name])} pilihan).",
                    f"Shared option list '{name}' added ({plural(len(after[name]), 'option', 'options')}).",
                ),
            )
        )
    for name in [n for n in before if n not in after]:
        changes.append(
            Change(
                "removed",
                "service",
                f"/option_lists/{name}",
                msg(
                    f"Daftar pilihan bersama '{name}' dihapus.",
                    f"Shared option list '{name}' removed.",
                ),
            )
        )
    return changes


def _exits_of(definition: Definition) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Every exit page by id, with its pointer."""
    found: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for index, page in enumerate(pages(definition)):
        for position, spec in enumerate(page.get("exits") or []):
            found.setdefault(str(spec.get("id")), (f"/form/pages/{index}/exits/{position}", spec))
    form = definition.get("form")
    for position, spec in enumerate((form or {}).get("exits") or []):
        found.setdefault(str(spec.get("id")), (f"/form/exits/{position}", spec))
    return found


def _diff_exits(old: Definition, new: Definition) -> list[Change]:
    """Exit pages added, removed or changed, with their conditions in words."""
    before, after = _exits_of(old), _exits_of(new)
    changes: list[Change] = []
    for exit_id, (pointer, spec) in after.items():
        words = {lang: in_words(spec.get("when"), new, lang) for lang in ("id", "en")}
        title = {lang: localise(spec.get("title"), lang) for lang in ("id", "en")}
        if exit_id not in before:
            changes.append(
                Change(
                    "added",
                    "exit",
                    pointer,
                    msg(
                        f"Halaman keluar '{title['id']}' ditambahkan: pemohon dihentikan bila"
                        f" {words['id']}.",
                        f"Exit page '{title['en']}' added: the applicant is stopped when"
                        f" {words['en']}.",
                    ),
                )
            )
            continue
        old_pointer, old_spec = before[exit_id]
        if old_spec.get("when") != spec.get("when"):
            changes.append(
                Change(
                    "changed",
                    "exit",
                    pointer + "/when",
                    msg(
                        f"Halaman keluar '{title['id']}' kini berlaku bila {words['id']}.",
                        f"Exit page '{title['en']}' now applies when {words['en']}.",
                    ),
                )
            )
        if any(old_spec.get(k) != spec.get(k) for k in ("title", "text", "link")) or (
            old_pointer != pointer
        ):
            changes.append(
                Change(
                    "changed",
                    "exit",
                    pointer,
                    msg(
                        f"Teks, tautan atau letak halaman keluar '{title['id']}' berubah.",
                        f"The text, link or place of exit page '{title['en']}' changed.",
                    ),
                )
            )
    for exit_id, (pointer, spec) in before.items():
        if exit_id not in after:
            changes.append(
                Change(
                    "removed",
                    "exit",
                    pointer,
                    msg(
                        f"Halaman keluar '{localise(spec.get('title'), 'id')}' dihapus.",
                        f"Exit page '{localise(spec.get('title'), 'en')}' removed.",
                    ),
                )
            )
    return changes


def diff(old: Definition, new: Definition) -> list[Change]:
    """Every change from `old` to `new`: service texts, standard, privacy, form, workflow and
    documents."""
    changes = _diff_simple(old, new, "service", "", _SERVICE_PROPS)
    changes += _diff_simple(
        old.get("standard", {}), new.get("standard", {}), "standard", "/standard", _STANDARD_PROPS
    )
    changes += _diff_simple(
        old.get("privacy", {}), new.get("privacy", {}), "privacy", "/privacy", _PRIVACY_PROPS
    )
    changes += _diff_option_lists(old, new)
    changes += _diff_form(expand(old), expand(new))  # shared lists: as each field's options
    changes += _diff_exits(old, new)
    changes += _diff_rules(old, new)
    changes += _diff_workflow(old, new)
    changes += _diff_documents(old, new)
    return changes


def removed_states(old: Definition, new: Definition) -> list[str]:
    """States of `old` that `new` no longer has (cases sitting there need a mapping)."""
    return [name for name in states(old) if name not in states(new)]
