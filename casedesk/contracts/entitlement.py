"""Entitlement at intake: is this request covered by a contract, and if not, why (POLICIES 0.27, sections 1-5).

The check reads the policy's own intake fields, so each rule applies where the policy asks for its fact:
- a contract valid on the day (every desk: a case without one is never dropped, the agent answers with the
  paid route);
- `site` (Mastercam: the CONNECT agreement is bound to the site where the licence is used): the licence's
  site must be the contract's site;
- `scn` (PTC: entitlement by service contract number): the SCN must be one of the company's contracts,
  valid on the day;
- `product_version` where the preset declares a version window (PLM Group 0.7, Mastercam: current and
  previous): the version must be in the window on the day (casedesk.contracts.versions).
The outcome is `entitled`, `not_entitled` with the reasons, or `needs_review` when a fact is missing; each
reason is a sentence an agent can read and repeat to the customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext

from casedesk.accounts.models import Company, Contract
from casedesk.contracts import versions
from casedesk.contracts.versions import ENTITLED as ENTITLED
from casedesk.contracts.versions import NEEDS_REVIEW as NEEDS_REVIEW
from casedesk.contracts.versions import NOT_ENTITLED as NOT_ENTITLED
from casedesk.sla.policy_schema import Policy


@dataclass(frozen=True)
class Entitlement:
    status: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def as_data(self) -> dict[str, object]:
        return {"status": self.status, "reasons": list(self.reasons)}


def check(
    policy: Policy, company: Company, contract: Contract | None, intake: Mapping[str, str], on: date
) -> Entitlement:
    fields = {f.key for f in policy.intake}
    refused: list[str] = []
    review: list[str] = []
    if "scn" in fields:
        refused += _scn(company, str(intake.get("scn") or "").strip(), on, review)
    elif contract is None:
        refused.append(gettext("no contract on file for %(company)s") % {"company": company.name})
    if contract is not None:
        if on < contract.starts_on:
            refused.append(gettext("the contract starts on %(start)s") % {"start": contract.starts_on})
        elif on > contract.ends_on:
            refused.append(gettext("the contract ended on %(end)s") % {"end": contract.ends_on})
        if "site" in fields:
            refused += _site(contract, str(intake.get("site") or "").strip(), review)
        refused += _level(policy, company, contract)
        version = versions.judge(policy, contract, intake, on)
        if version is not None and version.status == NOT_ENTITLED:
            refused.append(version.reason)
        elif version is not None and version.status == NEEDS_REVIEW:
            review.append(version.reason)
    if refused:
        return Entitlement(NOT_ENTITLED, tuple(refused + review))
    if review:
        return Entitlement(NEEDS_REVIEW, tuple(review))
    return Entitlement(ENTITLED)


def _level(policy: Policy, company: Company, contract: Contract) -> list[str]:
    """A level only for solutions bought through the desk (DYTRON's ALC hotline, POLICIES section 3)."""
    level = (policy.section("levels") or {}).get(contract.tier)
    if isinstance(level, dict) and level.get("bought_here_only") and not contract.bought_here:
        return [
            gettext("%(level)s covers only solutions bought through %(desk)s: this one was bought elsewhere")
            % {"level": contract.tier, "desk": company.desk.name}
        ]
    return []


def _site(contract: Contract, site: str, review: list[str]) -> list[str]:
    covered = contract.site.name if contract.site is not None else ""
    if not covered:
        review.append(gettext("the contract names no licence site: check where the licence is used"))
        return []
    if not site:
        review.append(gettext("the licence's site is not given: the agreement covers %(site)s") % {"site": covered})
        return []
    if site.casefold() != covered.casefold():
        return [
            gettext("the agreement covers the site %(covered)s, not %(site)s where the licence is used")
            % {"covered": covered, "site": site}
        ]
    return []


def _scn(company: Company, scn: str, on: date, review: list[str]) -> list[str]:
    if not scn:
        review.append(gettext("no service contract number (SCN) given"))
        return []
    contracts = list(Contract.objects.filter(company=company, service_number__iexact=scn).order_by("-ends_on"))
    if not contracts:
        return [gettext("SCN %(scn)s is not a service contract of %(company)s") % {"scn": scn, "company": company.name}]
    if not any(c.starts_on <= on <= c.ends_on for c in contracts):
        return [gettext("SCN %(scn)s ended on %(end)s") % {"scn": scn, "end": contracts[0].ends_on}]
    return []
