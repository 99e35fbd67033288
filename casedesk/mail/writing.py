"""The case writes a message leads to, all through casedesk.cases.services (channel "email")."""

from __future__ import annotations

import re
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction

from casedesk.cases import attachments, services
from casedesk.cases.models import Case, CaseEvent
from casedesk.desks.models import Desk
from casedesk.mail import snapshot
from casedesk.mail.escalation import requested_level
from casedesk.mail.parsing import File, Parsed
from casedesk.mail.quotes import fold
from casedesk.mail.routing import Route
from casedesk.mail.senders import Sender, file_unknown
from casedesk.mail.snapshot import Snapshot
from casedesk.sla.policy_schema import Policy

MAX_FILES = 50  # files kept per message; the rest are named in a notice
MAX_CC = 20
UNVERIFIED_NEEDS = [
    "Your company name and your support contract or service number (we could not find your address)",
]
NO_CONTRACT_NEEDS = ["A support contract valid today (we found none for your company)"]


class Quarantined(Exception):
    """The message cannot become a case or a comment; the reason is shown to the agent who releases it."""


def uploads(files: list[File], notices: list[str]) -> list[UploadedFile]:
    """The files a case can keep; each one refused (size, type, empty, too many) is named in a notice."""
    kept: list[UploadedFile] = []
    for f in files:
        name = fit_name(attachments.clean_name(f.name))
        if len(kept) >= MAX_FILES:
            notices.append(f"{name}: not attached, only {MAX_FILES} files are kept per message")
            continue
        if not f.data:
            notices.append(f"{name}: an empty file, not attached")
            continue
        upload = SimpleUploadedFile(name, f.data, f.content_type[:100])
        try:
            attachments.check([upload])
        except attachments.AttachmentError as exc:
            notices.append(f"{exc}: not attached (the original message is kept)")
            continue
        kept.append(upload)
    return kept


def fit_name(name: str, limit: int = 150) -> str:
    """A file name whose UTF-8 form the file system takes (255 bytes, with the store's hash prefix)."""
    stem, dot, ext = name.rpartition(".") if "." in name[1:] else (name, "", "")
    while len(name.encode()) > limit and stem:
        stem = stem[:-1]
        name = f"{stem}{dot}{ext}"
    return name if len(name.encode()) <= limit else name.encode()[:limit].decode("utf-8", "ignore")


def body_of(parsed: Parsed, notices: list[str]) -> str:
    """The text shown on the case: the new part only (quotes and signature folded away), with the notices."""
    text = fold(parsed.text)[:200_000] or "(no text)"
    if notices:
        text += "\n\n" + "\n".join(f"[casedesk] {n}" for n in notices)
    return text


def new_case(
    route: Route,
    policy: Policy,
    sender: Sender,
    parsed: Parsed,
    at: datetime,
    notices: list[str],
    *,
    priority: str = "",
    snap: Snapshot | None = None,
) -> tuple[Case, CaseEvent]:
    """A new case; `priority` is one an agent gave when releasing the message from quarantine. `snap`: the
    set-up as read for this message (the policy version in force, the installation's own addresses)."""
    snap = snap or snapshot.current()
    files = uploads(parsed.files, notices)
    priority = priority or (priority_from(policy, parsed) if policy.priority_required else "")
    if policy.priority_required and not priority:
        keys = ", ".join(p.key for p in policy.priorities)
        raise Quarantined(f"{route.desk.name} logs every case with a severity and the message names none ({keys})")
    # An unverified sender is still unknown (POLICIES 0.5): the address routes them, so they are filed under
    # the unverified senders of the address's country, whichever country they wrote to before.
    requester = sender.contact if sender.verified and sender.contact is not None else file_unknown(route, sender)
    with services.recording() as written:
        case = services.open_case(
            route.desk,
            requester=requester,
            subject=(" ".join(parsed.subject.split()) or "(no subject)")[:300],
            description=body_of(parsed, notices),
            channel=Case.Channel.EMAIL,
            priority=priority,
            contract=sender.contract,
            intake=intake_from(policy, parsed.text, sender),
            info_complete=sender.verified,
            at=at,
            files=files,
            version=snap.version_in_force(route.desk, at),
        )
    opened = written[0]
    needs = UNVERIFIED_NEEDS if not sender.verified else (NO_CONTRACT_NEEDS if sender.contract is None else [])
    if needs:
        services.request_info(case, list(needs), at=at)
    if sender.verified:
        _copy_cc(route.desk, case, [a for a in parsed.cc if not snap.receives_at(a)], sender, at)
    return case, opened


