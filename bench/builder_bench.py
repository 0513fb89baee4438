"""Builder benchmark: validate + compile a large definition, and validate one submission.

Run with `.venv/bin/python bench/builder_bench.py` (or `make bench`). Prints the figures with
the machine they were measured on and a baseline measured in the same run (a plain jsonschema
Draft202012Validator on a hand-written flat schema of the same submission), so numbers from
different machines can be compared through their ratio to the baseline. The results are also
written to bench/results/builder-latest.json.

Targets: validate + compile of a 300-field, 30-page definition < 50 ms (median);
validating one 50-field submission with the cached compiled validator < 0.5 ms (median).
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jsonschema import Draft202012Validator  # noqa: E402

from builder.compiler import compile_definition, compiled  # noqa: E402
from builder.problems import has_errors  # noqa: E402
from builder.validate import validate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "builder-latest.json"
DEFINITION_RUNS = 30
SUBMISSION_RUNS = 2000
TARGET_DEFINITION_MS = 50.0
TARGET_SUBMISSION_MS = 0.5

OPTIONS = [{"value": v, "label": v.upper()} for v in ("a", "b", "c")]
MULTI = [{"value": v, "label": v.upper()} for v in ("x", "y", "z")]
FILE_REF = {
    "id": "abcdefghijklmnop",
    "name": "ktp.jpg",
    "size": 120_000,
    "content_type": "image/jpeg",
}


def _page_fields(i: int, *, with_notices: bool) -> list[dict[str, Any]]:
    """Ten fields of mixed types, with conditions on fields of the same page."""
    identity = [
        {"key": f"email_{i}", "type": "email", "label": f"Email {i}"},
        {"key": f"hp_{i}", "type": "phone", "label": f"Nomor HP {i}"},
        {"key": f"nik_{i}", "type": "nik", "label": f"NIK {i}"},
    ][i % 3]
    last_choices: list[dict[str, Any]] = [
        {"key": f"berkas_{i}", "type": "file", "label": f"Berkas {i}", "required": True,
         "accept": ["image/jpeg", "application/pdf"], "max_mb": 2},
        {"key": f"setuju_{i}", "type": "declaration", "label": f"Pernyataan {i}"},
        {"key": f"jumlah_{i}", "type": "number", "label": f"Jumlah {i}", "min": 0,
         "visible_if": {"field": f"angka_{i}", "gt": 10}},
    ]  # fmt: skip
    if with_notices:
        last_choices.append({"key": f"info_{i}", "type": "notice", "text": "Keterangan."})
    last = last_choices[i % len(last_choices)]
    if i == 10:
        last = {
            "key": "anggota",
            "type": "group",
            "label": "Anggota keluarga",
            "min_items": 1,
            "max_items": 10,
            "fields": [
                {"key": "anggota_nama", "type": "text", "label": "Nama", "required": True},
                {"key": "anggota_hubungan", "type": "choice", "label": "Hubungan",
                 "options": OPTIONS},
                {"key": "anggota_lain", "type": "text", "label": "Sebutkan", "required": True,
                 "visible_if": {"field": "anggota_hubungan", "equals": "c"}},
            ],
        }  # fmt: skip
    return [
        {"key": f"jenis_{i}", "type": "choice", "label": f"Jenis {i}", "required": True,
         "options": OPTIONS},
        {"key": f"teks_{i}", "type": "text", "label": f"Teks {i}", "required": True,
         "max_length": 100, "visible_if": {"field": f"jenis_{i}", "in": ["a", "b"]}},
        {"key": f"angka_{i}", "type": "number", "label": f"Angka {i}", "integer": True,
         "min": 0, "max": 1000},
        {"key": f"tgl_{i}", "type": "date", "label": f"Tanggal {i}", "min": "1900-01-01",
         "max": "today"},
        {"key": f"yn_{i}", "type": "yesno", "label": f"Ya/tidak {i}"},
        {"key": f"catatan_{i}", "type": "textarea", "label": f"Catatan {i}", "required": True,
         "visible_if": {"all": [{"field": f"yn_{i}", "equals": True},
                                {"not": {"field": f"jenis_{i}", "equals": "c"}}]}},
        {"key": f"pilih_{i}", "type": "multichoice", "label": f"Pilih {i}", "options": MULTI,
         "max_items": 2},
        identity,
        {"key": f"kode_{i}", "type": "text", "label": f"Kode {i}", "pattern": "[A-Z]{2}[0-9]{3}",
         "messages": {"pattern": "Tulis dua huruf besar dan tiga angka, misalnya AB123."}},
        last,
    ]  # fmt: skip


def make_definition(pages: int, *, with_notices: bool = True) -> dict[str, Any]:
    """A valid definition with `pages` pages of ten fields each."""
    page_list = []
    for i in range(pages):
        page: dict[str, Any] = {
            "id": f"halaman_{i}",
            "title": {"id": f"Halaman {i}", "en": f"Page {i}"},
            "fields": _page_fields(i, with_notices=with_notices),
        }
        if i % 5 == 4:  # some pages only show up depending on an earlier answer
            page["visible_if"] = {"field": f"jenis_{i - 1}", "not_equals": "c"}
        page_list.append(page)
    return {
        "format": "loket/service@1",
        "id": f"layanan-besar-{pages}",
        "agency": "dinas-uji",
        "title": "Layanan besar",
        "summary": "Definisi buatan untuk pengukuran kinerja.",
        "standard": {"requirements": ["KTP-el"], "duration_days": 5, "cost": "Gratis"},
        "privacy": {
            "purpose": "Pengukuran.",
            "legal_basis": "UU 27/2022 pasal 20",
            "retention_days": 30,
        },
        "form": {"pages": page_list},
        "roles": {"petugas": "Petugas", "kepala": "Kepala"},
        "workflow": {
            "initial": "diajukan",
            "states": {
                "diajukan": {"label": "Diajukan", "sla_days": 1},
                "perbaikan": {"label": "Perbaikan", "applicant_edits": True},
                "diverifikasi": {"label": "Diverifikasi", "sla_days": 2},
                "selesai": {"label": "Selesai", "final": "approved"},
                "ditolak": {"label": "Ditolak", "final": "rejected"},
            },
            "transitions": [
                {"action": "verifikasi", "from": "diajukan", "to": "diverifikasi",
                 "roles": ["petugas"]},
                {"action": "kembalikan", "from": ["diajukan", "diverifikasi"], "to": "perbaikan",
                 "roles": ["petugas"]},
                {"action": "kirim_ulang", "from": "perbaikan", "to": "diajukan",
                 "roles": ["applicant"]},
                {"action": "setujui", "from": "diverifikasi", "to": "selesai", "roles": ["kepala"]},
                {"action": "tolak", "from": ["diajukan", "diverifikasi"], "to": "ditolak",
                 "roles": ["petugas", "kepala"]},
            ],
        },
    }  # fmt: skip


def _answer(spec: dict[str, Any]) -> Any:
    """A valid answer for a field that shows every conditional field."""
    kind = spec["type"]
    key = spec["key"]
    return {
        "text": "AB123" if key.startswith("kode_") else "Budi Santoso",
        "textarea": "Catatan yang cukup panjang.",
        "number": 42,
        "date": "1990-08-17",
        "email": "budi@contoh.id",
        "phone": "+6281234567890",
        "nik": "3171011708450001",
        "choice": "a",
        "multichoice": ["x", "y"],
        "yesno": True,
        "file": FILE_REF,
        "declaration": True,
        "group": [{"anggota_nama": "Siti", "anggota_hubungan": "a"}],
    }.get(kind)


def make_answers(definition: dict[str, Any]) -> dict[str, Any]:
    """Answers to every value-holding field of a definition."""
    result = {}
    for page in definition["form"]["pages"]:
        for spec in page["fields"]:
            value = _answer(spec)
            if value is not None:
                result[spec["key"]] = value
    return result


def flat_schema(answers: dict[str, Any]) -> dict[str, Any]:
    """A hand-written flat schema of the same submission: one typed property per answer."""
    kinds = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": sorted(answers),
        "properties": {
            key: {
                "type": kinds[type(value)],
                **({"minLength": 1} if isinstance(value, str) else {}),
            }
            for key, value in answers.items()
        },
    }


def measure(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    """Run `fn` `runs` times (after one warm-up) and summarise the wall times in milliseconds."""
    fn()
    times = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            started = time.perf_counter_ns()
            fn()
            times.append((time.perf_counter_ns() - started) / 1e6)
    finally:
        if gc_was_enabled:
            gc.enable()
    times.sort()
    return {
        "runs": runs,
        "median_ms": statistics.median(times),
        "min_ms": times[0],
        "p90_ms": times[int(len(times) * 0.9) - 1],
        "max_ms": times[-1],
    }


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """Where the numbers were measured."""
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "jsonschema": metadata.version("jsonschema"),
    }


def _message(text: str) -> dict[str, str]:
    return {"id": text, "en": text}


def add_rules(definition: dict[str, Any]) -> dict[str, Any]:
    """The 50-field definition with computed values and cross-field rules over all its pages."""
    form = definition["form"]
    form["computed"] = {
        "umur": {"age": {"field": "tgl_0"}},
        "umur_nik": {"age": {"field": "nik_2"}, "at": {"field": "tgl_4"}},
        "lama": {"days_between": [{"field": "tgl_0"}, {"field": "tgl_4"}]},
        "total": {"add": [{"field": f"angka_{i}"} for i in range(5)]},
        "rata": {"divide": [{"computed": "total"}, 5]},
    }
    compare = [
        ("angka_1", "eq", {"field": "angka_0"}),
        ("tgl_4", "gte", {"field": "tgl_0"}),
        ("jenis_1", "eq", {"field": "jenis_0"}),
        ("angka_4", "lte", {"value": 1000}),
        ("tgl_3", "lte", {"value": "2030-01-01"}),
    ]
    rules: list[dict[str, Any]] = [
        {"compare": {"left": {"field": at}, "op": op, "right": right}, "at": at,
         "message": _message(f"Aturan {at}.")}
        for at, op, right in compare
    ]  # fmt: skip
    rules += [
        {"compare": {"left": {"computed": "rata"}, "op": "lte", "right": {"field": "angka_4"}},
         "at": "angka_4", "message": _message("Rata-rata.")},
        {"compare": {"left": {"computed": "umur_nik"}, "op": "gte", "right": 17},
         "at": "tgl_4", "message": _message("Umur NIK.")},
        {"compare": {"left": {"computed": "umur"}, "op": "gte", "right": {"value": 17}},
         "at": "tgl_0", "message": _message("Umur.")},
        {"days_apart": {"from": {"field": "tgl_3"}, "to": {"field": "tgl_4"}, "at_most": 10},
         "at": "tgl_4", "message": _message("Selisih.")},
        {"compare": {"left": {"computed": "lama"}, "op": "gte", "right": 0},
         "at": "tgl_4", "message": _message("Lama.")},
    ]  # fmt: skip
    form["rules"] = rules
    return definition


def main() -> int:
    big = make_definition(30)
    problems = validate(big)
    assert not has_errors(problems), [(p.pointer, p.code) for p in problems]
    fields = sum(len(p["fields"]) for p in big["form"]["pages"])

    cold_started = time.perf_counter()
    validate(make_definition(30, with_notices=False))  # first call: meta-schema loading
    cold_ms = (time.perf_counter() - cold_started) * 1000

    def validate_and_compile() -> None:
        validate(big)
        compile_definition(big)

    definition = measure(validate_and_compile, DEFINITION_RUNS)
    validate_only = measure(lambda: validate(big), DEFINITION_RUNS)
    compile_only = measure(lambda: compile_definition(big), DEFINITION_RUNS)

    small = make_definition(5, with_notices=False)
    assert not has_errors(validate(small))
    service = compiled(small)
    pruned, errors = service.check(make_answers(small))
    assert errors == [], errors
    answered = len(pruned)
    submission = measure(lambda: service.validate(pruned), SUBMISSION_RUNS)
    prune = measure(lambda: service.prune(pruned), SUBMISSION_RUNS)
    ruled = add_rules(make_definition(5, with_notices=False))
    assert not has_errors(validate(ruled)), [(p.pointer, p.code) for p in validate(ruled)]
    ruled_service = compiled(ruled)
    ruled_pruned, ruled_errors = ruled_service.check(make_answers(ruled))
    assert ruled_errors == [], ruled_errors
    with_rules = measure(lambda: ruled_service.validate(ruled_pruned), SUBMISSION_RUNS)
    flat = Draft202012Validator(flat_schema(pruned))
    assert flat.is_valid(pruned)
    baseline = measure(lambda: flat.is_valid(pruned), SUBMISSION_RUNS)

    results = {
        "machine": machine(),
        "definition": {
            "pages": len(big["form"]["pages"]),
            "fields": fields,
            "warnings": len(problems),
            "cold_first_validate_ms": cold_ms,
            "validate_and_compile": definition,
            "validate": validate_only,
            "compile": compile_only,
            "target_median_ms": TARGET_DEFINITION_MS,
            "meets_target": definition["median_ms"] < TARGET_DEFINITION_MS,
        },
        "submission": {
            "answered_fields": answered,
            "compiled_validate": submission,
            "prune": prune,
            "with_rules": {
                "rules": len(ruled["form"]["rules"]),
                "computed": len(ruled["form"]["computed"]),
                **with_rules,
            },
            "target_median_ms": TARGET_SUBMISSION_MS,
            "meets_target": submission["median_ms"] < TARGET_SUBMISSION_MS,
        },
        "baseline": {
            "what": "Draft202012Validator.is_valid, hand-written flat schema, same submission",
            **baseline,
        },
        "ratios_to_baseline": {
            "validate_and_compile": definition["median_ms"] / baseline["median_ms"],
            "submission": submission["median_ms"] / baseline["median_ms"],
        },
    }
    _print(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    temporary = RESULTS.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    temporary.replace(RESULTS)
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")
    return 0


def _print(results: dict[str, Any]) -> None:
    m = results["machine"]
    d = results["definition"]
    s = results["submission"]
    b = results["baseline"]

    def line(label: str, figures: dict[str, float], target: float | None = None) -> str:
        verdict = ""
        if target is not None:
            verdict = "  OK" if figures["median_ms"] < target else f"  ABOVE TARGET {target} ms"
        return (
            f"  {label:<34} median {figures['median_ms']:9.3f} ms   min {figures['min_ms']:9.3f}"
            f"   p90 {figures['p90_ms']:9.3f}   ({figures['runs']} runs){verdict}"
        )

    print("Loket builder benchmark")
    print(f"  machine: {m['platform']}")
    print(f"  cpu:     {m['cpu']} — {m['cores']} cores ({m['usable_cores']} usable)")
    print(f"  python:  {m['implementation']} {m['python']}, jsonschema {m['jsonschema']}")
    print(f"\nDefinition: {d['pages']} pages, {d['fields']} fields, {d['warnings']} warnings")
    print(f"  first validate (cold)              {d['cold_first_validate_ms']:9.3f} ms")
    print(line("validate + compile", d["validate_and_compile"], TARGET_DEFINITION_MS))
    print(line("  validate only", d["validate"]))
    print(line("  compile only", d["compile"]))
    print(f"\nSubmission: {s['answered_fields']} answered fields")
    print(line("CompiledService.validate (pruned)", s["compiled_validate"], TARGET_SUBMISSION_MS))
    print(line("  prune", s["prune"]))
    w = s["with_rules"]
    label = f"same with {w['rules']} rules, {w['computed']} computed"
    print(line(label, w, TARGET_SUBMISSION_MS))
    print(line("baseline: flat Draft202012 is_valid", b))
    r = results["ratios_to_baseline"]
    print(
        f"\nRatios to the baseline: validate+compile ×{r['validate_and_compile']:.0f}, "
        f"submission ×{r['submission']:.1f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
