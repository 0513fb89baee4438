"""The field type registry: one class per answer type owns its schema, parsing and checks.

The runtime renders a field with the template named after its type; the studio offers the
types listed here. Extensions register new types through `register` like the core ones do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from builder import patterns, regions, values
from builder.pointers import join
from builder.problems import Problem, problem
from builder.texts import Message, localise, msg, plural

Spec = Mapping[str, Any]

# Uploads a citizen may send: common document and photo formats only.
ALLOWED_FILE_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
)
MAX_FILE_MB = 20

_COMPARE = frozenset({"gt", "gte", "lt", "lte"})


class FieldType:
    """Base class of an answer type."""

    name: ClassVar[str]
    title: ClassVar[Message]
    has_value: ClassVar[bool] = True
    allowed_in_group: ClassVar[bool] = True
    operators: ClassVar[frozenset[str]] = frozenset({"filled"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        """JSON Schema of one answer of this type."""
        return {"type": "string"}

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        """Turn raw form strings into a value; return (value, error rule) with None meaning empty."""
        text = raw[0].strip() if raw else ""
        return (text or None), None

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        """Semantic checks on the field's definition."""
        return []

    def condition_value(self, spec: Spec, op: str, value: Any) -> Message | None:
        """None when `value` fits a condition `op` on this field, else what is expected."""
        return None

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        """The answer as a person reads it."""
        if value is None:
            return ""
        return str(value)

    def is_required(self, spec: Spec) -> bool:
        """Whether a visible field must be answered."""
        return bool(spec.get("required", False))

    def normalise(self, spec: Spec, value: Any) -> Any:
        """The answer in its stored form (the API may send a shorter form); default: as is."""
        return value


REGISTRY: dict[str, FieldType] = {}


def register(cls: type[FieldType]) -> type[FieldType]:
    """Add a field type to the registry (used by core types and extensions alike)."""
    REGISTRY[cls.name] = cls()
    return cls


def field_type(name: str) -> FieldType:
    """The registered type called `name`."""
    return REGISTRY[name]


def _minmax(
    spec: Spec, pointer: str, low: str, high: str, convert: Callable[[Any], Any] = lambda v: v
) -> list[Problem]:
    if low in spec and high in spec:
        try:
            if convert(spec[low]) > convert(spec[high]):
                return [
                    problem(
                        "min-greater-than-max", join(pointer, low), low=spec[low], high=spec[high]
                    )
                ]
        except TypeError:
            return []
    return []


def _items(spec: Spec, pointer: str) -> list[Problem]:
    """Bounds on a number of items: in order, and room for at least one."""
    if spec.get("max_items") == 0:
        return [problem("max-items-zero", join(pointer, "max_items"), key=spec.get("key"))]
    return _minmax(spec, pointer, "min_items", "max_items")


