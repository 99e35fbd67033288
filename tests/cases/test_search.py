"""Text search (casedesk.cases.search): what an agent typing in the queue's search box gets back."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection

from casedesk.cases import merge, services
from casedesk.cases import search as search_module
from casedesk.cases.access import console_cases
from casedesk.cases.models import Case, CaseEvent
from casedesk.cases.search import search
from casedesk.desks.models import Desk, Membership

from .factories import customer, desk, staff

pytestmark = pytest.mark.django_db
STO = ZoneInfo("Europe/Stockholm")
MONDAY = datetime(2026, 11, 30, 9, tzinfo=STO)
PLM_INTAKE = {"phone": "+46 8 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}


class Desk1:
    """PLM Group with alice (a Swedish customer) and bob, its agent."""

    def __init__(self) -> None:
        self.desk: Desk = desk("plm-group")
        self.alice, self.contract = customer(self.desk, country="SE", zone="Europe/Stockholm", tier="standard")
        self.bob: User = staff("bob")
        Membership.objects.create(desk=self.desk, user=self.bob, role=Membership.Role.AGENT)
        self.minutes = 0

    def open(self, subject: str, **kwargs: object) -> Case:
        self.minutes += 1  # each case a minute after the previous one
        at = MONDAY + timedelta(minutes=self.minutes)
        return services.open_case(
            self.desk, requester=self.alice, subject=subject, contract=self.contract, intake=PLM_INTAKE, at=at,
            **kwargs,  # type: ignore[arg-type]
        )  # fmt: skip


def found(text: str, qs: object = None) -> set[str]:
    base = Case.objects.all() if qs is None else qs
    return set(search(base, text).values_list("number", flat=True))  # type: ignore[arg-type]


@pytest.fixture(params=["few matches", "many matches"])
def w(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Desk1:
    """Every test twice: matches fetched by id, and (as when a word is in thousands of cases) kept as a subquery."""
    if request.param == "many matches":
        monkeypatch.setattr(search_module, "FEW", 0)
    return Desk1()


def test_a_case_number_in_any_letter_case_finds_that_case_only(w: Desk1) -> None:
    first = w.open("Printer driver")
    second = w.open("Plotter driver")
    assert (first.number, second.number) == ("PLM-000001", "PLM-000002")
    assert found("PLM-000001") == {"PLM-000001"}
    assert found("plm-000002") == {"PLM-000002"}
    assert found("  Plm-000002 ") == {"PLM-000002"}
    assert found("PLM-000003") == set()


def test_all_the_words_of_a_subject_in_any_order_and_as_prefixes(w: Desk1) -> None:
    lic = w.open("License server refuses connections")
    w.open("Drawing export to PDF loses layers")
    assert found("license server") == {lic.number}
    assert found("server LICENSE") == {lic.number}
    assert found("licen serv") == {lic.number}  # beginnings of words
    assert found("license printer") == set()  # every word must be there
    assert found("icense") == set()  # a word's middle is not its beginning
    assert found("pdf") == {"PLM-000002"}


def test_words_of_any_message_replies_notes_and_the_customers(w: Desk1) -> None:
    case = w.open("Crash on start")
    other = w.open("Crash on exit")
    services.customer_reply(case, "Tiedosto ei aukea ja ohjelma kaatuu", at=MONDAY + timedelta(hours=1))
    services.agent_reply(other, w.bob, "Please send the minidump file", at=MONDAY + timedelta(hours=1))
    services.add_note(other, w.bob, "Reproduced with service pack SP3", at=MONDAY + timedelta(hours=2))
    assert found("aukea kaatuu") == {case.number}  # a customer's message (Finnish)
    assert found("minidump") == {other.number}  # a public reply
    assert found("reproduced sp3") == {other.number}  # an internal note
    assert found("crash") == {case.number, other.number}  # both subjects
    # All the words in one subject or one message: the subject's "crash" and a message's "minidump" do not add up.
    assert found("crash minidump") == set()


def test_accents_and_letter_case_do_not_matter(w: Desk1) -> None:
    swedish = w.open("Licensfel på kontoret i Jönköping")
    czech = w.open("Příliš žluťoučký kůň po aktualizaci")
    latvian = w.open("Lietotne neatveras")
    services.customer_reply(latvian, "Rīgā šodien nestrādā ŠĶIRNE", at=MONDAY + timedelta(hours=1))
    assert found("JONKOPING") == {swedish.number}
    assert found("jönköp på") == {swedish.number}
    assert found("prilis zlutoucky kun") == {czech.number}
    assert found("PŘÍLIŠ") == {czech.number}
    assert found("riga sodien") == {latvian.number}
    assert found("šķirne") == {latvian.number}


def test_a_reply_added_after_opening_is_found_and_an_edited_or_deleted_text_is_not(w: Desk1) -> None:
    case = w.open("Toolpath question")
    assert found("gouging") == set()
    services.customer_reply(case, "The simulation shows gouging on the fillet", at=MONDAY + timedelta(hours=1))
    assert found("gouging fillet") == {case.number}
    # An edit of the message or the subject (the admin's change form writes the row) and a deleted message.
    event = CaseEvent.objects.get(case=case, body__contains="gouging")
    event.body = "The simulation is fine now"
    event.save()
    assert found("gouging") == set()
    assert found("simulation fine") == {case.number}
    Case.objects.filter(pk=case.pk).update(subject="Toolpath gouging on fillets")
    assert found("toolpath question") == set()
    assert found("toolpath fillets") == {case.number}
    event.delete()
    assert found("simulation") == set()
    case.delete()
    assert found("toolpath") == set()


def test_a_merged_duplicates_messages_are_found_under_the_survivor(w: Desk1) -> None:
    survivor = w.open("Vault login fails")
    duplicate = w.open("Cannot log in to the vault")
    services.customer_reply(duplicate, "Fehlercode 0x80070005 beim Anmelden", at=MONDAY + timedelta(hours=1))
    assert found("0x80070005") == {duplicate.number}
    merge.merge(duplicate, survivor, actor=w.bob, at=MONDAY + timedelta(hours=2))
    # The duplicate keeps its history (closed); among the open cases only the survivor has the message.
    assert found("0x80070005 anmelden") == {survivor.number, duplicate.number}
    assert found("0x80070005", Case.objects.filter(status__in=Case.OPEN_STATUSES)) == {survivor.number}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"license', {"PLM-000001"}),
        ("license*", {"PLM-000001"}),
        ("(license)", {"PLM-000001"}),
        ("lic^ense", set()),  # two words, "lic" and "ense": "ense" begins no word
        ("license:expired", {"PLM-000001"}),
        ("license-expired", {"PLM-000001"}),
        ("license AND expired", set()),  # "and" is a word to find like any other
        ("license OR printer", set()),
        ("NOT printer", set()),
        ("NEAR(license expired)", set()),
        ("subject:license", set()),
        ("'; DROP TABLE cases_case; --", set()),
        ("🔥 license 🔥", {"PLM-000001"}),
        ("🔥", set()),
        ("***", set()),
        ("-", set()),
        ('"', set()),
        ("\\", set()),
        ("%_%", set()),
        ("x" * 10_000, set()),
        ("license " * 2_000, {"PLM-000001"}),
        (" ".join(f"w{i}" for i in range(3_000)), set()),
        ("lic\x00ense", set()),
        ("lic\ud800ense", {"PLM-000001"}),  # a lone surrogate is dropped: "license"
    ],
)
def test_any_input_is_harmless(w: Desk1, text: str, expected: set[str]) -> None:
    w.open("License expired on the floating server")
    w.open("Printer offline")
    assert found(text) == expected
    assert Case.objects.count() == 2


def test_blank_text_narrows_nothing(w: Desk1) -> None:
    w.open("Printer offline")
    w.open("Plotter offline")
    assert found("") == found("  \t\n") == {"PLM-000001", "PLM-000002"}


def test_combined_with_the_queues_filters_and_its_order_by_nearest_due(w: Desk1) -> None:
    low = w.open("Licence dongle not found", priority="low")
    high = w.open("Licence dongle broken", priority="high")
    question = w.open("Licence dongle: where to buy?", priority="question")
    w.open("Printer dongle", priority="high")
    mc = desk("mastercam")
    carl, mc_contract = customer(mc, country="US", zone="America/New_York")
    theirs = services.open_case(mc, requester=carl, subject="Licence dongle lost", priority="P2",
                                contract=mc_contract, intake={"site": "Plant", "product_version": "2026"},
                                at=MONDAY)  # fmt: skip
    mine = console_cases(w.bob)  # bob works on PLM Group only
    assert found("licence dongle", mine) == {low.number, high.number, question.number}
    assert theirs.number in found("licence dongle")
    assert found("licence dongle", mine.filter(priority="high")) == {high.number}
    services.assign(low, w.bob, actor=w.bob, at=MONDAY + timedelta(hours=1))
    assert found("dongle", mine.filter(assignee=w.bob)) == {low.number}
    # The queue's order: nearest due first; the high priority case is due first.
    due = search(mine, "licence dongle").by_nearest_due()  # type: ignore[attr-defined]
    numbers = [c.number for c in due]
    assert numbers[0] == high.number and set(numbers) <= {low.number, high.number, question.number}
    assert [c.next_due_at for c in due] == sorted(c.next_due_at for c in due)
    # The number search and the word search together, with a status filter and a page slice.
    assert found(low.number.lower(), mine.filter(status=Case.Status.OPEN)) == {low.number}
    assert list(search(mine, "licence").order_by("opened_at")[1:2].values_list("number", flat=True)) == [high.number]


def _plan(text: str) -> str:
    matching = search_module._matching_sql(connection.vendor, text.upper(), search_module.words(text))
    assert matching is not None
    sql, params = matching
    explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")  # a tiny table: show that the indexes can serve it
        cur.execute(explain + sql, params)
        return "\n".join(" ".join(str(x) for x in row) for row in cur.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_postgresql_reads_the_matches_from_the_gin_and_number_indexes(w: Desk1) -> None:
    w.open("License server")
    plan = _plan("licen serv")
    assert "case_number_upper" in plan and "case_subject_search" in plan and "event_body_search" in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_sqlite_reads_the_matches_from_the_fts_tables_and_the_number_index(w: Desk1) -> None:
    w.open("License server")
    plan = _plan("licen serv")
    assert "case_number_upper" in plan and "cases_case_fts VIRTUAL TABLE" in plan, plan
    assert "cases_caseevent_fts VIRTUAL TABLE" in plan, plan
    assert not any(line.endswith("SCAN c") for line in plan.splitlines()), plan  # no case read in full


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_sqlite_full_text_tables_and_their_triggers_exist() -> None:
    # A later migration that remakes cases_case or cases_caseevent on SQLite drops their triggers:
    # it must create them again (see cases/0008_text_search), or the search would stop seeing new text.
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts%'")
        triggers = {r[0] for r in cur.fetchall()}
    expected = {f"cases_{t}_fts_{op}" for t in ("case", "caseevent") for op in ("insert", "update", "delete")}
    assert triggers == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's setting")
def test_postgresql_parallel_setting_is_put_back_inside_a_transaction(w: Desk1) -> None:
    w.open("License server")
    with connection.cursor() as cur:
        cur.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        assert found("licen") == {"PLM-000001"}
        cur.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        assert cur.fetchone()[0] == "3"
