"""The language a requester reads the portal and their e-mail in.

A signed-in requester: their contact's language (Contact.language, mapped to the
portal's languages: the demo data's "no" is Norwegian Bokmål, nb). Anyone else
on the portal (signed out, or a contact whose language the portal does not
have): the browser's Accept-Language, else English. Everywhere else (the
console, the account page): the language the signed-in person chose in their
profile, else the browser's, else English.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import trans_real

from casedesk.accounts.models import Contact
from casedesk.core.models import Profile

PORTAL_PREFIX = "/portal/"
# Codes people and systems use for a language the portal has under another code.
ALIASES = {"no": "nb", "nn": "nb", "nb-no": "nb", "no-no": "nb", "nn-no": "nb"}


def supported(code: str | None) -> str | None:
    """One of settings.LANGUAGES for a language code ("sv", "sv-SE", "no", "fr-CA"), None when the portal lacks it."""
    code = (code or "").strip().lower().replace("_", "-")
    if not code:
        return None
    code = ALIASES.get(code, ALIASES.get(code.split("-")[0], code))
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def contact_language(contact: Contact | None) -> str | None:
    return supported(contact.language) if contact is not None else None


def user_language(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The portal language of a signed-in user's contact; None for staff, anonymous or an unknown language."""
    if user is None or not user.is_authenticated:
        return None
    code = Contact.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return supported(code)


def chosen_language(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The language a signed-in person chose on their settings page (agents: the console's)."""
    if user is None or not user.is_authenticated:
        return None
    return supported(Profile.objects.filter(user_id=user.pk).values_list("language", flat=True).first())


def browser_language(request: HttpRequest) -> str | None:
    """The first language of the browser's Accept-Language that the portal has ("no" counts as nb)."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        if lang := supported(code):
            return lang
    return None


class PortalLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Vary and Content-Language headers) with the portal's choice of language."""

    def process_request(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if request.path_info.startswith(PORTAL_PREFIX):
            language = user_language(user) or browser_language(request) or settings.LANGUAGE_CODE
        else:
            language = chosen_language(user) or browser_language(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        translation.deactivate()  # the next request (or a test's own code) starts from English again
        return response
