"""Who wrote: a verified contact of the desk (with the contract valid today), one of its staff, or an unknown
sender, filed under the desk's unverified-senders company so the case can still open, flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User

from casedesk.accounts.models import Company, Contact, Contract
from casedesk.desks.models import Desk
from casedesk.mail import snapshot
from casedesk.mail.models import UnverifiedSenders
from casedesk.mail.routing import Route
from casedesk.mail.snapshot import Snapshot


@dataclass
class Sender:
    address: str
    name: str
    contact: Contact | None = None  # also an unverified sender's contact, once one was filed
    verified: bool = False  # a contact of one of the desk's customers
    contract: Contract | None = None  # valid today
    staff: User | None = None  # a member of the desk


def identify(desk: Desk, address: str, name: str, today: date, snap: Snapshot | None = None) -> Sender:
    sender = Sender(address, name)
    snap = snap or snapshot.current()
    # Members are known to the snapshot: the User row is read only when one of them wrote.
    if (staff_id := snap.staff_id(desk, address)) is not None:
        staff = User.objects.filter(email__iexact=address, desk_memberships__desk=desk, is_active=True)
        sender.staff = staff.filter(pk=staff_id).first() or staff.first()
    contacts = list(
        Contact.objects.filter(email__iexact=address, company__desk=desk)
        .select_related("company", "company__unverified_senders", "site")
        .order_by("pk")[:20]
    )
    verified = [c for c in contacts if not hasattr(c.company, "unverified_senders")]
    sender.contact = verified[0] if verified else (contacts[0] if contacts else None)
    sender.verified = bool(verified)
    if sender.verified and sender.contact is not None:
        sender.contract = valid_contract(desk, sender.contact, today)
    return sender


def valid_contract(desk: Desk, contact: Contact, today: date) -> Contract | None:
    """The company's contract on this desk valid today, the one for the contact's own site first."""
    contracts = (
        Contract.objects.filter(desk=desk, company=contact.company_id, starts_on__lte=today, ends_on__gte=today)
        .select_related("site")  # the intake reads the contract's site name
        .order_by("-ends_on", "pk")
    )
    rows = list(contracts[:20])
    return next((c for c in rows if c.site_id and c.site_id == contact.site_id), rows[0] if rows else None)


def file_unknown(route: Route, sender: Sender) -> Contact:
    """The unknown sender's contact under the desk's unverified-senders company for the address's country."""
    country = route.queue.country if route.queue else ""
    holder = UnverifiedSenders.objects.filter(desk=route.desk, country=country).select_related("company").first()
    if holder is None:
        label = f"Unverified e-mail senders ({country})" if country else "Unverified e-mail senders"
        company = Company.objects.create(desk=route.desk, name=label, country=country)
        holder = UnverifiedSenders.objects.create(company=company, desk=route.desk, country=country)
    contact = Contact.objects.filter(company=holder.company, email__iexact=sender.address).first()
    if contact is None:
        name = (sender.name or sender.address)[:200]
        contact = Contact.objects.create(company=holder.company, name=name, email=sender.address)
    sender.contact = contact
    return contact
