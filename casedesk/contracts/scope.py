"""What a desk's policy covers, and the paid route for what it does not (the preset's [policy.scope]).

An agent classifies a request by one item of the policy's lists (`services.classify_scope`):

- `covered`: in scope, the SLA applies (PLM Group's defects and functionality questions, Solidxperts'
  subscription items);
- `excluded`: out of scope; the paid route is the item's own offer (`item_offers`) or the list's
  (`excluded_offer`): PLM Group "hourly consultancy", Solidxperts "paid Technical Services" (how-to and
  configuration may use a grace call: `grace_eligible`), Mastercam "paid professional services" for SDK,
  toolpath and post-processor work and no paid route for the other exclusions (not covered);
- `paid_services`: out of scope, paid work (DYTRON: PAY services at the rate card, `paid_offer`).

Out of scope offers the paid route instead of the SLA: the clocks remove every pending target
(`casedesk.sla.clock`, the `out_of_scope` fact). Pure reading of the policy; the write is in cases.services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from casedesk.sla.policy_schema import Policy

if TYPE_CHECKING:
    from casedesk.cases.models import Case, CaseEvent
    from casedesk.contracts.models import RateCard

COVERED, EXCLUDED, PAID = "covered", "excluded", "paid"
GROUP_WORDS = {
    COVERED: gettext_lazy("Covered: the SLA applies"),
    EXCLUDED: gettext_lazy("Not covered"),
    PAID: gettext_lazy("Paid services"),
}
_LISTS = ((COVERED, "covered"), (EXCLUDED, "excluded"), (PAID, "paid_services"))


@dataclass(frozen=True)
class ScopeItem:
    name: str  # as the preset lists it: what the scope event records
    group: str  # covered | excluded | paid
    offer: str = ""  # the paid route offered instead of the SLA ("" when covered or none is named)
    grace_eligible: bool = False  # Solidxperts: may use a grace call instead

    @property
    def in_scope(self) -> bool:
        return self.group == COVERED


def items(policy: Policy) -> list[ScopeItem]:
    """Every item an agent can choose, covered first, in the preset's order."""
    table: dict[str, Any] = policy.section("scope") or {}
    per_item: dict[str, str] = table.get("item_offers", {})
    grace = set(table.get("grace_eligible", []))
    default = {COVERED: "", EXCLUDED: table.get("excluded_offer", ""), PAID: table.get("paid_offer", "")}
    out = []
    for group, key in _LISTS:
        for name in table.get(key, []):
            offer = "" if group == COVERED else per_item.get(name, default[group])
            out.append(ScopeItem(name, group, offer, name in grace))
    return out


def find(policy: Policy, name: str) -> ScopeItem | None:
    return next((i for i in items(policy) if i.name == name), None)


def grouped(policy: Policy) -> list[tuple[str, list[ScopeItem]]]:
    """(group in words, its items) for a grouped select; groups without items left out."""
    all_items = items(policy)
    return [
        (str(GROUP_WORDS[g]), [i for i in all_items if i.group == g])
        for g, _ in _LISTS
        if any(i.group == g for i in all_items)
    ]


@dataclass(frozen=True)
class Classified:
    """A case's latest scope classification, as its scope event recorded it."""

    item: str
    in_scope: bool
    offer: str
    grace_eligible: bool
    event: CaseEvent

    @property
    def words(self) -> str:
        if self.in_scope:
            return gettext("in scope: %(item)s") % {"item": self.item}
        return gettext("out of scope: %(item)s") % {"item": self.item}

    @property
    def route(self) -> str:
        """The paid route offered, in words ("" in scope)."""
        if self.in_scope:
            return ""
        if self.offer:
            return gettext("offered instead of the SLA: %(offer)s") % {"offer": self.offer}
        return gettext("not covered: no paid route is named by the policy")


def classified(case: Case, policy: Policy, events: list[CaseEvent] | None = None) -> Classified | None:
    """The case's current scope classification; None when never classified or cleared (in scope).
    `events`: the case's events in order, when the caller has them (no query then)."""
    from casedesk.cases.models import CaseEvent
    from casedesk.sla.clock import SCOPE

    if events is None:
        latest = CaseEvent.objects.filter(case=case, kind=SCOPE).order_by("-at", "-id").first()
    else:
        latest = next((e for e in reversed(events) if e.kind == SCOPE), None)
    if latest is None or not latest.data.get("item"):
        return None
    item = str(latest.data["item"])
    known = find(policy, item)
    return Classified(
        item=item,
        in_scope=bool(latest.data.get("in_scope", True)),
        offer=str(latest.data.get("offer", "")),
        grace_eligible=bool(known and known.grace_eligible),
        event=latest,
    )


def rate_cards(case: Case) -> list[RateCard]:
    """The desk's active rate cards that apply to the case: a row of the case's own contract wins over the
    desk's row for the same service type and tier (DYTRON SLA level)."""
    from casedesk.contracts.models import RateCard

    rows = RateCard.objects.filter(desk_id=case.desk_id, active=True).filter(
        Q(contract__isnull=True) | Q(contract_id=case.contract_id)
    )
    chosen: dict[tuple[str, str], RateCard] = {}
    for row in rows.order_by("service_type", "tier", "contract_id"):
        key = (row.service_type, row.tier)
        if key not in chosen or row.contract_id is not None:
            chosen[key] = row
    return list(chosen.values())
