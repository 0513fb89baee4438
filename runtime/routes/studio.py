"""The studio: designers build a service's draft by forms (or JSON) and send it for review.

Every edit form posts one `builder.edit` operation with the draft's `row_version`; a stale
version is refused (409) and nothing is overwritten. Plain forms and full page loads work
without JavaScript; htmx (hx-boost on the page) only swaps the editor in place. Only users
with the `designer` role in the service's agency get in: 404 for strangers to the agency,
403 for its other staff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData, UploadFile

from builder import edit, edit_documents, edit_flow, references
from builder.compiler import compile_definition
from builder.loader import Loaded, from_value, loads
from builder.problems import Problem, has_errors
from builder.texts import localise
from builder.validate import validate
from runtime import lifecycle, review_views
from runtime.auth import StaffUser
from runtime.deps import SessionDep, bounded_int
from runtime.documents.pdf import PdfError
from runtime.documents.preview import preview_pdf
from runtime.i18n import in_language, t
from runtime.models import Agency, Service, ServiceEvent, ServiceVersion
from runtime.staff import Forbidden, UserDep
from runtime.studio import documents as sd
from runtime.studio import flow as sf
from runtime.studio import rules as sr
from runtime.studio import views as sv
from runtime.uploads import content_disposition
from runtime.web import PostedForm, is_htmx, language, render

router = APIRouter()
EXAMPLES = Path(__file__).resolve().parents[2] / "schemas" / "examples"
SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
EDITABLE = ("draft", "changes_requested")
REMOVALS = ("page_remove", "field_remove", "state_remove", "role_remove", "document_remove")
FLASHES = {
    "submitted": "studio_submitted",
    "discarded": "studio_discarded",
    "undone": "studio_undone",
}


def _base(service: Service) -> str:
    return f"/studio/{service.agency_id}/{service.slug}"


def _designer_agencies(user: StaffUser) -> list[str]:
    return [a for a in user.agencies if lifecycle.can_design(user, a)]


def designed_service(session: Session, user: StaffUser, agency: str, slug: str) -> Service:
    """The service, if the user designs for its agency (404 for strangers, 403 for other staff)."""
    service = session.exec(
        select(Service).where(Service.agency_id == agency, Service.slug == slug)
    ).first()
    if service is None or not user.roles_in(agency):
        raise HTTPException(404)
    if not lifecycle.can_design(user, agency):
        raise Forbidden()
    return service


def _examples() -> dict[str, Path]:
    return {p.stem: p for p in sorted(EXAMPLES.glob("*.json"))} if EXAMPLES.is_dir() else {}


def _status_code(request: Request, code: int) -> int:
    """htmx swaps only successful responses: it gets 200 with the same page."""
    return 200 if is_htmx(request) else code


def _preview_open(request: Request) -> bool:
    """Whether the preview panel is shown: `?pratinjau=1` (`0` folds it) or a chosen `?page=`;
    after a POST, the form's `pratinjau` field. Every editor form and link carries the state, so
    the panel stays as the designer left it across edits, without JavaScript."""
    chosen = request.query_params.get("pratinjau")
    posted = request._form  # the form the route read (set once a POST's body is parsed)
    if chosen is None and posted is not None:
        value = posted.get("pratinjau")
        chosen = value if isinstance(value, str) else None
    if chosen is not None:
        return chosen == "1"
    return bool(request.query_params.get("page"))


def _kept(form: FormData, separator: str = "&") -> str:
    """`pratinjau=1` for a redirect's query when the posted editor had the preview open."""
    return f"{separator}pratinjau=1" if form.get("pratinjau") == "1" else ""


def _row_version(form: FormData) -> int:
    version = bounded_int(form.get("row_version"))
    return -1 if version is None else version


# -- the list and creating a service ---------------------------------------------------------------


@router.get("/studio")
def studio_home(request: Request, session: SessionDep, user: UserDep) -> Response:
    """The services of the user's agencies with their status."""
    agencies = _designer_agencies(user)
    if not agencies:
        raise Forbidden()
    lang = language(request)
    groups = []
    for agency_id in agencies:
        agency = session.get(Agency, agency_id)
        rows = []
        for service in session.exec(
            select(Service).where(Service.agency_id == agency_id).order_by(col(Service.slug))
        ).all():
            assert service.id is not None
            shown = lifecycle.open_draft(session, service.id) or (
                session.get(ServiceVersion, service.current_version_id)
                if service.current_version_id
                else None
            )
            title = localise(shown.definition.get("title"), lang) if shown else ""
            rows.append(
                {
                    "title": title or service.slug,
                    "slug": service.slug,
                    "url": _base(service),
                    "status": lifecycle.status(session, service),
                }
            )
        groups.append({"id": agency_id, "name": agency.name if agency else agency_id, "rows": rows})
    return render(request, "studio/list.html", {"groups": groups})


