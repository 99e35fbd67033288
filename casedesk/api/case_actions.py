"""`POST /api/v1/cases/{number}/<action>`: every action the console has, and the requester's from the portal.

Each is one service of `casedesk.cases.services` on a case found through the same getter as the console
(staff) or the portal (a requester); each answers the case as `GET /api/v1/cases/{number}` reads it after the
change, 409 with the reason when the case's state or the policy refuses it. Staff actions answer a requester
404, as for a case not theirs.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Field, Router
from pydantic import ConfigDict

from casedesk.accounts.models import Contact
from casedesk.api.auth import AUTH, writer
from casedesk.api.case_routes import CaseOut, read_case, staff_case, visible
from casedesk.api.directory_routes import In  # request bodies: a NUL character is a 400 naming the field
from casedesk.api.problems import WRITE
from casedesk.cases import access, services
from casedesk.cases.models import Case, CaseCC

router = Router(auth=AUTH, tags=["case actions"])


class Text(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"body": "We reproduced it and are testing a workaround."}]}
    )

    body: str = Field(..., min_length=1, max_length=100_000)


class AssignIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"assignee": "plm-group-bob"}]})

    assignee: str | None = Field(None, description="a desk member's username; null to unassign")


class PriorityIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"priority": "critical"}]})

    priority: str


class ClassifyIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"classification": "bug"}]})

    classification: str = Field(..., description="bug, defect, question, enhancement, or empty to clear")


class ScopeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"item": "Installation"}]})

    item: str = Field(..., description="an item of the policy's scope lists, or empty for back in scope")


class StatusIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "waiting_on_customer"}]})

    status: str = Field(..., description="open, waiting_on_customer or on_hold_vendor")


class ResolveIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"resolution": "solved"}]})

    resolution: str = Field("", description="the kind of resolution the policy names")


class CcIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "marte.solheim@nordvikmarine.no"}]})

    email: str


class EscalateIn(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"level": 1, "reason": "No answer for two days on a production stop"}]}
    )

    level: int | None = Field(None, description="staff: the level; a requester asks for the next one")
    reason: str = Field("", max_length=2000)


class NoteIn(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"note": "Reviewed with R&D; next review tomorrow 09:00"}]}
    )

    note: str = Field("", max_length=2000)


class NeededIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"needed": False}]})

    needed: bool


class TimeIn(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"hours": "1.5", "service_type": "training", "note": "Remote session"}]}
    )

    hours: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    service_type: str
    note: str = Field("", max_length=500)


def _requester_case(request: HttpRequest, number: str) -> tuple[User, Case, bool]:
    """The case for an action both sides take; whether the caller is its requester side (portal rules)."""
    user = writer(request)
    case = visible(request, number)
    return user, case, access.contact_of(user) is not None


def _member(case: Case, username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, desk_memberships__desk_id=case.desk_id).first()
    if user is None:
        raise services.CaseError(f"{username} is not a member of this desk")
    return user


def _contact(case: Case, email: str) -> Contact:
    contact = Contact.objects.filter(company__desk_id=case.desk_id, email__iexact=email.strip()).first()
    if contact is None:
        raise services.CaseError(f"no contact {email} among this desk's customers")
    return contact


@router.post("/{number}/reply", response={200: CaseOut, **WRITE})
def reply(request: HttpRequest, number: str, body: Text) -> CaseOut:
    """A public reply: from an agent (the first is the response), or the requester's comment."""
    user, case, is_requester = _requester_case(request, number)
    if is_requester:
        services.customer_reply(case, body.body, actor=user)
    else:
        services.agent_reply(case, user, body.body)
    return read_case(request, number)


@router.post("/{number}/note", response={200: CaseOut, **WRITE})
def note(request: HttpRequest, number: str, body: Text) -> CaseOut:
    """An internal note: staff only, never shown to the customer."""
    case = staff_case(request, number)
    services.add_note(case, writer(request), body.body)
    return read_case(request, number)


