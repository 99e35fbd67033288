"""Reading preset TOML with errors that name the file and line of the problem."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*(\"[^\"]*\"|[A-Za-z0-9_-]+)\s*=")


class PresetError(ValueError):
    """A preset file is wrong; str() is 'file:line: message'."""

    def __init__(self, message: str, path: str = "", line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}" if where else message)


def _split_key(dotted: str) -> list[str]:
    return [part.strip().strip('"') for part in dotted.split(".")]


def key_line(text: str, keys: Sequence[str]) -> int | None:
    """The line (1-based) where a key path is defined: its `key =` or its [table] header.

    Falls back to the nearest enclosing table's header, so an error always
    points somewhere useful.
    """
    want = [str(k) for k in keys]
    best: int | None = None
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            table = _split_key(m.group(1))
            if table == want[: len(table)] and (best is None or len(table) == len(want)):
                best = number
                if table == want:
                    return number
            continue
        k = _KEY.match(line)
        if k and [*table, k.group(1).strip('"')] == want[: len(table) + 1]:
            if len(table) + 1 == len(want):
                return number
            best = number  # an inline table holding the key
    return best


class Source:
    """A parsed TOML file plus what is needed to point at its lines."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        try:
            self.data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None)
            raise PresetError(f"not valid TOML: {getattr(exc, 'msg', exc)}", str(path), line) from exc

    @classmethod
    def read(cls, path: Path) -> Source:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PresetError(f"cannot read: {exc.strerror}", str(path)) from exc
        return cls(path, text)

    def error(self, keys: Sequence[str], message: str) -> PresetError:
        return PresetError(message, str(self.path), key_line(self.text, keys))