def _new_page(
    request: Request,
    user: StaffUser,
    *,
    problems: list[Problem] | None = None,
    error: str = "",
    values: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "studio/new.html",
        {
            "agencies": _designer_agencies(user),
            "examples": list(_examples()),
            "problems": problems or [],
            "error": error,
            "v": dict(values or {}),
        },
        status_code,
    )


@router.get("/studio/baru")
def new_service_page(request: Request, user: UserDep) -> Response:
    """Start a service: blank, from an example, or from a definition file."""
    if not _designer_agencies(user):
        raise Forbidden()
    return _new_page(request, user)


def _source(form: FormData, examples: Mapping[str, Path]) -> Loaded | None:
    source = str(form.get("source") or "blank")
    if source == "example":
        path = examples.get(str(form.get("example") or ""))
        return loads(path.read_bytes(), path.name) if path else None
    if source == "import":
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return None
        return loads(upload.file.read(1_000_001), upload.filename or "upload.json")
    return from_value({})


@router.post("/studio/baru")
def create_service(
    request: Request, session: SessionDep, user: UserDep, form: PostedForm
) -> Response:
    """Create the service's first draft; a file that is not a definition saves nothing (422)."""
    if isinstance(form, Response):
        return form
    lang = language(request)
    values = {k: str(form.get(k) or "") for k in ("agency", "service_id", "title", "source")}
    values["example"] = str(form.get("example") or "")
    agency = values["agency"]
    if agency not in _designer_agencies(user):
        raise Forbidden()
    loaded = _source(form, _examples())
    if loaded is None or loaded.definition is None:
        problems = loaded.problems if loaded else []
        error = "" if problems else t("studio_choose_source", lang)
        return _new_page(
            request, user, problems=problems, error=error, values=values, status_code=422
        )
    body = loaded.definition
    slug = values["service_id"].strip() or str(body.get("id") or "")
    if not (2 <= len(slug) <= 63 and SLUG.match(slug)):
        error = t("studio_bad_slug", lang)
        return _new_page(request, user, error=error, values=values, status_code=422)
    if values["source"] not in {"example", "import"}:
        body = edit.blank(slug, agency, values["title"])
    body["id"] = slug
    try:
        service, _ = lifecycle.create_service(session, user=user, agency_id=agency, definition=body)
    except lifecycle.LifecycleError as exc:
        session.rollback()
        return _new_page(request, user, error=str(exc), values=values, status_code=422)
    session.commit()
    return RedirectResponse(_base(service), status_code=303)


# -- the editor ------------------------------------------------------------------------------------


def working_version(session: Session, user: StaffUser, service: Service) -> ServiceVersion:
    """The open draft (or version in review), or what a new draft would hold: a copy of the live
    version that is never saved (row version 0). Looking creates nothing."""
    assert service.id is not None
    version = lifecycle.open_draft(session, service.id)
    if version is not None:
        return version
    live = (
        session.get(ServiceVersion, service.current_version_id)
        if service.current_version_id
        else None
    )
    if live is None:  # a service without any version: give it its draft
        version = lifecycle.start_draft(session, user=user, service=service)
        session.commit()
        return version
    return ServiceVersion(
        id=None,
        service_id=service.id,
        number=live.number,
        definition=dict(live.definition),
        sha256=live.sha256,
        format=live.format,
        state="draft",
        row_version=0,
    )


def _editable(
    session: Session, user: StaffUser, service: Service, expected: int
) -> tuple[ServiceVersion, int]:
    """The draft a POST changes and the row version it expects: the first change (row version 0
    on a page showing the live version) starts the draft from the live version."""
    version = working_version(session, user, service)
    if version.id is None and expected == 0:
        version = lifecycle.start_draft(session, user=user, service=service)
        return version, version.row_version
    return version, expected


def _requests(session: Session, version: ServiceVersion) -> list[ServiceEvent]:
    if version.id is None:
        return []
    return list(
        session.exec(
            select(ServiceEvent)
            .where(
                ServiceEvent.version_id == version.id, ServiceEvent.action == "changes_requested"
            )
            .order_by(col(ServiceEvent.at), col(ServiceEvent.id))
        ).all()
    )


def _preview(definition: Mapping[str, Any], problems: list[Problem], chosen: str, lang: str) -> Any:
    if has_errors(problems):
        return None
    compiled = compile_definition(definition)
    index = bounded_int(chosen, high=len(compiled.pages) - 1) or 0
    page = compiled.pages[index]
    return {
        "index": index,
        "page": page,
        "pages": [(p.index, p.title(lang)) for p in compiled.pages],
        "fields": sv.preview_fields(compiled, page, lang),
    }


def _page_of(pointer: str) -> str:
    """The index of the page an item belongs to ('' when it is not on a page)."""
    match = re.match(r"^/form/pages/([0-9]+)(/|$)", pointer)
    return match.group(1) if match else ""