class _TextLike(FieldType):
    operators = frozenset({"filled", "equals", "not_equals", "in"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if "min_length" in spec:
            schema["minLength"] = max(1, spec["min_length"])
        schema["maxLength"] = spec.get("max_length", self.default_max)
        if "pattern" in spec:
            schema["pattern"] = patterns.anchored(spec["pattern"])
        return schema

    default_max: ClassVar[int] = 200

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        if spec.get("max_length") == 0:
            found = [problem("max-length-zero", join(pointer, "max_length"))]
        else:
            found = _minmax(spec, pointer, "min_length", "max_length")
        low = spec.get("min_length")
        if "max_length" not in spec and isinstance(low, int) and low > self.default_max:
            found.append(
                problem(
                    "min-length-over-default-max",
                    join(pointer, "min_length"),
                    low=low,
                    limit=self.default_max,
                )
            )
        if "pattern" in spec:
            refused = patterns.check(spec["pattern"])
            if refused is not None:
                found.append(problem(refused.code, join(pointer, "pattern"), **refused.params))
            elif "pattern" not in spec.get("messages", {}):
                found.append(problem("pattern-without-message", join(pointer, "pattern")))
        return found

    def condition_value(self, spec: Spec, op: str, value: Any) -> Message | None:
        ok = all(isinstance(v, str) for v in value) if op == "in" else isinstance(value, str)
        return None if ok else msg("Bandingkan dengan teks.", "Compare with a text.")


@register
class TextField(_TextLike):
    """One line: a tab becomes a space and the ends are trimmed; a line break is refused
    (`loket-line`), since a single-line input cannot hold one and no reader expects it."""

    name = "text"
    title = msg("Teks singkat", "Short text")

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        rules = super().value_schema(spec)
        return {"type": rules.pop("type"), "format": "loket-line", **rules}

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").replace("\t", " ").strip()
        return (text or None), None


@register
class TextareaField(_TextLike):
    name = "textarea"
    title = msg("Teks panjang", "Long text")
    default_max = 2000

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        schema = super().value_schema(spec)
        schema["maxLength"] = spec.get("max_length", self.default_max)
        return schema


@register
class NumberField(FieldType):
    name = "number"
    title = msg("Angka", "Number")
    operators = frozenset({"filled", "equals", "not_equals", "in"}) | _COMPARE

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if spec.get("integer") else "number"}
        if "min" in spec:
            schema["minimum"] = spec["min"]
        if "max" in spec:
            schema["maximum"] = spec["max"]
        return schema

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").strip().replace(" ", "")
        if not text:
            return None, None
        if re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", text):
            text = text.replace(".", "")  # Indonesian thousands separator: 1.500.000
        text = text.replace(",", ".")
        if spec.get("integer"):
            if not re.fullmatch(r"-?[0-9]{1,15}", text):
                return raw[0], "invalid"
            return int(text), None
        if not re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,6})?", text):
            return raw[0], "invalid"
        number = float(text)
        return (int(number) if number.is_integer() else number), None

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        found = _minmax(spec, pointer, "min", "max")
        low, high = spec.get("min"), spec.get("max")
        if (
            not found
            and spec.get("integer")
            and isinstance(low, int | float)
            and isinstance(high, int | float)
            and math.ceil(low) > math.floor(high)
        ):
            found.append(problem("no-whole-number", join(pointer, "min"), low=low, high=high))
        return found

    def condition_value(self, spec: Spec, op: str, value: Any) -> Message | None:
        items = value if op == "in" else [value]
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in items)
        return (
            None
            if ok
            else msg(
                "Bandingkan dengan angka, tanpa tanda kutip.",
                "Compare with a number, without quotes.",
            )
        )

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        if value is None:
            return ""
        text = (
            f"{value:,}".replace(",", ".")
            if isinstance(value, int)
            else str(value).replace(".", ",")
        )
        unit = localise(spec.get("unit"), lang)
        return f"{text} {unit}".strip()


def _reads_answer(bound: Any) -> bool:
    return isinstance(bound, Mapping) and "field" in bound


@register
class DateField(FieldType):
    name = "date"
    title = msg("Tanggal", "Date")
    operators = frozenset({"filled", "equals", "not_equals"}) | _COMPARE

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "format": "loket-date"}
        # a limit that reads another answer is checked across answers (`builder.date_limits`)
        if "min" in spec and not _reads_answer(spec["min"]):
            schema["x-loket-date-gte"] = spec["min"]
        if "max" in spec and not _reads_answer(spec["max"]):
            schema["x-loket-date-lte"] = spec["max"]
        return schema

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").strip()
        if not text:
            return None, None
        match = re.fullmatch(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})", text)
        if match:
            day, month, year = match.groups()
            text = f"{year}-{int(month):02d}-{int(day):02d}"
        if values.parse_iso_date(text) is None:
            return raw[0], "invalid"
        return text, None

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        if "min" in spec and "max" in spec:
            low = values.resolve_date_bound(spec["min"])
            high = values.resolve_date_bound(spec["max"])
            if low and high and low > high:
                return [
                    problem(
                        "min-greater-than-max",
                        join(pointer, "min"),
                        low=spec["min"],
                        high=spec["max"],
                    )
                ]
        return []

    def condition_value(self, spec: Spec, op: str, value: Any) -> Message | None:
        ok = values.is_date_bound(value)
        return (
            None
            if ok
            else msg(
                'Bandingkan dengan tanggal YYYY-MM-DD atau "today".',
                'Compare with a date YYYY-MM-DD or "today".',
            )
        )

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        day = values.parse_iso_date(value) if isinstance(value, str) else None
        return day.strftime("%d-%m-%Y") if day else ""


