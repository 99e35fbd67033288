"""`casedesk preset check`: every section a preset may carry is validated, errors name file:line.

Each case is a small preset with one mistake; the line a user would be shown
is marked `# <-` in the text, and the test asserts both that line number and
the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.sla.policy_schema import check_target
from casedesk.sla.presets import PresetError, read_preset

BASE = """\
slug = "acme"
name = "Acme"

[calendars.main]
zone = "Europe/Oslo"
hours = { mon-fri = ["08:00-16:00"] }

[calendars.night]
zone = "UTC"
always_open = true

[policy]
"""

TIERS = """
[[policy.tiers]]
key = "basic"

[[policy.tiers]]
key = "gold"
"""

PRIORITIES = """
[[policy.priorities]]
key = "high"

[[policy.priorities]]
key = "low"

[policy.metrics.response]
stop = ["responded"]
"""


def _check(tmp_path: Path, body: str) -> tuple[PresetError, int]:
    """The error for BASE + body, and the marked line (1-based)."""
    text = BASE + body
    marked = [n for n, line in enumerate(text.splitlines(), start=1) if line.rstrip().endswith("# <-")]
    assert len(marked) == 1, "mark exactly one line with # <-"
    path = tmp_path / "acme.toml"
    path.write_text(text.replace("# <-", ""), encoding="utf-8")
    with pytest.raises(PresetError) as info:
        read_preset(path)
    err = info.value
    assert str(err).startswith(f"{path}:{err.line}: ")
    return err, marked[0]


def _ok(tmp_path: Path, body: str) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(BASE + body, encoding="utf-8")
    read_preset(path)


BROKEN = [
    # -- queues ---------------------------------------------------------------
    pytest.param(
        '[[policy.queues]]\nkey = "a"\ncalendar = "main"\n\n'
        '[[policy.queues]]  # <-\nname = "No key"\ncalendar = "main"\n',
        "each queue needs a key",
        id="queue-without-key",
    ),
    pytest.param(
        '[[policy.queues]]\nkey = "a"\ncalendar = "main"\n\n[[policy.queues]]\nkey = "b"\ncalendar = "day"  # <-\n',
        "queue b: unknown calendar 'day' (known: main, night)",
        id="queue-unknown-calendar",
    ),
    pytest.param(
        '[[policy.queues]]  # <-\nkey = "a"\n',
        "queue a needs a calendar (known: main, night)",
        id="queue-without-calendar",
    ),
    pytest.param(
        '[[policy.queues]]\nkey = "a"\ncalendar = "main"\nemail = "support@acme"  # <-\n',
        "queue a: 'support@acme' is not an e-mail address",
        id="queue-bad-email",
    ),
    pytest.param(
        '[[policy.queues]]\nkey = "a"\ncalendar = "main"\nemail = "support @acme.no"  # <-\n',
        "queue a: 'support @acme.no' is not an e-mail address",
        id="queue-email-with-space",
    ),
    pytest.param(
        '[[policy.queues]]\nkey = "a"\ncalendar = "main"\n[[policy.queues]]\nkey = "a"  # <-\ncalendar = "night"\n',
        "duplicate queue key 'a'",
        id="queue-duplicate",
    ),
    pytest.param(
        '[[policy.queues]]\nkey = "a"\ncalendar = "main"\nmail = "x@acme.no"  # <-\n',
        "unknown queue setting 'mail' (known: calendar, country, email, key, name)",
        id="queue-unknown-key",
    ),
    pytest.param(
        'fallback_queue = "SE"  # <-\n\n[[policy.queues]]\nkey = "NO"\ncalendar = "main"\n',
        "fallback_queue 'SE' is not a declared queue (known: NO)",
        id="fallback-queue-undeclared",
    ),
    pytest.param(
        'fallback_queue = "NO"  # <-\n',
        "fallback_queue 'NO' is not a declared queue (known: none declared)",
        id="fallback-queue-without-queues",
    ),
    # -- escalation -----------------------------------------------------------
    pytest.param(
        PRIORITIES + '\n[[policy.escalation]]\nlevel = 0  # <-\nname = "Manager"\n',
        "level is a positive whole number, not 0",
        id="escalation-level-zero",
    ),
    pytest.param(
        PRIORITIES + '\n[[policy.escalation]]\nlevel = "1"  # <-\nname = "Manager"\n',
        "level is a positive whole number, not '1'",
        id="escalation-level-text",
    ),
    pytest.param(
        PRIORITIES
        + '\n[[policy.escalation]]\nlevel = 1\nname = "A"\n\n[[policy.escalation]]\nlevel = 1  # <-\nname = "B"\n',
        "escalation level 1 repeats level 1: levels rise",
        id="escalation-level-repeated",
    ),
    pytest.param(
        PRIORITIES
        + '\n[[policy.escalation]]\nlevel = 2\nname = "A"\n\n[[policy.escalation]]\nlevel = 1  # <-\nname = "B"\n',
        "escalation level 1 comes after level 2: levels rise",
        id="escalation-level-decreasing",
    ),
    pytest.param(
        PRIORITIES + "\n[[policy.escalation]]  # <-\nlevel = 1\n",
        "escalation level 1 needs a name",
        id="escalation-without-name",
    ),
    pytest.param(
        PRIORITIES + '\n[[policy.escalation]]\nlevel = 1\nname = "A"\ncritical_only = "yes"  # <-\n',
        "critical_only is true or false",
        id="escalation-critical-only-not-bool",
    ),
    pytest.param(
        PRIORITIES + '\n[[policy.escalation]]\nlevel = 1\nname = "A"\nwhen_priority = ["P1"]  # <-\n',
        "unknown priority 'P1' (known: high, low)",
        id="escalation-unknown-priority",
    ),
    pytest.param(
        PRIORITIES + '\n[[policy.escalation]]\nlevel = 1\nname = "A"\nsubjekt = "Escalation Request"  # <-\n',
        "unknown escalation setting 'subjekt' (known: critical_only, level, name, note, subject, when_priority)",
        id="escalation-unknown-key",
    ),
    # -- targets: zero and absurd (check_target) ------------------------------
    pytest.param(
        PRIORITIES + '\n[policy.targets."*"]\nhigh = { response = "0h" }  # <-\n',
        "target '0h' is zero: a due at the very start cannot be met",
        id="target-zero",
    ),
    pytest.param(
        PRIORITIES + '\n[policy.targets."*"]\nlow = { response = "9000h" }  # <-\n',
        "target '9000h' is longer than a year",
        id="target-absurd-hours",
    ),
    pytest.param(
        PRIORITIES + '\n[policy.goals."*"]\nlow = { response = "400bd" }  # <-\n',
        "target '400bd' is longer than a year",
        id="goal-absurd-business-days",
    ),
    pytest.param(
        PRIORITIES + '\n[policy.targets."*"]\nhigh = { response = "-2h" }  # <-\n',
        "-2h",
        id="target-negative",
    ),
    # -- tiers that take targets from each contract ---------------------------
    pytest.param(
        '[[policy.tiers]]\nkey = "SLA"\ntargets_from_contract = "yes"  # <-\n',
        "targets_from_contract is true or false",
        id="targets-from-contract-not-bool",
    ),
    pytest.param(
        '[[policy.tiers]]\nkey = "SLA"\ntargets_from_contract = true\n'
        + PRIORITIES
        + '\n[policy.targets.SLA]  # <-\nhigh = { response = "4h" }\n',
        "tier SLA takes its targets from each contract (targets_from_contract = true): the policy gives it none",
        id="targets-from-contract-with-defaults",
    ),
    pytest.param(
        '[[policy.priorities]]\nkey = "high"\ntargets_from_contract = true  # <-\n',
        "unknown priority setting 'targets_from_contract' (known: definition, key, name)",
        id="targets-from-contract-on-priority",
    ),
    # -- grace calls ----------------------------------------------------------
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [[1, 5, 1], [7, 15, 2]]  # <-\n",
        "seat band [7, 15, 2] leaves a gap after the band before: it should start at 6",
        id="grace-seats-gap",
    ),
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [[1, 5, 1], [5, 15, 2]]  # <-\n",
        "seat band [5, 15, 2] overlaps the band before: it should start at 6",
        id="grace-seats-overlap",
    ),
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [[0, 5, 1]]  # <-\n",
        "seat band [0, 5, 1] overlaps the band before: it should start at 1",
        id="grace-seats-from-zero",
    ),
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [\n  [1, 5, 1],\n  [6, 15, 0],  # <-\n]\n",
        "seat band [6, 15, 0]: the number of grace calls must be positive",
        id="grace-seats-zero-calls",
    ),
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [[1, 5, 1], [6, 4, 2]]  # <-\n",
        "seat band [6, 4, 2] ends before it starts",
        id="grace-seats-backwards",
    ),
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [5]  # <-\n",
        "seat band 5: write [from, to, count] with whole numbers",
        id="grace-seats-not-bands",
    ),
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [[1, 5]]  # <-\n",
        "seat band [1, 5]: write [from, to, count] with whole numbers",
        id="grace-seats-short",
    ),
    pytest.param(
        TIERS + '\n[policy.grace_calls]\nseats = [[1, 99, 1]]\nreset = "yearly"  # <-\n',
        "unknown reset 'yearly' (known: subscription_anniversary)",
        id="grace-unknown-reset",
    ),
    pytest.param(
        TIERS + '\n[policy.grace_calls]\nseats = [[1, 99, 1]]\nnot_eligible_tiers = ["basic", "rental"]  # <-\n',
        "unknown tier 'rental' (known: basic, gold)",
        id="grace-unknown-tier",
    ),
    pytest.param(
        TIERS + '\n[policy.grace_calls]\nseats = [[1, 99, 1]]\nnotify = ["account_manager", "sales"]  # <-\n',
        "unknown role 'sales' (known: agent, support_manager, assignee, team, account_manager, customer_email, "
        "requester)",
        id="grace-unknown-role",
    ),
    pytest.param(
        TIERS + '\n[policy.grace_calls]  # <-\nreset = "subscription_anniversary"\n',
        "seats = [[from, to, count], ...] is required",
        id="grace-without-seats",
    ),
    pytest.param(
        TIERS + "\n[policy.grace_calls]\nseats = [[1, 99, 1]]\nyearly = 3  # <-\n",
        "unknown grace_calls setting 'yearly' (known: not_eligible_tiers, notify, reset, seats)",
        id="grace-unknown-key",
    ),
    # -- pay per incident -----------------------------------------------------
    pytest.param(
        "[policy.pay_per_incident]\ndeduct_within_days = 0  # <-\n",
        "deduct_within_days is a positive whole number, not 0",
        id="ppi-zero-days",
    ),
    pytest.param(
        '[policy.pay_per_incident]\ndeduct_within_days = "30"  # <-\n',
        "deduct_within_days is a positive whole number, not '30'",
        id="ppi-days-text",
    ),
    pytest.param(
        "[policy.pay_per_incident]\ndeduct_within_days = 30\nprice = 150  # <-\n",
        "unknown pay_per_incident setting 'price' (known: deduct_within_days)",
        id="ppi-unknown-key",
    ),
    # -- notify ---------------------------------------------------------------
    pytest.param(
        '[policy.notify]\nopened = ["support_manager"]\nraised = ["manager"]  # <-\n',
        "unknown role 'manager' (known: agent, support_manager, assignee, team, account_manager, customer_email, "
        "requester)",
        id="notify-unknown-role",
    ),
    pytest.param(
        '[policy.notify]\nopened = "support_manager, team"  # <-\n',
        "unknown role 'support_manager, team'",
        id="notify-roles-in-one-string",
    ),
    pytest.param(
        "[policy.notify]\nopened = [1]  # <-\n",
        "a list of strings is expected",
        id="notify-not-strings",
    ),
    # -- scope ----------------------------------------------------------------
    pytest.param(
        '[policy.scope]\nexcluded = [  # <-\n  "Training",\n  3,\n]\n',
        "a list of strings is expected",
        id="scope-not-strings",
    ),
    pytest.param(
        '[policy.scope]\nexcluded = ["Training"]\nexcluded_by_default = ["IT"]  # <-\n',
        "unknown scope setting 'excluded_by_default' (known: covered, excluded, excluded_offer, grace_eligible, "
        "item_offers, max_install_devices, paid_offer, paid_services)",
        id="scope-unknown-key",
    ),
    pytest.param(
        '[policy.scope]\nexcluded = ["SDK"]\n[policy.scope.item_offers]\n"Training" = "paid services"  # <-\n',
        "'Training' is not in scope.excluded or scope.paid_services",
        id="scope-item-offer-not-listed",
    ),
    pytest.param(
        '[policy.scope]\nexcluded = [\n  "Training",\n  "Configuration",\n]\ngrace_eligible = [\n  "Configuration",\n'
        '  "How-to questions",  # <-\n]\n',
        "'How-to questions' is not in scope.excluded",
        id="scope-grace-eligible-not-excluded",
    ),
    pytest.param(
        "[policy.scope]\nmax_install_devices = 0  # <-\n",
        "max_install_devices is a positive whole number, not 0",
        id="scope-install-devices-zero",
    ),
    # -- versions -------------------------------------------------------------
    pytest.param(
        "[policy.versions]\nsupported_previous = -1  # <-\n",
        "supported_previous is a whole number, 0 or more, not -1",
        id="versions-negative",
    ),
    pytest.param(
        "[policy.versions]\nlicensed_previous = 2.5  # <-\n",
        "licensed_previous is a whole number, 0 or more, not 2.5",
        id="versions-fraction",
    ),
    pytest.param(
        "[policy.versions]\nprevious = 2  # <-\n",
        "unknown versions setting 'previous' (known: later_releases_while_valid, licensed_previous, online_services, "
        "supported_previous)",
        id="versions-unknown-key",
    ),
    pytest.param(
        '[policy.versions]\nlater_releases_while_valid = "yes"  # <-\n',
        "later_releases_while_valid is true or false",
        id="versions-not-bool",
    ),
    # -- visibility -----------------------------------------------------------
    pytest.param(
        '[policy.visibility]\ncc_can_view_in_portal = "no"  # <-\n',
        "cc_can_view_in_portal is true or false",
        id="visibility-not-bool",
    ),
    pytest.param(
        "[policy.visibility]\ncc_can_see = false  # <-\n",
        "unknown visibility setting 'cc_can_see' (known: cc_can_view_in_portal)",
        id="visibility-unknown-key",
    ),
    # -- data requests ----------------------------------------------------------
    pytest.param(
        '[policy.data_requests]\nchecklist = ["Logs", 2]  # <-\n',
        "a list of strings is expected",
        id="data-requests-not-strings",
    ),
    pytest.param(
        '[policy.data_requests]\nitems = ["Logs"]  # <-\n',
        "unknown data_requests setting 'items' (known: checklist)",
        id="data-requests-unknown-key",
    ),
    # -- languages ------------------------------------------------------------
    pytest.param(
        'languages = ["en", "English"]  # <-\n',
        "'English' is not a language code (ISO 639: en, fr, fr-CA)",
        id="languages-not-codes",
    ),
    pytest.param(
        'languages = [\n  "en",\n  "NO",  # <-\n]\n',
        "'NO' is not a language code (ISO 639: en, fr, fr-CA)",
        id="languages-multiline-points-at-the-element",
    ),
    # -- levels ---------------------------------------------------------------
    pytest.param(
        TIERS + '\n[policy.levels]\nbasic = { billing = "included" }\nplatinum = { billing = "contract" }  # <-\n',
        "unknown tier 'platinum' (known: basic, gold)",
        id="levels-unknown-tier",
    ),
    pytest.param(
        TIERS + '\n[policy.levels]\ngold = { billing = "free" }  # <-\n',
        "unknown billing 'free' (known: included, rate_card, prepaid_credit, contract)",
        id="levels-unknown-billing",
    ),
    pytest.param(
        TIERS + '\n[policy.levels]\ngold = { billing = "contract", price = 3 }  # <-\n',
        "unknown level setting 'price' (known: billing, bought_here_only, note)",
        id="levels-unknown-key",
    ),
    # -- intake -----------------------------------------------------------------
    pytest.param(
        '[[policy.intake]]\nkey = "a"\n\n[[policy.intake]]\nkey = "version"\npattern = "^(20"  # <-\n',
        "bad pattern for version: missing ), unterminated subpattern at position 1",
        id="intake-bad-pattern-second-entry",
    ),
    pytest.param(
        '[[policy.intake]]\nkey = "a"\nhelp_text = "Say more"  # <-\n',
        "unknown intake field setting 'help_text' (known: choices, help, key, label, pattern, required, when_priority)",
        id="intake-unknown-key",
    ),
    # -- top-level policy keys ------------------------------------------------
    pytest.param(
        'fallback = "NO"  # <-\n',
        "unknown policy setting 'fallback'",
        id="policy-unknown-key",
    ),
]


@pytest.mark.parametrize(("body", "message"), BROKEN)
def test_broken_preset_names_the_line_and_the_mistake(tmp_path: Path, body: str, message: str) -> None:
    err, line = _check(tmp_path, body)
    assert message in err.message
    assert err.line == line, f"{err.line} != {line}: {err.message}"


def test_scope_accepts_one_string(tmp_path: Path) -> None:
    _ok(tmp_path, '[policy.scope]\nexcluded = "Training"\n')


def test_a_full_valid_preset_with_every_section(tmp_path: Path) -> None:
    _ok(
        tmp_path,
        'fallback_queue = "NO"\nlanguages = ["en", "fr-CA"]\n'
        + TIERS
        + PRIORITIES
        + """
