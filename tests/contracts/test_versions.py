"""Version windows at intake, derived by hand from POLICIES.md.

PLM Group (0.7, section 1 "Scope"): the version current at the agreement date and the two before it, plus
every version released later while the subscription is valid; online services (3DEXPERIENCE): the current
version only. Mastercam (section 2): the current and the immediately previous version, patches included.
Each test writes its own catalogue (release dates chosen here, not the seed's), so the rule is what is tested.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from casedesk.accounts.models import Contract
from casedesk.cases import services
from casedesk.contracts import catalogue, versions
from casedesk.contracts.entitlement import Entitlement, check
from casedesk.contracts.models import ProductVersion
from casedesk.desks.models import Membership
from casedesk.sla import load_preset
from tests.cases.factories import customer, desk, staff

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
PLM_INTAKE = {"phone": "+47 1234", "service_pack": "SP2.0", "english_ok": "yes"}
AGREED = date(2024, 3, 1)  # SOLIDWORKS 2024 is current (released 2023-09-28), 2025 comes out 2024-09-28


@pytest.fixture
def releases() -> None:
    """SOLIDWORKS N on 28 September N-1; 3DEXPERIENCE RNx on 15 August N-1; Mastercam N on 10 June N-1."""
    ProductVersion.objects.all().delete()
    for n in range(2019, 2027):
        ProductVersion.objects.create(product="SOLIDWORKS", version=str(n), released_on=date(n - 1, 9, 28))
    for n in range(2024, 2027):
        ProductVersion.objects.create(
            product="3DEXPERIENCE", version=f"R{n}x", released_on=date(n - 1, 8, 15), online_service=True
        )
    for n in range(2023, 2028):
        ProductVersion.objects.create(product="Mastercam", version=str(n), released_on=date(n - 1, 6, 10))


def plm_contract(agreement_on: date | None = AGREED, starts_on: date = AGREED) -> Contract:
    _, contract = customer(desk("plm-group"), country="NO", zone="Europe/Oslo", tier="standard")
    Contract.objects.filter(pk=contract.pk).update(agreement_on=agreement_on, starts_on=starts_on)
    contract.refresh_from_db()
    return contract


def plm(contract: Contract, version: str, on: date) -> Entitlement:
    intake = {**PLM_INTAKE, "product_version": version}
    return check(load_preset("plm-group").policy, contract.company, contract, intake, on)


def mastercam(version: str, on: date) -> Entitlement:
    _, contract = customer(desk("mastercam"), country="US", zone="America/New_York")
    intake = {"site": "Plant", "product_version": version}
    return check(load_preset("mastercam").policy, contract.company, contract, intake, on)


WINDOW_2022_2026 = (
    "2024 was current at the agreement date 2024-03-01: it and the 2 versions before it, plus the versions "
    "released since while the subscription is valid"
)


@pytest.mark.usefixtures("releases")
@pytest.mark.parametrize("version", ["2022", "2023", "2024", "2025", "2026", "SOLIDWORKS 2025", "2023 SP5.0"])
def test_plm_the_version_at_the_agreement_the_two_before_it_and_later_releases_are_entitled(version: str) -> None:
    # Agreed 2024-03-01 when 2024 was current: 2022, 2023, 2024; 2025 and 2026 were released while valid.
    assert plm(plm_contract(), version, date(2026, 11, 30)).status == "entitled"


@pytest.mark.usefixtures("releases")
def test_plm_a_version_older_than_the_window_is_not_entitled_and_the_reason_names_the_window() -> None:
    outcome = plm(plm_contract(), "2021", date(2026, 11, 30))
    assert outcome == Entitlement(
        "not_entitled", (f"SOLIDWORKS 2021 is outside the supported versions 2022-2026 ({WINDOW_2022_2026})",)
    )


@pytest.mark.usefixtures("releases")
def test_plm_the_window_grows_with_each_release_while_the_subscription_is_valid() -> None:
    contract = plm_contract()
    # 2025-06-01: 2026 is not out yet (2025-09-28), so the newest release is 2025.
    outcome = plm(contract, "2026", date(2025, 6, 1))
    assert outcome.status == "not_entitled"
    assert outcome.reasons == (
        "SOLIDWORKS 2026 is not released until 2025-09-28: the supported versions are 2022-2025",
    )
    assert plm(contract, "2026", date(2025, 9, 28)).status == "entitled"  # the release day itself


@pytest.mark.usefixtures("releases")
def test_plm_without_an_agreement_date_the_window_is_read_at_the_contract_start() -> None:
    # Started 2025-01-01 when 2025 was current: 2023-2026, so 2022 is out.
    contract = plm_contract(agreement_on=None, starts_on=date(2025, 1, 1))
    assert plm(contract, "2023", date(2026, 11, 30)).status == "entitled"
    outcome = plm(contract, "2022", date(2026, 11, 30))
    assert outcome.status == "not_entitled"
    assert outcome.reasons[0].startswith("SOLIDWORKS 2022 is outside the supported versions 2023-2026 (2025 was")


@pytest.mark.usefixtures("releases")
def test_plm_after_the_contract_ended_the_contract_is_the_reason_not_the_version() -> None:
    contract = plm_contract()  # ends 2027-12-31
    for version in ["2024", "2026", "2021"]:
        assert plm(contract, version, date(2028, 1, 10)) == Entitlement(
            "not_entitled", ("the contract ended on 2027-12-31",)
        )


@pytest.mark.usefixtures("releases")
def test_plm_3dexperience_an_online_service_is_supported_in_its_current_release_only() -> None:
    contract = plm_contract()
    on = date(2026, 11, 30)  # R2026x current since 2025-08-15
    assert plm(contract, "R2026x", on).status == "entitled"
    assert plm(contract, "3DEXPERIENCE R2026x", on).status == "entitled"
    old = plm(contract, "R2025x", on)  # within licensed_previous, but an online service: current only
    assert old == Entitlement(
        "not_entitled",
        (
            "3DEXPERIENCE R2025x is outside the supported versions R2026x "
            "(an online service is supported in its current version only)",
        ),
    )
    assert plm(contract, "R2025x", date(2025, 8, 14)).status == "entitled"  # the day before R2026x came out


@pytest.mark.usefixtures("releases")
@pytest.mark.parametrize(
    ("version", "status"),
    [
        ("2026", "entitled"),
        ("2025", "entitled"),
        ("2025 Update 1", "entitled"),
        ("2025.0.1", "entitled"),
        ("2024", "not_entitled"),
        ("2024.0.3", "not_entitled"),
        ("2027", "not_entitled"),  # in the catalogue, released 2026-06-10: not yet
    ],
)
def test_mastercam_the_current_and_the_immediately_previous_version_patches_included(version: str, status: str) -> None:
    assert mastercam(version, date(2026, 3, 2)).status == status  # 2026 current since 2025-06-10


@pytest.mark.usefixtures("releases")
def test_mastercam_the_reason_names_the_version_and_the_window() -> None:
    assert mastercam("2024 Update 2", date(2026, 3, 2)).reasons == (
        "Mastercam 2024 is outside the supported versions 2025-2026 (the current version and the one before it)",
    )


@pytest.mark.usefixtures("releases")
def test_mastercam_a_new_release_moves_the_window() -> None:
    on = date(2026, 6, 10)  # Mastercam 2027 released: current 2027, previous 2026
    assert mastercam("2027", on).status == "entitled"
    assert mastercam("2026", on).status == "entitled"
    assert mastercam("2025", on).status == "not_entitled"


@pytest.mark.usefixtures("releases")
@pytest.mark.parametrize(
    ("version", "reason"),
    [
        ("", "no product version given: ask which version the customer runs"),
        ("2030", "version 2030 is not in the version catalogue (3DEXPERIENCE, SOLIDWORKS): check it"),
        ("2025x", "version 2025x is not in the version catalogue (3DEXPERIENCE, SOLIDWORKS): check it"),
        (
            "Mastercam 2026",
            "version Mastercam 2026 is not in the version catalogue (3DEXPERIENCE, SOLIDWORKS): check it",
        ),
    ],
)
def test_plm_a_missing_or_unknown_version_needs_review(version: str, reason: str) -> None:
    assert plm(plm_contract(), version, date(2026, 11, 30)) == Entitlement("needs_review", (reason,))


@pytest.mark.usefixtures("releases")
def test_a_version_reason_comes_with_the_other_reasons() -> None:
    _, contract = customer(desk("mastercam"), country="US", zone="America/New_York")
    intake = {"site": "Detroit", "product_version": "2024"}
    outcome = check(load_preset("mastercam").policy, contract.company, contract, intake, date(2026, 3, 2))
    assert outcome.status == "not_entitled"
    assert len(outcome.reasons) == 2 and outcome.reasons[1].startswith("Mastercam 2024 is outside")


def test_an_empty_catalogue_leaves_the_version_unjudged() -> None:
    ProductVersion.objects.all().delete()
    assert plm(plm_contract(), "2010", date(2026, 11, 30)).status == "entitled"
    assert mastercam("1999", date(2026, 11, 30)).status == "entitled"


@pytest.mark.usefixtures("releases")
@pytest.mark.parametrize("slug", ["dytron", "solidxperts", "ptc"])
def test_presets_without_a_version_window_have_no_version_check(slug: str) -> None:
    _, contract = customer(desk(slug), country="FR", zone="Europe/Paris")
    intake = {"product_version": "2001", "product": "SOLIDWORKS"}
    assert versions.judge(load_preset(slug).policy, contract, intake, date(2026, 11, 30)) is None


@pytest.mark.usefixtures("releases")
def test_the_version_names_its_product_among_the_desks_products() -> None:
    cat = versions.load()
    plm_products = versions.DESK_PRODUCTS["plm-group"]
    assert [(r.product, r.version) for r in versions.find("R2025x", cat, plm_products)] == [("3DEXPERIENCE", "R2025x")]
    assert [(r.product, r.version) for r in versions.find("2025", cat, plm_products)] == [("SOLIDWORKS", "2025")]
    assert [(r.product, r.version) for r in versions.find("2025", cat, ["Mastercam"])] == [("Mastercam", "2025")]
    assert versions.find("20250", cat, plm_products) == []


@pytest.mark.parametrize(
    ("text", "version", "named"),
    [
        ("2025", "2025", True),
        ("2025 Update 1", "2025", True),
        ("2025.0.1", "2025", True),
        ("2025 SP2.0", "2025", True),
        ("2025SP2", "2025", True),
        ("r2025x", "R2025x", True),
        ("R2025x FD03", "R2025x", True),
        ("11.0 M020", "11.0", True),
        ("2025x", "2025", False),
        ("20251", "2025", False),
        ("2024", "2025", False),
        ("", "2025", False),
    ],
)
def test_leading_matches_a_version_and_its_patches(text: str, version: str, named: bool) -> None:
    assert versions.leading(text, version) is named


@pytest.mark.usefixtures("releases")
def test_an_opened_case_records_the_version_verdict_and_the_agent_sees_it() -> None:
    d = desk("plm-group")
    alice, contract = customer(d, country="NO", zone="Europe/Oslo", tier="standard")
    Contract.objects.filter(pk=contract.pk).update(agreement_on=AGREED)
    contract.refresh_from_db()
    at = datetime(2026, 11, 30, 10, 0, tzinfo=OSLO)
    case = services.open_case(
        d, requester=alice, contract=contract, subject="Rebuild error", priority="medium",
        intake={**PLM_INTAKE, "product_version": "2021"}, at=at,
    )  # fmt: skip
    assert case.events.get(kind="entitlement").data == {
        "status": "not_entitled",
        "reasons": [f"SOLIDWORKS 2021 is outside the supported versions 2022-2026 ({WINDOW_2022_2026})"],
    }
    bob = staff("bob")
    Membership.objects.create(desk=d, user=bob, role=Membership.Role.AGENT)
    client = Client()
    client.force_login(bob)
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert 'id="entitlement"' in page and "SOLIDWORKS 2021 is outside the supported versions 2022-2026" in page


def test_the_seed_loads_every_product_and_is_idempotent_keeping_the_desks_corrections() -> None:
    ProductVersion.objects.all().delete()
    added = catalogue.seed()
    assert added == len(catalogue.RELEASES) == ProductVersion.objects.count()
    products = set(ProductVersion.objects.values_list("product", flat=True))
    assert products == {"SOLIDWORKS", "3DEXPERIENCE", "Mastercam", "Creo", "Windchill"}
    assert set(ProductVersion.objects.filter(online_service=True).values_list("product", flat=True)) == {"3DEXPERIENCE"}
    for product, first, last in [
        ("SOLIDWORKS", "2019", "2026"),
        ("3DEXPERIENCE", "R2023x", "R2026x"),
        ("Mastercam", "2022", "2027"),
        ("Creo", "8.0", "12.0"),
        ("Windchill", "12.0", "13.1"),
    ]:
        rows = list(ProductVersion.objects.filter(product=product).order_by("released_on"))
        assert (rows[0].version, rows[-1].version) == (first, last)
    corrected = ProductVersion.objects.get(product="SOLIDWORKS", version="2026")
    corrected.released_on = date(2025, 10, 14)
    corrected.save()
    assert catalogue.seed() == 0
    assert ProductVersion.objects.get(pk=corrected.pk).released_on == date(2025, 10, 14)
    assert ProductVersion.objects.count() == len(catalogue.RELEASES)


def test_preset_load_seeds_the_catalogue() -> None:
    ProductVersion.objects.all().delete()
    call_command("preset", "load", "mastercam", stdout=io.StringIO())
    assert ProductVersion.objects.filter(product="Mastercam").count() == 6
