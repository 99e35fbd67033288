"""Reading preset TOML with errors that name the file and line of the problem."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*=")
_DECODE_LINE = re.compile(r"\(at line (\d+), column \d+\)")

# A key path: table and key names, and 0-based indices into arrays of tables
# ([[policy.queues]]) or into an array value (seats = [[1, 5, 1], ...]).
KeyPath = Sequence[str | int]


class PresetError(ValueError):
    """A preset file is wrong; str() is 'file:line: message'."""

    def __init__(self, message: str, path: str = "", line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}" if where else message)


def _split_key(dotted: str) -> list[str]:
    return [part.strip().strip('"').strip("'") for part in dotted.split(".")]


def _depth_change(line: str, state: list[str]) -> int:
    """Net change of [ and { nesting on one line, outside strings and comments.

    `state` holds the open multi-line string delimiter ('' when none) across lines.
    """
    depth = 0
    i = 0
    while i < len(line):
        if state[0]:
            end = line.find(state[0], i)
            if end < 0:
                return depth
            i = end + 3
            state[0] = ""
            continue
        c = line[i]
        if c == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            state[0] = line[i : i + 3]
            i += 3
            continue
        if c in "\"'":
            j = i + 1
            while j < len(line) and line[j] != c:
                j += 2 if c == '"' and line[j] == "\\" else 1
            i = j + 1
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        i += 1
    return depth


def _lines(text: str) -> list[tuple[int, str, bool]]:
    """(number, line, at top level) for every line: inside a multi-line array or string is not top level."""
    out = []
    depth = 0
    state = [""]
    for number, line in enumerate(text.splitlines(), start=1):
        out.append((number, line, depth == 0 and not state[0]))
        depth += _depth_change(line, state)
    return out


def key_line(text: str, keys: KeyPath) -> int | None:
    """The line (1-based) where a key path is defined: its `key =` or its [table] header.

    An integer in the path picks the Nth [[array.of.tables]] entry (0-based).
    Falls back to the nearest enclosing table's header, so an error always
    points somewhere useful.
    """
    want = list(keys)
    best: int | None = None
    table: list[str | int] = []
    counters: dict[tuple[str | int, ...], int] = {}

    def resolve(parts: list[str]) -> list[str | int]:
        path: list[str | int] = []
        for p in parts:
            path.append(p)
            if tuple(path) in counters:
                path.append(counters[tuple(path)])
        return path

    for number, line, top in _lines(text):
        if not top:
            continue
        m = _HEADER.match(line)
        if m:
            parts = _split_key(m.group(2))
            if m.group(1) == "[[":
                parent = (*resolve(parts[:-1]), parts[-1])
                counters[parent] = counters.get(parent, -1) + 1
                table = [*parent, counters[parent]]
            else:
                table = resolve(parts)
            if table[: len(want)] == want:
                return number
            if table == want[: len(table)] and (best is None or len(table) == len(want)):
                best = number
            continue
        k = _KEY.match(line)
        if k and [*table, k.group(1).strip("\"'")] == want[: len(table) + 1]:
            if len(table) + 1 == len(want):
                return number
            best = number  # an inline table or array holding the key
    return best


def value_line(text: str, keys: KeyPath, needle: re.Pattern[str]) -> int | None:
    """The first line matching `needle` inside the value at `keys` (a multi-line array), else the key's line."""
    start = key_line(text, keys)
    if start is None:
        return None
    for number, line, top in _lines(text)[start - 1 :]:
        if number > start and top and (_HEADER.match(line) or _KEY.match(line)):
            break
        if needle.search(line):
            return number
    return start


def literal(value: str | Sequence[int]) -> re.Pattern[str]:
    """A pattern for how a string or a list of whole numbers is written in TOML."""
    if isinstance(value, str):
        return re.compile("|".join(re.escape(q + value + q) for q in "\"'"))
    return re.compile(r"\[\s*" + r"\s*,\s*".join(str(n) for n in value) + r"\s*,?\s*\]")


class Source:
    """A parsed TOML file plus what is needed to point at its lines."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        try:
            self.data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None)
            msg = str(getattr(exc, "msg", exc))
            found = _DECODE_LINE.search(msg)
            if line is None and found:  # Python < 3.14 has the line in the message only
                line = int(found.group(1))
            raise PresetError(f"not valid TOML: {_DECODE_LINE.sub('', msg).strip()}", str(path), line) from exc

    @classmethod
    def read(cls, path: Path) -> Source:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PresetError(f"cannot read: {exc.strerror}", str(path)) from exc
        return cls(path, text)

    def error(self, keys: KeyPath, message: str, value: str | Sequence[int] | None = None) -> PresetError:
        """An error at the line of `keys`; with `value` (a string or [1, 5, 1]), at its line inside a long array."""
        line = value_line(self.text, keys, literal(value)) if value is not None else key_line(self.text, keys)
        return PresetError(message, str(self.path), line)
