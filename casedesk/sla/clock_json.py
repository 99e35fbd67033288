"""A case's clock state as JSON, as the case row keeps it between writes (datetimes and breaches tagged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from casedesk.sla.clock import Breach, ClockState, Facts, Track


def _enc(v: Any) -> Any:
    if isinstance(v, datetime):
        return {"t": v.isoformat()}
    if isinstance(v, Breach):
        return {"b": [v.at.isoformat(), v.target, v.goal, v.priority]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, dict):
        return {k: _enc(x) for k, x in v.items()}
    return v


def _dec(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"t"}:
        return datetime.fromisoformat(v["t"])
    if isinstance(v, dict) and set(v) == {"b"}:
        at, target, goal, priority = v["b"]
        return Breach(datetime.fromisoformat(at), target, goal, priority)
    if isinstance(v, list):
        return [_dec(x) for x in v]
    if isinstance(v, dict):
        return {k: _dec(x) for k, x in v.items()}
    return v


def to_json(state: ClockState) -> dict[str, Any]:
    return {
        "facts": _enc(state.facts.__dict__),
        "tracks": {k: _enc(t.__dict__) for k, t in state.tracks.items()},
        "last_at": _enc(state.last_at),
    }


def from_json(data: dict[str, Any]) -> ClockState:
    return ClockState(
        facts=Facts(**_dec(data["facts"])),
        tracks={k: Track(**_dec(t)) for k, t in data["tracks"].items()},
        last_at=_dec(data["last_at"]),
    )