@register
class TimeField(FieldType):
    """A time of day, HH:MM (24 hours), optionally between `min` and `max` (also HH:MM).

    The answer is stored as "HH:MM"; a citizen may type 14.30 or 9:05. Indonesian pages show
    it as 14.30, English ones as 14:30."""

    name = "time"
    title = msg("Jam (waktu dalam sehari)", "Time of day")
    operators = frozenset({"filled", "equals", "not_equals", "in"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "format": "loket-time"}
        if "min" in spec:
            schema["x-loket-time-min"] = spec["min"]
        if "max" in spec:
            schema["x-loket-time-max"] = spec["max"]
        return schema

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").strip()
        if not text:
            return None, None
        found = values.parse_time(text)
        return (found, None) if found else (raw[0], "invalid")

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        low, high = spec.get("min"), spec.get("max")
        if values.is_time(low) and values.is_time(high) and str(low) > str(high):
            return [problem("time-range-across-midnight", join(pointer, "min"), low=low, high=high)]
        return []

    def condition_value(self, spec: Spec, op: str, value: Any) -> Message | None:
        items = value if op == "in" else [value]
        if all(values.is_time(v) for v in items):
            return None
        return msg("Bandingkan dengan jam HH:MM, misalnya 08:00.", "Compare with a time HH:MM.")

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        return values.time_text(value, lang) if values.is_time(value) else ""


@register
class EmailField(FieldType):
    name = "email"
    title = msg("Email", "Email")

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        return {"type": "string", "format": "loket-email", "maxLength": 254}

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").strip()
        return (text.lower() if text else None), None


@register
class PhoneField(FieldType):
    name = "phone"
    title = msg("Nomor telepon", "Phone number")

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        return {"type": "string", "format": "loket-phone"}

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").strip()
        if not text:
            return None, None
        normal = values.normalise_phone(text)
        return (normal, None) if normal else (text, "invalid")


@register
class NikField(FieldType):
    name = "nik"
    title = msg("NIK", "NIK (national identity number)")

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        return {"type": "string", "format": "loket-nik"}

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = re.sub(r"[\s.-]", "", raw[0] if raw else "")
        return (text or None), None

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        return mask_nik(value) if isinstance(value, str) else ""


def mask_nik(value: str) -> str:
    """Show only the region code and the last four digits of a NIK."""
    if len(value) != 16:
        return "•" * len(value)
    return value[:6] + "•" * 6 + value[12:]


class _Options(FieldType):
    def option_values(self, spec: Spec) -> list[str]:
        return [str(option.get("value")) for option in spec.get("options", [])]

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        if "options_from" in spec:  # a shared list: checked by builder.option_lists
            return self._shared_check(spec, pointer)
        options = spec.get("options", [])
        if not options:
            return [problem("no-options", join(pointer, "options"), key=spec.get("key"))]
        found: list[Problem] = []
        if len(options) == 1 and self.name == "choice":
            found.append(problem("single-option", join(pointer, "options"), key=spec.get("key")))
        seen: set[str] = set()
        for index, option in enumerate(options):
            value = option.get("value")
            if value in seen:
                found.append(
                    problem(
                        "duplicate-option", join(pointer, "options", index, "value"), value=value
                    )
                )
            seen.add(value)
        return found

    def _shared_check(self, spec: Spec, pointer: str) -> list[Problem]:
        """Checks of a field whose options come from a shared list (expanded when known)."""
        options = spec.get("options")
        if not isinstance(options, list) or len(options) != 1 or self.name != "choice":
            return []
        return [problem("single-option", join(pointer, "options_from"), key=spec.get("key"))]

    def condition_value(self, spec: Spec, op: str, value: Any) -> Message | None:
        items = value if op == "in" else [value]
        allowed = self.option_values(spec)
        if all(isinstance(v, str) and v in allowed for v in items):
            return None
        listed = ", ".join(allowed)
        return msg(
            f"Pakai salah satu nilai pilihan: {listed}.", f"Use one of the option values: {listed}."
        )

    def label_of(self, spec: Spec, value: Any, lang: str) -> str:
        for option in spec.get("options", []):
            if option.get("value") == value:
                return localise(option.get("label"), lang)
        return str(value)


@register
class ChoiceField(_Options):
    name = "choice"
    title = msg("Pilihan tunggal", "Single choice")
    operators = frozenset({"filled", "equals", "not_equals", "in"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        return {"type": "string", "enum": self.option_values(spec)}

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        return "" if value is None else self.label_of(spec, value, lang)


@register
class MultichoiceField(_Options):
    name = "multichoice"
    title = msg("Pilihan ganda", "Multiple choice")
    operators = frozenset({"filled", "contains"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", "enum": self.option_values(spec)},
            "uniqueItems": True,
            "minItems": max(1, spec.get("min_items", 1)),
        }
        if "max_items" in spec:
            schema["maxItems"] = spec["max_items"]
        return schema

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        chosen = [item for item in dict.fromkeys(r.strip() for r in raw) if item]
        return (chosen or None), None

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        found = super().check(spec, pointer) + _items(spec, pointer)
        options = spec.get("options", [])
        low = spec.get("min_items")
        if options and isinstance(low, int) and low > len(options):
            found.append(
                problem(
                    "min-items-over-options",
                    join(pointer, "min_items"),
                    low=low,
                    count=len(options),
                )
            )
        return found

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        return ", ".join(self.label_of(spec, item, lang) for item in value or [])


def _region_hint(code: str) -> dict[str, str]:
    """What to write instead of an unknown area code: the areas under its nearest known parent."""
    known = code
    while known and not regions.exists(known):
        known = regions.parent(known)
    under = regions.children(known)[:6]
    listed = ", ".join(f"{c} ({regions.name(c)})" for c in under)
    if known:
        where_id = f"Di bawah {known} ({regions.name(known)}) ada antara lain: {listed}."
        where_en = f"Under {known} ({regions.name(known)}) there are, among others: {listed}."
    else:
        where_id = f"Kode provinsi antara lain: {listed}."
        where_en = f"Province codes include: {listed}."
    return {
        "hint_id": where_id + " Kode kota Bandar Lampung misalnya 18.71.",
        "hint_en": where_en + " Kota Bandar Lampung, for one, is 18.71.",
    }


@register
class RegionField(FieldType):
    """An area of Indonesia chosen level by level (province, regency/city, district, village).

    `within` keeps the choice inside one area (its code); `level` is how deep the answer goes
    (default `village`). The answer is stored as `{"code": ..., "names": [...]}`, the names
    from the province down as they were when the case was filed; the JSON API may send the code
    alone (`normalise` fills in the names).
    """

    name = "region"
    title = msg("Wilayah (provinsi s.d. kelurahan/desa)", "Area (province to village)")
    operators = frozenset({"filled"})

    @staticmethod
    def level(spec: Spec) -> str:
        """How deep the answer goes."""
        return str(spec.get("level", "village"))

    @staticmethod
    def within(spec: Spec) -> str | None:
        """The area the answer must lie in, if any."""
        code = spec.get("within")
        return str(code) if code else None

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        rule: dict[str, Any] = {"level": self.level(spec)}
        if self.within(spec):
            rule["within"] = self.within(spec)
        return {
            "type": "object",
            "required": ["code", "names"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "maxLength": 20},
                "names": {"type": "array", "maxItems": 4, "items": {"type": "string"}},
            },
            "x-loket-region": rule,
        }

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        code = regions.deepest(raw, self.within(spec), self.level(spec))
        return (None if code is None else regions.record(code)), None

    def normalise(self, spec: Spec, value: Any) -> Any:
        """A known code (alone or in a stored answer) with the names of today's data."""
        code = value.get("code") if isinstance(value, Mapping) else value
        if isinstance(code, str) and regions.exists(code):
            return regions.record(code)
        return value

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        code = self.within(spec)
        if code is None:
            return []
        if not regions.exists(code):
            return [
                problem(
                    "region-unknown",
                    join(pointer, "within"),
                    area=code,
                    source=regions.data().source,
                    **_region_hint(code),
                )
            ]
        here = regions.level_of(code) or "village"
        if regions.LEVELS.index(here) >= regions.LEVELS.index(self.level(spec)):
            return [
                problem(
                    "region-within-too-deep",
                    join(pointer, "within"),
                    area=code,
                    name=regions.name(code),
                    level_id=localise(regions.LEVEL_TITLES[self.level(spec)], "id").lower(),
                    level_en=localise(regions.LEVEL_TITLES[self.level(spec)], "en").lower(),
                )
            ]
        return []

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        """The names as filed, from the lowest level up ("Kec." before a district)."""
        if not isinstance(value, Mapping):
            return ""
        names = [str(n) for n in value.get("names") or []]
        if len(names) >= 3:
            names[2] = f"Kec. {names[2]}"
        return ", ".join(reversed(names)) or str(value.get("code", ""))


@register
class YesNoField(FieldType):
    name = "yesno"
    title = msg("Ya / tidak", "Yes / no")
    operators = frozenset({"filled", "equals"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        return {"type": "boolean"}

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").strip().lower()
        if not text:
            return None, None
        if text in {"ya", "yes", "true", "1"}:
            return True, None
        if text in {"tidak", "no", "false", "0"}:
            return False, None
        return text, "invalid"

    def condition_value(self, spec: Spec, op: str, value: Any) -> Message | None:
        return (
            None
            if isinstance(value, bool)
            else msg("Bandingkan dengan true atau false.", "Compare with true or false.")
        )

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        if value is None:
            return ""
        yes, no = ("Ya", "Tidak") if lang == "id" else ("Yes", "No")
        return yes if value else no


@register
class FileField(FieldType):
    name = "file"
    title = msg("Unggah berkas", "File upload")

    @staticmethod
    def max_files(spec: Spec) -> int:
        """How many files the field takes; above 1 the answer is a list of files."""
        count = spec.get("max_files", 1)
        return count if isinstance(count, int) and count > 0 else 1

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        one = self._one_file(spec)
        count = self.max_files(spec)
        if count == 1:
            return one
        return {"type": "array", "minItems": 1, "maxItems": count, "items": one}

    def _one_file(self, spec: Spec) -> dict[str, Any]:
        limit = int(float(spec.get("max_mb", 2)) * 1024 * 1024)
        return {
            "type": "object",
            "required": ["id", "name", "size", "content_type"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
                "name": {"type": "string", "minLength": 1, "maxLength": 255},
                "size": {"type": "integer", "minimum": 1, "maximum": limit},
                "content_type": {"type": "string", "enum": list(spec.get("accept", []))},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        }

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        return None, None  # uploads arrive as attachments; the runtime stores the reference

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        found: list[Problem] = []
        allowed = ", ".join(ALLOWED_FILE_TYPES)
        for index, kind in enumerate(spec.get("accept", [])):
            if kind not in ALLOWED_FILE_TYPES:
                found.append(
                    problem(
                        "file-type-not-allowed",
                        join(pointer, "accept", index),
                        value=kind,
                        allowed=allowed,
                    )
                )
        size = spec.get("max_mb", 2)
        if isinstance(size, int | float) and size > MAX_FILE_MB:
            found.append(
                problem("file-too-large", join(pointer, "max_mb"), value=size, limit=MAX_FILE_MB)
            )
        return found

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        if isinstance(value, list):
            return "; ".join(self.display(spec, item, lang) for item in value)
        if not isinstance(value, Mapping):
            return ""
        size_kb = max(1, round(int(value.get("size", 0)) / 1024))
        return f"{value.get('name', '')} ({size_kb} KB)"


@register
class DeclarationField(FieldType):
    name = "declaration"
    title = msg("Pernyataan persetujuan", "Declaration")
    operators = frozenset({"filled"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        return {"const": True}

    def parse(self, spec: Spec, raw: list[str]) -> tuple[Any, str | None]:
        text = (raw[0] if raw else "").strip().lower()
        return (True if text in {"1", "ya", "yes", "true", "on"} else None), None

    def is_required(self, spec: Spec) -> bool:
        return True

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        if spec.get("required") is False:
            return [
                problem("declaration-not-required", join(pointer, "required"), key=spec.get("key"))
            ]
        return []

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        return ("Disetujui" if lang == "id" else "Agreed") if value else ""


@register
class NoticeField(FieldType):
    name = "notice"
    title = msg("Keterangan (teks statis)", "Notice (static text)")
    has_value = False
    operators = frozenset()

    def is_required(self, spec: Spec) -> bool:
        return False


@register
class GroupField(FieldType):
    name = "group"
    title = msg("Grup berulang", "Repeatable group")
    allowed_in_group = False
    operators = frozenset({"filled"})

    def value_schema(self, spec: Spec) -> dict[str, Any]:
        # The item schema is assembled by the compiler, which knows the children's conditions.
        schema: dict[str, Any] = {"type": "array", "minItems": max(1, spec.get("min_items", 1))}
        if "max_items" in spec:
            schema["maxItems"] = spec["max_items"]
        return schema

    def check(self, spec: Spec, pointer: str) -> list[Problem]:
        return _items(spec, pointer)

    def display(self, spec: Spec, value: Any, lang: str) -> str:
        count = len(value) if isinstance(value, list) else 0
        return f"{count} butir" if lang == "id" else plural(count, "item", "items")
