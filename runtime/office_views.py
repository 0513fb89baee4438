"""What the back-office pages show: inbox rows, answers by page, the timeline, case actions.

Plain functions from stored data to template values (no HTTP). Times are stored in UTC and
shown in WIB. Protected answers are hidden until the officer asks to see one, which the routes
record first: a NIK is masked (builder.fields.mask_nik, through the field type's display), an
answer to a field marked ``sensitive`` is not shown at all (nor, for a file, its name or link).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, select

from builder import conditions
from builder.answers import AnswerError
from builder.compiler import CompiledService, FieldPlan
from builder.documents import documents, revoke_roles, visible_to
from builder.messages import kind_of
from builder.model import sources
from builder.sla import Sla
from builder.texts import localise
from runtime import store
from runtime.auth import StaffUser
from runtime.casework import assignments, cases, corrections, deadlines, inbox, workflow
from runtime.casework.workflow import Actor, available_actions
from runtime.documents import issued
from runtime.forms import field_views, located
from runtime.i18n import kind_nouns, kind_word, t
from runtime.models import Attachment, CaseEvent, ServiceVersion, Submission, User, utcnow
from runtime.oversight import escalations
from runtime.uploads import clean_name
from runtime.workdays import WIB, Calendar


def when(moment: dt.datetime | None) -> str:
    """A stored UTC time as officers read it, in WIB."""
    return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB") if moment else ""


def state_label(
    definition: Mapping[str, Any], state: str | None, lang: str, *, public: bool
) -> str:
    """A state's label (officers') or public label (what the applicant sees) in `lang`."""
    return workflow.state_label(definition, state, lang, public=public)


NAME_KEYS = ("nama", "nama_lengkap", "nama_pemohon")


def name_key(definition: Mapping[str, Any]) -> str | None:
    """The field holding the applicant's name: the first top-level, unconditional short text
    field keyed `nama`, `nama_lengkap` or `nama_pemohon` (the studio's blank service and every
    example use `nama`), unless it is marked sensitive; None when the form has none."""
    found: dict[str, Mapping[str, Any]] = {}
    for page in definition.get("form", {}).get("pages", []):
        for spec in page.get("fields", []):
            if spec.get("key") in NAME_KEYS and spec.get("type") == "text":
                found.setdefault(str(spec["key"]), spec)
    for key in NAME_KEYS:
        spec = found.get(key)
        if spec is not None and spec.get("sensitive") is not True and not spec.get("visible_if"):
            return key
    return None


def applicant_name(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    """The applicant's name from their answers ("" when the form asks for none)."""
    key = name_key(definition)
    value = answers.get(key) if key else None
    return value.strip() if isinstance(value, str) else ""


def deadline(
    due_at: dt.datetime | None,
    now: dt.datetime,
    calendar: Calendar | None,
    lang: str,
    sla: Sla | None = None,
) -> dict[str, Any]:
    """A due date as officers read it: the date in WIB, what is left (or how late) in the
    state's unit (working days unless `sla` says calendar days or hours), overdue; and the
    state's time limit ("24 jam"), `special` when it is not counted in working days."""
    limit = {
        "limit": sla.text(lang) if sla else "",
        "special": sla is not None and sla.unit != "working_days",
    }
    if due_at is None:
        return {"due": "", "left": "", "overdue": False, **limit}
    overdue = due_at < now
    left = deadlines.time_left(sla, due_at, now, calendar, lang) if calendar is not None else ""
    return {"due": when(due_at), "left": left, "overdue": overdue, **limit}


def _names(session: Session, rows: list[inbox.InboxRow]) -> dict[str, Mapping[str, Any]]:
    """The answers of the cases on an inbox page (one query), to show the applicants' names."""
    if not rows:
        return {}
    found = session.exec(
        select(Submission.id, Submission.answers).where(
            col(Submission.id).in_([row.id for row in rows])
        )
    ).all()
    return {str(case_id): answers or {} for case_id, answers in found}


