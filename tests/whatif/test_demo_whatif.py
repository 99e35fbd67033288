"""The demo's what-if (casedesk/demo/whatif.py): PLM Group's and Mastercam's demo cases replayed with their
response targets halved, done at load time, so a manager sees flips from met to missed on a fresh start."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from casedesk.cases.models import Case, SlaMetric
from casedesk.demo.loader import load_demo
from casedesk.demo.whatif import halve_responses, seed_whatif
from casedesk.desks.models import Membership
from casedesk.whatif.models import WhatIfFlip
from casedesk.whatif.runs import period_of
from tests.cases.factories import desk

pytestmark = pytest.mark.django_db


def test_halving_the_response_targets() -> None:
    text = 'a = { response = "4h" }\nb = { response = "16h", resolution = "24h" }\nc = { response = "2bd" }\n'
    text += 'd = { response = "1bd" }\ne = { response = "1h" }\nf = { response = "none" }\n'
    assert halve_responses(text) == (
        'a = { response = "2h" }\nb = { response = "8h", resolution = "24h" }\nc = { response = "1bd" }\n'
        'd = { response = "4h" }\ne = { response = "30m" }\nf = { response = "none" }\n'
    )


@pytest.mark.parametrize("slug", ["plm-group", "mastercam"])
def test_the_demo_run_flips_met_cases_to_missed(slug: str) -> None:
    d = desk(slug)
    now = timezone.now()
    load_demo(d, now=now)
    manager = User.objects.get(desk_memberships__desk=d, desk_memberships__role=Membership.Role.SUPPORT_MANAGER)
    before = list(SlaMetric.objects.order_by("pk").values_list("pk", "status", "due_at", "breached"))
    run = seed_whatif(d, manager, now)
    assert run is not None and run.status == "done", run and run.error
    period = period_of(run)
    opened = Case.objects.filter(desk=d, opened_at__gte=period.start, opened_at__lt=period.end).count()
    assert run.total == run.done == opened > 0
    met_to_missed = WhatIfFlip.objects.filter(run=run, recorded="met", draft="missed")
    assert met_to_missed.exists()
    for flip in met_to_missed:
        recorded = SlaMetric.objects.get(case=flip.case, metric=flip.metric)
        assert recorded.status == "met" and recorded.due_at is not None and flip.draft_due is not None
        assert flip.draft_due < recorded.due_at
    assert list(SlaMetric.objects.order_by("pk").values_list("pk", "status", "due_at", "breached")) == before
    c = Client()
    c.force_login(manager)
    page = c.get(f"/console/whatif/run/{run.pk}/").content.decode()
    first = met_to_missed.select_related("case").first()
    assert first is not None and "Response targets halved" in page and first.case.number in page


def test_other_desks_get_no_demo_run() -> None:
    d = desk("dytron")
    assert seed_whatif(d, None, timezone.now()) is None
