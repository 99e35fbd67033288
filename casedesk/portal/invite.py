"""An agent invites a contact to the portal: a user for the contact and an e-mailed set-password link.

The link is Django's password-reset link (the same token machinery, valid for
PASSWORD_RESET_TIMEOUT): the contact chooses a password and is then signed in
with their e-mail address. Inviting again re-sends the link.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from casedesk.accounts.models import Contact
from casedesk.portal.language import contact_language

log = logging.getLogger(__name__)


class InviteError(ValueError):
    """An invitation that cannot be sent; the message says why."""


def set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.CASEDESK_BASE_URL.rstrip('/')}{path}"


@transaction.atomic
def invite(contact: Contact, *, by: User | None) -> User:
    """Create (or reuse) the contact's portal user, username = e-mail, and e-mail a set-password link."""
    email = contact.email.strip().lower()
    if not email:
        raise InviteError(f"{contact.name} has no e-mail address to invite")
    user = contact.user
    if user is None:
        taken = User.objects.filter(username__iexact=email).first()
        if taken is not None:
            # Never hand an existing account (an agent's, another contact's) to a customer.
            raise InviteError(f"a user named {email} already exists and is not {contact.name}'s")
        user = User(username=email, email=email, first_name=contact.name[:150])
        user.set_unusable_password()
        user.save()
        contact.user = user
        contact.save(update_fields=["user"])
    if user.is_staff or user.is_superuser:
        raise InviteError(f"{email} is a staff account: staff use the console, not the portal")
    context = {"contact": contact, "url": set_password_url(user), "by": by, "desk": contact.company.desk}
    with override(contact_language(contact) or settings.LANGUAGE_CODE):  # the contact's language, not the agent's
        subject = render_to_string("portal/email/invitation_subject.txt", context).strip()
        body = render_to_string("portal/email/invitation.txt", context)
    send_mail(subject, body, None, [email])
    log.info("portal invitation sent to contact %s by %s", contact.pk, by.pk if by else None)
    return user
