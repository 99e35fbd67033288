"""The one list of clock conditions a preset may name (start, stop, pause, cancel).

The fold in `clock.py` keeps each of these as a fact of the case; the policy
schema accepts exactly these names (plus `priority:KEY`).
"""

from __future__ import annotations

CONDITIONS: dict[str, str] = {
    "opened": "the case exists",
    "priority_set": "someone set a priority or severity (the desk default does not count)",
    "assigned": "the case has an assignee",
    "responded": "an agent has replied to or contacted the customer",
    "responded_after_assignment": "an agent contacted the customer after the case was assigned",
    "info_complete": "the information the desk needs has arrived",
    "bug_classified": "the case is classified as a software bug or defect",
    "out_of_scope": "the request is classified outside the policy's scope (implicitly cancels every target)",
    "waiting_on_customer": "the case waits on the customer",
    "resolved": "the case is resolved",
    "escalated": "the case has been escalated at least once",
}

PRIORITY_PREFIX = "priority:"


def is_condition(name: str) -> bool:
    return name in CONDITIONS or name.startswith(PRIORITY_PREFIX)