def _last_good_preview(
    session: Session, service: Service, version: ServiceVersion, chosen: str, lang: str
) -> Any:
    """The preview of the draft before its last change, or of the live version, when the draft
    has errors: shown greyed out rather than nothing."""
    live = (
        session.get(ServiceVersion, service.current_version_id)
        if service.current_version_id
        else None
    )
    for candidate in (version.previous_definition, live.definition if live else None):
        if isinstance(candidate, dict):
            found = _preview(candidate, validate(candidate), chosen, lang)
            if found is not None:
                return found
    return None


def _editor(
    request: Request,
    session: Session,
    service: Service,
    version: ServiceVersion,
    *,
    status_code: int = 200,
    error: str = "",
    condition: Mapping[str, str] | None = None,
    refused: list[Problem] | None = None,
    open_at: str | None = None,
    note_error: str = "",
    removal: Mapping[str, Any] | None = None,
    posted: Mapping[str, Any] | None = None,
) -> Response:
    """The editor of a draft: forms, problems next to their items, preview and workflow picture;
    `posted`: the values of a refused edit, shown again in the open item's form."""
    lang = language(request)
    definition = version.definition
    problems = validate(definition)
    pointers = sv.item_pointers(definition)
    placed, loose = sv.place(problems, pointers)
    comments, loose_comments = sv.place(_requests(session, version), pointers)
    form = definition.get("form")
    pages = form.get("pages") if isinstance(form, dict) else None
    pages = pages if isinstance(pages, list) else []

    def widget(
        owner: str, holder: Mapping[str, Any], key: str = "visible_if"
    ) -> sv.ConditionWidget:
        chosen = condition if condition and condition.get("at") == owner else None
        return sv.condition_widget(
            definition,
            owner,
            holder.get(key),
            lang,
            chosen=chosen.get("cf") if chosen else None,
            operator=chosen.get("co") if chosen else None,
            quantifier=chosen.get("cq") if chosen else None,
            inner=chosen.get("cgf") if chosen else None,
        )

    shown = request.query_params.get("open", "") if open_at is None else open_at
    chosen = request.query_params.get("page", "") or _page_of(shown)
    preview = _preview(definition, problems, chosen, lang)
    preview_open = _preview_open(request)
    context = {
        "service": service,
        "version": version,
        "d": definition,
        "base": _base(service),
        "readonly": version.state not in EDITABLE,
        "status": lifecycle.status(session, service),
        "problems": problems,
        "placed": placed,
        "loose": loose,
        "problem_links": sv.problem_links(problems, pointers),
        "comments": comments,
        "loose_comments": loose_comments,
        "error": error,
        "refused": refused,
        "removal": removal,
        "open": request.query_params.get("open", "") if open_at is None else open_at,
        "text_inputs": sv.inputs(definition, sv.TEXT_NAMES, lang),
        "standard_inputs": sv.inputs(definition.get("standard") or {}, sv.STANDARD_NAMES, lang),
        "privacy_inputs": sv.inputs(
            definition.get("privacy") or {}, sv.PRIVACY_NAMES, lang, lists=sv.PRIVACY_LISTS
        ),
        "pages": [
            {
                "index": index,
                "pointer": f"/form/pages/{index}",
                "spec": page,
                "inputs": sv.inputs(page, sv.PAGE_NAMES, lang),
                "fields": sv.field_items(page, f"/form/pages/{index}"),
            }
            for index, page in enumerate(pages)
            if isinstance(page, dict)
        ],
        "sv": sv,
        "widget": widget,
        "field_inputs": lambda spec, officer=False, in_group=False: sv.field_inputs(
            spec, lang, officer=officer, in_group=in_group
        ),
        "types": sv.type_choices(lang),
        "officer_types": sv.type_choices(lang, officer=True),
        "type_titles": dict(sv.type_choices(lang)),
        "group_types": sv.type_choices(lang, in_group=True),
        "anchor": sv.anchor,
        "preview_open": preview_open,
        "pv": "&pratinjau=1" if preview_open else "",  # links of the editor keep the panel open
        "pvq": "?pratinjau=1" if preview_open else "",
        "preview": preview,
        "stale_preview": None
        if preview
        else _last_good_preview(session, service, version, chosen, lang),
        "diagram": sv.workflow_diagram(definition, lang),
        "arrows": sv.transition_rows(definition, lang),
        "has_live": service.current_version_id is not None,
        "unsaved": version.id is None,
        "can_undo": version.id is not None and version.previous_definition is not None,
        "flash": FLASHES.get(request.query_params.get("pesan", ""), ""),
        "sd": sd,
        "documents": sd.document_items(definition, lang),
        "issuing_choices": sd.transition_choices(definition, lang),
        "can_preview_documents": not has_errors(problems),
        "sf": sf,
        # rules, computed values and shared option lists (runtime.studio.rules)
        "sr": sr,
        "posted": posted,
        **_conversation(session, service, version, lang, note_error),
    }
    return render(request, "studio/editor.html", context, _status_code(request, status_code))


