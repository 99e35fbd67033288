"""The portal in ten languages: complete catalogues that compile, and the requester's language on every page.

The catalogues are casedesk/locale/<lang>/LC_MESSAGES/django.po; the English
one lists every message id. A catalogue that lacks a translation of one of them
(missing, empty, or marked fuzzy) fails here.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from casedesk.accounts.models import Contact
from casedesk.portal.invite import invite
from tests.cases.factories import customer, desk
from tests.web.test_portal_world import portal_user, world

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")


# --- reading .po files ---------------------------------------------------------------------------------------


@dataclass
class Entry:
    context: str | None = None
    msgid: str | None = None
    plural: str | None = None
    strings: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        assert self.msgid is not None
        return (self.context, self.msgid, self.plural)


_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry, last = Entry(), ("", 0)
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.msgid is not None:
                entries.append(entry)
            entry, last = Entry(), ("", 0)
        elif line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif m := _LINE.match(line):
            keyword, index, text = m.group(1), m.group(2), ast.literal_eval(m.group(3))
            if keyword == "msgctxt":
                entry.context, last = text, ("context", 0)
            elif keyword == "msgid":
                entry.msgid, last = text, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.plural, last = text, ("plural", 0)
            else:
                i = int(index or 0)
                entry.strings[i], last = text, ("str", i)
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            kind, i = last
            if kind == "str":
                entry.strings[i] += text
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + text)
        else:
            raise AssertionError(f"{path}: cannot read {line!r}")
    return entries


def catalogue(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def nplurals(header: Entry) -> int:
    m = re.search(r"nplurals\s*=\s*(\d+)", header.strings.get(0, ""))
    assert m, "the header names no Plural-Forms"
    return int(m.group(1))


# --- the catalogues ------------------------------------------------------------------------------------------


def test_the_ten_languages_are_configured() -> None:
    assert LANGUAGES == ["en", "sv", "da", "nb", "is", "fi", "et", "lv", "cs", "fr"]
    assert LOCALE in [Path(p) for p in settings.LOCALE_PATHS]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_translates_every_message_id_of_the_english_one(lang: str) -> None:
    english = read_po(catalogue("en"))[1:]
    assert len(english) > 100, "the English catalogue lists the portal's message ids"
    header, *entries = read_po(catalogue(lang))
    assert header.msgid == "" and "fuzzy" not in header.flags, f"{lang}: the header is fuzzy (msgfmt would skip it)"
    assert f"Language: {lang}\\n" in repr(header.strings[0]).replace("\\\\", "\\")
    forms = nplurals(header)
    translated = {e.key: e for e in entries}
    missing = []
    for source in english:
        entry = translated.get(source.key)
        if entry is None or "fuzzy" in entry.flags:
            missing.append(source.msgid)
            continue
        wanted = range(forms) if source.plural is not None else range(1)
        texts = [entry.strings.get(i, "") for i in wanted]
        if not all(t.strip() for t in texts):
            missing.append(source.msgid)
            continue
        original = sorted(PLACEHOLDER.findall((source.plural if source.plural is not None else source.msgid) or ""))
        if source.plural is None:  # placeholders and markup survive translation
            assert sorted(PLACEHOLDER.findall(texts[0])) == original, (lang, texts[0])
        else:  # a plural's one-item form may say "one" instead of the count; together the forms keep them all
            found = [set(PLACEHOLDER.findall(t)) for t in texts]
            assert all(f <= set(original) for f in found), (lang, texts)
            assert set().union(*found) == set(original), (lang, texts)
    assert not missing, f"{lang} lacks {len(missing)} translation(s): {missing[:10]}"


def test_a_catalogue_lacking_a_translation_is_caught(tmp_path: Path) -> None:
    """The check above reads what it should: an empty msgstr and a fuzzy entry are both missing."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: sv\\n"\n\n'
        'msgid "Sign in"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "Logga ut"\n\n'
        'msgctxt "support policy"\nmsgid "High"\nmsgstr ""\n"Hög"\n',
        encoding="utf-8",
    )
    _, sign_in, sign_out, high = read_po(po)
    assert sign_in.strings == {0: ""} and "fuzzy" in sign_out.flags
    assert high.key == ("support policy", "High", None) and high.strings == {0: "Hög"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_compiles(lang: str, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (Debian's gettext) is needed to compile the catalogues"
    done = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(catalogue(lang))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "untranslated" not in done.stderr and "fuzzy" not in done.stderr, done.stderr
    assert (tmp_path / "django.mo").stat().st_size > 1000


# --- the pages and messages in the requester's language ----------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    """`make test` compiles the catalogues first; pytest alone compiles a missing or stale .mo the same way."""
    stale = [
        po
        for po in (catalogue(lang) for lang in LANGUAGES)
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    msgfmt = shutil.which("msgfmt")
    if stale and msgfmt:
        for po in stale:
            subprocess.run([msgfmt, "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
        trans_real._translations = {}  # as Django does when LOCALE_PATHS change
        trans_real._default = None
        trans_real._active = trans_real.Local()


def _signed_in(contact: Contact, accept_language: str = "") -> Client:
    client = Client(headers={"Accept-Language": accept_language} if accept_language else {})
    client.force_login(contact.user or portal_user(contact))
    return client


def _speaks(contact: Contact, language: str) -> Contact:
    contact.language = language
    contact.save(update_fields=["language"])
    return contact


@pytest.mark.django_db
def test_a_swedish_requester_sees_the_tracker_and_the_case_in_swedish() -> None:
    w = world("plm-group")
    client = _signed_in(_speaks(w.alice, "sv"), accept_language="fr")  # the contact's language wins
    r = client.get("/portal/")
    tracker = r.content.decode()
    assert r["Content-Language"] == "sv" and '<html lang="sv">' in tracker
    for text in ("Mina ärenden", "Skapa ett nytt ärende", "Nästa besked från supporten", "1 öppet ärende",
                 "Första svar senast", "Logga ut", "Hög"):  # fmt: skip
        assert text in tracker, text
    assert "My cases" not in tracker and "Initial response" not in tracker
    assert w.case.number in tracker and "2026-12-01 10:00 CET" in tracker  # numbers and times unchanged

    page = client.get(f"/portal/cases/{w.case.number}/").content.decode()
    for text in ("Historik", "Ärendet skapades", "Lägg till en kommentar", "Skicka kommentaren",
                 "Din kommentar", "Prioritet", "It crashes."):  # fmt: skip
        assert text in page, text
    assert "History" not in page and "Add a comment" not in page

    r = client.post(f"/portal/cases/{w.case.number}/comment/", {"body": "Tack för svaret"}, follow=True)
    assert "Din kommentar är tillagd." in r.content.decode()
    assert translation.get_language() == "en"  # the request's language does not leak into the next one


@pytest.mark.django_db
def test_a_french_requester_sees_the_tracker_the_case_and_escalation_in_french() -> None:
    w = world("mastercam")
    client = _signed_in(_speaks(w.alice, "fr"))
    tracker = client.get("/portal/").content.decode()
    assert '<html lang="fr">' in tracker
    for text in ("Mes demandes", "Ouvrir une nouvelle demande", "Prochaine échéance du support", "1 demande ouverte",
                 "P2 - Critique", "au plus tard le"):  # fmt: skip
        assert text in tracker, text

    page = client.get(f"/portal/cases/{w.case.number}/").content.decode()
    for text in ("Historique", "Demande ouverte", "Ajouter un commentaire", "Demander une escalade",
                 "Votre demande sera transmise au niveau 1 : Examen par le responsable du support / superviseur.",
                 "Pourquoi cette demande devrait-elle être escaladée ?"):  # fmt: skip
        assert text in page, text

    r = client.post(f"/portal/cases/{w.case.number}/escalate/", {"reason": ""})
    assert r.status_code == 400 and "Ce champ est obligatoire." in r.content.decode()  # Django's own, in French
    r = client.post(f"/portal/cases/{w.case.number}/escalate/", {"reason": "Pas de réponse"}, follow=True)
    page = r.content.decode()
    assert "Escalade demandée : Examen par le responsable du support / superviseur." in page
    assert "Escaladée au niveau 1" in page


@pytest.mark.django_db
def test_an_anonymous_browser_asking_for_czech_sees_the_login_page_in_czech() -> None:
    r = Client(headers={"accept-language": "cs"}).get("/portal/login/")
    page = r.content.decode()
    assert r["Content-Language"] == "cs" and "Accept-Language" in r["Vary"]
    assert '<html lang="cs">' in page
    for text in ("Přihlásit se do portálu podpory", "Přihlášení · portál podpory", "Zapomněli jste heslo?", "Heslo"):
        assert text in page, text
    assert "Sign in to the support portal" not in page

    r = Client(headers={"accept-language": "cs"}).post("/portal/login/", {"username": "x@y.test", "password": "no"})
    assert "Zadejte správnou e-mailovou adresu a heslo." in r.content.decode()


@pytest.mark.django_db
def test_without_a_language_the_portal_is_english_and_other_pages_follow_the_browser() -> None:
    page = Client().get("/portal/login/").content.decode()
    assert '<html lang="en">' in page and "Sign in to the support portal" in page
    page = Client(headers={"accept-language": "de-DE,de;q=0.9"}).get("/portal/login/").content.decode()
    assert "Sign in to the support portal" in page  # a language the portal lacks: English
    page = Client(headers={"accept-language": "de,nb;q=0.8"}).get("/portal/login/").content.decode()
    assert "Logg inn på kundestøtteportalen" in page  # the first one it has
    r = Client(headers={"accept-language": "sv"}).get("/")
    assert r["Content-Language"] == "sv" and '<html lang="sv">' in r.content.decode()
    r = Client(headers={"accept-language": "de"}).get("/")
    assert r["Content-Language"] == "en"


@pytest.mark.django_db
def test_an_agent_reads_the_console_in_the_language_of_their_profile_whatever_the_browser_says() -> None:
    w = world("plm-group")
    bob = w.users["agent"]
    client = Client(headers={"accept-language": "sv"})
    client.force_login(bob)
    assert client.get("/console/")["Content-Language"] == "sv"  # no choice yet: the browser's
    client.post("/account/", {"zone": "", "language": "fi"})
    r = client.get("/console/")
    assert r["Content-Language"] == "fi" and '<html lang="fi">' in r.content.decode()
    assert '<option value="open">Avoin</option>' in r.content.decode()  # the status "Open", in Finnish
    assert client.get(f"/console/cases/{w.case.number}/")["Content-Language"] == "fi"
    refused = client.post("/account/", {"zone": "", "language": "de"})
    assert refused.status_code == 200 and client.get("/console/")["Content-Language"] == "fi"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "heading"),
    [("no", "Mine saker"), ("nb-NO", "Mine saker"), ("da", "Mine sager"), ("is", "Málin mín"),
     ("fi", "Omat tukipyynnöt"), ("et", "Minu pöördumised"), ("lv", "Mani pieteikumi"), ("en", "My cases"),
     ("de", "Mes demandes")],
)  # fmt: skip
def test_the_contact_language_is_mapped_to_the_portal_languages(stored: str, heading: str) -> None:
    """The demo data's "no" is Norwegian Bokmål; a language the portal lacks falls back to the browser's (here fr)."""
    w = world("plm-group")
    page = _signed_in(_speaks(w.alice, stored), accept_language="fr").get("/portal/").content.decode()
    assert f"<h1>{heading}</h1>" in page


@pytest.mark.django_db
def test_the_invitation_is_written_in_the_contact_language() -> None:
    d = desk("plm-group")
    alice, _ = customer(d, country="FI", zone="Europe/Helsinki")
    invite(_speaks(alice, "fi"), by=None)
    message = mail.outbox[-1]
    assert message.subject == f"Tukiportaalin käyttäjätilisi: {d.name}"
    assert message.body.startswith("Hei Alice,")
    assert "Valitse salasanasi tästä (linkki on voimassa kolme päivää):" in message.body
    assert "Kirjaudut sisään tällä sähköpostiosoitteella: alice@fi.test" in message.body
    assert translation.get_language() == "en"


@pytest.mark.django_db
def test_the_password_reset_mail_is_written_in_the_contact_language() -> None:
    d = desk("plm-group")
    alice, _ = customer(d, country="CZ", zone="Europe/Prague")
    portal_user(_speaks(alice, "cs"))
    r = Client().post("/portal/password-reset/", {"email": "alice@cz.test"})  # an English page, a Czech contact
    assert r.status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "Obnovení hesla do portálu podpory"
    assert "Někdo požádal o obnovení hesla k účtu alice@cz.test v portálu podpory." in message.body
    assert "/portal/reset/" in message.body
