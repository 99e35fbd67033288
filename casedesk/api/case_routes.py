"""`/api/v1/cases/...`: a case as other tools read it, and the contract actions on it.

Every case is fetched through `casedesk.cases.access`, the getter the console and the portal use: a staff
caller sees their desks' cases, a requester their own; a case that exists but is not visible answers 404
exactly like one that does not exist. Every change goes through `casedesk.cases.services`.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from casedesk.api.auth import AUTH, caller, writer
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


class ForwardIn(Schema):
    note: str = ""


class DoneOut(Schema):
    number: str
    detail: str


def visible(request: HttpRequest, number: str) -> Case:
    """The case if the caller may see it: staff through the console's getter, a requester the portal's."""
    user = caller(request)
    if access.contact_of(user) is not None:
        return access.case_for_portal(user, number)
    return access.case_for_console(user, number)


def staff_case(request: HttpRequest, number: str) -> Case:
    """A case for an action only the desk's staff take (a requester gets 404, as for a case not theirs)."""
    user = writer(request)
    if access.contact_of(user) is not None:
        raise access.CaseNotFound("No case with this number.")
    return access.case_for_console(user, number)


def entitlement_of(case: Case) -> EntitlementOut | None:
    event = CaseEvent.objects.filter(case=case, kind=services.ENTITLEMENT).order_by("-at", "-id").first()
    if event is None:
        return None
    return EntitlementOut(status=event.data.get("status", ""), reasons=list(event.data.get("reasons", [])))


@router.get("/{number}", response=CaseOut)
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


@router.post("/{number}/grace-call", response=GraceOut)
def grace_call(request: HttpRequest, number: str) -> GraceOut:
    """Use one of the contract year's grace calls on the case (Solidxperts); 409 with the reason when refused."""
    case = staff_case(request, number)
    services.use_grace_call(case, actor=caller(request))
    event = CaseEvent.objects.filter(case=case, kind=services.GRACE_CALL).order_by("-id").first()
    left = int(event.data.get("left", 0)) if event is not None else 0
    return GraceOut(number=case.number, grace_calls_left=left)


@router.post("/{number}/forward-to-vendor", response=DoneOut)
def forward_to_vendor(request: HttpRequest, number: str, body: ForwardIn) -> DoneOut:
    """Forward the case to the software vendor, logged; 409 naming the NDA or the confidentiality (0.8)."""
    case = staff_case(request, number)
    services.forward_to_vendor(case, body.note, actor=caller(request))
    return DoneOut(number=case.number, detail="forwarded to the vendor")
