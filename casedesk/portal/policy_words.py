"""The words of the shipped policies that a requester reads, in the requester's language.

Priority, metric and escalation-level names, intake field labels, help and
choices come from the presets (casedesk/presets/*.toml) in English; the portal
shows them through `policy_text`, which looks them up in the catalogues under the
context "support policy". A desk's own wording that no catalogue has is shown as
written. The priorities' definitions are the policy's own binding text and are
shown as the policy words them.
"""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

CONTEXT = "support policy"


def policy_text(text: str) -> str:
    """A policy's word or label in the active language (unchanged when the catalogues lack it)."""
    return pgettext(CONTEXT, text) if text else text


# For makemessages (lazy, never evaluated; the context written out): every requester-visible word of the presets.
SHIPPED = [
    pgettext_lazy("support policy", "Urgent"),
    pgettext_lazy("support policy", "Normal"),
    pgettext_lazy("support policy", "Reaction time"),
    pgettext_lazy("support policy", "P1 - Urgent"),
    pgettext_lazy("support policy", "P2 - Critical"),
    pgettext_lazy("support policy", "P3 - Medium"),
    pgettext_lazy("support policy", "P4 - Low"),
    pgettext_lazy("support policy", "Response"),
    pgettext_lazy("support policy", "Resolution"),
    pgettext_lazy("support policy", "Status update to the technical contact"),
    pgettext_lazy("support policy", "Support manager / supervisor review"),
    pgettext_lazy("support policy", "Technical-support management"),
    pgettext_lazy("support policy", "Executive Sponsor or Customer Success Manager"),
    pgettext_lazy("support policy", "Licence site (CONNECT agreement)"),
    pgettext_lazy("support policy", "Mastercam version"),
    pgettext_lazy("support policy", "Critical"),
    pgettext_lazy("support policy", "High"),
    pgettext_lazy("support policy", "Medium"),
    pgettext_lazy("support policy", "Low"),
    pgettext_lazy("support policy", "Question"),
    pgettext_lazy("support policy", "Initial response"),
    pgettext_lazy("support policy", "Phone"),
    pgettext_lazy("support policy", "SOLIDWORKS version (2025) or 3DEXPERIENCE release (R2025x)"),
    pgettext_lazy("support policy", "SOLIDWORKS: the year, e.g. 2025. 3DEXPERIENCE: the release, e.g. R2025x."),
    pgettext_lazy("support policy", "Service pack (SPX.X)"),
    pgettext_lazy(
        "support policy", "I accept English support from the global team when my country queue is backlogged"
    ),
    pgettext_lazy("support policy", "yes"),
    pgettext_lazy("support policy", "no"),
    pgettext_lazy("support policy", "Step-by-step reproduction (if reproducible)"),
    pgettext_lazy("support policy", "3DEXPERIENCE apps in use (if relevant)"),
    pgettext_lazy("support policy", "S0 - Business stopped"),
    pgettext_lazy("support policy", "S1 - Business critical"),
    pgettext_lazy("support policy", "S2 - Moderate impact"),
    pgettext_lazy("support policy", "S3 - General question / low impact"),
    pgettext_lazy("support policy", "Next status update"),
    pgettext_lazy("support policy", "Service contract number (SCN)"),
    pgettext_lazy("support policy", "Product name"),
    pgettext_lazy("support policy", "Technical category"),
    pgettext_lazy("support policy", "Version and date code"),
    pgettext_lazy("support policy", "Problem type"),
    pgettext_lazy("support policy", "general question"),
    pgettext_lazy("support policy", "how-to"),
    pgettext_lazy("support policy", "break-fix"),
    pgettext_lazy("support policy", "Contact phone reachable 24/7"),
    pgettext_lazy("support policy", "First response"),
]
