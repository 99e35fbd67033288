"""Version windows at intake: is the product version a request names one the desk supports on the day?

Read from the desk's `[policy.versions]` table and the product-version catalogue (ProductVersion, ordered by
release date; the desk keeps it in /console/versions/ and the admin):
- PLM Group (POLICIES 0.7, `licensed_previous`, `later_releases_while_valid`): the version current at the
  agreement date (the contract's agreement_on, else its start) and the `licensed_previous` before it, plus every
  version released later while the subscription is valid; so with a valid subscription the window runs from
  (current at the agreement date minus 2) to the newest release on the day. An online service (a catalogue row
  marked online_service, 3DEXPERIENCE) is supported in its current version only (`online_services = "current"`).
- Mastercam (section 2, `supported_previous`): the current version on the day and the one before it. Patches
  count as their version: "2025 Update 1" and "2025.0.1" are Mastercam 2025 (the leading catalogue version).
A preset without the table (DYTRON, Solidxperts, PTC) has no version check.

Which product: the intake's `product` field where the preset asks for one, else the version string looked up
among the desk's products (DESK_PRODUCTS): on PLM Group "R2025x" is 3DEXPERIENCE and "2025" SOLIDWORKS.

Readings this module takes (the preset says where they are declared):
- the window is judged against a contract valid on the day; without one the contract's own reason decides,
  and a version reason would only repeat it;
- a desk whose catalogue holds none of its products has nothing to read the window from: the version is not
  judged (the preset loader seeds the catalogue, so a loaded desk has one);
- a version missing from the intake, or not in the catalogue, needs review (never a refusal on a guess);
- a catalogue version whose release date is after the day is not yet supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext, ngettext

from casedesk.accounts.models import Contract
from casedesk.contracts.models import ProductVersion
from casedesk.desks.models import Desk
from casedesk.sla.policy_schema import Policy

ENTITLED, NOT_ENTITLED, NEEDS_REVIEW = "entitled", "not_entitled", "needs_review"

# The catalogue products each preset's version field names (the label of PLM Group's field: "SOLIDWORKS
# version (2025) or 3DEXPERIENCE release (R2025x)"; Mastercam's: "Mastercam version"). Declared here rather than
# in the preset: the preset schema's [policy.versions] table holds the rule's numbers only.
DESK_PRODUCTS: dict[str, tuple[str, ...]] = {
    "plm-group": ("SOLIDWORKS", "3DEXPERIENCE"),
    "mastercam": ("Mastercam",),
}


@dataclass(frozen=True)
class Verdict:
    """The version check's outcome: ENTITLED, NOT_ENTITLED or NEEDS_REVIEW, and a sentence for the agent."""

    status: str
    reason: str = ""
    product: str = ""
    version: str = ""


@dataclass(frozen=True)
class Window:
    """The supported versions of one product on a day: rows[first..last] of the product's catalogue."""

    rows: tuple[ProductVersion, ...]
    first: int
    last: int
    why: str

    def covers(self, row: ProductVersion) -> bool:
        return any(r.pk == row.pk for r in self.rows[self.first : self.last + 1])

    def names(self) -> str:
        if self.last < max(self.first, 0):
            return gettext("none")
        low, high = self.rows[self.first].version, self.rows[self.last].version
        return low if low == high else f"{low}-{high}"


def rules(policy: Policy) -> Mapping[str, Any] | None:
    """The preset's [policy.versions] table, or None when the preset declares no version window."""
    table = policy.section("versions")
    if not isinstance(table, Mapping):
        return None
    if "licensed_previous" not in table and "supported_previous" not in table:
        return None
    return table


def load() -> dict[str, tuple[ProductVersion, ...]]:
    """The catalogue, product by product, oldest release first (one query: a few dozen rows)."""
    catalogue: dict[str, list[ProductVersion]] = {}
    for row in ProductVersion.objects.order_by("product", "released_on", "version"):
        catalogue.setdefault(row.product, []).append(row)
    return {p: tuple(rs) for p, rs in catalogue.items()}


def leading(text: str, version: str) -> bool:
    """Does `text` name `version`, patches included ("2025 Update 1", "2025.0.1", "2025 SP2" are 2025)?"""
    t, v = text.strip().casefold(), version.strip().casefold()
    if not v or not t.startswith(v):
        return False
    rest = t[len(v) :]
    return not rest or not rest[0].isalnum() or re.match(r"(sp|update|u|hf|m)\d", rest) is not None


