"""Compliance figures against hand-counted small data sets (tests/reports/worlds.py says how each was counted)."""

from datetime import UTC, datetime

import pytest

from casedesk.cases import services
from casedesk.reports.compliance import Figures, Line, compliance, drill
from casedesk.reports.periods import month
from tests.reports.worlds import H, mastercam_november, plm_november

pytestmark = pytest.mark.django_db


def figures(lines: list[Line]) -> dict[tuple[str, str], tuple[int, int, int, int, int | None, int | None]]:
    out = {}
    for ln in lines:
        f = ln.figures
        out[(ln.label, ln.metric)] = (f.met, f.missed, f.pending, f.removed, f.median_seconds, f.p90_seconds)
    return out


def test_plm_november_totals_and_every_breakdown() -> None:
    w = plm_november()
    nov = month(2026, 11, "Europe/Oslo")
    report = compliance(w.desk, nov)
    # Met B C F I, missed A G, pending E, removed D; settled times 3000 7200 10800 10800 21600 27000:
    # median (10800 + 10800) / 2, p90 the 6th of 6.
    assert figures(report.totals) == {("Initial response", "response"): (4, 2, 1, 1, 10800, 27000)}
    total = report.totals[0].figures
    assert (total.settled, total.rate) == (6, pytest.approx(4 / 6))
    assert report.goals == []
    assert figures(compliance(w.desk, nov, by="company").commitments) == {
        # SE: A missed 10800, B 3000, C 10800, I 7200 met; E pending; D removed: median (7200+10800)/2.
        ("Customer SE", "response"): (3, 1, 1, 1, 9000, 10800),
        # FI: F 27000 met, G 21600 missed.
        ("Customer FI", "response"): (1, 1, 0, 0, 24300, 27000),
    }
    assert figures(compliance(w.desk, nov, by="queue").commitments) == {
        ("Sweden", "response"): (3, 1, 1, 1, 9000, 10800),
        ("Finland", "response"): (1, 1, 0, 0, 24300, 27000),
    }
    assert figures(compliance(w.desk, nov, by="agent").commitments) == {
        ("bob", "response"): (1, 1, 0, 0, 6900, 10800),  # A 10800 missed, B 3000 met
        ("dave", "response"): (1, 1, 0, 0, 16200, 21600),  # C 10800 met, G 21600 missed
        ("", "response"): (2, 0, 1, 1, 17100, 27000),  # unassigned: F 27000, I 7200 met; E pending; D removed
    }
    assert figures(compliance(w.desk, nov, by="priority").commitments) == {
        ("Critical", "response"): (1, 2, 0, 1, 10800, 21600),  # B 3000 met; A 10800, G 21600 missed; D removed
        ("High", "response"): (2, 0, 0, 0, 18900, 27000),  # C 10800, F 27000
        ("Medium", "response"): (1, 0, 0, 0, 7200, 7200),  # I
        ("Low", "response"): (0, 0, 1, 0, None, None),  # E
    }
    (removal,) = report.removals
    assert (removal.case_number, removal.metric, removal.reason, removal.by) == (
        w.cases["D"].number, "response", "out of scope: Installation", "bob"
    )  # fmt: skip
    assert removal.at == datetime(2026, 11, 12, 8, 30, tzinfo=UTC)  # 09:30 Stockholm


def test_drill_down_lists_exactly_the_cases_behind_a_figure() -> None:
    w = plm_november()
    nov = month(2026, 11, "Europe/Oslo")

    def numbers(*, by: str, key: str, outcome: str) -> list[str]:
        return [m.case.number for m in drill(w.desk, nov, by=by, key=key, metric="response", outcome=outcome)]

    c = w.cases
    assert numbers(by="metric", key="response", outcome="missed") == [c["A"].number, c["G"].number]
    assert numbers(by="metric", key="response", outcome="met") == [c["I"].number, c["B"].number, c["C"].number,
                                                                   c["F"].number]  # fmt: skip
    se = str(c["A"].company_id)
    assert numbers(by="company", key=se, outcome="") == [c[n].number for n in "IABCDE"]
    assert numbers(by="agent", key="", outcome="met") == [c["I"].number, c["F"].number]
    assert numbers(by="priority", key="critical", outcome="removed") == [c["D"].number]
    with pytest.raises(ValueError, match="not an outcome"):
        drill(w.desk, nov, by="metric", key="response", metric="response", outcome="lost")
    with pytest.raises(ValueError, match="not a breakdown"):
        compliance(w.desk, nov, by="weather")


