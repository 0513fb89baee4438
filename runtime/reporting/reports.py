"""Per-service figures for an agency's officers, and exports of a service's cases (CSV, XLSX).

Plain functions on a Session; the routes in ``runtime.routes.reports`` only check access and
send the result.

An export is a spreadsheet, and spreadsheets execute formulas: any text cell that starts with
``= + - @`` (or a tab or carriage return) is neutralised with a leading apostrophe, so that a
citizen's answer such as ``=HYPERLINK(...)`` stays text. A CSV file is written with ``,`` but
spreadsheets in Indonesian locales split it on ``;``, where every ``;`` and line break inside an
answer starts a new cell: there, too, an apostrophe goes in front of whatever could start a
formula (see ``neutralise_csv``). NIKs are masked in exports (region code
and last four digits); the full number is only shown on the case page, where viewing it is
recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlmodel import Session, col, select

from builder import values
from builder.compiler import CompiledService, FieldPlan, compiled
from builder.fields import mask_nik
from builder.messages import DEFAULT_KIND, kind_of
from builder.texts import localise
from runtime.casework.cases import may_open
from runtime.casework.inbox import CASE_VERSION_STATES
from runtime.casework.workflow import final_outcome
from runtime.i18n import t
from runtime.models import CaseEvent, Service, ServiceVersion, Submission, utcnow
from runtime.reporting import report_figures
from runtime.workdays import WIB

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_BREAKS = frozenset(";\r\n")  # where a CSV read with ';' (or a line break) starts a new cell
UNSAFE_CELL_STARTS = frozenset(FORMULA_STARTS) | {'"'}
FIXED_COLUMNS = ("reference", "state", "created", "due")

Cell = str | int | float | dt.datetime | None


@dataclass(frozen=True)
class StateCount:
    """How many cases of a service are in one state."""

    state: str
    label: str
    count: int
    final: bool


@dataclass(frozen=True)
class ServiceReport:
    """The figures of one service."""

    service_id: int
    slug: str
    title: str
    states: tuple[StateCount, ...]
    total: int
    overdue: int
    decided: int
    median_decision: dt.timedelta | None
    as_of: dt.datetime | None = None  # when stored figures (big services) were worked out
    kind: str = DEFAULT_KIND  # what citizens send (the definition's `kind`): the report's words
    stored: bool = False  # the figures come from report_figures (worked out by the worker)
    ready: bool = True  # False: a big service whose figures the worker has not worked out yet
    stale: bool = False  # stored figures older than report_figures.STALE_AFTER
    refresh_requested: dt.datetime | None = None  # an officer asked for fresh figures then


def agency_services(session: Session, agency_id: str) -> list[tuple[Service, ServiceVersion]]:
    """The agency's services that have a live (or retired) version, by slug."""
    rows = session.exec(
        select(Service, ServiceVersion)
        .join(ServiceVersion, col(ServiceVersion.id) == col(Service.current_version_id))
        .where(Service.agency_id == agency_id)
        .order_by(col(Service.slug))
    ).all()
    return [(service, version) for service, version in rows]


def _figures_of(
    session: Session, service_id: int, kept: report_figures.Stored | None, now: dt.datetime | None
) -> tuple[report_figures.Figures | None, report_figures.Stored | None]:
    """The figures to show and the stored row they come from (None when worked out live).

    With an explicit `now` (a report of a given moment) they are always worked out live. A
    service with many cases and no stored figures yet gets none: the worker is asked for them.
    """
    if now is not None:
        return report_figures.work_out(session, service_id, now), None
    if kept is not None:
        return kept.figures, kept
    if report_figures.has_many_cases(session, service_id):
        moment = utcnow()
        report_figures.request_refresh(session, [service_id], moment)
        return None, report_figures.Stored(None, moment)
    return report_figures.work_out(session, service_id), None


