"""A database that `casedesk` subprocesses share with the test: PostgreSQL's test database (the test runs with
transaction=True, so its rows are committed), or on SQLite a migrated file (pytest's SQLite is in memory)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CASEDESK = [sys.executable, "-m", "casedesk.cli"]


@dataclass
class SharedDb:
    url: str
    sqlite_path: Path | None

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "PYTHONPATH": str(ROOT), **extra}

    def run(self, *args: str, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([*CASEDESK, *args], input=stdin, env=self.env(), capture_output=True, timeout=timeout)

    def python(self, code: str) -> str:
        """Run Django code in a subprocess on this database; its stdout."""
        setup = "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'casedesk.settings')\n"
        setup += "django.setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", setup + code], env=self.env(), capture_output=True, timeout=120, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def count(self, table: str) -> int:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path, timeout=30) as db:
                return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table}")
            return int(cur.fetchone()[0])


def migrated_sqlite(directory: Path) -> Path | None:
    """A migrated SQLite file to copy for each test (None on PostgreSQL, whose test database is shared)."""
    if connection.vendor != "sqlite":
        return None
    path = directory / "migrated.sqlite3"
    done = SharedDb(f"sqlite:///{path}", path).run("migrate", "-v0", timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return path


def shared_db(tmp_path: Path, template: Path | None) -> SharedDb:
    settings = connection.settings_dict
    if template is None:
        user = settings["USER"] or "postgres"
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
        return SharedDb(f"postgres://{user}@{host}:{port}/{settings['NAME']}", None)
    path = tmp_path / "shared.sqlite3"
    shutil.copyfile(template, path)
    return SharedDb(f"sqlite:///{path}", path)
