"""Editing a definition's documents one step at a time, for the studio (see `builder.edit`).

A document is edited through one form: its title in both languages, its number pattern, its
body as one text, who signs it, who sees it, who may revoke it and which transitions issue it
(the ``issues`` of those transitions). Like every edit, these return a new dict, change only
what the form names, and leave the meaning to the validator, whose problems the studio shows
next to the document (`/documents/<id>/…`). What cannot be written at all raises `EditError`.

The body is written as plain text:

* paragraphs are separated by an empty line (a line break inside a paragraph is kept);
* a block of label–value rows is a paragraph whose every line starts with ``|``, the label
  and the value separated by the next ``|`` outside a placeholder::

      | Nama | {nama|upper}
      | NIK  | {nik}
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from builder.documents import AUDIENCES, SIGNATORIES
from builder.edit import (
    Definition,
    EditError,
    Values,
    _check_key,
    _fresh,
    _set,
    _text_into,
    names,
    slug_key,
)

DEFAULT_BODY: list[Any] = [
    "Yang bertanda tangan di bawah ini, {signatory.position} {agency.name}, menerangkan bahwa "
    "permohonan nomor {case.reference} tanggal {case.filed_on} telah diselesaikan.",
    "Demikian surat ini dibuat untuk dipergunakan sebagaimana mestinya.",
]
ROW_MARK = "|"


# -- the body as text ----------------------------------------------------------------------------


def _split_row(line: str) -> tuple[str, str] | None:
    """``| label | value`` as (label, value): the first ``|`` outside braces after the mark."""
    text = line.strip()[1:]
    depth = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == ROW_MARK and depth == 0:
            return text[:index].strip(), text[index + 1 :].strip()
    return None


def parse_body(text: str) -> list[Any]:
    """Body blocks from the studio's text (see the module's description)."""
    blocks: list[Any] = []
    chunks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            chunks[-1].append(line.rstrip())
        elif chunks[-1]:
            chunks.append([])
    for chunk in (c for c in chunks if c):
        if all(line.lstrip().startswith(ROW_MARK) for line in chunk):
            rows = []
            for line in chunk:
                row = _split_row(line)
                if row is None or not row[0] or not row[1]:
                    shown = line.strip()
                    raise EditError(
                        f"Baris '{shown}': tulis label dan isi dipisah '|', "
                        "mis. | Nama | {nama}.",
                        f"Row '{shown}': write a label and a value separated by '|', "
                        "e.g. | Nama | {nama}.",
                    )
                rows.append(list(row))
            blocks.append({"rows": rows})
        else:
            blocks.append("\n".join(line.strip() for line in chunk))
    return blocks


def body_text(body: Any) -> str:
    """A document's body as the studio's text (the inverse of `parse_body`)."""
    parts: list[str] = []
    for block in body if isinstance(body, list) else []:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, Mapping) and isinstance(block.get("rows"), list):
            parts.append(
                "\n".join(
                    f"{ROW_MARK} {row[0]} {ROW_MARK} {row[1]}"
                    for row in block["rows"]
                    if isinstance(row, list) and len(row) == 2
                )
            )
    return "\n\n".join(parts)


# -- documents -----------------------------------------------------------------------------------


def _documents(definition: Definition) -> dict[str, Any]:
    found = definition.setdefault("documents", {})
    if not isinstance(found, dict):
        found = definition["documents"] = {}
    return found


def _document(definition: Definition, document_id: str) -> dict[str, Any]:
    found = _documents(definition).get(document_id)
    if not isinstance(found, dict):
        raise EditError(
            f"Dokumen '{document_id}' tidak ada.", f"There is no document '{document_id}'."
        )
    return found


def _transitions(definition: Definition) -> list[Any]:
    workflow = definition.get("workflow")
    moves = workflow.get("transitions") if isinstance(workflow, Mapping) else None
    return moves if isinstance(moves, list) else []


def _issuers(definition: Definition, text: str) -> list[int]:
    moves = _transitions(definition)
    chosen = []
    for item in names(text):
        if not item.isdigit() or not 0 <= int(item) < len(moves):
            raise EditError(f"Transisi '{item}' tidak ada.", f"There is no transition '{item}'.")
        chosen.append(int(item))
    return chosen


def set_issuers(definition: Definition, document_id: str, chosen: list[int]) -> None:
    """Make exactly the transitions at `chosen` issue the document (in place)."""
    for index, move in enumerate(_transitions(definition)):
        if not isinstance(move, dict):
            continue
        issues = [d for d in move.get("issues") or [] if d != document_id]
        if index in chosen:
            issues.append(document_id)
        _set(move, "issues", issues)


def default_number(definition: Mapping[str, Any]) -> str:
    """A number pattern to start from: sequence, agency, month in Roman numerals, year."""
    agency = str(definition.get("agency") or "").upper()
    return (
        f"{{seq:04}}/{agency}/{{month_roman}}/{{year}}"
        if agency
        else ("{seq:04}/{month_roman}/{year}")
    )


def add_document(definition: Definition, values: Values) -> Definition:
    """Add a document from `title` (its id derived from it unless `id` is given) and the
    transitions that issue it (`issued_by`: transition indexes), with a body to start from."""
    result = copy.deepcopy(definition)
    docs = _documents(result)
    title = values.get("title", "").strip() or "Surat keterangan"
    if values.get("id", "").strip():
        document_id = _check_key(values["id"], "id")
        if document_id in docs:
            raise EditError(
                f"Dokumen '{document_id}' sudah ada.", f"Document '{document_id}' exists."
            )
    else:
        document_id = _fresh(slug_key(title, "dokumen"), set(docs))
    docs[document_id] = {
        "title": title,
        "number": default_number(result),
        "body": copy.deepcopy(DEFAULT_BODY),
        "signatory": "agency",
    }
    set_issuers(result, document_id, _issuers(result, values.get("issued_by", "")))
    return result


DOCUMENT_NAMES = (
    "title.id",
    "title.en",
    "number",
    "body",
    "signatory",
    "visible_to",
    "revoke_roles",
    "issued_by",
)


def set_document(definition: Definition, document_id: str, values: Values) -> Definition:
    """Set a document's `title.*`, `number`, `body` (text), `signatory`, `visible_to` and
    `revoke_roles` (names) and `issued_by` (transition indexes); present keys only."""
    result = copy.deepcopy(definition)
    spec = _document(result, document_id)
    _text_into(spec, "title", values)
    if "number" in values:
        _set(spec, "number", values["number"].strip())
    if "body" in values:
        _set(spec, "body", parse_body(values["body"]))
    if "signatory" in values:
        signatory = values["signatory"].strip() or "agency"
        if signatory not in SIGNATORIES:
            raise EditError(
                f"'{signatory}' bukan pilihan penanda tangan.", f"'{signatory}' is no signatory."
            )
        spec["signatory"] = signatory
    if "visible_to" in values:
        chosen = names(values["visible_to"])
        unknown = [a for a in chosen if a not in AUDIENCES]
        if unknown or not chosen:
            raise EditError(
                "Pilih paling sedikit satu yang dapat melihat dokumen: pemohon atau petugas.",
                "Choose at least one audience for the document: the applicant or the officers.",
            )
        spec["visible_to"] = [a for a in AUDIENCES if a in chosen]
    if "revoke_roles" in values:
        _set(spec, "revoke_roles", names(values["revoke_roles"]))
    if "issued_by" in values:
        set_issuers(result, document_id, _issuers(result, values["issued_by"]))
    return result


def remove_document(definition: Definition, document_id: str) -> Definition:
    """Remove a document and every transition's `issues` of it."""
    result = copy.deepcopy(definition)
    _document(result, document_id)
    del _documents(result)[document_id]
    set_issuers(result, document_id, [])
    if not _documents(result):
        result.pop("documents")
    return result