def test_a_bug_removes_only_the_pending_target_and_the_missed_response_stays_missed() -> None:
    w = mastercam_november()
    report = compliance(w.desk, month(2026, 11, "America/New_York"))
    assert figures(report.totals) == {
        ("Response", "response"): (1, 1, 0, 0, 5400, 5400),  # M1 missed (never stopped: no time); M2 1.5h
        ("Resolution", "resolution"): (1, 0, 0, 1, 3 * H, 3 * H),  # M2 met in 3h; M1 removed by the bug
    }
    # The internal goal is apart, never a commitment.
    assert figures(report.goal_totals) == {
        ("Status update to the technical contact", "update"): (1, 0, 0, 0, 5400, 5400)
    }
    assert all(ln.metric != "update" for ln in report.commitments)
    (removal,) = report.removals
    assert (removal.case_number, removal.metric, removal.reason, removal.by) == (
        w.cases["M1"].number, "resolution", "bug", "bob"
    )  # fmt: skip
    assert removal.at == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # 12:00 New York


def test_a_company_sees_only_its_own_cases() -> None:
    w = plm_november()
    fi = w.cases["F"].company_id
    report = compliance(w.desk, month(2026, 11, "Europe/Oslo"), company_id=fi)
    assert figures(report.totals) == {("Initial response", "response"): (1, 1, 0, 0, 24300, 27000)}
    assert report.removals == []


def test_figures_rate_is_met_among_settled() -> None:
    assert Figures(3, 1, 5, 2, None, None).rate == 0.75
    assert Figures(0, 0, 5, 2, None, None).rate is None


def test_business_time_leaves_out_the_time_a_metric_was_paused() -> None:
    """The shipped presets never pause (POLICIES 0.4); a desk's own policy may: PLM's text with the response
    paused while waiting on the customer."""
    from casedesk.desks.loading import load_desk
    from casedesk.desks.policies import publish_version
    from casedesk.sla import load_preset
    from tests.cases.factories import customer, staff
    from tests.reports.worlds import PLM_INTAKE, STOCKHOLM, at

    d = load_desk("plm-group")[0]
    text = load_preset("plm-group").path.read_text().replace('version = "2024.1"', 'version = "2026.9"')
    text = text.replace('stop = ["responded"]', 'stop = ["responded"]\npause = ["waiting_on_customer"]', 1)
    publish_version(d, text, announced_at=at(STOCKHOLM, 1, 0, month=10), effective_on=month(2026, 10, "UTC").first)
    alice, contract = customer(d, country="SE", zone="Europe/Stockholm", tier="premium")
    case = services.open_case(d, requester=alice, subject="paused", priority="critical", contract=contract,
                              intake=PLM_INTAKE, at=at(STOCKHOLM, 2, 9))  # fmt: skip
    assert case.policy_version.version == "2026.9"
    services.set_waiting(case, True, at=at(STOCKHOLM, 2, 9, 30))
    services.set_waiting(case, False, at=at(STOCKHOLM, 2, 13, 30))
    services.agent_reply(case, staff("bob"), "Answer.", at=at(STOCKHOLM, 2, 14))
    # 09:00-14:00 is 4h of business time (lunch 12-13); paused 09:30-13:30, 3h of it (09:30-12:00, 13:00-13:30):
    # 1h counted (30 minutes before the pause, 30 after it), met within the 2h target.
    report = compliance(d, month(2026, 11, "Europe/Oslo"))
    assert figures(report.totals) == {("Initial response", "response"): (1, 0, 0, 0, 3600, 3600)}


def test_business_seconds_over_arrays_equal_one_at_a_time() -> None:
    """The report's vectorised path (Calendar.between_many) against Calendar.between, pair by pair, on a
    calendar with a lunch break, a short Friday and holidays (PLM Denmark), over a year of random pairs."""
    import random

    import numpy as np

    from casedesk.desks.policies import calendar_of, version_in_force
    from tests.cases.factories import desk

    d = desk("plm-group")
    cal = calendar_of(version_in_force(d, datetime(2026, 11, 1, tzinfo=UTC)), "DK")
    rnd = random.Random(18)
    base = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    a = np.array([base + rnd.randrange(365 * 86400) for _ in range(2000)], dtype=np.int64)
    b = a + np.array([rnd.randrange(-86400, 20 * 86400) for _ in range(2000)], dtype=np.int64)
    expected = [
        cal.between(datetime.fromtimestamp(int(x), UTC), datetime.fromtimestamp(int(y), UTC))
        for x, y in zip(a, b, strict=True)
    ]
    assert cal.between_many(a, b).tolist() == expected