@router.post("/{number}/assign", response={200: CaseOut, **WRITE})
def assign(request: HttpRequest, number: str, body: AssignIn) -> CaseOut:
    case = staff_case(request, number)
    services.assign(case, _member(case, body.assignee), actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/priority", response={200: CaseOut, **WRITE})
def priority(request: HttpRequest, number: str, body: PriorityIn) -> CaseOut:
    """Set the priority (severity): pending targets re-timed, recorded breaches kept (POLICIES 0.16)."""
    case = staff_case(request, number)
    services.set_priority(case, body.priority, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/classify", response={200: CaseOut, **WRITE})
def classify(request: HttpRequest, number: str, body: ClassifyIn) -> CaseOut:
    case = staff_case(request, number)
    services.classify(case, body.classification, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/scope", response={200: CaseOut, **WRITE})
def scope(request: HttpRequest, number: str, body: ScopeIn) -> CaseOut:
    """Classify the request by the policy's scope lists: out of scope offers the paid route instead of the SLA."""
    case = staff_case(request, number)
    services.classify_scope(case, body.item, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/status", response={200: CaseOut, **WRITE})
def status(request: HttpRequest, number: str, body: StatusIn) -> CaseOut:
    case = staff_case(request, number)
    services.set_status(case, body.status, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/resolve", response={200: CaseOut, **WRITE})
def resolve(request: HttpRequest, number: str, body: ResolveIn) -> CaseOut:
    case = staff_case(request, number)
    services.resolve(case, body.resolution, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/reopen", response={200: CaseOut, **WRITE})
def reopen(request: HttpRequest, number: str) -> CaseOut:
    user, case, _ = _requester_case(request, number)
    services.reopen(case, actor=user)
    return read_case(request, number)


@router.post("/{number}/close", response={200: CaseOut, **WRITE})
def close(request: HttpRequest, number: str) -> CaseOut:
    """Close a resolved case: the requester accepting the solution, or the desk."""
    user, case, _ = _requester_case(request, number)
    services.close(case, actor=user)
    return read_case(request, number)


@router.post("/{number}/cc", response={200: CaseOut, **WRITE})
def cc_add(request: HttpRequest, number: str, body: CcIn) -> CaseOut:
    case = staff_case(request, number)
    services.add_cc(case, _contact(case, body.email), actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/cc/remove", response={200: CaseOut, **WRITE})
def cc_remove(request: HttpRequest, number: str, body: CcIn) -> CaseOut:
    case = staff_case(request, number)
    cc = CaseCC.objects.filter(case=case, contact__email__iexact=body.email.strip()).select_related("contact").first()
    if cc is None:
        raise services.CaseError(f"{body.email} is not copied on case {case.number}")
    services.remove_cc(case, cc.contact, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/escalate", response={200: CaseOut, **WRITE})
def escalate(request: HttpRequest, number: str, body: EscalateIn) -> CaseOut:
    """Escalate one level (Mastercam: 1, then 2; the critical route only for critical matters, 0.11/0.23).
    A requester asks for the next level, as the portal's button does."""
    user, case, is_requester = _requester_case(request, number)
    level = body.level
    if is_requester or level is None:
        level = case.escalation_level + 1
    services.escalate(case, level, body.reason, actor=user)
    return read_case(request, number)


@router.post("/{number}/review", response={200: CaseOut, **WRITE})
def review(request: HttpRequest, number: str, body: NoteIn) -> CaseOut:
    """Record a management review held (PTC S0, every 24 hours)."""
    case = staff_case(request, number)
    services.record_review(case, body.note, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/round-the-clock", response={200: CaseOut, **WRITE})
def round_the_clock(request: HttpRequest, number: str, body: NeededIn) -> CaseOut:
    """Record the S0 evaluation: whether 24-hour work is needed (the case then runs on 24x7)."""
    case = staff_case(request, number)
    services.set_round_the_clock(case, body.needed, actor=writer(request))
    return read_case(request, number)


@router.post("/{number}/time", response={200: CaseOut, **WRITE})
def log_time(request: HttpRequest, number: str, body: TimeIn) -> CaseOut:
    """Log time on the case by service type: drawn from hour blocks or prepaid credit, or charged at the rate."""
    case = staff_case(request, number)
    services.log_time(case, body.hours, body.service_type, actor=writer(request), note=body.note)
    return read_case(request, number)
