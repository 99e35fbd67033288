"""`/api/v1/cases/{number}/attachments`: a case's files, listed, downloaded and uploaded.

The case comes through `case_routes.visible`, the getter the console and the portal use: another desk's case,
or one that is not the requester's, answers 404 like a missing one. A requester sees only the files of the
events the portal shows them (`attachments.PUBLIC_KINDS`: the opening and the public replies), never an
internal note's; a file they may not see is a 404 like one that does not exist.

An upload goes through `casedesk.cases.services` with the portal's checks (`attachments.check`: size limit,
accepted kinds); a refused file stores nothing, and the answer names it: 413 when a file is over the size
limit, 400 when its kind is not accepted. A requester's upload is a comment on the case; an agent's is an
internal note, or a public reply with `public=true` (then it counts as a reply to the customer, clocks too).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile as DjangoUpload
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError

from casedesk.api.auth import AUTH, caller, writer
from casedesk.api.case_routes import visible
from casedesk.api.problems import READ, WRITE, errors
from casedesk.cases import access, attachments, services
from casedesk.cases.models import Attachment, Case

router = Router(auth=AUTH, tags=["attachments"])

BINARY = {
    "responses": {
        200: {
            "description": "The file, as a download (Content-Disposition: attachment)",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int  # bytes
    uploaded_at: datetime
    event: int | None  # the case event that brought the file (the opening, a reply, a note)


class UploadOut(Schema):
    event: int
    kind: str  # the event: customer_reply (a requester's), note (staff's internal note) or agent_reply (public=true)
    attachments: list[AttachmentOut]


def _case(request: HttpRequest, number: str) -> Case:
    """The case through the console's or the portal's getter (no case number holds a NUL character)."""
    if "\x00" in number:
        raise access.CaseNotFound("No case with this number.")
    return visible(request, number)


def _files_for(request: HttpRequest, case: Case) -> QuerySet[Attachment]:
    """The case's files the caller may see: all of them for staff, the public events' for a requester."""
    qs = Attachment.objects.filter(case=case)
    if access.contact_of(caller(request)) is not None:
        qs = qs.filter(event__kind__in=attachments.PUBLIC_KINDS)
    return qs


def attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.pk, name=a.name, content_type=a.content_type, size=a.size, uploaded_at=a.uploaded_at, event=a.event_id
    )


@router.get("/{number}/attachments", response={200: list[AttachmentOut], **READ})
def list_attachments(request: HttpRequest, number: str) -> list[AttachmentOut]:
    """The files of the case, oldest first (a requester: those of the opening and the public replies)."""
    case = _case(request, number)
    return [attachment_out(a) for a in _files_for(request, case).order_by("uploaded_at", "pk")]


@router.get("/{number}/attachments/{attachment_id}", response=READ, openapi_extra=BINARY)
def download(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    """The file's bytes, always as a download under its cleaned name; 404 for a file the caller may not see."""
    case = _case(request, number)
    att = _files_for(request, case).filter(pk=attachment_id).first()
    if att is None:
        raise HttpError(404, "No such file.")
    try:
        handle = att.file.open("rb")
    except OSError:
        raise HttpError(404, "No such file.") from None
    response = FileResponse(handle, as_attachment=True, filename=att.name)
    # Images keep their type; anything else is bytes to save, never content for a browser to run.
    inline = att.content_type in attachments.INLINE_TYPES
    response["Content-Type"] = att.content_type if inline else "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _check(files: list[DjangoUpload]) -> None:
    """The portal's checks before anything is stored: 413 when a file is too large, 400 for a refused kind."""
    if not files:
        raise HttpError(400, "files: give one or more files (multipart/form-data, field `files`)")
    try:
        attachments.check(files)
    except attachments.AttachmentError as exc:
        limit = attachments.max_bytes()
        raise HttpError(413 if any((f.size or 0) > limit for f in files) else 400, f"files: {exc}") from None


def _upload(case: Case, user: User, requester: bool, public: bool, note: str, files: list[DjangoUpload]) -> None:
    """Attach through the services: a requester's comment, staff's internal note or public reply."""
    body = note.strip() or "Attached: " + ", ".join(attachments.clean_name(f.name or "") for f in files)
    if requester:
        services.customer_reply(case, body, actor=user, files=files)
    elif public:
        services.agent_reply(case, user, body, files=files)
    else:
        services.add_note(case, user, body, files=files)


@router.post("/{number}/attachments", response={201: UploadOut, **WRITE, **errors(413)})
def upload(
    request: HttpRequest,
    number: str,
    files: File[list[UploadedFile]],
    note: Form[str] = "",
    public: Form[bool] = False,
) -> Status:
    """Upload one or more files (multipart field `files`, repeated) with an optional `note`. A requester's
    upload is a comment; staff's an internal note, or a public reply with `public=true`. 413 when a file is
    over the size limit, 400 when its kind is not accepted: nothing is stored then."""
    user = writer(request)
    case = _case(request, number)
    if len(note) > 100_000 or "\x00" in note:
        raise HttpError(400, "note: at most 100000 characters, and no NUL character")
    uploads: list[DjangoUpload] = list(files)
    for f in uploads:  # the type the client declared, kept as text a database stores
        f.content_type = "".join(ch for ch in (f.content_type or "") if ch.isprintable()) or "application/octet-stream"
    _check(uploads)
    requester = access.contact_of(user) is not None
    with services.recording() as written:
        _upload(case, user, requester, public, note, uploads)
    event = next(e for e in reversed(written) if e.attachments.exists())
    stored = Attachment.objects.filter(event=event).order_by("pk")
    return Status(201, UploadOut(event=event.pk, kind=event.kind, attachments=[attachment_out(a) for a in stored]))
