"""`/api/v1/cases/...`: a case as other tools read it, and the contract actions on it.

Every case is fetched through `casedesk.cases.access`, the getter the console and the portal use: a staff
caller sees their desks' cases, a requester their own; a case that exists but is not visible answers 404
exactly like one that does not exist. Every change goes through `casedesk.cases.services`.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from casedesk.accounts.models import Contact
from casedesk.api import case_list
from casedesk.api.auth import AUTH, caller, writer
from casedesk.api.directory_routes import In  # input: a NUL character is a 400 naming the field
from casedesk.api.problems import READ, WRITE, errors
from casedesk.cases import access, services, sla_state
from casedesk.cases.models import Case, CaseEvent

router = Router(auth=AUTH, tags=["cases"])


class MetricOut(Schema):
    metric: str
    name: str
    status: str
    target: str
    goal: bool
    due_at: datetime | None
    remaining_seconds: int | None


class EntitlementOut(Schema):
    status: str  # entitled | not_entitled | needs_review
    reasons: list[str]


class CaseOut(Schema):
    number: str
    desk: str
    status: str
    priority: str
    calendar: str
    subject: str
    company: str
    opened_at: datetime
    metrics: list[MetricOut]
    entitlement: EntitlementOut | None


class GraceOut(Schema):
    number: str
    grace_calls_left: int


class ForwardIn(In):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"note": "Crash reproduced on our side; sent with the Pack and Go"}]}
    )

    note: str = ""


class DoneOut(Schema):
    number: str
    detail: str


class CaseSummary(Schema):
    number: str
    desk: str
    queue: str | None
    status: str
    priority: str
    subject: str
    company: str
    requester: str  # e-mail
    assignee: str | None  # username
    opened_at: datetime
    updated_at: datetime
    next_due_at: datetime | None
    sla_breached: bool


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None  # pass as `cursor` for the next page; null on the last


class ListFilters(In):
    desk: str | None = Field(None, description="desk slug")
    queue: str | None = Field(None, description="queue key (PLM country queues: NO, SE, ...)")
    status: str | None = None
    priority: str | None = Field(None, description="priority key, or - for not set")
    assignee: str | None = Field(None, description="username, or - for unassigned")
    company: int | None = None
    sla_state: str | None = Field(None, description="overdue, due_later, no_clock or breached")
    due_before: datetime | None = None
    updated_since: datetime | None = None
    order: str = Field("due", description="due (nearest due first, then the rest newest first) or updated")
    cursor: str | None = None
    limit: int = 25


class OpenIn(In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject": "Rebuild takes 10 minutes since SP2",
                    "priority": "high",
                    "contact_email": "ingrid.berg@nordvikmarine.no",
                    "channel": "phone",
                    "intake": {
                        "phone": "+47 70 12 34 56",
                        "product_version": "2025",
                        "service_pack": "SP2",
                        "english_ok": "yes",
                    },
                }
            ]
        }
    )

    subject: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    priority: str = ""
    intake: dict[str, str] = Field(default_factory=dict, description="the desk's intake fields by key")
    desk: str | None = Field(None, description="staff: the desk slug (the contact's desk by default)")
    contact: int | None = Field(None, description="staff: the requester's contact id")
    contact_email: str | None = Field(None, description="staff: or the requester's e-mail")
    channel: str = Field("api", description="staff: api, email, phone, phone_uk, phone_us (requesters: api)")


def summary(c: Case) -> CaseSummary:
    return CaseSummary(
        number=c.number,
        desk=c.desk.slug,
        queue=c.queue.key if c.queue else None,
        status=c.status,
        priority=c.priority,
        subject=c.subject,
        company=c.company.name,
        requester=c.requester.email,
        assignee=c.assignee.username if c.assignee else None,
        opened_at=c.opened_at,
        updated_at=c.updated_at,
        next_due_at=c.next_due_at,
        sla_breached=c.sla_breached,
    )


@router.get("", response={200: CasePage, **errors(400, 401, 429)})
def list_cases(request: HttpRequest, filters: Query[ListFilters]) -> CasePage:
    """The caller's cases (staff: their desks'; a requester: their own), nearest due first by default."""
    q = case_list.Query(**filters.dict())
    rows, cursor = case_list.page(caller(request), q, timezone.now())
    return CasePage(items=[summary(c) for c in rows], next_cursor=cursor)


def _requester(request: HttpRequest, body: OpenIn) -> tuple[Contact, str]:
    user = caller(request)
    own = access.contact_of(user)
    if own is not None:
        if body.contact is not None or body.contact_email or body.desk:
            raise HttpError(400, "contact: a requester opens cases for themselves")
        return own, Case.Channel.API
    desks = access.staff_desk_ids(user)
    contacts = Contact.objects.select_related("company__desk")
    if desks is not None:
        contacts = contacts.filter(company__desk_id__in=desks)
    if body.desk:
        contacts = contacts.filter(company__desk__slug=body.desk)
    if body.contact is not None:
        contact = contacts.filter(pk=body.contact).first()
    elif body.contact_email:
        contact = contacts.filter(email__iexact=body.contact_email.strip()).order_by("pk").first()
    else:
        raise HttpError(400, "contact: give the requester's contact id or contact_email")
    if contact is None:
        raise HttpError(400, "contact: no such contact on your desks")
    return contact, body.channel


@router.post("", response={201: CaseOut, **errors(400, 401, 403, 409, 422, 429)})
def open_case(request: HttpRequest, body: OpenIn) -> Status:
    """Open a case: a requester's token as in the portal (the desk's required intake fields refused when
    missing), a staff token on behalf of a contact on any channel (missing fields flagged, POLICIES 0.24)."""
    from casedesk.contracts.valid import contract_today
    from casedesk.desks.policies import preset_of, version_in_force

    actor = writer(request)
    contact, channel = _requester(request, body)
    desk = contact.company.desk
    policy = preset_of(version_in_force(desk, timezone.now())).policy
    try:
        case = services.open_case(
            desk,
            requester=contact,
            contract=contract_today(desk, contact, policy),
            channel=channel,
            subject=body.subject,
            description=body.description,
            priority=body.priority,
            intake=body.intake,
            actor=actor,
        )
    except services.CaseError as exc:  # bad input for a case not yet there: 400, with each problem
        raise HttpError(400, str(exc)) from None
    return Status(201, read_case(request, case.number))


def visible(request: HttpRequest, number: str) -> Case:
    """The case if the caller may see it: staff through the console's getter, a requester the portal's."""
    user = caller(request)
    if "\x00" in number:  # no case has one (PostgreSQL could not even compare it)
        raise access.CaseNotFound("No case with this number.")
    if access.contact_of(user) is not None:
        return access.case_for_portal(user, number)
    return access.case_for_console(user, number)


def staff_case(request: HttpRequest, number: str) -> Case:
    """A case for an action only the desk's staff take (a requester gets 404, as for a case not theirs)."""
    user = writer(request)
    if access.contact_of(user) is not None or "\x00" in number:
        raise access.CaseNotFound("No case with this number.")
    return access.case_for_console(user, number)


