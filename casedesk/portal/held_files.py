"""Files a requester already uploaded, held across a form that came back with errors.

A browser cannot refill a file input, so a refused form would make the
requester pick every screenshot again. Each acceptable upload of a refused
form is kept under MEDIA_ROOT/held/<token>/ and listed in the session; the
form shows them ticked, and the next successful submit attaches those still
ticked. Nothing held has a URL, and held files older than a day are removed.
"""

from __future__ import annotations

import mimetypes
import secrets
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext

from casedesk.cases import attachments

SESSION_KEY = "held_files"
MAX_HELD = 10  # an internal limit of the desk: more files than a case form needs
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Held:
    token: str
    name: str
    size: int


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "held"


def _sweep() -> None:
    """Remove what an abandoned form left behind (older than a day)."""
    root = _root()
    if not root.is_dir():
        return
    cutoff = time.time() - MAX_AGE_SECONDS
    for entry in root.iterdir():
        if entry.is_dir() and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)


def held(session: SessionBase) -> list[Held]:
    """The files held for this session that still exist on disk."""
    out = []
    for item in session.get(SESSION_KEY, []):
        token, name = str(item.get("token", "")), str(item.get("name", ""))
        path = _root() / token / name
        if token.isalnum() and name == attachments.clean_name(name) and path.is_file():
            out.append(Held(token, name, path.stat().st_size))
    return out


def hold(session: SessionBase, uploads: Sequence[UploadedFile]) -> list[str]:
    """Keep the acceptable ones of a refused form's uploads; the others' refusals, for the form to show."""
    _sweep()
    kept = [{"token": h.token, "name": h.name} for h in held(session)]
    refused = []
    for upload in uploads:
        if len(kept) >= MAX_HELD:
            refused.append(gettext("%(name)s: at most %(count)d files can wait for the form") % {
                "name": attachments.clean_name(upload.name or ""), "count": MAX_HELD
            })  # fmt: skip
            continue
        try:
            attachments.check([upload])
        except attachments.AttachmentError as exc:
            refused.append(str(exc))
            continue
        token, name = secrets.token_hex(16), attachments.clean_name(upload.name or "")
        folder = _root() / token
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / name, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        upload.seek(0)
        kept.append({"token": token, "name": name})
    session[SESSION_KEY] = kept
    return refused


def take(session: SessionBase, tokens: Sequence[str]) -> list[UploadedFile]:
    """The held files the form sent back ticked, as uploads for the service; the unticked ones are deleted."""
    wanted = set(tokens)
    files: list[UploadedFile] = []
    kept = []
    for h in held(session):
        if h.token in wanted:
            content_type = mimetypes.guess_type(h.name)[0] or "application/octet-stream"
            files.append(SimpleUploadedFile(h.name, (_root() / h.token / h.name).read_bytes(), content_type))
            kept.append({"token": h.token, "name": h.name})
        else:
            shutil.rmtree(_root() / h.token, ignore_errors=True)
    session[SESSION_KEY] = kept
    return files


def release(session: SessionBase) -> None:
    """Forget and delete every held file of the session (after the case took them, or on a fresh form)."""
    for h in held(session):
        shutil.rmtree(_root() / h.token, ignore_errors=True)
    session.pop(SESSION_KEY, None)