def find(text: str, catalogue: Mapping[str, Sequence[ProductVersion]], products: Iterable[str]) -> list[ProductVersion]:
    """The catalogue rows `text` names among `products`: per product, the longest leading version."""
    found = []
    for product in products:
        rows = catalogue.get(product, ())
        t = text.strip()
        if t.casefold().startswith(product.casefold()):  # "SOLIDWORKS 2025", "3DEXPERIENCE R2025x"
            t = t[len(product) :].strip()
        hits = [r for r in rows if leading(t, r.version)]
        if hits:
            found.append(max(hits, key=lambda r: len(r.version)))
    return found


def window(
    rows: Sequence[ProductVersion], table: Mapping[str, Any], contract: Contract, on: date, online: bool
) -> Window:
    """The supported versions of one product (rows oldest first) under the preset's rule, on the day."""
    rows = tuple(rows)
    newest = sum(1 for r in rows if r.released_on <= on) - 1  # the current version on the day
    if online and table.get("online_services") == "current":
        return Window(rows, newest, newest, gettext("an online service is supported in its current version only"))
    if "licensed_previous" in table:
        n = int(table["licensed_previous"])
        agreed = contract.agreement_on or contract.starts_on
        anchor = sum(1 for r in rows if r.released_on <= agreed) - 1
        later = bool(table.get("later_releases_while_valid")) and contract.starts_on <= on <= contract.ends_on
        current = rows[anchor].version if anchor >= 0 else gettext("none")
        why = ngettext(
            "%(current)s was current at the agreement date %(agreed)s: it and the version before it",
            "%(current)s was current at the agreement date %(agreed)s: it and the %(n)d versions before it",
            n,
        ) % {"current": current, "agreed": agreed, "n": n}
        if later:
            why += gettext(", plus the versions released since while the subscription is valid")
        return Window(rows, max(0, anchor - n), newest if later else anchor, why)
    n = int(table.get("supported_previous", 0))
    why = ngettext(
        "the current version and the one before it", "the current version and the %(n)d versions before it", n
    ) % {"n": n}
    return Window(rows, max(0, newest - n), newest, why)


def judge(policy: Policy, contract: Contract | None, intake: Mapping[str, Any], on: date) -> Verdict | None:
    """The version verdict for a request, or None when the version is not judged (see the module's readings)."""
    table = rules(policy)
    if table is None or "product_version" not in {f.key for f in policy.intake}:
        return None
    if contract is None or not contract.starts_on <= on <= contract.ends_on:
        return None
    preset = Desk.objects.filter(pk=contract.desk_id).values_list("preset", flat=True).first() or ""
    desk_products = DESK_PRODUCTS.get(preset)
    catalogue = load()
    names = list(catalogue)
    scope = [p for p in names if desk_products is None or p.casefold() in {d.casefold() for d in desk_products}]
    if not scope:
        return None
    text = str(intake.get("product_version") or "").strip()
    if not text:
        return Verdict(NEEDS_REVIEW, gettext("no product version given: ask which version the customer runs"))
    named = str(intake.get("product") or "").strip() if "product" in {f.key for f in policy.intake} else ""
    if named:
        scope = [p for p in names if leading(named, p)]
        if not scope:
            return Verdict(
                NEEDS_REVIEW,
                gettext("%(product)s is not in the version catalogue: check the product and its version")
                % {"product": named},
            )
    rows = find(text, catalogue, scope)
    if not rows:
        return Verdict(
            NEEDS_REVIEW,
            gettext("version %(version)s is not in the version catalogue (%(products)s): check it")
            % {"version": text, "products": ", ".join(scope)},
        )
    if len(rows) > 1:
        return Verdict(
            NEEDS_REVIEW,
            gettext("version %(version)s could be %(products)s: check which product it is")
            % {"version": text, "products": gettext(" or ").join(f"{r.product} {r.version}" for r in rows)},
        )
    row = rows[0]
    win = window(catalogue[row.product], table, contract, on, row.online_service)
    what = {"product": row.product, "version": row.version}
    if win.covers(row):
        return Verdict(ENTITLED, product=row.product, version=row.version)
    if row.released_on > on:
        reason = gettext(
            "%(product)s %(version)s is not released until %(released)s: the supported versions are %(window)s"
        ) % {**what, "released": row.released_on, "window": win.names()}
    else:
        reason = gettext("%(product)s %(version)s is outside the supported versions %(window)s (%(why)s)") % {
            **what,
            "window": win.names(),
            "why": win.why,
        }
    return Verdict(NOT_ENTITLED, reason, row.product, row.version)
