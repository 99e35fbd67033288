"""Files on a case: checked before anything is stored, kept under var/media, served only through the getter.

Nothing under MEDIA_ROOT has a URL of its own: the portal and the console hand a
file out after `casedesk.cases.access` found the case for the viewer, and the
portal never hands out a file of an internal note.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext, pgettext

from casedesk.cases.models import Attachment, Case, CaseEvent

# What support cases carry: screenshots, logs, documents, archives and the CAD/CAM files of the five desks.
ALLOWED_EXTENSIONS = frozenset(
    {
        *(".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".txt", ".log", ".csv", ".xml", ".json"),
        *(".zip", ".7z", ".docx", ".xlsx", ".pptx", ".eml"),
        *(".sldprt", ".sldasm", ".slddrw", ".step", ".stp", ".iges", ".igs", ".stl", ".dwg", ".dxf"),
        *(".x_t", ".x_b", ".prt", ".asm", ".drw", ".mcam", ".nc"),
    }
)
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_NAME_BYTES = 200
PUBLIC_KINDS = frozenset({"opened", "agent_reply", "customer_reply"})


class AttachmentError(ValueError):
    """A file refused before anything was stored; the message names it and says why."""


def max_bytes() -> int:
    return int(getattr(settings, "CASEDESK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def clean_name(name: str) -> str:
    """The file's own name without any path, control characters or leading dots (no traversal)."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    stem, ext = os.path.splitext(base)
    stem, ext = stem[:120], ext[:20]
    # A file system allows 255 bytes per name, and the stored name gets a 17-byte prefix: cap the UTF-8 bytes.
    while stem and len((stem + ext).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem + ext) or "file"


def check(files: Sequence[UploadedFile]) -> None:
    """Every file within the size limit and of an allowed kind; AttachmentError lists each refusal."""
    limit = max_bytes()
    problems = []
    for f in files:
        name = clean_name(f.name or "")
        ext = os.path.splitext(name)[1].lower()
        if ext not in ALLOWED_EXTENSIONS:
            kind = ext or pgettext("file type", "(none)")
            problems.append(gettext("%(name)s: files of type %(type)s are not accepted") % {"name": name, "type": kind})
        elif (f.size or 0) > limit:
            problems.append(
                gettext("%(name)s: %(size)s bytes is over the limit of %(limit)s bytes")
                % {"name": name, "size": f"{f.size:,}", "limit": f"{limit:,}"}
            )
    if problems:
        raise AttachmentError("; ".join(problems))


def store(case: Case, event: CaseEvent, files: Sequence[UploadedFile]) -> list[Attachment]:
    """Store files already checked, each linked to the event that brought it."""
    out = []
    for f in files:
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        att = Attachment(
            case=case,
            event=event,
            name=clean_name(f.name or ""),
            content_type=(f.content_type or "application/octet-stream")[:100],
            size=f.size or 0,
            sha256=digest.hexdigest(),
        )
        att.file.save(f"{case.pk}/{digest.hexdigest()[:16]}-{att.name}", f, save=False)
        att.save()
        out.append(att)
    return out


def download(case: Case, attachment_id: int, *, public_only: bool) -> FileResponse:
    """The file of a case the caller already got through the getter; 404 for another case's or a hidden one."""
    att = Attachment.objects.filter(case=case, pk=attachment_id).select_related("event").first()
    if att is None or (public_only and (att.event is None or att.event.kind not in PUBLIC_KINDS)):
        raise Http404("No such file.")
    inline = att.content_type in INLINE_TYPES
    response = FileResponse(att.file.open("rb"), as_attachment=not inline, filename=att.name)
    response["Content-Type"] = att.content_type if inline else "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