def service_report(
    session: Session,
    service: Service,
    version: ServiceVersion,
    *,
    lang: str = "id",
    now: dt.datetime | None = None,
    kept: report_figures.Stored | None = None,
) -> ServiceReport:
    """Counts per state (in the order of the live definition), overdue count, median decision time.

    `kept`: the service's stored figures (``report_figures.stored``), used unless `now` is given.
    """
    assert service.id is not None
    states = version.definition.get("workflow", {}).get("states", {})
    figures, row = _figures_of(session, service.id, kept, now)
    counts = figures.counts if figures is not None else {}
    rows = [
        StateCount(
            name,
            localise(info.get("label"), lang) or name,
            counts.get(name, 0),
            bool(info.get("final")),
        )
        for name, info in states.items()
    ]
    rows += [
        StateCount(name, name, n, bool(final_outcome(version.definition, name)))
        for name, n in sorted(counts.items())
        if name not in states
    ]
    stale = False  # no worker has worked out the stored figures for a while
    if row is not None:
        since = figures.at if figures is not None else row.requested_at
        stale = since is not None and since < utcnow() - report_figures.STALE_AFTER
    return ServiceReport(
        service.id,
        service.slug,
        localise(version.definition.get("title"), lang) or service.slug,
        tuple(rows),
        sum(counts.values()),
        figures.overdue if figures is not None else 0,
        figures.decided if figures is not None else 0,
        figures.median if figures is not None else None,
        figures.at if row is not None and figures is not None else None,
        kind_of(version.definition),
        stored=row is not None,
        ready=figures is not None,
        stale=stale,
        refresh_requested=row.requested_at if row is not None and row.refresh_pending else None,
    )


def agency_report(
    session: Session, agency_id: str, *, lang: str = "id", now: dt.datetime | None = None
) -> list[ServiceReport]:
    """The report of every service of an agency (stored figures for those with many cases)."""
    services = agency_services(session, agency_id)
    kept = report_figures.stored(session, [s.id for s, _ in services if s.id is not None])
    return [
        service_report(
            session, service, version, lang=lang, now=now, kept=kept.get(service.id or 0)
        )
        for service, version in services
    ]


def format_duration(value: dt.timedelta | None, lang: str = "id") -> str:
    """A duration as days and hours, e.g. ``2 hari 5 jam``."""
    if value is None:
        return "–"
    hours = round(value.total_seconds() / 3600)
    days, hours = divmod(hours, 24)
    day_word, hour_word = ("hari", "jam") if lang == "id" else ("days", "hours")
    return f"{days} {day_word} {hours} {hour_word}" if days else f"{hours} {hour_word}"


# -- export -------------------------------------------------------------------------------------


def openable_versions(session: Session, service_id: int, roles: frozenset[str]) -> set[int]:
    """Versions of a service whose cases a user with `roles` may open (the case page's rule).

    Only versions that can have cases count (a draft's roles are not yet in force).
    """
    rows = session.exec(
        select(ServiceVersion.id, ServiceVersion.definition).where(
            ServiceVersion.service_id == service_id,
            col(ServiceVersion.state).in_(CASE_VERSION_STATES),
        )
    ).all()
    return {int(vid) for vid, definition in rows if vid is not None and may_open(roles, definition)}


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (leading apostrophe when needed)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutralise_csv(text: str) -> str:
    """A CSV cell no spreadsheet runs as a formula, whether it splits lines on ``,`` or ``;``.

    The writer uses ``,``. Read with ``;``, a new cell starts after every ``;`` and line break
    of a text (a run of them counts as one): an apostrophe goes after such a run when what
    follows could start a formula or open a quoted cell (``"``), or when the text ends there
    (the writer's closing quote would follow).
    """
    text = neutralise(text)
    if not CELL_BREAKS.intersection(text):
        return text
    out: list[str] = []
    for index, char in enumerate(text):
        out.append(char)
        if char not in CELL_BREAKS:
            continue
        following = text[index + 1] if index + 1 < len(text) else ""
        if following in CELL_BREAKS:
            continue
        if not following or following in UNSAFE_CELL_STARTS:
            out.append("'")
    return "".join(out)


