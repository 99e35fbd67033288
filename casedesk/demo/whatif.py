"""The demo's what-if: a draft that halves the response targets of PLM Group or Mastercam, replayed over the
demo's cases when the demo loads (inline), so a manager sees flips at /console/whatif/<desk>/ on a fresh start.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from casedesk.desks.models import Desk, PolicyVersion
from casedesk.desks.policies import preset_of, version_in_force
from casedesk.reports.periods import Period
from casedesk.whatif import runs
from casedesk.whatif.models import WhatIfRun

DESKS = ("plm-group", "mastercam")
NAME = "Response targets halved"
_RESPONSE = re.compile(r'\bresponse = "(\d+)(h|bd)"')


def halve_responses(source: str) -> str:
    """Every `response = "Nh"` or `"Nbd"` target halved (an odd hour count goes to minutes, 1bd to 4h)."""

    def half(m: re.Match[str]) -> str:
        n, unit = int(m[1]), m[2]
        if unit == "bd":
            text = f"{n // 2}bd" if n % 2 == 0 else f"{n * 4}h"
        else:
            text = f"{n // 2}h" if n % 2 == 0 else f"{n * 30}m"
        return f'response = "{text}"'

    return _RESPONSE.sub(half, source)


def seed_whatif(desk: Desk, manager: User | None, now: datetime) -> WhatIfRun | None:
    """The halved-response draft replayed over the last 35 days of the desk's demo cases, done before returning."""
    if desk.preset not in DESKS and desk.slug not in DESKS:
        return None
    version = version_in_force(desk, now)
    source = PolicyVersion.objects.values_list("source", flat=True).get(pk=version.pk)
    draft = halve_responses(source)
    if draft == source:
        return None
    zone = preset_of(version).policy.home_zone or "UTC"
    today = now.astimezone(ZoneInfo(zone)).date()
    period = Period(today - timedelta(days=35), today, zone)
    run = runs.create(desk, manager, name=NAME, source=draft, period=period, queue=False)
    runs.execute(run.pk)
    run.refresh_from_db()
    return run