[[policy.queues]]
key = "NO"
calendar = "main"
email = "support@acme.no"
country = "NO"

[[policy.escalation]]
level = 1
name = "Manager"

[[policy.escalation]]
level = 3
name = "Executive"
critical_only = true
when_priority = ["high"]
subject = "Escalation Request"

[policy.grace_calls]
seats = [[1, 5, 1], [6, 15, 2], [16, 999999, 3]]
reset = "subscription_anniversary"
not_eligible_tiers = ["basic"]
notify = ["customer_email", "account_manager"]

[policy.pay_per_incident]
deduct_within_days = 30

[policy.notify]
s0_opened = ["support_manager", "team"]

[policy.scope]
covered = ["Defects"]
excluded = ["Training", "Configuration"]
grace_eligible = ["Configuration"]

[policy.versions]
licensed_previous = 2
later_releases_while_valid = true

[policy.visibility]
cc_can_view_in_portal = false

[policy.data_requests]
checklist = ["Logs"]

[policy.levels]
gold = { billing = "contract", note = "Own targets" }
""",
    )


@pytest.mark.parametrize("text", ["0h", "0bd", "0m", "0w"])
def test_zero_targets_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is zero"):
        check_target(text)


@pytest.mark.parametrize("text", ["8761h", "261bd", "53w", "600000m"])
def test_targets_past_a_year_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="longer than a year"):
        check_target(text)


@pytest.mark.parametrize("text", ["1s", "8h", "4bd", "2w", "8760h", "260bd"])
def test_sensible_targets_pass(text: str) -> None:
    check_target(text)


def test_malformed_toml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(BASE + 'languages = ["en"\nversion = "1"\n', encoding="utf-8")
    with pytest.raises(PresetError) as info:
        read_preset(path)
    assert info.value.line is not None
    assert str(info.value).startswith(f"{path}:{info.value.line}: not valid TOML")


def test_every_shipped_preset_passes_the_check() -> None:
    for path in sorted(Path("casedesk/presets").glob("*.toml")):
        read_preset(path)


def test_calendar_note_and_intake_help_are_kept_for_the_console(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    text = BASE.replace('zone = "UTC"\n', 'zone = "UTC"\nnote = "Round the clock for outages"\n')
    path.write_text(text + '[[policy.intake]]\nkey = "v"\nhelp = "The year, e.g. 2025"\n', encoding="utf-8")
    preset = read_preset(path)
    assert preset.calendars["night"].note == "Round the clock for outages"
    assert preset.calendars["main"].note == ""
    assert preset.policy.intake[0].help == "The year, e.g. 2025"


def test_a_calendar_note_is_text(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(BASE.replace('zone = "UTC"\n', 'zone = "UTC"\nnote = 3\n'), encoding="utf-8")
    with pytest.raises(PresetError) as info:
        read_preset(path)
    assert info.value.line == 10
    assert info.value.message == "note is a text shown to agents"
