"""A desk with demo-like data for the API's contract tests (no tests here): schemathesis and the matrix.

PLM Group (Denmark and Sweden customers): bob its agent, carol its support manager, alice a requester of
Customer DK with two cases (one open and High, one resolved), her colleague erik (a portal user of the same
company, on none of her cases), a Swedish customer's case, a file on alice's case; dave is an agent of
Mastercam (another desk). Every path parameter of the API has a real value here (`path_values`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casedesk.accounts.models import Contact, Contract
from casedesk.api.models import AccessToken
from casedesk.automation.models import Heartbeat
from casedesk.cases import services
from casedesk.cases.models import Attachment, Case
from casedesk.desks.models import Desk, Membership
from tests.cases.factories import customer, desk, staff

CPH = ZoneInfo("Europe/Copenhagen")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PLM_INTAKE = {"phone": "+45 1234", "product_version": "2025", "service_pack": "SP2.0", "english_ok": "yes"}
SUBJECT = "Crash on rebuild of the gearbox assembly"


@dataclass
class ApiWorld:
    desk: Desk
    case: Case  # alice's open case
    resolved: Case  # alice's resolved case
    contract: Contract  # Customer DK's contract
    alice: Contact
    attachment: Attachment
    users: dict[str, User] = field(default_factory=dict)

    @property
    def company_name(self) -> str:
        return self.case.company.name

    def path_values(self) -> dict[str, str | int]:
        """A real value for every path parameter of the API (new ones: add them here)."""
        site = self.alice.site
        assert site is not None
        return {
            "number": self.case.number,
            "contract_id": self.contract.pk,
            "company_id": self.case.company_id,
            "site_id": site.pk,
            "contact_id": self.alice.pk,
            "attachment_id": self.attachment.pk,
        }

    def bearer(self, who: str, scope: str = "write") -> str:
        return "Bearer " + AccessToken.issue(self.users[who], scope=scope)


def portal_user(contact: Contact, username: str) -> User:
    contact.user = User.objects.create_user(username, contact.email)
    contact.save()
    return contact.user


def build() -> ApiWorld:
    plm = desk("plm-group")
    bob, carol, dave = staff("bob"), staff("carol"), staff("dave")
    Membership.objects.create(desk=plm, user=bob, role=Membership.Role.AGENT)
    Membership.objects.create(desk=plm, user=carol, role=Membership.Role.SUPPORT_MANAGER)
    Membership.objects.create(desk=desk("mastercam"), user=dave, role=Membership.Role.AGENT)
    alice, contract = customer(plm, country="DK", zone="Europe/Copenhagen", tier="standard")
    alice.company.name = "Vestas Gearbox ApS"
    alice.company.save()
    erik = Contact.objects.create(
        company=alice.company, site=alice.site, name="Erik", email="erik@dk.test", zone="Europe/Copenhagen"
    )
    sven, sven_contract = customer(plm, country="SE", zone="Europe/Stockholm", tier="premium")
    at = datetime(2026, 11, 30, 9, tzinfo=CPH)
    case = services.open_case(
        plm,
        requester=alice,
        contract=contract,
        subject=SUBJECT,
        description="It crashes on rebuild.",
        priority="high",
        intake=PLM_INTAKE,
        channel=Case.Channel.EMAIL,
        at=at,
    )
    services.agent_reply(
        case, bob, "Please send the log.", files=[SimpleUploadedFile("rebuild.log", b"rebuild failed\n" * 20)]
    )
    resolved = services.open_case(
        plm, requester=alice, contract=contract, subject="Licence moved", priority="medium", intake=PLM_INTAKE, at=at
    )
    services.agent_reply(resolved, bob, "Moved.")
    services.resolve(resolved, "solved", actor=bob)  # PLM Group names no kinds of resolution
    services.open_case(
        plm,
        requester=sven,
        contract=sven_contract,
        subject="Toolpath question",
        intake={**PLM_INTAKE, "phone": "+46 8 1"},
        at=datetime(2026, 11, 30, 10, tzinfo=STOCKHOLM),
    )
    attachment = Attachment.objects.filter(case=case).get()
    now = timezone.now()
    Heartbeat.objects.create(worker="test:1", swept_at=now, finished_at=now)  # a worker runs: /health is 200
    users = {
        "agent": bob,
        "manager": carol,
        "other desk's agent": dave,
        "requester": portal_user(alice, "alice"),
        "colleague": portal_user(erik, "erik"),
    }
    return ApiWorld(plm, case, resolved, contract, alice, attachment, users)
