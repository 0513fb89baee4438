"""Back-office reports: per-service figures of an agency and exports of its cases (CSV, XLSX).

Only users holding a role in the agency see the figures; for anyone else the agency does not
exist (404), so the pages do not reveal which agencies or services there are. An export holds
the answers of every case, so it follows the rule of the case page: only the workflow roles of
the service's definition (``cases.may_open``) get it, anyone else in the agency gets 403, and
only the cases of versions whose roles include theirs are in it. The export form is a plain GET
form (no JavaScript needed): filing dates from/to, label or key headers, and whether to include
sensitive answers; a bad date brings the page back with the error beside the field (422).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from builder.compiler import compiled
from builder.fields import field_type
from runtime import office_views
from runtime.auth import StaffUser
from runtime.casework import cases
from runtime.deps import SessionDep
from runtime.i18n import kind_nouns
from runtime.models import Agency, utcnow
from runtime.reporting import report_figures, reports
from runtime.staff import Forbidden, UserDep
from runtime.uploads import content_disposition
from runtime.web import PostedForm, error_page, language, render
from runtime.workdays import WIB

router = APIRouter()
audit = logging.getLogger("loket.audit")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAMS = ("dari", "sampai", "kolom", "sensitif")


def _may_see(user: StaffUser, agency_id: str) -> bool:
    return bool(user.roles_in(agency_id))


def _not_found(request: Request) -> Response:
    return error_page(request, 404, "not_found", "not_found_text")


@router.get("/kantor/laporan")
def reports_index(request: Request, session: SessionDep, user: UserDep) -> Response:
    """The agencies whose reports the user may open."""
    agencies = [session.get(Agency, agency_id) for agency_id in user.agencies]
    return render(
        request,
        "reports/index.html",
        {"user": user, "agencies": [a for a in agencies if a is not None]},
    )


@router.get("/kantor/laporan/{agency}")
def agency_reports(request: Request, session: SessionDep, user: UserDep, agency: str) -> Response:
    """Counts per state, overdue cases and median time to decision for each service."""
    found = session.get(Agency, agency) if _may_see(user, agency) else None
    if found is None:
        return _not_found(request)
    return _agency_page(request, session, user, found)


@router.post("/kantor/laporan/{agency}/{slug}/perbarui")
def refresh_figures(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Ask the worker for fresh stored figures of a big service (its next run, within a minute);
    back to the report page (303). 404 for another agency's staff or an unknown service; a
    service without stored figures is left alone (its page counts live)."""
    if isinstance(form, Response):
        return form
    found = session.get(Agency, agency) if _may_see(user, agency) else None
    service = next((s for s, _ in reports.agency_services(session, agency) if s.slug == slug), None)
    if found is None or service is None or service.id is None:
        return _not_found(request)
    if report_figures.stored(session, [service.id]):  # a small service is counted live anyway
        report_figures.request_refresh(session, [service.id], utcnow())
    return RedirectResponse(f"/kantor/laporan/{agency}#service-{slug}", status_code=303)


def _agency_page(
    request: Request,
    session: Session,
    user: StaffUser,
    agency: Agency,
    *,
    slug: str = "",
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The reports page; `errors` (by query parameter) belong to the export form of `slug`."""
    lang = language(request)
    services = reports.agency_report(session, agency.id, lang=lang)
    sensitive = {
        service.id
        for service, version in reports.agency_services(session, agency.id)
        if reports.sensitive_paths([compiled(version.definition, key=version.sha256)])
    }
    roles = user.roles_in(agency.id)
    return render(
        request,
        "reports/agency.html",
        {
            "user": user,
            "agency": agency,
            "services": services,
            "exportable": {
                s.service_id
                for s in services
                if reports.openable_versions(session, s.service_id, roles)
            },
            "sensitive": sensitive,
            "export_slug": slug,
            "export_errors": dict(errors or {}),
            "export_values": {k: request.query_params.get(k, "")[:32] for k in EXPORT_PARAMS},
            "duration": lambda value: reports.format_duration(value, lang),
            "when": office_views.when,
            "refresh_minutes": int(report_figures.REFRESH_EVERY.total_seconds() // 60),
            "kind_nouns": kind_nouns,
        },
        status_code,
    )


def export_options(request: Request) -> tuple[reports.ExportOptions, dict[str, str]]:
    """The export's options from the query, and errors by parameter (keys of runtime.i18n)."""
    query = request.query_params
    errors: dict[str, str] = {}
    days: dict[str, dt.date | None] = {}
    for name in ("dari", "sampai"):
        text = query.get(name, "").strip()[:32]
        value, problem = field_type("date").parse({}, [text])
        if problem or (value is not None and not isinstance(value, str)):
            errors[name] = "reports_bad_date"
        days[name] = dt.date.fromisoformat(value) if value and not problem else None
    low, high = days["dari"], days["sampai"]
    if low and high and low > high:
        errors["sampai"] = "reports_bad_range"
    options = reports.ExportOptions(
        keys=query.get("kolom") == "kunci",
        lang=language(request),
        sensitive=query.get("sensitif") == "1",
        filed_from=low,
        filed_to=high,
    )
    return options, errors


def _export(
    request: Request, session: SessionDep, user: StaffUser, agency: str, slug: str, kind: str
) -> Response:
    service = next((s for s, _ in reports.agency_services(session, agency) if s.slug == slug), None)
    found = session.get(Agency, agency) if _may_see(user, agency) else None
    if found is None or service is None or service.id is None:
        return _not_found(request)
    versions = reports.openable_versions(session, service.id, user.roles_in(agency))
    if not versions:
        raise Forbidden()
    options, errors = export_options(request)
    if errors:
        return _agency_page(
            request, session, user, found, slug=slug, errors=errors, status_code=422
        )
    table = reports.export_table(session, service.id, versions, options)
    if table.sensitive_cases:
        cases.record_sensitive_export(
            session,
            case_ids=table.sensitive_cases,
            user_id=user.id,
            fields=table.sensitive_fields,
            kind=kind,
        )
    audit.info(
        "export %s/%s as %s by user %s (%d cases, sensitive answers of %d)",
        agency,
        slug,
        kind,
        user.id,
        len(table.rows),
        len(table.sensitive_cases),
    )
    stamp = utcnow().astimezone(WIB).strftime("%Y%m%d-%H%M")
    if kind == "csv":
        body, media = reports.to_csv(table.header, table.rows), CSV_TYPE
    else:
        body, media = reports.to_xlsx(table.header, table.rows), XLSX_TYPE
    name = f"{service.agency_id}-{service.slug}-{stamp}.{kind}"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": content_disposition(name)},
    )


@router.get("/kantor/layanan/{agency}/{slug}/ekspor.csv")
def export_csv(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str
) -> Response:
    """The service's cases as CSV (NIK masked, formulas neutralised)."""
    return _export(request, session, user, agency, slug, "csv")


@router.get("/kantor/layanan/{agency}/{slug}/ekspor.xlsx")
def export_xlsx(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str
) -> Response:
    """The service's cases as an XLSX workbook (NIK masked, formulas neutralised)."""
    return _export(request, session, user, agency, slug, "xlsx")
