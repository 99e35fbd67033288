"""Who wrote: a verified contact of the desk (with the contract valid today), one of its staff, or an unknown
sender, filed under the desk's unverified-senders company so the case can still open, flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import connection

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.desks.models import Desk
from casedesk.mail import rows, snapshot
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
    found = _contacts_with_contracts(desk, address, today)
    verified = [(c, contracts) for c, contracts in found if contracts is not None]
    if verified:
        sender.contact, sender.verified = verified[0][0], True
        sender.contract = _pick(sender.contact, verified[0][1] or [])
    elif found:
        sender.contact = found[0][0]
    return sender


def valid_contract(desk: Desk, contact: Contact, today: date) -> Contract | None:
    """The company's contract on this desk valid today, the one for the contact's own site first."""
    contracts = (
        Contract.objects.filter(desk=desk, company=contact.company_id, starts_on__lte=today, ends_on__gte=today)
        .select_related("site")  # the intake reads the contract's site name
        .order_by("-ends_on", "pk")
    )
    return _pick(contact, list(contracts[:20]))


def _pick(contact: Contact, contracts: list[Contract]) -> Contract | None:
    return next(
        (c for c in contracts if c.site_id and c.site_id == contact.site_id), contracts[0] if contracts else None
    )


def _contacts_with_contracts(desk: Desk, address: str, today: date) -> list[tuple[Contact, list[Contract] | None]]:
    """In one statement: the desk's contacts with this address (compared without case, lowest id first, at most
    20), each with its company and site, and the contracts of its company on this desk valid today with their
    sites (latest end first, at most 20); None instead of contracts for a contact filed under an unverified-senders
    company. What `Contact.objects.filter(email__iexact=...).select_related(...)` and `valid_contract` read, in one
    round trip and without building two ORM queries per message."""
    contact, company, site = rows.columns(Contact, "c"), rows.columns(Company, "co"), rows.columns(Site, "s")
    contract, contract_site = rows.columns(Contract, "k"), rows.columns(Site, "ks")
    sql = _SQL.get(connection.vendor)
    if sql is None:
        q = connection.ops.quote_name
        t = {m: q(m._meta.db_table) for m in (Contact, Company, Site, Contract, UnverifiedSenders)}
        selected = ", ".join(x.sql for x in (contact, company, site)) + f", u.{q('id')}, "
        selected += ", ".join(x.sql for x in (contract, contract_site))
        sql = _SQL[connection.vendor] = (
            f"SELECT {selected} FROM {t[Contact]} c"
            f" JOIN {t[Company]} co ON co.{q('id')} = c.{q('company_id')}"
            f" LEFT JOIN {t[Site]} s ON s.{q('id')} = c.{q('site_id')}"
            f" LEFT JOIN {t[UnverifiedSenders]} u ON u.{q('company_id')} = co.{q('id')}"
            f" LEFT JOIN {t[Contract]} k ON u.{q('id')} IS NULL AND k.{q('company_id')} = co.{q('id')}"
            f" AND k.{q('desk_id')} = %s AND k.{q('starts_on')} <= %s AND k.{q('ends_on')} >= %s"
            f" LEFT JOIN {t[Site]} ks ON ks.{q('id')} = k.{q('site_id')}"
            # UPPER = UPPER is what email__iexact is on PostgreSQL; on SQLite both it and LIKE fold ASCII only
            f" WHERE UPPER(c.{q('email')}) = UPPER(%s) AND co.{q('desk_id')} = %s"
            f" ORDER BY c.{q('id')}, k.{q('ends_on')} DESC, k.{q('id')} LIMIT 400"
        )
    day = connection.ops.adapt_datefield_value(today)
    with connection.cursor() as cur:
        cur.execute(sql, [desk.pk, day, day, address, desk.pk])
        found = cur.fetchall()
    result: list[tuple[Contact, list[Contract] | None]] = []
    unverified_at = contact.width + company.width + site.width
    for row in found:
        if not result or result[-1][0].pk != row[contact.pk_index]:
            if len(result) == 20:
                break
            c = contact.build(row, 0)
            assert c is not None
            c.company = company.build(row, contact.width)  # type: ignore[assignment]
            c.site = site.build(row, contact.width + company.width)
            result.append((c, [] if row[unverified_at] is None else None))
        contracts = result[-1][1]
        k = contract.build(row, unverified_at + 1)
        if k is not None and contracts is not None and len(contracts) < 20:
            k.site = contract_site.build(row, unverified_at + 1 + contract.width)
            contracts.append(k)
    return result


_SQL: dict[str, str] = {}


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
