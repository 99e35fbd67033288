"""Bulk assign and bulk status from the queue: one service call per case, each its own event.

Every case is fetched through the permission-checked getter; a case the agent
cannot see, or one whose state refuses the change, is reported by number and
the others go ahead (each write is its own transaction in the services).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from casedesk.cases import services
from casedesk.cases.access import CaseNotFound, case_for_console
from casedesk.cases.models import Case
from casedesk.console.gate import agent, member_required
from casedesk.console.saved_views import clean_query

MAX_CASES = 100  # a queue page is 25; more is a script's mistake
STATUSES = {s.value: s.label for s in (*services.WORK_STATUSES, Case.Status.CLOSED)}


def _assignee(case: Case, choice: str) -> User | None:
    if choice == "-":
        return None
    user = User.objects.filter(pk=int(choice), desk_memberships__desk_id=case.desk_id).first()
    if user is None:
        raise services.CaseError(gettext("the assignee is not a member of this case's desk"))
    return user


def _apply(user: User, case: Case, assignee: str, status: str) -> None:
    if assignee:
        member = _assignee(case, assignee)  # refused before anything is written
        services.assign(case, member, actor=user)
    if status == "closed":
        services.close(case, actor=user)
    elif status:
        services.set_status(case, status, actor=user)


@require_POST
@member_required
def bulk(request: HttpRequest) -> HttpResponseBase:
    user = agent(request)
    query = clean_query(request.POST.get("query", ""))
    back = redirect(reverse("console:home") + (f"?{query}" if query else ""))
    numbers = list(dict.fromkeys(n.strip() for n in request.POST.getlist("cases") if n.strip()))
    assignee = request.POST.get("assignee", "")
    status = request.POST.get("status", "")
    if not numbers:
        messages.error(request, gettext("Tick at least one case first."))
        return back
    if len(numbers) > MAX_CASES:
        messages.error(request, gettext("At most %(count)d cases at a time.") % {"count": MAX_CASES})
        return back
    if not (assignee == "-" or assignee.isdigit()) and assignee:
        messages.error(request, gettext("Choose an assignee from the list."))
        return back
    if status and status not in STATUSES:
        messages.error(request, gettext("Choose a status from the list."))
        return back
    if not assignee and not status:
        messages.error(request, gettext("Choose an assignee or a status to apply."))
        return back
    done, failed = [], []
    for number in numbers:
        try:
            _apply(user, case_for_console(user, number), assignee, status)
        except CaseNotFound:
            failed.append(gettext("%(number)s: no such case on your desks") % {"number": number})
        except services.CaseError as exc:
            failed.append(f"{number}: {exc}")
        else:
            done.append(number)
    if done:
        changed = ngettext("Changed %(count)d case: %(numbers)s.", "Changed %(count)d cases: %(numbers)s.", len(done))
        messages.success(request, changed % {"count": len(done), "numbers": ", ".join(done)})
    for problem in failed:
        messages.error(request, problem)
    return back
