"""The console's what-if pages: who may open them, the draft form's errors, the run through the real worker,
progress, the result, the CSV, and one case's what-if (tests/whatif/world.py has the hand-worked cases)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from casedesk.accounts.models import Contact
from casedesk.cases import services
from casedesk.desks.models import Membership
from casedesk.reports.periods import month
from casedesk.whatif import runs
from casedesk.whatif.models import WhatIfFlip, WhatIfRun
from tests.cases.factories import customer, desk, staff

from .world import INTAKE, World, oslo, plm_world, without_latvia

pytestmark = pytest.mark.django_db

NOV = month(2025, 11, "Europe/Oslo")


@pytest.fixture
def world() -> World:
    return plm_world()


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def done_run(w: World) -> WhatIfRun:
    run = runs.create(w.desk, w.carol, name="tighter critical", source=w.draft_2h(), period=NOV, queue=False)
    runs.execute(run.pk)
    run.refresh_from_db()
    return run


def other_desk_manager() -> User:
    mc = desk("mastercam")
    eve = staff("eve")
    Membership.objects.create(desk=mc, user=eve, role=Membership.Role.SUPPORT_MANAGER)
    return eve


def test_only_the_desks_managers_and_superusers_open_the_desk_pages(world: World) -> None:
    run = done_run(world)
    pages = ["/console/whatif/plm-group/", f"/console/whatif/run/{run.pk}/", f"/console/whatif/run/{run.pk}/flips.csv"]
    pages.append(f"/console/whatif/run/{run.pk}/progress/")
    root = staff("root")
    root.is_superuser = True
    root.save()
    for page in pages:
        assert client_for(world.carol).get(page).status_code == 200, page
        assert client_for(root).get(page).status_code == 200, page
        assert client_for(world.bob).get(page).status_code == 404, page  # an agent of the desk
        assert client_for(other_desk_manager_once()).get(page).status_code == 404, page
    assert Client().get(pages[0]).status_code == 302  # to the login page


_EVE: list[User] = []


def other_desk_manager_once() -> User:
    if not _EVE:
        _EVE.append(other_desk_manager())
    return _EVE[0]


@pytest.fixture(autouse=True)
def _forget_eve() -> None:
    _EVE.clear()


def test_the_form_starts_from_the_policy_in_force(world: World) -> None:
    page = client_for(world.carol).get("/console/whatif/plm-group/").content.decode()
    assert "critical = { response = &quot;4h&quot; }" in page
    assert 'name="period"' in page and 'type="file"' in page


def test_invalid_toml_names_its_line_and_keeps_the_text(world: World) -> None:
    lines = world.draft_2h().splitlines()
    lines[2] = "# my edit\nslug = plm-group"  # line 3 is the comment, line 4 a value without quotes
    text = "\n".join(lines)
    r = client_for(world.carol).post("/console/whatif/plm-group/", {"name": "x", "period": "2025-11", "source": text})
    assert r.status_code == 400
    page = r.content.decode()
    assert "line 4" in page
    assert "# my edit" in page and "slug = plm-group" in page  # what the manager typed is still there
    assert not WhatIfRun.objects.exists()


def test_an_unknown_priority_in_the_targets_names_its_line(world: World) -> None:
    text = world.source.replace('critical = { response = "4h" }', 'urgent = { response = "4h" }', 1)
    line = text.splitlines().index('urgent = { response = "4h" }') + 1
    r = client_for(world.carol).post("/console/whatif/plm-group/", {"name": "x", "period": "2025-11", "source": text})
    assert r.status_code == 400 and f"line {line}" in r.content.decode()


def test_a_bad_period_is_refused_and_the_draft_kept(world: World) -> None:
    r = client_for(world.carol).post(
        "/console/whatif/plm-group/", {"name": "x", "period": "November", "source": world.draft_2h()}
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "is not a period" in page and "critical = { response = &quot;2h&quot; }" in page


def test_a_draft_without_a_calendar_the_periods_cases_run_on_is_refused(world: World) -> None:
    lv, contract = customer(world.desk, country="LV", zone="Europe/Riga", tier="standard")
    for day in (3, 4):
        services.open_case(world.desk, requester=lv, contract=contract, subject="Riga", priority="high",
                           intake=INTAKE, at=oslo(11, day, 10))  # fmt: skip
    text = without_latvia(world.source)
    r = client_for(world.carol).post("/console/whatif/plm-group/", {"name": "x", "period": "2025-11", "source": text})
    assert r.status_code == 400
    page = r.content.decode()
    assert "LV (2 cases)" in page and "key = &quot;NO&quot;" in page
    assert not WhatIfRun.objects.exists()
    # The same draft over October, when no case ran on Latvia's calendar, is accepted.
    r = client_for(world.carol).post("/console/whatif/plm-group/", {"name": "x", "period": "2025-10", "source": text})
    assert r.status_code == 302


def test_an_uploaded_file_is_the_draft(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("draft.toml", world.draft_2h().encode(), content_type="application/toml")
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(world.carol).post(
            "/console/whatif/plm-group/", {"name": "up", "period": "2025-11", "source": "", "upload": upload}
        )
    run = WhatIfRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/console/whatif/run/{run.pk}/"
    assert run.source == world.draft_2h() and run.status == "queued" and run.created_by == world.carol
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get(task_path="casedesk.whatif.tasks.replay_run")
    assert task.args_kwargs["args"] == [run.pk] and task.queue_name == "whatif"


def test_a_run_shows_its_progress_then_its_result(world: World) -> None:
    run = runs.create(world.desk, world.carol, name="tight", source=world.draft_2h(), period=NOV, queue=False)
    carol = client_for(world.carol)
    page = carol.get(f"/console/whatif/run/{run.pk}/").content.decode()
    assert "Waiting for the worker" in page and "whatif/progress.js" in page
    WhatIfRun.objects.filter(pk=run.pk).update(status="running", done=2, total=5)
    assert "2 of 5 cases" in carol.get(f"/console/whatif/run/{run.pk}/progress/").content.decode()
    WhatIfRun.objects.filter(pk=run.pk).update(status="queued", done=0, total=0)
    runs.execute(run.pk)
    page = carol.get(f"/console/whatif/run/{run.pk}/").content.decode()
    assert "Done: 5 cases replayed." in page and "progress.js" not in page
    assert "<svg" in page and 'data-metric="response" data-priority="critical"' in page
    for name in ("A", "C"):
        assert f'href="/console/cases/{world.cases[name].number}/"' in page
        # The flip names the metric as the policy does (PLM Group's "Initial response"), not by its key.
        row = page.split(f'href="/console/cases/{world.cases[name].number}/"', 1)[1].split("</tr>", 1)[0]
        assert "<td>Initial response</td>" in row
    assert world.cases["D"].number not in page  # missed either way: not a flip
    assert "75%" in page and "25%" in page and "-50 pt" in page


def test_a_failed_run_shows_its_error(world: World) -> None:
    run = runs.create(world.desk, world.carol, name="bad", source="slug = ", period=NOV, queue=False)
    runs.execute(run.pk)
    page = client_for(world.carol).get(f"/console/whatif/run/{run.pk}/").content.decode()
    assert "The run failed:" in page and 'id="run-error"' in page


def test_the_flips_export_as_csv(world: World) -> None:
    run = done_run(world)
    r = client_for(world.carol).get(f"/console/whatif/run/{run.pk}/flips.csv")
    assert r.streaming and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0] == ["case", "metric", "priority", "recorded", "draft", "recorded_due", "draft_due"]
    c = world.cases["C"].number
    assert sorted(rows[1:]) == sorted(
        [
            [world.cases["A"].number, "response", "critical", "met", "missed",
             "2025-11-03T12:00:00+00:00", "2025-11-03T10:00:00+00:00"],
            [c, "response", "critical", "met", "missed", "2025-11-05T10:00:00+00:00", "2025-11-05T08:00:00+00:00"],
        ]
    )  # fmt: skip


def test_the_flips_list_is_paginated(world: World) -> None:
    run = done_run(world)
    flip = WhatIfFlip.objects.filter(run=run).first()
    assert flip is not None
    WhatIfFlip.objects.bulk_create(
        [WhatIfFlip(run=run, case=flip.case, metric=f"m{i}", recorded="met", draft="missed") for i in range(60)]
    )
    carol = client_for(world.carol)
    first = carol.get(f"/console/whatif/run/{run.pk}/").content.decode()
    second = carol.get(f"/console/whatif/run/{run.pk}/?page=2").content.decode()
    assert "page 1 of 2" in first and ">m55<" not in first and ">m55<" in second


@pytest.mark.django_db(transaction=True)  # db_worker closes the connection of a test inside a transaction
def test_the_page_queues_the_run_and_the_worker_replays_it() -> None:
    w = plm_world()
    r = client_for(w.carol).post(
        "/console/whatif/plm-group/", {"name": "2h", "period": "2025-11", "source": w.draft_2h()}
    )
    run = WhatIfRun.objects.get()
    assert r.status_code == 302 and run.status == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "whatif")
    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.summary["flips"]) == ("done", 5, 5, 2)
    assert {f.case_id for f in WhatIfFlip.objects.all()} == {w.cases["A"].pk, w.cases["C"].pk}


# -- one case ----------------------------------------------------------------------------------------


def _whatif(client: Client, number: str, **params: str) -> str:
    r = client.get(f"/console/whatif/case/{number}/", params)
    assert r.status_code == 200
    return r.content.decode()


def _cells(page: str, side: str, metric: str = "response") -> str:
    start = page.index(f'<tr class="{side}')
    start = page.index(f'data-metric="{metric}"', start)
    return page[start : page.index("</tr>", start)]


def test_a_case_opened_on_the_friday_evening_before_whit_monday(world: World) -> None:
    """A opened Mon 3 Nov 09:00, answered after 3h. Shifted to Fri 6 June 2025 18:00 Oslo (Whit Monday, 9 June,
    is a Norwegian holiday): the answer comes at 21:00, before any business time; the clock starts Tue 10 June
    08:00 and 4 business hours fall due at 12:00."""
    bob = client_for(world.bob)  # an agent of the desk may use it
    bob.cookies["casedesk_tz"] = "Europe/Oslo"  # the viewer's zone: what is typed and shown
    number = world.cases["A"].number
    page = _whatif(bob, number, opened_at="2025-06-06T18:00", calendar="NO", zone="")
    whatif = _cells(page, "whatif")
    assert "2025-06-10 12:00" in whatif and ">met<" in whatif and ">0m<" in whatif
    happened = _cells(page, "happened")
    assert "2025-11-03 13:00" in happened and ">met<" in happened and ">3h<" in happened


def test_the_viewers_zone_reads_the_instant_and_another_country_calendar(world: World) -> None:
    """Case D (Tue 4 Nov 09:00 Oslo, answered 14:00, 5h: missed) on Denmark's calendar (Mon-Thu 08-12 and 13-16
    Copenhagen, the same offset as Oslo): 09-12 and 13-14 give 4h at 14:00, the answer at 14:00 is not late: met.
    The viewer works in UTC, so 08:00 typed is 09:00 in Oslo."""
    page = _whatif(client_for(world.bob), world.cases["D"].number, opened_at="2025-11-04T08:00", calendar="DK")
    whatif = _cells(page, "whatif")
    assert "2025-11-04 13:00" in whatif and ">DK<" in whatif and ">met<" in whatif and ">4h<" in whatif
    assert ">missed<" in _cells(page, "happened")


def test_the_case_what_if_follows_the_case_access_rule(world: World) -> None:
    number = world.cases["A"].number
    assert client_for(world.carol).get(f"/console/whatif/case/{number}/").status_code == 200
    stranger = other_desk_manager_once()
    assert client_for(stranger).get(f"/console/whatif/case/{number}/").status_code == 404
    assert client_for(world.bob).get("/console/whatif/case/PLM-999999/").status_code == 404
    alice_user = staff("alice-user")
    Contact.objects.filter(pk=world.cases["A"].requester_id).update(user=alice_user)
    assert client_for(alice_user).get(f"/console/whatif/case/{number}/").status_code in {403, 404}


def test_the_case_what_if_shows_an_unknown_zone_as_an_error(world: World) -> None:
    page = _whatif(client_for(world.bob), world.cases["A"].number, opened_at="2025-11-03T08:00", calendar="NO",
                   zone="Mars/Olympus")  # fmt: skip
    assert "is not a time zone" in page and 'id="whatif"' not in page


def test_the_case_page_links_to_its_what_if(world: World) -> None:
    number = world.cases["A"].number
    page = client_for(world.bob).get(f"/console/cases/{number}/").content.decode()
    assert f'href="/console/whatif/case/{number}/"' in page