def comment(
    case: Case, policy: Policy, sender: Sender, parsed: Parsed, at: datetime, notices: list[str]
) -> tuple[CaseEvent, str]:
    """A reply on the case (an agent's when a desk member wrote); returns the event and any escalation note."""
    files = uploads(parsed.files, notices)
    body = body_of(parsed, notices)
    at = max(at, case.opened_at)
    with services.recording() as written:
        if sender.staff is not None and sender.contact is None:
            services.agent_reply(case, sender.staff, body, at=at, files=files)
            return written[-1], ""
        services.customer_reply(case, body, at=at, files=files)
    return written[-1], _escalate(case, policy, parsed.subject, sender, at)


def _escalate(case: Case, policy: Policy, subject: str, sender: Sender, at: datetime) -> str:
    level = requested_level(policy, case, subject)
    if level is None:
        return ""
    try:
        with transaction.atomic():
            services.escalate(case, level, f"requested by e-mail from {sender.address}", at=at)
    except services.CaseError as exc:
        return f"escalation not started: {exc}"
    return ""


def bounce(case: Case, recipients: list[str], status: str, diagnostic: str, at: datetime) -> CaseEvent:
    at = max(at, case.opened_at)
    with services.recording() as written:
        services.delivery_failed(case, ", ".join(recipients)[:500], status=status, diagnostic=diagnostic, at=at)
    return written[-1]


def _copy_cc(desk: Desk, case: Case, addresses: list[str], sender: Sender, at: datetime) -> None:
    """Colleagues the requester copied become the case's CC (they get its e-mails, POLICIES 0.6). The caller
    leaves out the installation's own addresses (the To of most messages): copying one would loop."""
    from casedesk.accounts.models import Contact

    wanted = {a for a in addresses if a != sender.address}
    if not wanted:
        return
    contacts = Contact.objects.filter(company=case.company_id, email__in=sorted(wanted)[:MAX_CC])
    # The case was opened just now, in this transaction: none of them follows it yet (each contact is one row).
    for contact in contacts.select_related("company"):
        if contact.pk != case.requester_id:
            services.add_cc(case, contact, at=at)


_FIELD_LINE = re.compile(r"^\s*([A-Za-z][\w ()/.-]{1,60}?)\s*[:=]\s*(.{1,200}?)\s*$", re.MULTILINE)


def intake_from(policy: Policy, text: str, sender: Sender) -> dict[str, str]:
    """The intake fields the message states ("Service pack: SP5.1") or the desk already knows about the sender."""
    lines = {" ".join(k.lower().replace("_", " ").split()): v for k, v in _FIELD_LINE.findall(text[:20_000])}
    found: dict[str, str] = {}
    for f in policy.intake:
        names = {f.key.replace("_", " "), f.label.lower(), f.label.lower().split(" (")[0]}
        value = next((lines[n] for n in names if n in lines), "")
        if value:
            found[f.key] = value
    contact, contract = sender.contact if sender.verified else None, sender.contract
    known = {
        "phone": contact.phone if contact else "",
        "site": (contract.site.name if contract and contract.site else "")
        or (contact.site.name if contact and contact.site else ""),
        "scn": contract.service_number if contract else "",
        "english_ok": "yes" if contract and contract.english_ok else "",
    }
    for key, value in known.items():
        if value and key not in found and any(f.key == key for f in policy.intake):
            found[key] = value
    return found


def priority_from(policy: Policy, parsed: Parsed) -> str:
    """A priority the message names: a "Severity: S1" / "Priority: P1" line, or the key alone in the subject."""
    keys = {p.key.lower(): p.key for p in policy.priorities}
    line = re.search(r"^\s*(?:severity|priority|gravité|niveau de gravité)\s*[:=]\s*(\S+)", parsed.text, re.I | re.M)
    if line and line.group(1).lower() in keys:
        return keys[line.group(1).lower()]
    for word in re.findall(r"[\w-]+", parsed.subject):
        if word.lower() in keys and len(word) <= 3:
            return keys[word.lower()]
    return ""