@dataclass(frozen=True)
class ExportOptions:
    """What an export holds and how it names things.

    `keys`: the header names fields by key (``anggota[1].umur``) and answers keep their stored
    values (choice values, ``+62…`` phones, state names), for tools; otherwise the header uses
    the labels in `lang` and answers read as on the case page. `sensitive`: answers of fields
    marked ``sensitive`` are included (the caller records it on each case); otherwise their
    columns are left out. `filed_from`/`filed_to`: filing dates in WIB, both included.
    """

    keys: bool = False
    lang: str = "id"
    sensitive: bool = False
    filed_from: dt.date | None = None
    filed_to: dt.date | None = None


@dataclass(frozen=True)
class ExportTable:
    """The table of an export and what it holds of sensitive answers."""

    header: list[str]
    rows: list[list[Cell]]
    sensitive_fields: list[str]  # paths (``key`` or ``group.child``) of sensitive answers
    sensitive_cases: list[str]  # ids of the cases whose sensitive answers are in the rows


def national_phone(value: str) -> str:
    """A stored ``+62…`` number as Indonesians write it, ``0812-3456-7890``.

    It starts with a digit and holds hyphens, so no spreadsheet reads it as a formula or as a
    number (which would drop the leading zero): it needs no apostrophe.
    """
    if not value.startswith("+62"):
        return value
    digits = "0" + value[3:]
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def _value(plan: FieldPlan | None, value: Any, options: ExportOptions) -> Cell:
    """One answer as a cell: NIK masked, files by name, lists joined with '; '.

    With labels (the default), choices are shown by their labels, yes/no as on the case page
    and phone numbers in the national form; with keys, as stored.
    """
    if value is None:
        return None
    kind = plan.type if plan is not None else ""
    if kind == "nik" and isinstance(value, str):
        return mask_nik(value)
    if plan is not None and not options.keys:
        if kind in ("choice", "yesno"):
            return plan.kind.display(plan.spec, value, options.lang)
        if kind == "multichoice" and isinstance(value, list):
            return "; ".join(plan.kind.display(plan.spec, [item], options.lang) for item in value)
        if kind == "phone" and isinstance(value, str):
            return national_phone(value)
    if kind == "region" and plan is not None:
        return plan.kind.display(plan.spec, value, options.lang) or None
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return value
    if isinstance(value, Mapping):
        return str(value.get("name", ""))
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class _Column:
    key: str
    index: int | None = None  # 1-based item of a repeatable group
    child: str | None = None
    code: bool = False  # the code column of a region field (the other one has its names)

    @property
    def name(self) -> str:
        base = self.key if self.child is None else f"{self.key}[{self.index}].{self.child}"
        return f"{base}.code" if self.code else base

    @property
    def path(self) -> str:
        """The field's path, the same for every item of a group."""
        return self.key if self.child is None else f"{self.key}.{self.child}"


def _officer_forms(plan: CompiledService) -> list[CompiledService]:
    """The officer forms of a version's transitions, in transition order."""
    moves = plan.definition.get("workflow", {}).get("transitions", [])
    found = (plan.officer_form(index) for index in range(len(moves)))
    return [form for form in found if form is not None]


def _field_order(plans: Iterable[CompiledService]) -> dict[str, FieldPlan]:
    """Top-level answer fields of the given versions, newest version's order first, then the
    officer fields of their transitions."""
    plans = list(plans)
    fields: dict[str, FieldPlan] = {}
    for plan in plans:
        for key, field in plan.fields.items():
            if field.has_value:
                fields.setdefault(key, field)
    for plan in plans:
        for form in _officer_forms(plan):
            for key, field in form.fields.items():
                if field.has_value:
                    fields.setdefault(key, field)
    return fields


