"""Companies, sites, contacts and contracts in the JSON API, as a CRM keeps them in step with personal tokens.

bob is a PLM Group agent, carol its support manager, dave a Mastercam agent (another desk), alice a PLM Group
requester. Tiers come from the presets (POLICIES section 1: PLM Group's Standard, Premium, Critical), zones are
IANA names or blank (0.25), and a contract only for a company of its own desk (0.27).
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.api.models import AccessToken
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff

pytestmark = pytest.mark.django_db
API = "/api/v1/companies"


@pytest.fixture
def plm() -> Desk:
    d = desk("plm-group")
    Membership.objects.create(desk=d, user=staff("bob"), role=Membership.Role.AGENT)
    Membership.objects.create(desk=d, user=staff("carol"), role=Membership.Role.SUPPORT_MANAGER)
    return d


@pytest.fixture
def mastercam() -> Desk:
    d = desk("mastercam")
    Membership.objects.create(desk=d, user=staff("dave"), role=Membership.Role.AGENT)
    return d


def token(username: str, scope: str = "write") -> dict[str, str]:
    user = User.objects.get(username=username)
    return {"HTTP_AUTHORIZATION": "Bearer " + AccessToken.issue(user, scope=scope)}


def get(path: str, who: str) -> tuple[int, dict]:
    r = Client().get(API + path, **token(who, "read"))
    return r.status_code, r.json()


def send(method: str, path: str, who: str, body: dict, scope: str = "write") -> tuple[int, dict]:
    call = getattr(Client(), method)
    r = call(API + path, data=body, content_type="application/json", **token(who, scope))
    return r.status_code, r.json()


def fields(body: dict) -> set[str]:
    """The fields a 400 names; a body field is named like the API's own validation errors (`body.zone`)."""
    return {e["field"].removeprefix("body.") for e in body.get("errors", [])}


def test_an_agent_creates_a_company_a_site_and_a_contact_and_reads_them_back(plm: Desk) -> None:
    status, company = send("post", "", "bob", {"desk": "plm-group", "name": "Volvo Cars", "country": "SE"})
    assert status == 201, company
    assert (company["desk"], company["name"], company["country"]) == ("plm-group", "Volvo Cars", "SE")
    cid = company["id"]

    status, site = send("post", f"/{cid}/sites", "bob", {"name": "Torslanda", "country": "SE", "zone": ""})
    assert status == 201, site
    assert site["zone"] == ""  # unknown: the calendar's own zone applies (0.25)

    body = {"name": "Erik", "email": "erik@volvo.test", "site": site["id"], "zone": "Europe/Stockholm"}
    status, contact = send("post", f"/{cid}/contacts", "bob", body)
    assert status == 201, contact
    assert (contact["site"], contact["zone"], contact["language"]) == (site["id"], "Europe/Stockholm", "en")

    assert get(f"/{cid}", "bob") == (200, company)
    assert get(f"/{cid}/sites", "bob") == (200, [site])
    assert get(f"/{cid}/contacts/{contact['id']}", "bob") == (200, contact)
    assert get(f"/{cid}/contacts?email=ERIK@volvo.test", "bob") == (200, [contact])
    assert get(f"/{cid}/contacts?email=nobody@volvo.test", "bob") == (200, [])


def test_a_contact_is_updated_in_the_fields_the_api_offers(plm: Desk) -> None:
    alice, _ = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    path = f"/{alice.company_id}/contacts/{alice.pk}"
    change = {"phone": "+46 8 555", "language": "sv", "zone": "", "is_technical_contact": True}
    status, body = send("patch", path, "bob", {**change, "online_licensing": True})
    assert status == 200, body
    alice.refresh_from_db()
    assert (alice.phone, alice.language, alice.zone, alice.is_technical_contact, alice.online_licensing) == (
        "+46 8 555",
        "sv",
        "",
        True,
        True,
    )
    assert alice.email == "alice@se.test"


