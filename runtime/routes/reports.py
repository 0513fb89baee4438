"""Back-office reports: per-service figures of an agency and exports of its cases (CSV, XLSX).

Only users holding a role in the agency see them; for anyone else the agency does not exist
(404), so the pages do not reveal which agencies or services there are.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from runtime import reports
from runtime.auth import StaffUser
from runtime.deps import SessionDep
from runtime.models import Agency, utcnow
from runtime.staff import UserDep
from runtime.uploads import content_disposition
from runtime.web import error_page, language, render
from runtime.workdays import WIB

router = APIRouter()
audit = logging.getLogger("loket.audit")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    lang = language(request)
    return render(
        request,
        "reports/agency.html",
        {
            "user": user,
            "agency": found,
            "services": reports.agency_report(session, agency, lang=lang),
            "duration": lambda value: reports.format_duration(value, lang),
        },
    )


def _export(
    request: Request, session: SessionDep, user: StaffUser, agency: str, slug: str, kind: str
) -> Response:
    service = next((s for s, _ in reports.agency_services(session, agency) if s.slug == slug), None)
    if not _may_see(user, agency) or service is None or service.id is None:
        return _not_found(request)
    header, rows = reports.export_table(session, service.id)
    audit.info("export %s/%s as %s by user %s (%d cases)", agency, slug, kind, user.id, len(rows))
    stamp = utcnow().astimezone(WIB).strftime("%Y%m%d-%H%M")
    if kind == "csv":
        body, media = reports.to_csv(header, rows), CSV_TYPE
    else:
        body, media = reports.to_xlsx(header, rows), XLSX_TYPE
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
