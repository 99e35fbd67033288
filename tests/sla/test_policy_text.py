"""The shipped presets say what POLICIES.md says, and no more.

Every expectation below was written from POLICIES.md (section 0 readings and
the digest of each original, checked against shared/seeds/), not copied from
the TOML files: commitments are the numbers an original states, everything
else is the desk's own internal goal (0.21) or absent.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from casedesk.sla import load_preset
from casedesk.sla.durations import Target
from casedesk.sla.presets import PRESET_DIR
from casedesk.sla.zones import valid_zone

H = 3600


def hours(n: float) -> Target:
    return Target(seconds=int(n * H))


def bdays(n: int) -> Target:
    return Target(business_days=n)


# -- every desk ---------------------------------------------------------------

HOME_ZONES = {
    "plm-group": "Europe/Oslo",  # reading: Norway's queue is the default and the fallback (0.5, 0.24)
    "mastercam": "America/New_York",  # reading: the US/online calendars' default zone (0.1, 0.25)
    "dytron": "Europe/Prague",
    "solidxperts": "America/Toronto",
    "ptc": "UTC",  # reading: the guide names none; PTC's calendars are read in UTC
}


@pytest.mark.parametrize(("slug", "zone"), HOME_ZONES.items())
def test_each_preset_declares_a_valid_home_zone(slug: str, zone: str) -> None:
    policy = load_preset(slug).policy
    assert valid_zone(policy.home_zone)
    assert policy.home_zone == zone
    text = (PRESET_DIR / f"{slug}.toml").read_text(encoding="utf-8")
    assert re.search(r"^home_zone = ", text, re.M), "declared, not the schema's default"


# 0.19: PLM Group Medium, Mastercam P3, DYTRON normal, Solidxperts normal; PTC requires a severity.
@pytest.mark.parametrize(
    ("slug", "default", "required"),
    [
        ("plm-group", "medium", False),
        ("mastercam", "P3", False),
        ("dytron", "normal", False),
        ("solidxperts", "normal", False),
        ("ptc", "", True),
    ],
)
def test_default_priority_per_desk(slug: str, default: str, required: bool) -> None:
    policy = load_preset(slug).policy
    assert policy.default_priority == default
    assert policy.priority_required is required
    if default:
        assert policy.priority(default) is not None


@pytest.mark.parametrize("slug", ["plm-group", "mastercam", "dytron", "solidxperts"])
def test_case_number_prefixes_are_stated_as_readings(slug: str) -> None:
    """Only PTC's C1234567 is in an original; the other prefixes are the desks' own."""
    lines = (PRESET_DIR / f"{slug}.toml").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("case_number"))
    assert "Reading" in lines[at - 1]


def test_no_preset_pauses_a_clock() -> None:
    """0.4: none of the originals pauses a clock while waiting on the customer."""
    from casedesk.sla import list_presets

    for slug in list_presets():
        for spec in load_preset(slug).policy.metrics.values():
            assert spec.pause == (), (slug, spec.key)


def test_every_shipped_metric_counts_a_new_target_from_its_start() -> None:
    """0.16: every shipped preset re-times from the start."""
    from casedesk.sla import list_presets

    for slug in list_presets():
        for spec in load_preset(slug).policy.metrics.values():
            assert spec.retime == "from_start", (slug, spec.key)


def test_a_number_is_either_a_commitment_or_a_goal_never_both() -> None:
    from casedesk.sla import list_presets

    for slug in list_presets():
        policy = load_preset(slug).policy
        assert not set(policy.targets) & set(policy.goals), slug


# -- PTC (section 5, 0.10, 0.19-0.21) ------------------------------------------


def test_ptc_s0_review_every_24_hours_is_a_commitment() -> None:
    policy = load_preset("ptc").policy
    assert policy.target("*", "S0", "review") == hours(24)
    assert policy.metrics["review"].calendar == "24x7"  # elapsed hours, not business hours
    assert policy.priority_calendars == {"S0": "24x7"}


@pytest.mark.parametrize("severity", ["S0", "S1", "S2"])
def test_ptc_regular_status_updates_are_goals_not_targets(severity: str) -> None:
    """The guide says "regular" with no number: an internal goal (0.21)."""
    policy = load_preset("ptc").policy
    assert policy.target("*", severity, "update") is None
    assert policy.goal("*", severity, "update") is not None


def test_ptc_s1_update_is_a_goal() -> None:
    policy = load_preset("ptc").policy
    assert ("*", "S1", "update") not in policy.targets
    assert ("*", "S1", "update") in policy.goals


def test_ptc_s3_schedule_is_agreed_per_case_so_the_preset_commits_to_nothing() -> None:
    policy = load_preset("ptc").policy
    assert policy.target("*", "S3", "update") is None
    assert policy.goal("*", "S3", "update") is not None  # a default until agreed on the case


def test_ptc_commitments_are_only_the_s0_review() -> None:
    policy = load_preset("ptc").policy
    assert {k: v for k, v in policy.targets.items() if v is not None} == {("*", "S0", "review"): hours(24)}


def test_ptc_severity_is_required_and_case_numbers_look_like_c1234567() -> None:
    policy = load_preset("ptc").policy
    assert policy.priority_required
    assert policy.default_priority == ""
    assert policy.format_number(1234567) == "C1234567"
    assert [p.key for p in policy.priorities] == ["S0", "S1", "S2", "S3"]


def test_ptc_scn_has_no_invented_format() -> None:
    scn = next(f for f in load_preset("ptc").policy.intake if f.key == "scn")
    assert scn.required
    assert scn.pattern == ""


def test_ptc_s0_needs_a_phone_reachable_24_7_and_notifies_the_support_manager() -> None:
    policy = load_preset("ptc").policy
    phone = [f for f in policy.intake if f.when_priority == "S0"]
    assert len(phone) == 1
    assert phone[0].required
    notify = policy.section("notify")
    assert "support_manager" in notify["s0_opened"]
    assert "support_manager" in notify["s0_raised"]


def test_ptc_problem_types() -> None:
    field = next(f for f in load_preset("ptc").policy.intake if f.key == "problem_type")
    assert set(field.choices) == {"general question", "how-to", "break-fix"}


# -- DYTRON (section 3, 0.22) -----------------------------------------------------


def test_dytron_has_no_default_sla_targets() -> None:
    policy = load_preset("dytron").policy
    assert policy.targets == {}
    assert policy.goals == {}
    for tier in ("ALC", "PAY", "SBP", "SLA"):
        for prio in policy.priorities:
            assert policy.target(tier, prio.key, "response") is None


def test_dytron_sla_tier_requires_contract_targets() -> None:
    policy = load_preset("dytron").policy
    assert {t.key: t.targets_from_contract for t in policy.tiers} == {
        "ALC": False,
        "PAY": False,
        "SBP": False,
        "SLA": True,
    }


def test_dytron_levels_cover_the_four_tiers() -> None:
    policy = load_preset("dytron").policy
    assert set(policy.section("levels")) == {"ALC", "PAY", "SBP", "SLA"}


# -- Mastercam (section 2, 0.1-0.3, 0.11, 0.21, 0.23) -----------------------------


def test_mastercam_three_resolution_kinds() -> None:
    policy = load_preset("mastercam").policy
    assert policy.resolution_kinds == ("fixed", "fix_timeline_given", "not_a_defect_or_not_solvable_in_time")
    assert "resolution_kinds" not in (policy.section("readings") or {})


def test_mastercam_excludes_end_users_supported_only_through_channel_partners() -> None:
    excluded = load_preset("mastercam").policy.section("scope")["excluded"]
    assert any(item.startswith("End users supported only through channel partners") for item in excluded)


@pytest.mark.parametrize(
    ("prio", "response", "resolution"),
    [
        ("P1", hours(2), hours(8)),
        ("P2", hours(8), hours(24)),
        ("P3", hours(24), hours(48)),
        ("P4", hours(48), bdays(10)),
    ],
)
def test_mastercam_response_and_resolution_commitments(prio: str, response: Target, resolution: Target) -> None:
    policy = load_preset("mastercam").policy
    assert policy.target("*", prio, "response") == response
    assert policy.target("*", prio, "resolution") == resolution


def test_mastercam_resolution_starts_on_priority_and_information_and_bugs_cancel() -> None:
    metrics = load_preset("mastercam").policy.metrics
    assert set(metrics["resolution"].start) == {"priority_set", "info_complete"}
    assert metrics["response"].stop == ("responded_after_assignment",)
    assert "bug_classified" in metrics["response"].cancel
    assert "bug_classified" in metrics["resolution"].cancel


def test_mastercam_status_updates_are_an_internal_goal() -> None:
    policy = load_preset("mastercam").policy
    assert policy.metrics["update"].kind == "cadence"
    for prio in ("P1", "P2", "P3", "P4"):
        assert policy.target("*", prio, "update") is None
        goal = policy.goal("*", prio, "update")
        assert goal is not None
        resolution = policy.target("*", prio, "resolution")
        assert resolution is not None
        # an update is due before the resolution aim: counted in the same units
        if goal.business_days or resolution.business_days:
            assert goal.business_days < resolution.business_days
        else:
            assert goal.seconds < resolution.seconds


def test_mastercam_escalation_order_and_critical_route() -> None:
    levels = load_preset("mastercam").policy.escalation
    assert [lv.level for lv in levels] == [1, 2, 3]
    assert "manager" in levels[0].name.lower()
    assert not levels[0].critical_only
    assert not levels[1].critical_only
    critical = levels[2]
    assert critical.critical_only
    assert critical.when_priority == ("P1",)
    assert critical.subject == "Escalation Request"
    assert "Executive Sponsor" in critical.name
    assert "Customer Success Manager" in critical.name


@pytest.mark.parametrize(
    ("prio", "phrases"),
    [
        # Seed 001, "Prioritetsnivåer": description AND examples, not the examples alone.
        ("P1", ["affect several users or critical functions", "completely unusable for all users", "stops operations"]),
        ("P2", ["partial operation is still possible", "toolpaths", "single user"]),
        ("P3", ["Non-essential functionality", "operations can continue", "G-code"]),
        ("P4", ["minimal impact", "cosmetic", "how-to", "Licence status"]),
    ],
)
def test_mastercam_priority_definitions_are_the_full_descriptions(prio: str, phrases: list[str]) -> None:
    definition = load_preset("mastercam").policy.priority(prio).definition  # type: ignore[union-attr]
    for phrase in phrases:
        assert phrase in definition


def test_mastercam_policy_changes_need_30_days_notice() -> None:
    assert load_preset("mastercam").policy.notice_days == 30


# -- PLM Group (section 1, 0.5, 0.24) -------------------------------------------


def test_plm_fallback_queue_is_norway() -> None:
    policy = load_preset("plm-group").policy
    assert policy.fallback_queue == "NO"
    norway = policy.queue("NO")
    assert norway is not None
    assert norway.calendar == "NO"


def test_plm_has_six_country_addresses_iceland_shares_norways() -> None:
    queues = load_preset("plm-group").policy.queues
    addresses = {q.email for q in queues if q.email}
    assert len(addresses) == 6
    by_key = {q.key: q for q in queues}
    assert by_key["IS"].email == by_key["NO"].email == "support@plmgroup.no"
    assert by_key["IS"].calendar == "IS"


def _pattern(key: str) -> re.Pattern[str]:
    field = next(f for f in load_preset("plm-group").policy.intake if f.key == key)
    return re.compile(field.pattern)


@pytest.mark.parametrize("text", ["2025", "2024", "R2025x", "R2026x"])
def test_plm_version_accepts_solidworks_and_3dexperience_forms(text: str) -> None:
    assert _pattern("product_version").fullmatch(text)


@pytest.mark.parametrize("text", ["2025x", "R2025", "25", "SW2025", "r2025x", "2025 ", "R2025X"])
def test_plm_version_refuses_other_forms(text: str) -> None:
    assert not _pattern("product_version").fullmatch(text)


def test_plm_english_support_statement_is_required() -> None:
    field = next(f for f in load_preset("plm-group").policy.intake if f.key == "english_ok")
    assert field.required


@pytest.mark.parametrize(
    ("tier", "prio", "target"),
    [
        ("standard", "critical", hours(4)),
        ("standard", "high", hours(8)),
        ("standard", "medium", hours(16)),
        ("standard", "low", bdays(4)),
        ("premium", "critical", hours(2)),
        ("premium", "high", hours(4)),
        ("premium", "medium", hours(8)),
        ("premium", "low", bdays(2)),
        ("standard", "question", None),
        ("premium", "question", None),
    ],
)
def test_plm_initial_response_commitments(tier: str, prio: str, target: Target | None) -> None:
    policy = load_preset("plm-group").policy
    assert policy.target(tier, prio, "response") == target
    assert policy.goals == {}


def test_plm_cc_users_do_not_see_cases_in_the_portal() -> None:
    assert load_preset("plm-group").policy.section("visibility") == {"cc_can_view_in_portal": False}


# -- Solidxperts (section 4, 0.14) ------------------------------------------------


def test_solidxperts_grace_calls_by_seats() -> None:
    grace = load_preset("solidxperts").policy.section("grace_calls")

    def calls(seats: int) -> int:
        return next(n for lo, hi, n in grace["seats"] if lo <= seats <= hi)

    assert [calls(s) for s in (1, 5, 6, 15, 16, 500)] == [1, 1, 2, 2, 3, 3]
    assert grace["reset"] == "subscription_anniversary"
    assert set(grace["not_eligible_tiers"]) == {"rental", "none"}
    assert set(grace["notify"]) == {"customer_email", "account_manager"}


def test_solidxperts_ppi_deduction_window_is_30_days() -> None:
    assert load_preset("solidxperts").policy.section("pay_per_incident")["deduct_within_days"] == 30


def test_solidxperts_first_response_has_no_target() -> None:
    policy = load_preset("solidxperts").policy
    assert policy.target("subscription", "normal", "response") is None
    assert policy.goals == {}


def test_home_zone_difference_is_a_real_offset() -> None:
    """Sanity: the readings give distinct zones, not UTC by default (0.25)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    winter = datetime(2026, 1, 15, 12)
    offsets = {slug: winter.replace(tzinfo=ZoneInfo(z)).utcoffset() for slug, z in HOME_ZONES.items()}
    assert offsets["plm-group"] == timedelta(hours=1)
    assert offsets["mastercam"] == timedelta(hours=-5)
    assert offsets["dytron"] == timedelta(hours=1)
    assert offsets["solidxperts"] == timedelta(hours=-5)
    assert offsets["ptc"] == timedelta(0)