def test_a_bad_zone_is_a_400_naming_zone_and_nothing_is_saved(plm: Desk) -> None:
    alice, _ = customer(plm, country="SE", zone="Europe/Stockholm")
    cid = alice.company_id
    status, body = send("post", f"/{cid}/sites", "bob", {"name": "Moon", "country": "SE", "zone": "Mars/Olympus"})
    assert status == 400
    assert fields(body) == {"zone"} and "Mars/Olympus" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["body.zone"] and body["detail"].startswith("body.zone: ")
    status, body = send("patch", f"/{cid}/contacts/{alice.pk}", "bob", {"zone": "Europe/Stokholm"})
    assert status == 400 and fields(body) == {"zone"}
    alice.refresh_from_db()
    assert alice.zone == "Europe/Stockholm"
    assert Site.objects.filter(name="Moon").count() == 0


def test_another_desks_objects_answer_404_like_missing_ones(plm: Desk, mastercam: Desk) -> None:
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    cid = alice.company_id
    site = Site.objects.get(company_id=cid)
    own = Company.objects.create(desk=mastercam, name="Haas", country="US")  # dave's desk's company
    missing = max(cid, own.pk, alice.pk, contract.pk, site.pk) + 1000
    for there, nowhere in [
        (f"/{cid}", f"/{missing}"),
        (f"/{cid}/sites", f"/{missing}/sites"),
        (f"/{cid}/contacts", f"/{missing}/contacts"),
        (f"/{cid}/contacts/{alice.pk}", f"/{missing}/contacts/{missing}"),
        (f"/{cid}/contracts/{contract.pk}", f"/{missing}/contracts/{missing}"),
        # Another desk's id under dave's own company: the same as an id that does not exist.
        (f"/{own.pk}/contacts/{alice.pk}", f"/{own.pk}/contacts/{missing}"),
        (f"/{own.pk}/contracts/{contract.pk}", f"/{own.pk}/contracts/{missing}"),
    ]:
        seen, absent = get(there, "dave"), get(nowhere, "dave")
        assert seen[0] == 404 and seen == absent, there
    for path in [f"/{cid}", f"/{cid}/contacts/{alice.pk}", f"/{cid}/contracts/{contract.pk}"]:
        assert get(path, "bob")[0] == 200
    assert send("patch", f"/{cid}/contacts/{alice.pk}", "dave", {"phone": "1"}) == send(
        "patch", f"/{missing}/contacts/{missing}", "dave", {"phone": "1"}
    )
    status, _ = send("patch", f"/{own.pk}/sites/{site.pk}", "dave", {"zone": ""})
    assert status == 404
    status, _ = send("post", f"/{cid}/sites", "dave", {"name": "X", "country": "SE"})
    assert status == 404
    alice.refresh_from_db()
    assert alice.phone == "" and Site.objects.filter(company_id=cid).count() == 1
    status, page = get("", "dave")
    assert status == 200 and [c["id"] for c in page["items"]] == [own.pk]


def test_a_requester_gets_404_for_all_of_it(plm: Desk) -> None:
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    alice.user = User.objects.create_user("alice")
    alice.save()
    cid = alice.company_id
    for path in ["", f"/{cid}", f"/{cid}/contacts/{alice.pk}", f"/{cid}/contracts/{contract.pk}"]:
        assert get(path, "alice")[0] == 404, path
    assert send("patch", f"/{cid}/contacts/{alice.pk}", "alice", {"phone": "1"})[0] == 404


def test_an_agent_reads_contracts_a_manager_creates_and_changes_them(plm: Desk) -> None:
    alice, _ = customer(plm, country="SE", zone="Europe/Stockholm")
    cid = alice.company_id
    body = {
        "tier": "premium",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "currency": "SEK",
        "overdraft_hours": "2.50",
        "products": [{"product": "SOLIDWORKS", "version": "2025"}],
    }
    status, refused = send("post", f"/{cid}/contracts", "bob", body)
    assert status == 403, refused
    assert Contract.objects.filter(tier="premium").count() == 0

    status, made = send("post", f"/{cid}/contracts", "carol", body)
    assert status == 201, made
    assert (made["tier"], made["starts_on"], made["currency"], made["desk"]) == (
        "premium",
        "2026-01-01",
        "SEK",
        "plm-group",
    )
    assert Decimal(made["overdraft_hours"]) == Decimal("2.50")
    assert made["products"] == [{"product": "SOLIDWORKS", "version": "2025"}]

    assert get(f"/{cid}/contracts/{made['id']}", "bob") == (200, made)
    assert get(f"/{cid}/contracts", "bob")[1][0]["id"] in {made["id"], *Contract.objects.values_list("pk", flat=True)}
    assert send("patch", f"/{cid}/contracts/{made['id']}", "bob", {"seats": 4})[0] == 403
    status, changed = send("patch", f"/{cid}/contracts/{made['id']}", "carol", {"seats": 4, "agreement_on": None})
    assert status == 200, changed
    assert changed["seats"] == 4