def _conversation(
    session: Session, service: Service, version: ServiceVersion, lang: str, note_error: str
) -> dict[str, Any]:
    """The review conversation of the version and the designer's reply form (shown once the
    version was sent for review or has notes)."""
    notes = review_views.conversation(session, version, lang)
    shown = bool(notes) or version.state in ("in_review", "changes_requested")
    return {
        "show_conversation": shown,
        "conversation": notes,
        "note_error": note_error,
        "note_form": {
            "action": _base(service) + "/balas",
            "label": t("studio_reply_label", lang),
            "button": t("studio_reply_send", lang),
        },
    }


@router.post("/studio/{agency}/{slug}/balas")
def reply(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """The designer's reply to the reviewers, kept with the version in review or sent back."""
    if isinstance(form, Response):
        return form
    service = designed_service(session, user, agency, slug)
    assert service.id is not None
    version = lifecycle.open_draft(session, service.id)
    if version is None:
        return _conflict(request, service)
    text = form.get("catatan")
    try:
        lifecycle.add_note(
            session,
            user=user,
            version=version,
            text=text if isinstance(text, str) else "",
            as_reviewer=False,
        )
    except lifecycle.LifecycleError as exc:
        session.rollback()
        message = in_language(str(exc), language(request))
        return _editor(request, session, service, version, status_code=422, note_error=message)
    session.commit()
    return RedirectResponse(_base(service) + "#percakapan", status_code=303)


@router.get("/studio/{agency}/{slug}")
def editor(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str
) -> Response:
    """The editor of the service's open draft."""
    service = designed_service(session, user, agency, slug)
    return _editor(request, session, service, working_version(session, user, service))


@router.get("/studio/{agency}/{slug}/kondisi")
def condition_part(
    request: Request,
    session: SessionDep,
    user: UserDep,
    agency: str,
    slug: str,
    at: str = "",
    cf: str = "",
    co: str = "",
    cq: str = "",
    cgf: str = "",
) -> Response:
    """htmx: the condition drop-downs again after the designer chose a field or an operator."""
    service = designed_service(session, user, agency, slug)
    version = working_version(session, user, service)
    try:
        holder = edit.condition_holder(dict(version.definition), at)
    except edit.EditError as exc:
        raise HTTPException(404) from exc
    widget = sv.condition_widget(
        version.definition,
        at,
        holder[0].get(holder[1]),
        language(request),
        chosen=cf,
        operator=co,
        quantifier=cq or None,
        inner=cgf or None,
    )
    return render(
        request,
        "studio/_condition.html",
        {
            "w": widget,
            "base": _base(service),
            "version": version,
            "anchor": sv.anchor,
            "preview_open": _preview_open(request),
        },
    )


# -- applying one edit -----------------------------------------------------------------------------


class _Pending(Exception):
    """The condition form needs another choice (field changed, operator missing): not saved."""


def _index(form: FormData) -> int:
    index = bounded_int(form.get("at"))
    if index is None:
        raise edit.EditError("Posisi tidak sah.", "Invalid position.")
    return index


def _condition(definition: dict[str, Any], form: FormData) -> dict[str, Any]:
    at, cf, co = (str(form.get(k) or "") for k in ("at", "cf", "co"))
    shown = str(form.get("cf_shown") or "")
    if form.get("clear") or (not cf and shown):
        return edit.clear_condition(definition, at)
    if sf.group_key(cf):
        return _group_condition(definition, form)
    if not cf or cf != shown or co not in sv.OPERATOR_LABELS:
        raise _Pending()
    values = [str(v) for v in form.getlist("cv")]
    operator, raw = sv.condition_request(co, "\n".join(values) if co == "in" else "".join(values))
    return edit.set_condition(definition, at, cf, operator, raw)


def _field_values(definition: dict[str, Any], form: FormData) -> dict[str, str]:
    at = str(form.get("at") or "")
    spec = edit.field_at(definition, at)
    names = edit.field_properties(
        str(spec.get("type")),
        officer=at.startswith("/workflow/"),
        in_group=at.count("/fields/") > 1,
    )
    values = sv.form_values(names, form.getlist)
    if "options" in names and "option_label" in form:
        values["options"] = edit.options_from_rows(
            [str(v) for v in form.getlist("option_value")],
            [str(v) for v in form.getlist("option_label")],
            [str(v) for v in form.getlist("option_label_en")],
        )
    return values


STATE_NAMES = (
    "label.id",
    "label.en",
    "public_label.id",
    "public_label.en",
    "final",
    "applicant_edits",
    "initial",
)
TRANSITION_NAMES = (
    "action",
    "label.id",
    "label.en",
    "from",
    "to",
    "roles",
    "comment",
    "comment_to_applicant",
    "distinct_actor",
)

Operation = Callable[[dict[str, Any], FormData], dict[str, Any]]


def _s(form: FormData, key: str) -> str:
    return str(form.get(key) or "")


OPERATIONS: dict[str, Operation] = {
    "texts": lambda d, f: edit.set_texts(d, sv.form_values(sv.TEXT_NAMES, f.getlist)),
    "standard": lambda d, f: edit.set_standard(d, sv.form_values(sv.STANDARD_NAMES, f.getlist)),
    "privacy": lambda d, f: edit.set_privacy(d, sv.form_values(sv.PRIVACY_NAMES, f.getlist)),
    "page_add": lambda d, f: edit.add_page(d, _s(f, "title")),
    "page": lambda d, f: edit.set_page(d, _index(f), sv.form_values(sv.PAGE_NAMES, f.getlist)),
    "page_up": lambda d, f: edit.move_page(d, _index(f), "up"),
    "page_down": lambda d, f: edit.move_page(d, _index(f), "down"),
    "page_remove": lambda d, f: edit.remove_page(d, _index(f)),
    "field_add": lambda d, f: edit.add_field(
        d, _s(f, "at"), _s(f, "type"), _s(f, "label"), required=edit.flag(_s(f, "required"))
    ),
    "field": lambda d, f: edit.update_field(d, _s(f, "at"), _field_values(d, f)),
    "field_type": lambda d, f: edit.set_field_type(d, _s(f, "at"), _s(f, "type")),
    "field_up": lambda d, f: edit.move_field(d, _s(f, "at"), "up"),
    "field_down": lambda d, f: edit.move_field(d, _s(f, "at"), "down"),
    "field_remove": lambda d, f: edit.remove_field(d, _s(f, "at")),
    "condition": _condition,
    "role_add": lambda d, f: edit.add_role(d, _s(f, "name"), _s(f, "label")),
    "role": lambda d, f: edit.set_role(
        d, _s(f, "at"), {"label.id": _s(f, "label.id"), "label.en": _s(f, "label.en")}
    ),
    "role_remove": lambda d, f: edit.remove_role(d, _s(f, "at")),
    "state_add": lambda d, f: edit.add_state(d, _s(f, "name"), _s(f, "label")),
    "state": lambda d, f: _state(d, f),
    "state_remove": lambda d, f: edit.remove_state(d, _s(f, "at")),
    "transition_add": lambda d, f: _transition_add(d, f),
    "transition": lambda d, f: _transition_edit(d, f),
    "transition_remove": lambda d, f: edit.remove_transition(d, _index(f)),
    "document_add": lambda d, f: edit_documents.add_document(
        d, sv.form_values(("title", "id", "issued_by"), f.getlist)
    ),
    "document": lambda d, f: edit_documents.set_document(
        d, _s(f, "at"), sv.form_values(edit_documents.DOCUMENT_NAMES, f.getlist)
    ),
    "document_remove": lambda d, f: edit_documents.remove_document(d, _s(f, "at")),
}

# -- rules, computed values and shared option lists (runtime.studio.rules) -----------------------
OPERATIONS.update(sr.OPERATIONS)
# ------------------------------------------------------------------------------------------------


# -- the flow: exit pages, time limits in their unit, joint approval, group conditions, what an
# applicant action asks (builder.edit_flow; a state's row also posts its time limit, a
# transition's row its approval; an applicant action's part of the row posts on its own) -------


def _state(definition: dict[str, Any], form: FormData) -> dict[str, Any]:
    at = _s(form, "at")
    changed = edit.set_state(definition, at, sv.form_values(STATE_NAMES, form.getlist))
    if "sla_amount" not in form:
        return changed
    return edit_flow.set_sla(changed, at, _s(form, "sla_unit"), _s(form, "sla_amount"))


def _with_approvals(definition: dict[str, Any], index: int, form: FormData) -> dict[str, Any]:
    if "approvals_mode" not in form:
        return definition
    required = edit_flow.approvals_value(_s(form, "approvals_mode"), _s(form, "approvals_count"))
    return edit_flow.set_approvals(definition, index, required)


def _transition_edit(definition: dict[str, Any], form: FormData) -> dict[str, Any]:
    values = sv.form_values(TRANSITION_NAMES, form.getlist)
    return _with_approvals(
        edit.set_transition(definition, _index(form), values), _index(form), form
    )


def _transition_add(definition: dict[str, Any], form: FormData) -> dict[str, Any]:
    added = edit.add_transition(definition, sv.form_values(TRANSITION_NAMES, form.getlist))
    last = len(added["workflow"]["transitions"]) - 1
    return _with_approvals(added, last, form)


FLOW_OPERATIONS: dict[str, Operation] = {
    "exit_add": lambda d, f: edit_flow.add_exit(
        d, _s(f, "at"), {"title": _s(f, "title"), "text": _s(f, "text")}
    ),
    "exit": lambda d, f: edit_flow.set_exit(
        d, _s(f, "at"), sv.form_values(edit_flow.EXIT_NAMES, f.getlist)
    ),
    "exit_remove": lambda d, f: edit_flow.remove_exit(d, _s(f, "at")),
    "applicant_action": lambda d, f: edit_flow.set_applicant_action(
        d, _index(f), sv.form_values(edit_flow.APPLICANT_ACTION_NAMES, f.getlist)
    ),
}
OPERATIONS.update(FLOW_OPERATIONS)


def _flow_focus(op: str, at: str, after: Mapping[str, Any]) -> str:
    """The item to open after an edit of an exit: the new exit, the edited one, or its holder."""
    if op == "exit_add":
        holder: Any = after.get("form", {})
        if at != "/form":
            holder = _page(after, at)
        return f"{at}/exits/{len(holder.get('exits') or [None]) - 1}"
    if op == "exit_remove":
        return at.rsplit("/exits/", 1)[0]
    if op == "applicant_action":
        return f"/workflow/transitions/{at}/applicant"  # the row's applicant action part
    return at


def _flow_item(op: str, at: str) -> str:
    """The pointer of the state or transition a refused row edit concerns (else `at`)."""
    if op == "state":
        return f"/workflow/states/{at}"
    if op == "transition":
        return f"/workflow/transitions/{at}"
    if op == "applicant_action":
        return f"/workflow/transitions/{at}/applicant"
    return at


def _group_condition(definition: dict[str, Any], form: FormData) -> dict[str, Any]:
    """A test of a group's items from the condition drop-downs (`cf` is `group:<key>`): saved
    once the group, its field and the test shown are the ones posted, else shown again."""
    at, cf, co, cq, cgf = (_s(form, k) for k in ("at", "cf", "co", "cq", "cgf"))
    if cf != _s(form, "cf_shown") or not cgf or cgf != _s(form, "cgf_shown"):
        raise _Pending()
    if co not in sv.OPERATOR_LABELS:
        raise _Pending()
    values = [str(v) for v in form.getlist("cv")]
    operator, raw = sv.condition_request(co, "\n".join(values) if co == "in" else "".join(values))
    return edit_flow.set_group_condition(definition, at, sf.group_key(cf), cq, cgf, operator, raw)


# -- end of the flow ----------------------------------------------------------------------------


def _focus(op: str, form: FormData, after: Mapping[str, Any]) -> str:
    """The item to open and scroll to after an edit."""
    if op in sr.OPERATIONS:
        return sr.focus(op, form, after)
    at = _s(form, "at")
    pages = after.get("form", {}).get("pages", [])
    if op == "field_add":
        if at.startswith("/workflow/transitions/"):
            moves = after.get("workflow", {}).get("transitions", [])
            holder = moves[int(at.rsplit("/", 1)[-1])]
        else:
            holder = edit.field_at(dict(after), at) if at.count("/") == 5 else _page(after, at)
        return f"{at}/fields/{len(holder.get('fields', [])) - 1}"
    if op == "page_add":
        return f"/form/pages/{len(pages) - 1}"
    step = {"up": -1, "down": 1}.get(op.rsplit("_", 1)[-1], 0)
    if op in {"page", "page_up", "page_down"}:
        index = int(at) + step
        return f"/form/pages/{min(max(index, 0), len(pages) - 1)}"
    if op in {"field_up", "field_down"}:
        container, _, position = at.rpartition("/")
        return f"{container}/{max(int(position) + step, 0)}"
    if op in {"page_remove", "field_remove"}:
        return at.rsplit("/fields/", 1)[0] if op == "field_remove" else "/form/pages/0"
    if op == "document_add":
        return f"/documents/{list(after.get('documents') or {'': None})[-1]}"
    if op == "document":
        return f"/documents/{at}"
    if op == "document_remove":
        return "/documents"
    if op in FLOW_OPERATIONS:
        return _flow_focus(op, at, after)
    fixed = {"texts": "/title", "standard": "/standard", "privacy": "/privacy"}
    if op in fixed:
        return fixed[op]
    if op.startswith("role"):
        return "/roles"
    return "/workflow" if op.startswith(("state", "transition")) else at


def _removed_item(op: str, at: str) -> str:
    """The pointer of the item a removal concerns."""
    if op in sr.REMOVALS:
        return sr.item_pointer(op, at)
    prefix = {
        "page_remove": "/form/pages/",
        "state_remove": "/workflow/states/",
        "role_remove": "/roles/",
        "document_remove": "/documents/",
    }.get(op, "")
    return prefix + at


def _page(definition: Mapping[str, Any], pointer: str) -> Mapping[str, Any]:
    page: Mapping[str, Any] = definition["form"]["pages"][int(pointer.rsplit("/", 1)[1])]
    return page


def _conflict(request: Request, service: Service, text: str = "") -> Response:
    return render(
        request,
        "studio/conflict.html",
        {"base": _base(service), "text": text},
        _status_code(request, 409),
    )


def _frozen(
    request: Request, session: Session, service: Service, version: ServiceVersion
) -> Response:
    return _editor(
        request,
        session,
        service,
        version,
        status_code=409,
        error=t("studio_frozen", language(request)),
    )


@router.post("/studio/{agency}/{slug}/ubah")
def apply_edit(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Apply one edit to the draft and save it, unless someone saved in between (409)."""
    if isinstance(form, Response):
        return form
    service = designed_service(session, user, agency, slug)
    version = working_version(session, user, service)
    if version.state not in EDITABLE:
        return _frozen(request, session, service, version)
    op = _s(form, "op")
    operation = OPERATIONS.get(op)
    if operation is None:
        raise HTTPException(400)
    if _row_version(form) != version.row_version:
        return _conflict(request, service)
    try:
        changed = operation(dict(version.definition), form)
        focus = _focus(op, form, changed)
    except _Pending:
        pending = {k: _s(form, k) for k in ("at", "cf", "co", "cq", "cgf")}
        return _editor(request, session, service, version, condition=pending, open_at=pending["at"])
    except edit.EditError as exc:
        message = exc.text(language(request))
        at = _flow_item(op, _s(form, "at"))
        if op.startswith("document"):
            at = f"/documents/{at}" if at else "/documents"
        kept: Mapping[str, Any] = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        if op == "applicant_action":  # the ticked fields, all of them
            kept = {**kept, **sv.form_values(edit_flow.APPLICANT_ACTION_NAMES, form.getlist)}
        refused = sr.refused(op, form) if op in sr.OPERATIONS else None
        if refused:
            at, kept = refused["pointer"], refused
        return _editor(
            request,
            session,
            service,
            version,
            status_code=422,
            error=message,
            open_at=at,
            posted=kept,
        )
    if op in (*REMOVALS, *sr.REMOVALS) and _s(form, "confirm") != "1":
        broken = references.broken_by(version.definition, changed)
        if broken:
            at = _s(form, "at")
            return _editor(
                request,
                session,
                service,
                version,
                status_code=409,
                removal={"op": op, "at": at, "broken": broken},
                open_at=_removed_item(op, at),
            )
    version, expected = _editable(session, user, service, _row_version(form))
    try:
        lifecycle.save_draft(
            session, user=user, version=version, definition=changed, expected_row_version=expected
        )
    except lifecycle.LifecycleError as exc:
        session.rollback()
        if exc.code == "edit-conflict":
            return _conflict(request, service)
        return _frozen(request, session, service, version)
    session.commit()
    target = f"{_base(service)}?open={quote(focus)}{_kept(form)}#{sv.anchor(focus)}"
    return RedirectResponse(target, status_code=303)


# -- a document filled with sample answers ---------------------------------------------------------


@router.get("/studio/{agency}/{slug}/dokumen/{doc}/contoh")
def document_preview(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, doc: str
) -> Response:
    """The draft's document `doc` filled with sample answers: an unsigned PDF marked CONTOH /
    PREVIEW. A draft with errors gets the editor with them instead (422)."""
    service = designed_service(session, user, agency, slug)
    version = working_version(session, user, service)
    definition = version.definition
    declared = definition.get("documents")
    if not isinstance(declared, dict) or doc not in declared:
        raise HTTPException(404)
    lang = language(request)
    if has_errors(validate(definition)):
        return _editor(
            request,
            session,
            service,
            version,
            status_code=422,
            error=t("studio_doc_preview_errors", lang),
            open_at=f"/documents/{doc}",
        )
    settings = request.app.state.settings
    try:
        pdf = preview_pdf(
            session,
            definition=definition,
            document_id=doc,
            agency_id=service.agency_id,
            base_url=settings.base_url or str(request.base_url).rstrip("/"),
        )
    except PdfError as exc:  # the agency's logo cannot be read
        return _editor(request, session, service, version, status_code=422, error=str(exc))
    name = f"contoh-{doc}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": content_disposition(name, "inline")},
    )


# -- JSON, export, submit --------------------------------------------------------------------------


def _json_page(
    request: Request,
    service: Service,
    version: ServiceVersion,
    text: str,
    problems: list[Problem],
    *,
    can_force: bool = False,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "studio/json.html",
        {
            "service": service,
            "version": version,
            "base": _base(service),
            "text": text,
            "problems": problems,
            "can_force": can_force,
            "saved": saved,
            "readonly": version.state not in EDITABLE,
        },
        _status_code(request, status_code),
    )


@router.get("/studio/{agency}/{slug}/json")
def json_tab(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str
) -> Response:
    """The whole draft as JSON text, with its problems."""
    service = designed_service(session, user, agency, slug)
    version = working_version(session, user, service)
    text = json.dumps(version.definition, ensure_ascii=False, indent=2)
    saved = request.query_params.get("disimpan") == "1"
    return _json_page(request, service, version, text, validate(version.definition), saved=saved)


@router.post("/studio/{agency}/{slug}/json")
def save_json(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Save JSON text over the draft only when it parses and has no errors (or "save anyway")."""
    if isinstance(form, Response):
        return form
    service = designed_service(session, user, agency, slug)
    version = working_version(session, user, service)
    text = _s(form, "definition")
    if version.state not in EDITABLE:
        return _frozen(request, session, service, version)
    expected = _row_version(form)
    if _row_version(form) != version.row_version:
        return _conflict(request, service, text)
    loaded = loads(text)
    if loaded.definition is None:
        return _json_page(request, service, version, text, loaded.problems, status_code=422)
    problems = validate(loaded)
    if has_errors(problems) and _s(form, "anyway") != "1":
        return _json_page(
            request, service, version, text, problems, can_force=True, status_code=422
        )
    version, expected = _editable(session, user, service, expected)
    try:
        lifecycle.save_draft(
            session,
            user=user,
            version=version,
            definition=loaded.definition,
            expected_row_version=expected,
        )
    except lifecycle.LifecycleError:
        session.rollback()
        return _conflict(request, service, text)
    session.commit()
    return RedirectResponse(f"{_base(service)}/json?disimpan=1", status_code=303)


@router.get("/studio/{agency}/{slug}/unduh")
def export(
    request: Request,
    session: SessionDep,
    user: UserDep,
    agency: str,
    slug: str,
    versi: str = "draf",
) -> Response:
    """The draft (`versi=draf`) or the live version (`versi=terbit`) as a JSON file."""
    service = designed_service(session, user, agency, slug)
    assert service.id is not None
    if versi == "terbit":
        version = (
            session.get(ServiceVersion, service.current_version_id)
            if service.current_version_id
            else None
        )
    else:
        version = lifecycle.open_draft(session, service.id)
    if version is None:
        raise HTTPException(404)
    name = (
        f"{service.slug}.json"
        if versi == "terbit"
        else f"{service.slug}-draf-v{version.number}.json"
    )
    body = json.dumps(version.definition, ensure_ascii=False, indent=2) + "\n"
    return Response(
        body.encode("utf-8"),
        media_type="application/json",
        headers={"content-disposition": content_disposition(name)},
    )


@router.post("/studio/{agency}/{slug}/ajukan")
def submit(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Send the draft for review; refused with the problems listed while it has errors."""
    if isinstance(form, Response):
        return form
    service = designed_service(session, user, agency, slug)
    version = working_version(session, user, service)
    if version.state not in EDITABLE:
        return _frozen(request, session, service, version)
    if version.id is None:
        return _editor(
            request,
            session,
            service,
            version,
            status_code=409,
            error=t("studio_nothing_to_submit", language(request)),
        )
    if _row_version(form) != version.row_version:
        return _conflict(request, service)
    try:
        lifecycle.submit_for_review(session, user=user, version=version)
    except lifecycle.LifecycleError as exc:
        session.rollback()
        session.refresh(version)
        return _editor(
            request,
            session,
            service,
            version,
            status_code=422,
            error=t("studio_submit_refused", language(request)),
            refused=exc.problems,
        )
    session.commit()
    target = f"{_base(service)}?pesan=submitted{_kept(form)}#studio-flash"
    return RedirectResponse(target, status_code=303)


def _draft_step(
    request: Request,
    session: Session,
    user: StaffUser,
    agency: str,
    slug: str,
    form: PostedForm,
    step: Callable[..., Any],
    message: str,
) -> Response:
    """Apply a whole-draft step (discard, undo) posted from the editor; back to the editor with
    `message` in its banner, or the conflict / refusal page."""
    if isinstance(form, Response):
        return form
    service = designed_service(session, user, agency, slug)
    version = working_version(session, user, service)
    if version.state not in EDITABLE or version.id is None:
        return _frozen(request, session, service, version)
    try:
        step(session, user=user, version=version, expected_row_version=_row_version(form))
    except lifecycle.LifecycleError as exc:
        session.rollback()
        if exc.code == "edit-conflict":
            return _conflict(request, service)
        session.refresh(version)
        return _editor(request, session, service, version, status_code=422, error=str(exc))
    session.commit()
    target = f"{_base(service)}?pesan={message}{_kept(form)}#studio-flash"
    return RedirectResponse(target, status_code=303)


@router.post("/studio/{agency}/{slug}/buang")
def discard(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Throw the open draft away (after the confirmation in the editor); the live version stays."""
    return _draft_step(
        request, session, user, agency, slug, form, lifecycle.discard_draft, "discarded"
    )


@router.post("/studio/{agency}/{slug}/urungkan")
def undo(
    request: Request, session: SessionDep, user: UserDep, agency: str, slug: str, form: PostedForm
) -> Response:
    """Put back the draft as it was before its last change (one level)."""
    return _draft_step(
        request, session, user, agency, slug, form, lifecycle.undo_last_change, "undone"
    )