def entitlement_of(case: Case) -> EntitlementOut | None:
    event = CaseEvent.objects.filter(case=case, kind=services.ENTITLEMENT).order_by("-at", "-id").first()
    if event is None:
        return None
    return EntitlementOut(status=event.data.get("status", ""), reasons=list(event.data.get("reasons", [])))


@router.get("/{number}", response={200: CaseOut, **READ})
def read_case(request: HttpRequest, number: str) -> CaseOut:
    case = visible(request, number)
    states = sla_state.as_of(case, timezone.now())
    return CaseOut(
        number=case.number,
        desk=case.desk.slug,
        status=case.status,
        priority=case.priority,
        calendar=case.calendar,
        subject=case.subject,
        company=case.company.name,
        opened_at=case.opened_at,
        metrics=[
            MetricOut(
                metric=st.metric,
                name=st.name,
                status=st.status,
                target=st.target,
                goal=st.goal,
                due_at=st.due_at,
                remaining_seconds=st.remaining_seconds,
            )
            for st in states
        ],
        entitlement=entitlement_of(case),
    )


@router.post("/{number}/grace-call", response={200: GraceOut, **WRITE})
def grace_call(request: HttpRequest, number: str) -> GraceOut:
    """Use one of the contract year's grace calls on the case (Solidxperts); 409 with the reason when refused."""
    case = staff_case(request, number)
    services.use_grace_call(case, actor=caller(request))
    event = CaseEvent.objects.filter(case=case, kind=services.GRACE_CALL).order_by("-id").first()
    left = int(event.data.get("left", 0)) if event is not None else 0
    return GraceOut(number=case.number, grace_calls_left=left)


@router.post("/{number}/forward-to-vendor", response={200: DoneOut, **WRITE})
def forward_to_vendor(request: HttpRequest, number: str, body: ForwardIn) -> DoneOut:
    """Forward the case to the software vendor, logged; 409 naming the NDA or the confidentiality (0.8)."""
    case = staff_case(request, number)
    services.forward_to_vendor(case, body.note, actor=caller(request))
    return DoneOut(number=case.number, detail="forwarded to the vendor")
