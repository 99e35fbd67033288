"""The demo (`make run`) has, for each desk with targets, a last whole month and a this month whose compliance
report shows met and missed commitments and a removed target with who removed it and when."""

from datetime import UTC, datetime

import pytest

from casedesk.demo.loader import load_demo
from casedesk.demo.reports import seed_reports
from casedesk.desks.loading import load_desk
from casedesk.reports.compliance import compliance
from casedesk.reports.periods import last_whole_month, month

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # a Thursday: this month has had a week of work


@pytest.mark.parametrize(("slug", "reason"), [("mastercam", "bug"), ("plm-group", "out of scope: Installation"),
                                              ("ptc", None), ("dytron", None)])  # fmt: skip
def test_the_demo_shows_met_missed_and_removed_in_both_months(slug: str, reason: str | None) -> None:
    d = load_desk(slug)[0]
    load_demo(d, now=NOW)
    assert seed_reports(d, NOW) >= 4
    zone = compliance(d, last_whole_month(NOW, "UTC")).period.zone
    for period in (last_whole_month(NOW, zone), month(2026, 12, zone)):
        report = compliance(d, period)
        assert sum(t.figures.met for t in report.totals) > 0, period
        assert sum(t.figures.missed for t in report.totals) > 0, period
        if reason is not None:
            assert any(r.reason == reason and r.by.startswith(f"{slug}-") for r in report.removals), period