def _officer_values(session: Session, case_ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """What officers entered on each case's transitions, by case id and field key (latest)."""
    found: dict[str, dict[str, Any]] = {}
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        rows = session.exec(
            select(CaseEvent.submission_id, CaseEvent.details)
            .where(
                col(CaseEvent.submission_id).in_(ids[start : start + 500]),
                col(CaseEvent.to_state).is_not(None),
            )
            .order_by(col(CaseEvent.id))
        ).all()
        for case_id, details in rows:
            fields = details.get("fields") if isinstance(details, Mapping) else None
            if isinstance(fields, Mapping):
                found.setdefault(case_id, {}).update(fields)
    return found


def sensitive_paths(plans: Iterable[CompiledService]) -> set[str]:
    """Paths of the fields marked sensitive in any of the versions (``key``, ``group.child``)."""
    found: set[str] = set()
    for plan in plans:
        for key, field in [
            *plan.fields.items(),
            *((k, f) for form in _officer_forms(plan) for k, f in form.fields.items()),
        ]:
            if field.spec.get("sensitive") is True:
                found.add(key)
            found.update(
                f"{key}.{child.key}" for child in field.children if child.spec.get("sensitive")
            )
    return found


def _filed_between(options: ExportOptions) -> list[Any]:
    """Conditions on the filing time for the options' dates (whole days in WIB)."""
    conditions = []
    if options.filed_from is not None:
        start = dt.datetime.combine(options.filed_from, dt.time(), WIB)
        conditions.append(col(Submission.created_at) >= start.astimezone(dt.UTC))
    if options.filed_to is not None:
        end = dt.datetime.combine(options.filed_to + dt.timedelta(days=1), dt.time(), WIB)
        conditions.append(col(Submission.created_at) < end.astimezone(dt.UTC))
    return conditions


def _header(
    columns: Sequence[_Column], fields: Mapping[str, FieldPlan], options: ExportOptions
) -> list[str]:
    """The column names: keys, or labels made unique (a repeated label gets its key)."""
    fixed = [t(f"reports_col_{name}", options.lang) for name in FIXED_COLUMNS]
    if options.keys:
        return [*FIXED_COLUMNS, *(c.name for c in columns)]
    names: list[str] = []
    for column in columns:
        plan = fields[column.key]
        label = plan.label(options.lang) or column.key
        if column.child is not None:
            child = next((c for c in plan.children if c.key == column.child), None)
            child_label = (child.label(options.lang) if child else "") or column.child
            label = f"{label} {column.index}: {child_label}"
        if column.code:
            label = f"{label} ({t('reports_col_region_code', options.lang)})"
        names.append(label)
    seen = {name: n for name, n in Counter([*fixed, *names]).items() if n > 1}
    return [
        *fixed,
        *(f"{n} ({c.name})" if n in seen else n for n, c in zip(names, columns, strict=True)),
    ]


def export_table(
    session: Session,
    service_id: int,
    versions: Collection[int],
    options: ExportOptions | None = None,
) -> ExportTable:
    """The header and one row per case (oldest first): reference, state, filed, due, answers.

    Only cases filed under `versions` (those the user may open, ``openable_versions``) and in
    the options' date range. Repeatable groups become one column per item and child field, as
    many items as the case with the most; times are in WIB. Cells are not yet neutralised (the
    writers do it).
    """
    options = options or ExportOptions()
    cases = session.exec(
        select(Submission)
        .where(
            Submission.service_id == service_id,
            col(Submission.service_version_id).in_(sorted(versions)),
            *_filed_between(options),
        )
        .order_by(col(Submission.created_at), col(Submission.id))
    ).all()
    version_ids = sorted({case.service_version_id for case in cases}, reverse=True)
    stored = {
        v.id: v
        for v in session.exec(select(ServiceVersion).where(col(ServiceVersion.id).in_(version_ids)))
    }
    versions_plan = {vid: compiled(v.definition, key=v.sha256) for vid, v in stored.items()}
    ordered = [versions_plan[v] for v in version_ids if v in versions_plan]
    fields = _field_order(ordered)
    sensitive = sensitive_paths(ordered)
    columns: list[_Column] = []
    for key, field in fields.items():
        if field.type != "group":
            columns.append(_Column(key))
            if field.type == "region":
                columns.append(_Column(key, code=True))
            continue
        most = max((len(c.answers.get(key) or []) for c in cases), default=0)
        for i in range(1, most + 1):
            for child in field.children:
                if child.has_value:
                    columns.append(_Column(key, i, child.key))
                if child.type == "region":
                    columns.append(_Column(key, i, child.key, code=True))
    if not options.sensitive:
        columns = [c for c in columns if c.path not in sensitive]
    officer = _officer_values(session, [case.id for case in cases])
    named = _computed_columns(ordered, options.lang)
    rows = []
    sensitive_cases = []
    for case in cases:
        entered = officer.get(case.id, {})
        plans = versions_plan.get(case.service_version_id)
        own = plans.fields if plans is not None else fields
        version = stored.get(case.service_version_id)
        state: str = case.state
        if not options.keys and version is not None:
            info = version.definition.get("workflow", {}).get("states", {}).get(case.state, {})
            state = localise(info.get("label"), options.lang) or case.state
        row: list[Cell] = [
            case.reference,
            state,
            case.created_at.astimezone(WIB).replace(tzinfo=None),
            case.due_at.astimezone(WIB).replace(tzinfo=None) if case.due_at else None,
        ]
        holds_sensitive = False
        for column in columns:
            plan = own.get(column.key) or fields.get(column.key)
            value = case.answers.get(column.key, entered.get(column.key))
            if column.child is not None and column.index is not None:
                items = value if isinstance(value, list) else []
                item = items[column.index - 1] if column.index <= len(items) else {}
                value = item.get(column.child) if isinstance(item, Mapping) else None
                plan = (
                    next((c for c in plan.children if c.key == column.child), None)
                    if plan
                    else None
                )
            if column.code:
                value = value.get("code") if isinstance(value, Mapping) else None
                plan = None
            cell = _value(plan, value, options)
            holds_sensitive = holds_sensitive or (column.path in sensitive and cell is not None)
            row.append(cell)
        row.extend(_computed_cells(plans, case, named))
        rows.append(row)
        if holds_sensitive:
            sensitive_cases.append(case.id)
    header = _header(columns, fields, options)
    header += [name if options.keys else label for name, label in named]
    return ExportTable(header, rows, sorted(sensitive), sensitive_cases)


def _computed_columns(ordered: Sequence[CompiledService], lang: str) -> list[tuple[str, str]]:
    """(name, label) of the computed values of the newest version, exported after the answers."""
    if not ordered:
        return []
    found = []
    for name, expression in ordered[0].computed.items():
        label = expression.get("label") if isinstance(expression, Mapping) else None
        found.append((name, localise(label, lang) or name if label else name))
    return found


def _computed_cells(
    plans: CompiledService | None, case: Submission, named: Sequence[tuple[str, str]]
) -> list[Cell]:
    """A case's computed values, worked out from its answers as of the day it was filed."""
    if plans is None or not named:
        return [None] * len(named)
    filed = case.created_at.astimezone(WIB).date()
    found = plans.computed_values(case.answers, filed)
    cells: list[Cell] = []
    for name, _ in named:
        value = found.get(name)
        day = values.parse_iso_date(value) if isinstance(value, str) else None
        cells.append(dt.datetime.combine(day, dt.time()) if day else value)
    return cells


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return str(cell)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file (UTF-8 with a byte-order mark, for spreadsheets); every cell neutralised.

    Safe to open with ``,`` or ``;`` as the separator (``neutralise_csv``).
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise_csv(name) for name in header])
    for row in rows:
        writer.writerow([neutralise_csv(_text(cell)) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_cell(cell: Cell) -> Cell:
    if isinstance(cell, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", cell))
    return cell  # numbers and dates are typed cells: never a formula


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """An XLSX workbook with one sheet; text cells neutralised, numbers and times typed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Kasus")
    sheet.append([_xlsx_cell(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
