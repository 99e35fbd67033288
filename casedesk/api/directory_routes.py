"""`/api/v1/companies/...`: the desk's customers, their sites, contacts and contracts, for the CRM and the ERP.

For staff only: agents and support managers see and edit the companies of their own desks (a superuser every
desk's); contracts are created and changed by the desk's support managers, agents read them. A company, site,
contact or contract of another desk answers 404 exactly like one that does not exist, and a requester (a
contact) or a user on no desk gets 404 for all of it. Nothing is deleted here: cases refer to these rows.

Every save goes through the models' own checks (zones, POLICIES 0.25; tiers and targets, 0.22; desk
boundaries, 0.27): a refusal is a 400 problem whose `errors` name each field.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from casedesk.accounts.models import Company, Contact, Contract, Site
from casedesk.api.auth import AUTH, caller, writer
from casedesk.api.problems import READ, WRITE
from casedesk.cases import access
from casedesk.console.gate import is_manager
from casedesk.desks.models import Desk, Membership

router = Router(auth=AUTH, tags=["directory"])

COUNTRY = r"^[A-Z]{2}$"
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
CURRENCY = r"^[A-Z]{3}$"


# --- Schemas -------------------------------------------------------------------------------------------------


def has_nul(value: Any) -> bool:
    """A NUL character anywhere in a value (text, or a JSON document's keys and values): PostgreSQL stores none."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class In(Schema):
    """A request body: no field may hold a NUL character (a 400 naming it, never a database error)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError("may not contain NUL characters")
        return value


class CompanyOut(Schema):
    id: int
    desk: str
    name: str
    country: str
    nda_signed: bool
    account_manager: str | None  # username


class CompanyPage(Schema):
    items: list[CompanyOut]
    next_cursor: str | None  # pass it as `cursor` for the next page; null on the last one


class CompanyIn(In):
    desk: str | None = Field(None, description="desk slug; may be left out by a member of exactly one desk")
    name: str = Field(..., min_length=1, max_length=200)
    country: str = Field(..., pattern=COUNTRY, description="ISO 3166 code, e.g. SE")
    nda_signed: bool = False
    account_manager: str | None = Field(None, description="username of a member of the desk")


class CompanyPatch(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    country: str | None = Field(None, pattern=COUNTRY)
    nda_signed: bool | None = None
    account_manager: str | None = None  # null or "" clears it


class SiteOut(Schema):
    id: int
    company: int
    name: str
    country: str
    zone: str  # IANA zone; "" = unknown: the calendar's own zone applies (POLICIES 0.25)


class SiteIn(In):
    name: str = Field(..., min_length=1, max_length=200)
    country: str = Field(..., pattern=COUNTRY)
    zone: str = Field("", max_length=64, description="IANA zone like Europe/Oslo; blank = unknown")


class SitePatch(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    country: str | None = Field(None, pattern=COUNTRY)
    zone: str | None = Field(None, max_length=64)


class ContactOut(Schema):
    id: int
    company: int
    site: int | None
    name: str
    email: str
    phone: str
    language: str
    zone: str
    is_technical_contact: bool
    online_licensing: bool
    sla_statements: bool


class ContactIn(In):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., max_length=254)
    site: int | None = None
    phone: str = Field("", max_length=50)
    language: str = Field("en", pattern=LANGUAGE, max_length=10)
    zone: str = Field("", max_length=64)
    is_technical_contact: bool = False
    online_licensing: bool = False
    sla_statements: bool = False


class ContactPatch(In):
    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=50)
    language: str | None = Field(None, pattern=LANGUAGE, max_length=10)
    zone: str | None = Field(None, max_length=64)
    is_technical_contact: bool | None = None
    online_licensing: bool | None = None
    sla_statements: bool | None = None


class ProductLine(In):
    product: str = Field(..., max_length=100)
    version: str = Field("", max_length=50)


class ContractOut(Schema):
    id: int
    desk: str
    company: int
    site: int | None
    tier: str
    starts_on: date
    ends_on: date
    agreement_on: date | None
    seats: int
    rental: bool
    service_number: str
    nda: bool
    bought_here: bool
    english_ok: bool
    products: list[dict[str, Any]]
    currency: str
    overdraft_hours: Decimal
    overdraft_credit: Decimal
    targets: dict[str, Any]  # {"urgent": {"response": "2h"}}: the contract's own targets over the policy's


class ContractIn(In):
    starts_on: date
    ends_on: date
    tier: str = Field("", max_length=50, description="a tier or level of the desk's policy")
    site: int | None = None
    agreement_on: date | None = None
    seats: int = Field(1, ge=0, le=1_000_000)
    rental: bool = False
    service_number: str = Field("", max_length=50)
    nda: bool = False
    bought_here: bool = True
    english_ok: bool = False
    products: list[ProductLine] = Field(default_factory=list)
    currency: str = Field("EUR", pattern=CURRENCY)
    overdraft_hours: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)
    overdraft_credit: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    targets: dict[str, Any] = Field(default_factory=dict)


class ContractPatch(In):
    starts_on: date | None = None
    ends_on: date | None = None
    tier: str | None = Field(None, max_length=50)
    site: int | None = None
    agreement_on: date | None = None
    seats: int | None = Field(None, ge=0, le=1_000_000)
    rental: bool | None = None
    service_number: str | None = Field(None, max_length=50)
    nda: bool | None = None
    bought_here: bool | None = None
    english_ok: bool | None = None
    products: list[ProductLine] | None = None
    currency: str | None = Field(None, pattern=CURRENCY)
    overdraft_hours: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    overdraft_credit: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    targets: dict[str, Any] | None = None


# --- Who may see what ----------------------------------------------------------------------------------------


def _desk_ids(request: HttpRequest) -> set[int] | None:
    """The caller's desks (None: every desk, a superuser); a requester or a user on no desk gets 404."""
    user = caller(request)
    desks = access.staff_desk_ids(user)
    if access.contact_of(user) is not None or (desks is not None and not desks):
        raise HttpError(404, "Not found.")
    return desks


def _on_desks(qs: QuerySet[Any], desks: set[int] | None, path: str) -> QuerySet[Any]:
    return qs if desks is None else qs.filter(**{f"{path}__in": desks})


def _company(request: HttpRequest, company_id: int) -> Company:
    qs = _on_desks(Company.objects.select_related("desk", "account_manager"), _desk_ids(request), "desk_id")
    company = qs.filter(pk=company_id).first()
    if company is None:
        raise HttpError(404, "No company with this id.")
    return company


def _site(request: HttpRequest, company_id: int, site_id: int) -> Site:
    company = _company(request, company_id)
    site = Site.objects.filter(company=company, pk=site_id).first()
    if site is None:
        raise HttpError(404, "No site with this id.")
    return site


def _contact(request: HttpRequest, company_id: int, contact_id: int) -> Contact:
    company = _company(request, company_id)
    contact = Contact.objects.filter(company=company, pk=contact_id).first()
    if contact is None:
        raise HttpError(404, "No contact with this id.")
    return contact


def _contract(request: HttpRequest, company_id: int, contract_id: int) -> Contract:
    company = _company(request, company_id)
    contract = Contract.objects.select_related("desk").filter(company=company, pk=contract_id).first()
    if contract is None:
        raise HttpError(404, "No contract with this id.")
    return contract


def _manager(user: User, desk_id: int) -> None:
    if not (user.is_superuser or is_manager(user, desk_id)):
        raise HttpError(403, "contracts are created and changed by the desk's support managers")


# --- Saving through the models' checks -----------------------------------------------------------------------


def invalid(errors: dict[str, list[str]], where: str = "body") -> HttpResponse:
    """400 problem details naming each field the way the API's own validation errors do: a field of the
    request body as `body.zone`, a query parameter by its name (`where=""`)."""
    rows = [
        {"field": ".".join(p for p in (where, field) if p and p != "__all__") or "body", "message": message}
        for field, messages in errors.items()
        for message in messages
    ]
    body = {
        "type": "about:blank",
        "title": "Bad request",
        "status": 400,
        "detail": "; ".join(f"{r['field']}: {r['message']}" for r in rows),
        "errors": rows,
    }
    return HttpResponse(json.dumps(body), status=400, content_type="application/problem+json")


def _refusal(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _save(obj: Model, **extra_errors: list[str]) -> HttpResponse | None:
    """Run the model's field checks and clean() (zones, tiers, targets, desk boundaries) and save;
    a 400 response naming each field when refused, nothing saved."""
    errors = {k: v for k, v in extra_errors.items() if v}
    try:
        obj.full_clean()
    except ValidationError as exc:
        for field, messages in _refusal(exc).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        return invalid(errors)
    obj.save()
    obj.refresh_from_db()  # the stored values (decimals to their places) are what the answer shows
    return None


def _site_problem(company: Company, site_id: int | None) -> list[str]:
    if site_id is None or Site.objects.filter(pk=site_id, company=company).exists():
        return []
    return [f"no site {site_id} at {company.name}: pick one of the company's own sites"]


def _account_manager(desk: Desk, username: str | None) -> tuple[User | None, list[str]]:
    if not username:
        return None, []
    user = User.objects.filter(username=username, is_active=True).first()
    if user is not None and (user.is_superuser or Membership.objects.filter(desk=desk, user=user).exists()):
        return user, []
    return None, [f"{username!r} is not a member of the desk {desk.slug}"]


# --- Output ---------------------------------------------------------------------------------------------------


def company_out(c: Company) -> CompanyOut:
    return CompanyOut(
        id=c.pk,
        desk=c.desk.slug,
        name=c.name,
        country=c.country,
        nda_signed=c.nda_signed,
        account_manager=c.account_manager.username if c.account_manager else None,
    )


def site_out(s: Site) -> SiteOut:
    return SiteOut(id=s.pk, company=s.company_id, name=s.name, country=s.country, zone=s.zone)


def contact_out(c: Contact) -> ContactOut:
    return ContactOut(
        id=c.pk,
        company=c.company_id,
        site=c.site_id,
        name=c.name,
        email=c.email,
        phone=c.phone,
        language=c.language,
        zone=c.zone,
        is_technical_contact=c.is_technical_contact,
        online_licensing=c.online_licensing,
        sla_statements=c.sla_statements,
    )


def contract_out(c: Contract) -> ContractOut:
    return ContractOut(
        id=c.pk,
        desk=c.desk.slug,
        company=c.company_id,
        site=c.site_id,
        tier=c.tier,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        agreement_on=c.agreement_on,
        seats=c.seats,
        rental=c.rental,
        service_number=c.service_number,
        nda=c.nda,
        bought_here=c.bought_here,
        english_ok=c.english_ok,
        products=list(c.products or []),
        currency=c.currency,
        overdraft_hours=Decimal(c.overdraft_hours),
        overdraft_credit=Decimal(c.overdraft_credit),
        targets=dict(c.targets or {}),
    )


# --- Cursor pagination of companies (by name, then id) --------------------------------------------------------


def _cursor(c: Company) -> str:
    raw = json.dumps([c.name, c.pk], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> Q | None:
    """The companies after a cursor's; None when the cursor is not one this API gave out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, pk = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(name, str) or has_nul(name) or not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return Q(name__gt=name) | Q(name=name, pk__gt=pk)


# --- Companies ------------------------------------------------------------------------------------------------


@router.get("", response={200: CompanyPage, **READ})
def list_companies(
    request: HttpRequest,
    desk: str | None = None,
    q: str | None = Query(None, max_length=200),
    cursor: str | None = Query(None, max_length=4000),
    limit: int = Query(50, ge=1, le=200),
) -> CompanyPage | HttpResponse:
    """The companies of the caller's desks by name: `desk` (a slug) narrows to one desk, `q` searches names;
    `limit` per page (1-200) and the `next_cursor` of a page for the next one."""
    qs = _on_desks(Company.objects.select_related("desk", "account_manager"), _desk_ids(request), "desk_id")
    bad = {
        k: ["may not contain NUL characters"] for k, v in (("desk", desk), ("q", q), ("cursor", cursor)) if has_nul(v)
    }
    if bad:
        return invalid(bad, where="")
    if desk:
        qs = qs.filter(desk__slug=desk)
    if q:
        qs = qs.filter(name__icontains=q)
    if cursor:
        after = _after(cursor)
        if after is None:
            return invalid({"cursor": ["not a cursor this API gave out: start again without it"]}, where="")
        qs = qs.filter(after)
    rows = list(qs.order_by("name", "pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return CompanyPage(items=[company_out(c) for c in rows], next_cursor=_cursor(rows[-1]) if more else None)


@router.post("", response={201: CompanyOut, **WRITE})
def create_company(request: HttpRequest, body: CompanyIn) -> Status | HttpResponse:
    """A new customer on one of the caller's desks (`desk` may be left out by a member of exactly one)."""
    writer(request)
    desks = _desk_ids(request)
    mine = Desk.objects.all() if desks is None else Desk.objects.filter(pk__in=desks)
    if body.desk:
        the_desk = mine.filter(slug=body.desk).first()
        if the_desk is None:
            return invalid({"desk": [f"no desk {body.desk!r} among yours"]})
    else:
        choices = list(mine[:2])
        if len(choices) != 1:
            return invalid({"desk": ["give the desk's slug: you work on more than one desk"]})
        the_desk = choices[0]
    manager, problem = _account_manager(the_desk, body.account_manager)
    company = Company(
        desk=the_desk, name=body.name, country=body.country, nda_signed=body.nda_signed, account_manager=manager
    )
    refused = _save(company, account_manager=problem)
    return refused or Status(201, company_out(company))


@router.get("/{company_id}", response={200: CompanyOut, **READ})
def read_company(request: HttpRequest, company_id: int) -> CompanyOut:
    return company_out(_company(request, company_id))


@router.patch("/{company_id}", response={200: CompanyOut, **WRITE})
def update_company(request: HttpRequest, company_id: int, body: CompanyPatch) -> CompanyOut | HttpResponse:
    """Change the name, country, NDA flag or account manager; the desk of a company does not change."""
    writer(request)
    company = _company(request, company_id)
    given = body.dict(exclude_unset=True)
    problem: list[str] = []
    if "account_manager" in given:
        company.account_manager, problem = _account_manager(company.desk, given.pop("account_manager"))
    for name, value in given.items():
        if value is None:
            return invalid({name: ["may not be null"]})
        setattr(company, name, value)
    return _save(company, account_manager=problem) or company_out(company)


# --- Sites ----------------------------------------------------------------------------------------------------


@router.get("/{company_id}/sites", response={200: list[SiteOut], **READ})
def list_sites(request: HttpRequest, company_id: int) -> list[SiteOut]:
    company = _company(request, company_id)
    return [site_out(s) for s in Site.objects.filter(company=company).order_by("name", "pk")]


@router.post("/{company_id}/sites", response={201: SiteOut, **WRITE})
def create_site(request: HttpRequest, company_id: int, body: SiteIn) -> Status | HttpResponse:
    """A site of the company; `zone` is where its licensed users work (blank: unknown, POLICIES 0.25)."""
    writer(request)
    site = Site(company=_company(request, company_id), name=body.name, country=body.country, zone=body.zone)
    return _save(site) or Status(201, site_out(site))


@router.patch("/{company_id}/sites/{site_id}", response={200: SiteOut, **WRITE})
def update_site(request: HttpRequest, company_id: int, site_id: int, body: SitePatch) -> SiteOut | HttpResponse:
    writer(request)
    site = _site(request, company_id, site_id)
    for name, value in body.dict(exclude_unset=True).items():
        if value is None:
            return invalid({name: ["may not be null"]})
        setattr(site, name, value)
    return _save(site) or site_out(site)


# --- Contacts -------------------------------------------------------------------------------------------------


@router.get("/{company_id}/contacts", response={200: list[ContactOut], **READ})
def list_contacts(
    request: HttpRequest,
    company_id: int,
    email: str | None = Query(None, max_length=254),
) -> list[ContactOut] | HttpResponse:
    """The company's contacts; `email` finds one by address, case ignored."""
    qs = Contact.objects.filter(company=_company(request, company_id))
    if has_nul(email):
        return invalid({"email": ["may not contain NUL characters"]}, where="")
    if email:
        qs = qs.filter(email__iexact=email)
    return [contact_out(c) for c in qs.order_by("name", "pk")]


@router.post("/{company_id}/contacts", response={201: ContactOut, **WRITE})
def create_contact(request: HttpRequest, company_id: int, body: ContactIn) -> Status | HttpResponse:
    """A requester at the company (no portal account: the portal's sign-up or an admin gives one)."""
    writer(request)
    company = _company(request, company_id)
    contact = Contact(company=company, **body.dict(exclude={"site"}))
    contact.site_id = body.site if not _site_problem(company, body.site) else None
    return _save(contact, site=_site_problem(company, body.site)) or Status(201, contact_out(contact))


@router.get("/{company_id}/contacts/{contact_id}", response={200: ContactOut, **READ})
def read_contact(request: HttpRequest, company_id: int, contact_id: int) -> ContactOut:
    return contact_out(_contact(request, company_id, contact_id))


@router.patch("/{company_id}/contacts/{contact_id}", response={200: ContactOut, **WRITE})
def update_contact(
    request: HttpRequest, company_id: int, contact_id: int, body: ContactPatch
) -> ContactOut | HttpResponse:
    """Change the name, phone, language, zone, technical-contact flag or the Online Licensing privilege."""
    writer(request)
    contact = _contact(request, company_id, contact_id)
    for name, value in body.dict(exclude_unset=True).items():
        if value is None:
            return invalid({name: ["may not be null"]})
        setattr(contact, name, value)
    return _save(contact) or contact_out(contact)


# --- Contracts ------------------------------------------------------------------------------------------------


def _dates_problem(contract: Contract) -> list[str]:
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        return [f"the contract ends ({contract.ends_on}) before it starts ({contract.starts_on})"]
    return []


@router.get("/{company_id}/contracts", response={200: list[ContractOut], **READ})
def list_contracts(request: HttpRequest, company_id: int) -> list[ContractOut]:
    company = _company(request, company_id)
    qs = Contract.objects.filter(company=company).select_related("desk").order_by("-ends_on", "pk")
    return [contract_out(c) for c in qs]


@router.post("/{company_id}/contracts", response={201: ContractOut, **WRITE})
def create_contract(request: HttpRequest, company_id: int, body: ContractIn) -> Status | HttpResponse:
    """A contract on the company's desk (support managers only): the tier must be one the desk's policy
    declares and `targets` are checked against it (POLICIES 0.22, 0.27)."""
    user = writer(request)
    company = _company(request, company_id)
    _manager(user, company.desk_id)
    fields = body.dict(exclude={"site", "products"})
    contract = Contract(desk=company.desk, company=company, **fields)
    contract.products = [p.dict() for p in body.products]
    site_problem = _site_problem(company, body.site)
    contract.site_id = None if site_problem else body.site
    refused = _save(contract, site=site_problem, ends_on=_dates_problem(contract))
    return refused or Status(201, contract_out(contract))


@router.get("/{company_id}/contracts/{contract_id}", response={200: ContractOut, **READ})
def read_contract(request: HttpRequest, company_id: int, contract_id: int) -> ContractOut:
    return contract_out(_contract(request, company_id, contract_id))


@router.patch("/{company_id}/contracts/{contract_id}", response={200: ContractOut, **WRITE})
def update_contract(
    request: HttpRequest, company_id: int, contract_id: int, body: ContractPatch
) -> ContractOut | HttpResponse:
    """Change a contract (support managers only); the same checks as on creation. `site` and `agreement_on`
    may be null to clear them."""
    user = writer(request)
    contract = _contract(request, company_id, contract_id)
    _manager(user, contract.desk_id)
    given = body.dict(exclude_unset=True)
    site_problem: list[str] = []
    if "site" in given:
        site_id = given.pop("site")
        site_problem = _site_problem(contract.company, site_id)
        if not site_problem:
            contract.site_id = site_id
    if "products" in given:
        products = given.pop("products")
        contract.products = [] if products is None else products
    for name, value in given.items():
        if value is None and name != "agreement_on":
            return invalid({name: ["may not be null"]})
        setattr(contract, name, value)
    return _save(contract, site=site_problem, ends_on=_dates_problem(contract)) or contract_out(contract)
