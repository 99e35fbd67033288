"""What-if replay: a draft policy (a Preset) over many cases' recorded events, without touching a case.

`replay_one` is the reference: the clocks' own fold (`clock.compute`) with a context built the way the
services build a case's (`cases.sla_state.context`): the case's calendar in the case's zone when the calendar
follows the user's zone, its contract's own targets first, then the policy's.

`replay` is the bulk path, equal to `replay_one` for every case. One pass over each case's events in plain
Python (facts as bits, no calendar arithmetic) reads, for each metric, only the instants that decide it: its
start, pauses, stop, each change of target (priority, tier, hours) while it runs, a cancel, each new agent
contact of a status-update cadence, the reviews of an S0 run. Then all due times are computed per calendar in
numpy (`Calendar.add_many`, `calendar.add_business_days_many`) and each metric is judged with the fold's own
rules (late means after the due; a due passed before a change or a cancel stays a breach). The rarer shapes
go through the fold itself, metric by metric: a change of target after a pause or a cancel, a cancel that is
cleared, a paused or cancelled cadence; and whole cases that are reopened, have an agreed schedule or events
out of order. Same events, same result: the tests hold the bulk path to the fold on generated histories.
"""

from casedesk.sla.replay_bulk import replay, replay_counts
from casedesk.sla.replay_reference import History, Outcome, missing_calendars, replay_one

__all__ = ["History", "Outcome", "missing_calendars", "replay", "replay_counts", "replay_one"]
