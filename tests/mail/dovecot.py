"""A real Debian dovecot for the IMAP tests, on a free loopback port, with its maildirs in a temporary directory
(RECIPES.md section 2). Any user name logs in with `secret` and gets a maildir of its own, so a test that picks a
fresh user starts with an empty mailbox.

Do not test a wrong password against it: dovecot's auth penalty then delays every later login from 127.0.0.1
by seconds (2 to 4 s after one failure, growing; login_trusted_networks did not lift it), which slows and
breaks the tests that follow."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = Path("/usr/sbin/dovecot")
PASSWORD = "secret"

CONF = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
mail_uid = nobody
mail_gid = nogroup
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = home={d}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
{imaps}}}
"""
# With TLS: STARTTLS on the plain port, and IMAPS on a port of its own.
TLS_CONF = """\
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
"""
IMAPS_LISTENER = """\
  inet_listener imaps {{
    port = {ssl_port}
    ssl = yes
  }}
"""


@dataclass(frozen=True)
class Dovecot:
    host: str
    port: int
    password: str
    directory: Path
    pid: int
    ssl_port: int = 0  # IMAPS, when started with tls=True
    ca_file: str = ""  # the self-signed certificate for 127.0.0.1, to trust

    def log(self) -> str:
        path = self.directory / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def session_pids(self, user: str) -> list[int]:
        """The imap processes serving `user` (doveadm who: "user  n imap  (pid pid) (ip)")."""
        done = subprocess.run(
            ["/usr/bin/doveadm", "-c", str(self.directory / "dovecot.conf"), "who", user],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        found = re.search(r"\(([\d ]+)\)", done.stdout)
        return [int(pid) for pid in found.group(1).split()] if found else []

    def kick(self, user: str) -> None:
        """Disconnect every session of `user` (the server side of a dropped connection)."""
        subprocess.run(
            ["/usr/bin/doveadm", "-c", str(self.directory / "dovecot.conf"), "kick", user],
            check=True,
            capture_output=True,
            timeout=30,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_greeting(proc: subprocess.Popen[bytes], port: int, directory: Path, timeout: float = 10) -> None:
    """The master accepts connections even when imap-login is broken: wait for the `* OK` greeting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (
                (directory / "dovecot.log").read_text(errors="replace") if (directory / "dovecot.log").exists() else ""
            )
            raise RuntimeError(f"dovecot exited with {proc.returncode}: {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(4) == b"* OK":
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"dovecot did not greet on port {port} within {timeout} s")


def self_signed_certificate(directory: Path) -> Path:
    """cert.pem and key.pem for 127.0.0.1 (a subjectAltName IP, as Python's hostname check wants)."""
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
    name = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            *key,
            *name,
            "-keyout",
            str(directory / "key.pem"),
            "-out",
            str(directory / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return directory / "cert.pem"


@contextmanager
def running_dovecot(*, tls: bool = False) -> Iterator[Dovecot]:
    """Start dovecot (`scripts/system-packages.sh` installs it; a test fails without it, never skips); kill it after.
    With `tls`, a self-signed certificate: STARTTLS on `port`, IMAPS on `ssl_port`, `ca_file` to trust."""
    if not DOVECOT.exists() or not Path("/usr/lib/dovecot/imap").exists():
        pytest.fail("dovecot-imapd is not installed: run bash scripts/system-packages.sh")
    # Not pytest's tmp_path: it sits under a 0700 directory, and the mail processes run as nobody.
    # Short, too: base_dir holds unix sockets (~107 characters at most).
    d = Path(tempfile.mkdtemp(prefix="imap-"))
    os.chmod(d, 0o755)
    (d / "mail").mkdir()
    shutil.chown(d / "mail", "nobody", "nogroup")
    port, ssl_port, ca_file = free_port(), 0, ""
    conf = CONF.replace("ssl = no\n", TLS_CONF if tls else "ssl = no\n")
    if tls:
        if shutil.which("openssl") is None:
            pytest.fail("openssl is not installed: run bash scripts/system-packages.sh")
        ssl_port, ca_file = free_port(), str(self_signed_certificate(d))
    imaps = IMAPS_LISTENER.format(ssl_port=ssl_port) if tls else ""
    (d / "dovecot.conf").write_text(conf.format(d=d, port=port, password=PASSWORD, imaps=imaps))
    proc = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(d / "dovecot.conf")],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_greeting(proc, port, d)
        yield Dovecot("127.0.0.1", port, PASSWORD, d, proc.pid, ssl_port, ca_file)
    finally:
        # SIGTERM takes ~3 s (the log child lingers); the whole process group at once is instant.
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        shutil.rmtree(d, ignore_errors=True)