def test_a_tier_the_desks_policy_does_not_know_is_a_400_naming_tier(plm: Desk) -> None:
    alice, contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="standard")
    cid = alice.company_id
    body = {"tier": "platinum", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    status, refused = send("post", f"/{cid}/contracts", "carol", body)
    assert status == 400
    assert fields(refused) == {"tier"} and "platinum" in refused["detail"]
    assert refused["errors"][0]["field"] == "body.tier"  # as the API names any bad body field
    assert refused["type"] == "about:blank" and refused["status"] == 400
    status, refused = send("patch", f"/{cid}/contracts/{contract.pk}", "carol", {"tier": "gold"})
    assert status == 400 and fields(refused) == {"tier"}
    contract.refresh_from_db()
    assert contract.tier == "standard"
    assert Contract.objects.count() == 1


def test_a_contract_site_of_another_company_and_bad_dates_are_400s(plm: Desk) -> None:
    alice, _ = customer(plm, country="SE", zone="Europe/Stockholm")
    other = Company.objects.create(desk=plm, name="Other", country="NO")
    theirs = Site.objects.create(company=other, name="Oslo", country="NO")
    body = {"starts_on": "2026-12-31", "ends_on": "2026-01-01", "site": theirs.pk}
    status, refused = send("post", f"/{alice.company_id}/contracts", "carol", body)
    assert status == 400 and fields(refused) == {"site", "ends_on"}
    body = {"name": "X", "email": "x@x.test", "site": theirs.pk}
    status, refused = send("post", f"/{alice.company_id}/contacts", "bob", body)
    assert status == 400 and fields(refused) == {"site"}
    assert not Contact.objects.filter(email="x@x.test").exists()


def test_a_company_goes_only_on_the_callers_own_desks(plm: Desk, mastercam: Desk) -> None:
    status, refused = send("post", "", "bob", {"desk": "mastercam", "name": "X", "country": "US"})
    assert status == 400 and fields(refused) == {"desk"}
    status, unknown = send("post", "", "bob", {"desk": "nowhere", "name": "X", "country": "US"})
    assert status == 400 and unknown["detail"].replace("nowhere", "mastercam") == refused["detail"]
    status, made = send("post", "", "bob", {"name": "Saab", "country": "SE"})  # bob's one desk
    assert status == 201 and made["desk"] == "plm-group"
    status, refused = send("patch", f"/{made['id']}", "bob", {"account_manager": "dave"})
    assert status == 400 and fields(refused) == {"account_manager"}
    status, changed = send("patch", f"/{made['id']}", "bob", {"account_manager": "carol", "nda_signed": True})
    assert status == 200 and (changed["account_manager"], changed["nda_signed"]) == ("carol", True)
    assert Company.objects.filter(desk=mastercam).count() == 0


def test_a_read_only_token_cannot_write(plm: Desk) -> None:
    alice, _ = customer(plm, country="SE", zone="Europe/Stockholm")
    status, refused = send("post", "", "bob", {"name": "Saab", "country": "SE"}, scope="read")
    assert status == 403 and "read-only" in refused["detail"]
    assert send("patch", f"/{alice.company_id}/contacts/{alice.pk}", "bob", {"phone": "1"}, scope="read")[0] == 403
    body = {"starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    assert send("post", f"/{alice.company_id}/contracts", "carol", body, scope="read")[0] == 403
    assert not Company.objects.filter(name="Saab").exists()


def test_bad_input_is_a_400_never_a_500(plm: Desk) -> None:
    alice, _ = customer(plm, country="SE", zone="Europe/Stockholm")
    cid = alice.company_id
    status, refused = send("post", "", "bob", {"name": "X", "country": "Sweden"})
    assert status == 400 and [e["field"] for e in refused["errors"]] == ["body.country"]
    assert send("post", f"/{cid}/contacts", "bob", {"name": "X", "email": "not an address"})[0] == 400
    assert send("patch", f"/{cid}", "bob", {"name": None})[0] == 400
    body = {"starts_on": "2026-01-01", "ends_on": "2026-12-31", "targets": {"high": {"response": 8}}}
    status, refused = send("post", f"/{cid}/contracts", "carol", body)
    assert status == 400 and fields(refused) == {"targets"}
    status, refused = get("?cursor=bm9wZQ", "bob")
    assert status == 400 and [e["field"] for e in refused["errors"]] == ["cursor"]
    assert get("?limit=0", "bob")[0] == 400
    assert get("/abc", "bob")[0] in {400, 404}


def test_pagination_returns_every_company_once(plm: Desk) -> None:
    names = ["Åland Metall", "Bolaget", "bolaget", "Bolaget", "Zeta", "Alfa", "Mid", "Mid", "Ω Omega", "Cobalt"]
    made = {Company.objects.create(desk=plm, name=n, country="SE").pk for n in names}
    seen: list[int] = []
    cursor = ""
    pages = 0
    while True:
        status, page = get(f"?limit=3{'&cursor=' + cursor if cursor else ''}", "bob")
        assert status == 200, page
        seen += [c["id"] for c in page["items"]]
        pages += 1
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    assert pages == 4
    status, found = get("?q=bolag&desk=plm-group", "bob")
    assert len(found["items"]) == 3


def test_a_page_of_companies_costs_the_same_queries_for_3_or_30(plm: Desk) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = token("bob", "read")
    carol = User.objects.get(username="carol")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(API + "?limit=50", **headers).status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        Company.objects.create(desk=plm, name=f"Small {n}", country="SE", account_manager=carol)
    queries()  # the token's first use writes its last_used_at
    few = queries()
    for n in range(27):
        Company.objects.create(desk=plm, name=f"More {n}", country="NO", account_manager=carol)
    assert queries() == few


def test_a_nul_character_is_a_400_naming_the_field_on_every_database(plm: Desk) -> None:
    alice, _ = customer(plm, country="SE", zone="Europe/Stockholm")
    cid = alice.company_id
    status, refused = send("post", "", "bob", {"name": "Volvo\x00", "country": "SE"})
    assert status == 400 and fields(refused) == {"name"}
    body = {"starts_on": "2026-01-01", "ends_on": "2026-12-31", "targets": {"high\x00": {"response": "8h"}}}
    assert send("post", f"/{cid}/contracts", "carol", body)[0] == 400
    body = {"starts_on": "2026-01-01", "ends_on": "2026-12-31", "products": [{"product": "SW\x00"}]}
    assert send("post", f"/{cid}/contracts", "carol", body)[0] == 400
    for query, field in [("?q=a%00b", "q"), ("?desk=x%00", "desk"), (f"/{cid}/contacts?email=a%00", "email")]:
        status, refused = get(query, "bob")
        assert status == 400 and fields(refused) == {field}, query
    crafted = base64.urlsafe_b64encode(json.dumps(["a\x00", 1]).encode()).decode()
    assert get(f"?cursor={crafted}", "bob")[0] == 400
    assert Company.objects.count() == 1 and Contract.objects.count() == 1


def test_a_cursor_for_a_long_name_works(plm: Desk) -> None:
    for n in range(3):
        Company.objects.create(desk=plm, name="🛠" * 199 + str(n), country="SE")
    status, page = get("?limit=1", "bob")
    status, page = get(f"?limit=1&cursor={page['next_cursor']}", "bob")
    assert status == 200 and page["items"][0]["name"].endswith("1")
