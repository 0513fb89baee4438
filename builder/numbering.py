"""Document number patterns, e.g. ``470/{seq:04}/DUKCAPIL/{month_roman}/{year}``.

A pattern is literal text with placeholders in braces:

* ``{seq}`` – the sequence number of this document type in the agency and year (required: it
  is what makes a number unique); ``{seq:04}`` pads it with zeros to 4 digits (1–9);
* ``{year}`` – four digits; ``{month}`` – two digits; ``{month_roman}`` – I … XII;
  ``{day}`` – two digits (all of the issue date, in Western Indonesia Time).

Plain Python, shared by the builder (which checks patterns in definitions) and the runtime
(which formats the numbers it issues).
"""

from __future__ import annotations

import datetime as dt
import re

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
NAMES = ("seq", "year", "month", "month_roman", "day")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
MAX_LENGTH = 100


def pattern_problems(pattern: str) -> list[tuple[str, str]]:
    """What is wrong with a pattern, as (Bahasa Indonesia, English) messages; [] when fine."""
    problems: list[tuple[str, str]] = []
    if len(pattern) > MAX_LENGTH:
        problems.append(
            (
                f"Pola nomor paling panjang {MAX_LENGTH} karakter.",
                f"A number pattern may have at most {MAX_LENGTH} characters.",
            )
        )
    seq = 0
    for match in PLACEHOLDER.finditer(pattern):
        name, _, width = match.group(1).partition(":")
        if name not in NAMES:
            problems.append(
                (
                    f"Tempat isian {{{match.group(1)}}} tidak dikenal; yang ada: "
                    + ", ".join(f"{{{n}}}" for n in NAMES)
                    + ".",
                    f"Unknown placeholder {{{match.group(1)}}}; known ones: "
                    + ", ".join(f"{{{n}}}" for n in NAMES)
                    + ".",
                )
            )
        elif width and (name != "seq" or not re.fullmatch(r"0?[1-9]", width)):
            problems.append(
                (
                    f"Hanya {{seq}} yang boleh diberi lebar, mis. {{seq:04}} (bukan {{{name}:{width}}}).",
                    f"Only {{seq}} takes a width, e.g. {{seq:04}} (not {{{name}:{width}}}).",
                )
            )
        seq += name == "seq"
    leftover = PLACEHOLDER.sub("", pattern)
    if "{" in leftover or "}" in leftover:
        problems.append(
            (
                "Kurung kurawal tidak berpasangan; tulis tempat isian seperti {seq:04}.",
                "Unbalanced braces; write placeholders like {seq:04}.",
            )
        )
    if seq != 1:
        problems.append(
            (
                "Pola nomor memuat {seq} tepat satu kali (nomor urut yang membuat nomor unik).",
                "A number pattern holds {seq} exactly once (the sequence makes each number unique).",
            )
        )
    return problems


def format_number(pattern: str, *, seq: int, issued_on: dt.date) -> str:
    """The document number for sequence `seq` issued on `issued_on` (the pattern is checked)."""
    if problems := pattern_problems(pattern):
        raise ValueError(problems[0][1])

    def value(match: re.Match[str]) -> str:
        name, _, width = match.group(1).partition(":")
        if name == "seq":
            return str(seq).zfill(int(width)) if width else str(seq)
        if name == "year":
            return f"{issued_on.year:04d}"
        if name == "month":
            return f"{issued_on.month:02d}"
        if name == "month_roman":
            return ROMAN_MONTHS[issued_on.month - 1]
        return f"{issued_on.day:02d}"

    return PLACEHOLDER.sub(value, pattern)