def user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """Display names of staff users by id (one query)."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    found = session.exec(select(User.id, User.display_name).where(col(User.id).in_(wanted))).all()
    return {int(user_id): str(name) for user_id, name in found if user_id is not None}


def inbox_rows(
    session: Session,
    rows: list[inbox.InboxRow],
    lang: str,
    now: dt.datetime,
    calendar: Calendar | None = None,
) -> list[dict[str, Any]]:
    """Inbox rows as shown: applicant's name, service title, the state's label (the same as the
    filter's), the filing date, the due date in WIB with the working days left or late."""
    definitions: dict[int, Mapping[str, Any]] = {}
    answers = _names(session, rows)
    officers = user_names(session, {r.assigned_to_user_id for r in rows})
    shown = []
    for row in rows:
        if row.service_version_id not in definitions:
            version = session.get(ServiceVersion, row.service_version_id)
            definitions[row.service_version_id] = version.definition if version else {}
        definition = definitions[row.service_version_id]
        shown.append(
            {
                "id": row.id,
                "reference": row.reference,
                "name": applicant_name(definition, answers.get(row.id, {})),
                "service": localise(definition.get("title"), lang),
                "state": state_label(definition, row.state, lang, public=False),
                "filed": row.created_at.astimezone(WIB).strftime("%d-%m-%Y"),
                **deadline(
                    row.due_at, now, calendar, lang, deadlines.state_sla(definition, row.state)
                ),
                "escalated": row.escalated,
                "assignee": officers.get(row.assigned_to_user_id or 0, ""),
                "assigned_to": row.assigned_to_user_id,
            }
        )
    return shown


def filter_choices(
    session: Session, user: StaffUser, lang: str
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The services and states of the inbox filter form: where the user can act."""
    choices = inbox.service_choices(session, user)
    states: dict[str, str] = {}
    for choice in choices:
        for name in choice.states:
            states.setdefault(name, state_label(choice.definition, name, lang, public=False))
    services = [
        {
            "id": c.service_id,
            "title": localise(c.definition.get("title"), lang),
            "kind": kind_of(c.definition),
        }
        for c in choices
    ]
    return services, sorted(states.items(), key=lambda item: item[1])


def is_sensitive(plan: FieldPlan) -> bool:
    """Whether the definition marks the field's answers as sensitive personal data."""
    return plan.spec.get("sensitive") is True


def _line(
    plan: FieldPlan, value: Any, name: str, label: str, lang: str, base: str, revealed: set[str]
) -> dict[str, Any]:
    """One shown answer: NIKs masked and sensitive answers hidden unless revealed, files linked."""
    line: dict[str, Any] = {"text": plan.kind.display(plan.spec, value, lang), "label": label}
    nik = plan.type == "nik" and isinstance(value, str)
    shown = name in revealed
    if nik or is_sensitive(plan):
        prefix = "nik-" if nik else "sensitif-"
        line.update(
            secret=True,
            nik=nik,
            name=name,
            revealed=shown,
            anchor=prefix + name.replace(".", "-"),
        )
        if nik and shown:
            line["text"] = value
        elif not nik and not shown:
            line["text"] = t("office_sensitive_hidden", lang)
            return line
    if plan.type == "file" and isinstance(value, Mapping) and value.get("id"):
        line["href"] = f"{base}/berkas/{value['id']}"
    return line


def group_files(
    compiled: CompiledService, answers: Mapping[str, Any]
) -> dict[str, tuple[str, FieldPlan]]:
    """The files in the case's repeatable groups: file id -> (the answer's input name, as the
    case page names it: `anggota.0.akta`; the field)."""
    found: dict[str, tuple[str, FieldPlan]] = {}
    for plan in compiled.fields.values():
        items = answers.get(plan.key) if plan.type == "group" else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            for child in plan.children:
                value = item.get(child.key) if isinstance(item, Mapping) else None
                for ref in value if isinstance(value, list) else [value]:
                    if child.type == "file" and isinstance(ref, Mapping) and ref.get("id"):
                        found[str(ref["id"])] = (f"{plan.key}.{index}.{child.key}", child)
    return found


def shown_files(
    opened: cases.OpenedCase, rows: Sequence[Attachment], revealed: set[str]
) -> list[Attachment]:
    """The case's files its page lists: not those answering a field marked sensitive that is
    not revealed (in a group: that item's answer, by its input name `anggota.0.akta`)."""
    placed = group_files(opened.compiled, opened.case.answers)
    fields = [*opened.compiled.fields.values(), *officer_plans(opened).values()]
    sensitive = {
        each.key
        for plan in fields
        for each in (plan, *plan.children)
        if is_sensitive(each) and each.key not in revealed
    }
    shown = []
    for row in rows:
        if row.id in placed:
            name, plan = placed[row.id]
            hidden = is_sensitive(plan) and name not in revealed
        else:  # by the field it was sent for (a group's file no answer names any longer too)
            hidden = row.field_key.rsplit(".", 1)[-1] in sensitive
        if not hidden:
            shown.append(row)
    return shown


def officer_plans(opened: cases.OpenedCase) -> dict[str, FieldPlan]:
    """Every officer field of the case's definition version, by key."""
    plans: dict[str, FieldPlan] = {}
    for index, _ in enumerate(opened.definition.get("workflow", {}).get("transitions", [])):
        form = opened.compiled.officer_form(index)
        if form is not None:
            plans.update(form.fields)
    return plans


def officer_sections(
    opened: cases.OpenedCase,
    events: list[CaseEvent],
    lang: str,
    revealed: set[str],
    base: str,
) -> list[dict[str, Any]]:
    """What officers entered, one section per transition taken with fields (oldest first)."""
    plans = officer_plans(opened)
    labels = {
        str(move["action"]): localise(move.get("label"), lang) or str(move["action"])
        for move in opened.definition.get("workflow", {}).get("transitions", [])
    }
    found = []
    for event in events:
        fields = event.details.get("fields") if isinstance(event.details, Mapping) else None
        if not isinstance(fields, Mapping) or not fields:
            continue
        rows = []
        for key, value in fields.items():
            plan = plans.get(str(key))
            if plan is None or value is None:
                continue
            label = plan.label(lang)
            rows.append(
                {
                    "label": label,
                    "lines": [_line(plan, value, plan.key, label, lang, base, revealed)],
                }
            )
        if rows:
            title = t("office_officer_fields", lang, action=labels.get(event.action, event.action))
            found.append({"title": f"{title} · {when(event.at)}", "rows": rows, "officer": True})
    return found


def sections(
    opened: cases.OpenedCase,
    lang: str,
    revealed: set[str],
    base: str,
    events: list[CaseEvent] | None = None,
) -> list[dict[str, Any]]:
    """The answers laid out by the pages of the case's own definition version, then what
    officers entered on its transitions (when `events` are given)."""
    answers = opened.case.answers
    sections = []
    for page in opened.compiled.visible_pages(answers):
        rows = []
        for plan in page.fields:
            value = answers.get(plan.key)
            if not plan.has_value or value is None or plan.type == "declaration":
                continue
            if not conditions.evaluate(plan.condition, answers):
                continue
            label = plan.label(lang)
            lines = []
            if plan.type == "group" and isinstance(value, list):
                for index, item in enumerate(value):
                    for child in plan.children:
                        if child.has_value and isinstance(item, Mapping) and child.key in item:
                            text = f"{index + 1}. {child.label(lang)}"
                            name = f"{plan.key}.{index}.{child.key}"
                            line = _line(child, item[child.key], name, text, lang, base, revealed)
                            line["prefix"] = text
                            lines.append(line)
            else:
                lines.append(_line(plan, value, plan.key, label, lang, base, revealed))
            rows.append({"label": label, "lines": lines})
        if rows:
            sections.append({"title": page.title(lang), "rows": rows})
    if events:
        sections.extend(officer_sections(opened, events, lang, revealed, base))
    return sections


def timeline(
    session: Session,
    events: list[CaseEvent],
    definition: Mapping[str, Any],
    lang: str,
    compiled: CompiledService | None = None,
) -> list[dict[str, Any]]:
    """The audit trail as officers read it (times in WIB); with `compiled`, a send-back names
    the answers it questioned."""
    ids: set[int | None] = {e.actor_user_id for e in events}
    ids.update(
        e.details.get("to_user_id")
        for e in events
        if e.action == assignments.ASSIGNED_ACTION and isinstance(e.details, Mapping)
    )
    names = user_names(session, ids)
    roles = definition.get("roles", {})
    labels = {
        str(move["action"]): localise(move.get("label"), lang) or str(move["action"])
        for move in definition.get("workflow", {}).get("transitions", [])
    }
    fixed = {
        store.SUBMIT_ACTION: "status_submitted",
        cases.VIEW_NIK: "office_ev_view_nik",
        cases.VIEW_SENSITIVE: "office_ev_view_sensitive",
        cases.EXPORT_SENSITIVE: "office_ev_export_sensitive",
        cases.DOWNLOAD: "office_ev_download",
        cases.DOWNLOAD_DOCUMENT: "office_ev_download_document",
        cases.REVOKE_DOCUMENT: "office_ev_revoke_document",
        escalations.ESCALATED_ACTION: "office_ev_escalated",
        assignments.ASSIGNED_ACTION: "office_ev_assigned",
    }
    rows = []
    for event in events:
        key = fixed.get(event.action)
        label = t(key, lang) if key else labels.get(event.action, event.action)
        if event.actor_kind == "user":
            who = names.get(event.actor_user_id or 0, "?")
            if event.actor_role:
                who += f" ({localise(roles.get(event.actor_role), lang) or event.actor_role})"
        else:
            who = t(
                "office_applicant" if event.actor_kind == "applicant" else "office_system", lang
            )
        change = ""
        if event.action == escalations.ESCALATED_ACTION and event.details:
            change = escalation_text(definition, event.details, lang)
        approval = event.details.get(cases.APPROVAL) if isinstance(event.details, Mapping) else None
        if isinstance(approval, Mapping) and not event.to_state:
            role = str(approval.get("role", ""))
            change = t(
                "office_approval_given",
                lang,
                given=approval.get("given", "?"),
                required=approval.get("required", "?"),
                role=localise(roles.get(role), lang) or role,
            )
        if event.action == assignments.ASSIGNED_ACTION and event.details:
            to = names.get(event.details.get("to_user_id") or 0, "?")
            change = t("office_assigned_to", lang, name=to)
        if event.to_state and event.from_state:
            before = state_label(definition, event.from_state, lang, public=False)
            change = f"{before} → {state_label(definition, event.to_state, lang, public=False)}"
        rows.append(
            {
                "action": event.action,
                "label": label,
                "when": when(event.at),
                "who": who,
                "change": change,
                "comment": event.comment or "",
                "public": event.comment_public,
                "questioned": _questioned_labels(compiled, event, lang),
            }
        )
    return rows


def approval_rows(
    session: Session, case: Submission, definition: Mapping[str, Any], lang: str
) -> list[dict[str, Any]]:
    """The joint approvals of the case's state: how many are given of how many, and by whom."""
    moves = definition.get("workflow", {}).get("transitions", [])
    roles = definition.get("roles", {})
    given = cases.approvals_given(session, case)
    names = user_names(session, {user for found in given.values() for _, user in found})
    rows = []
    for index, move in enumerate(moves):
        rule = workflow.approval_rule(move)
        if rule is None or case.state not in sources(move) or case.final_outcome:
            continue
        approvers = given.get(index, ())
        rows.append(
            {
                "action": str(move["action"]),
                "label": localise(move.get("label"), lang) or str(move["action"]),
                "progress": t(
                    "office_approvals_progress", lang, given=len(approvers), required=rule[0]
                ),
                "given": [
                    f"{localise(roles.get(role), lang) or role}: {names.get(user or 0, '?')}"
                    for role, user in approvers
                ],
            }
        )
    return rows


def assignment_view(
    session: Session, user: StaffUser, case: Submission, definition: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    """The case's assignee and what the user may do about it: assign or reassign to a colleague
    (with a note), take it themselves."""
    names = user_names(session, {case.assigned_to_user_id})
    may = assignments.may_assign(definition, case.state, user.roles_in(case.agency_id))
    options = assignments.colleagues(session, case, definition) if may else []
    return {
        "assignee": names.get(case.assigned_to_user_id or 0, ""),
        "assignee_id": case.assigned_to_user_id,
        "since": when(case.assigned_at) if case.assigned_to_user_id else "",
        "mine": case.assigned_to_user_id == user.id,
        "may_assign": may and bool(options),
        "may_take": any(c.user_id == user.id for c in options)
        and case.assigned_to_user_id != user.id,
        "colleagues": [
            {"id": c.user_id, "name": c.name}
            for c in options
            if c.user_id != case.assigned_to_user_id
        ],
    }


def _questioned_labels(compiled: CompiledService | None, event: CaseEvent, lang: str) -> str:
    """The labels of the answers a send-back questioned, joined ("" for none)."""
    keys = corrections.questioned_of(event.details) if compiled is not None else None
    if not keys or compiled is None:
        return ""
    plans = [compiled.fields[k] for k in keys if k in compiled.fields]
    return ", ".join(plan.label(lang) or plan.key for plan in plans)


def applicant_changes(
    opened: cases.OpenedCase, events: list[CaseEvent], lang: str
) -> list[dict[str, Any]]:
    """What the applicant changed in the answers, oldest first: each correction, and what each
    applicant action sent (a file that followed later), as rows of label: old → new."""
    labels = {
        str(move["action"]): localise(move.get("label"), lang) or str(move["action"])
        for move in opened.definition.get("workflow", {}).get("transitions", [])
    }
    found = [
        (event, changed, t("office_corrected", lang, when=when(event.at)))
        for event, changed in corrections.corrections(events)
    ] + [
        (
            event,
            changed,
            t(
                "office_applicant_sent",
                lang,
                action=labels.get(event.action, event.action),
                when=when(event.at),
            ),
        )
        for event, changed in corrections.corrections(events, corrections.SENT)
    ]
    found.sort(key=lambda item: (item[0].at, item[0].id or 0))
    return [
        {
            "title": title,
            "rows": corrections.change_rows(
                opened.compiled,
                changed,
                lang,
                none=t("office_change_empty", lang),
                hidden=t("office_change_hidden", lang),
            ),
        }
        for event, changed, title in found
    ]


def escalation_text(definition: Mapping[str, Any], details: Mapping[str, Any], lang: str) -> str:
    """What an `escalated` event says: to which role, after how many working days overdue."""
    role = str(details.get("to_role", ""))
    return t("office_escalated_to", lang).format(
        role=localise(definition.get("roles", {}).get(role), lang) or role,
        days=details.get("days_overdue", "?"),
    )


def _current_escalation(
    session: Session, case: Submission, definition: Mapping[str, Any], lang: str
) -> dict[str, str] | None:
    event = escalations.current_escalation(session, case)
    if event is None:
        return None
    return {"when": when(event.at), "text": escalation_text(definition, event.details or {}, lang)}


def case_context(
    session: Session,
    user: StaffUser,
    opened: cases.OpenedCase,
    lang: str,
    *,
    revealed: set[str] | None = None,
    error: tuple[str, str] | None = None,
    typed: str = "",
    notice: str = "",
    entered: tuple[str, Mapping[str, Any], list[AnswerError]] | None = None,
    revoke_error: tuple[str, str, str] | None = None,
    unconfirmed: str = "",
    picked: tuple[str, Collection[str]] | None = None,
    asked: tuple[str, str] | None = None,
    calendar: Calendar | None = None,
    assign_error: str = "",
    assign_note: str = "",
) -> dict[str, Any]:
    """Everything the case page and its panel show.

    `error`: action name and message (a refused action or a missing comment); `entered`: the
    action name, the officer's values and their errors, shown again in that action's form;
    `revoke_error`: a refused revocation (document id, message, the reason typed);
    `unconfirmed`: the final decision posted without its confirmation ticked; `picked`: an
    action name and the answers its officer ticked as questioned (shown ticked again);
    `asked`: an action name and why its questioned answers were refused.
    """
    case, definition = opened.case, opened.definition
    base = f"/kantor/kasus/{case.id}"
    actor = Actor.user(user.id, sorted(user.roles_in(case.agency_id)))
    context = opened.compiled.prune(case.answers)
    actions = []
    summary: list[AnswerError] = []
    nouns = kind_nouns([kind_of(definition)], lang)
    mine_names = {refused[0] for refused in (entered, asked) if refused is not None}
    for action in available_actions(definition, cases.snapshot(session, case), actor):
        failed = error is not None and error[0] == action.name
        target = definition.get("workflow", {}).get("states", {}).get(action.to, {})
        form = opened.compiled.officer_form(action.transition)
        views: list[Any] = []
        if form is not None:
            mine = entered is not None and entered[0] == action.name
            values = entered[1] if entered is not None and mine else {}
            errors = located(form, entered[2]) if entered is not None and mine else []
            summary.extend(errors)
            views = field_views(form, form.pages[0], values, errors, lang, context=context)
        label = localise(action.label, lang)
        final = bool(target.get("final"))
        questions: list[dict[str, Any]] = []
        if target.get("applicant_edits"):
            ticked = set(picked[1]) if picked is not None and picked[0] == action.name else set()
            questions = corrections.questionable(opened.compiled, case.answers, lang)
            for page in questions:
                for row in page["fields"]:
                    row["checked"] = row["key"] in ticked
        target_label = state_label(definition, action.to, lang, public=False)
        actions.append(
            {
                "name": action.name,
                "label": label,
                "final": final,
                "confirm": t(
                    "office_confirm_final", lang, action=label, state=target_label, **nouns
                )
                if final
                else "",
                "unconfirmed": unconfirmed == action.name,
                "comment": action.comment,
                "to_applicant": action.comment_to_applicant,
                "warn": target.get("final") == "rejected",
                "error": error[1] if failed and error else "",
                "typed": typed if failed or action.name in mine_names else "",
                "fields": views,
                "questions": questions,
                "asked_error": asked[1] if asked is not None and asked[0] == action.name else "",
                "files": any(v.type == "file" for v in views),
                "refused": bool(entered and entered[0] == action.name and entered[2]),
                "approvals": t(
                    "office_approvals_progress",
                    lang,
                    given=action.approvals[0],
                    required=action.approvals[1],
                )
                if action.approvals
                else "",
            }
        )
    if error is not None and not any(a["error"] for a in actions):
        notice = notice or error[1]
    if asked is not None and not any(a["asked_error"] for a in actions):
        notice = notice or asked[1]
    events = store.list_events(session, case.id)
    listed = session.exec(
        select(Attachment)
        .where(Attachment.submission_id == case.id)
        .order_by(col(Attachment.created_at), col(Attachment.id))
    ).all()
    attachments = shown_files(opened, listed, revealed or set())
    outcome = case.final_outcome
    return {
        "user": user,
        "case": case,
        "base": base,
        "service_title": localise(definition.get("title"), lang),
        "nouns": nouns,
        "version_number": opened.version.number,
        "state_label": state_label(definition, case.state, lang, public=False),
        "public_label": state_label(definition, case.state, lang, public=True),
        "tag": "ok" if outcome == "approved" else "bad" if outcome else "wait",
        **deadline(
            case.due_at, utcnow(), calendar, lang, deadlines.state_sla(definition, case.state)
        ),
        "applicant_name": applicant_name(definition, case.answers),
        "applicant_label": kind_word(definition, "applicant_name", lang),
        "corrections": applicant_changes(opened, events, lang),
        "escalation": _current_escalation(session, case, definition, lang),
        "approvals": approval_rows(session, case, definition, lang),
        "assignment": {
            **assignment_view(session, user, case, definition, lang),
            "error": assign_error,
            "note": assign_note,
        },
        "filed": when(case.created_at),
        "actions": actions,
        "notice": notice,
        "errors": summary,
        "lang": lang,
        "timeline": timeline(session, events, definition, lang, opened.compiled),
        "sections": sections(opened, lang, revealed or set(), base, events),
        "attachments": [
            {
                "name": clean_name(a.original_name),
                "size_kb": max(1, round(a.size / 1024)),
                "id": a.id,
            }
            for a in attachments
        ],
        "documents": document_rows(session, user, opened, lang, revoke_error),
    }


def document_rows(
    session: Session,
    user: StaffUser,
    opened: cases.OpenedCase,
    lang: str,
    revoke_error: tuple[str, str, str] | None = None,
) -> list[dict[str, Any]]:
    """The case's issued documents as officers see them: number, title, date, status, whether
    the user may download (the document is for officers) and revoke it (a `revoke_roles` role,
    while it is valid)."""
    roles = user.roles_in(opened.case.agency_id)
    specs = documents(opened.definition)
    rows = []
    for doc in issued.for_case(session, opened.case.id):
        spec = specs.get(doc.doc_type, {})
        error = revoke_error if revoke_error is not None and revoke_error[0] == doc.id else None
        rows.append(
            {
                "id": doc.id,
                "title": doc.title,
                "number": doc.number,
                "issued": when(doc.issued_at),
                "status": doc.status,
                "status_label": t(f"doc_status_{doc.status}", lang),
                "revoked": when(doc.revoked_at),
                "reason": doc.revoked_reason or "",
                "for_applicant": doc.visible_to_applicant,
                "downloadable": "officers" in visible_to(spec),
                "revocable": doc.status == "valid"
                and bool(roles & set(revoke_roles(opened.definition, doc.doc_type))),
                "error": error[1] if error else "",
                "typed": error[2] if error else "",
            }
        )
    return rows


def secret_line(
    opened: cases.OpenedCase, lang: str, name: str, events: list[CaseEvent] | None = None
) -> dict[str, Any] | None:
    """One NIK or sensitive answer of the case (by input name), revealed; None if no such answer.

    Only answers the case page shows can be revealed (a hidden field's answer cannot); with
    `events`, officer fields marked sensitive too.
    """
    base = f"/kantor/kasus/{opened.case.id}"
    for section in sections(opened, lang, {name}, base, events):
        for row in section["rows"]:
            for line in row["lines"]:
                if line.get("secret") and line["name"] == name:
                    return dict(line)
    return None
