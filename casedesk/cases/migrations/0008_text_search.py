"""Indexed text search over case subjects and message bodies (casedesk.cases.search), and the case number
in any letter case.

Both databases: an index on UPPER(number) (a number typed in any case is an indexed equality).

SQLite: two FTS5 tables, tokenizer unicode61 with remove_diacritics 2 (case- and accent-insensitive words
of any language; a word's prefix is a prefix query) and prefix indexes of 2 and 3 characters:
cases_case_fts (external content: rowid = case id, subject) and cases_caseevent_fts (contentless, only events
with a non-empty body; rowid = case id * 2**32 + event id mod 2**32, so a match names its case without a
lookup: rowid >> 32; case ids stay below 2**31). Triggers keep them current on every insert, update (an event
moved to another case is re-keyed) and delete, whoever writes (services, merge, admin, bulk loads); existing
rows are indexed here. A later migration that remakes cases_case or cases_caseevent on SQLite (Django does
for most field changes) drops these triggers and must create them again.

PostgreSQL: GIN indexes on to_tsvector of the text with ASCII punctuation turned into spaces, in the text
search configuration casedesk_search (the language-neutral 'simple' plus unaccent), so that words split as
on SQLite ("PLM-000123" is "plm" and "000123", "x.log" is "x" and "log"); the event index is partial (non-empty
bodies). The expressions are repeated verbatim in casedesk/cases/search.py: change both or neither.
"""

from django.db import migrations

# ASCII punctuation the PostgreSQL parser would glue words with (hyphens, paths, e-mail, URLs, versions).
PG_PUNCT = r"-./@:_\+~&?=#,;"
PG_SPACES = " " * len(PG_PUNCT)
PG_CONFIG = "public.casedesk_search"


def pg_vector(column: str) -> str:
    return f"to_tsvector('{PG_CONFIG}'::regconfig, translate({column}, '{PG_PUNCT}', '{PG_SPACES}'))"


SQLITE_TOKENIZE = "unicode61 remove_diacritics 2"


def event_key(row: str) -> str:
    """An event's rowid in cases_caseevent_fts: its case in the high 32 bits (as casedesk.cases.search reads it)."""
    return f"(({row}.case_id << 32) + ({row}.id & 4294967295))"


SQLITE_FORWARD = [
    "CREATE INDEX case_number_upper ON cases_case (UPPER(number))",
    f"""CREATE VIRTUAL TABLE cases_case_fts USING fts5(
        subject, content='cases_case', content_rowid='id', tokenize='{SQLITE_TOKENIZE}', prefix='2 3')""",
    f"""CREATE VIRTUAL TABLE cases_caseevent_fts USING fts5(
        body, content='', tokenize='{SQLITE_TOKENIZE}', prefix='2 3')""",
    """CREATE TRIGGER cases_case_fts_insert AFTER INSERT ON cases_case BEGIN
        INSERT INTO cases_case_fts(rowid, subject) VALUES (new.id, new.subject);
    END""",
    """CREATE TRIGGER cases_case_fts_delete AFTER DELETE ON cases_case BEGIN
        INSERT INTO cases_case_fts(cases_case_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
    END""",
    """CREATE TRIGGER cases_case_fts_update AFTER UPDATE OF id, subject ON cases_case
    WHEN old.id IS NOT new.id OR old.subject IS NOT new.subject BEGIN
        INSERT INTO cases_case_fts(cases_case_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
        INSERT INTO cases_case_fts(rowid, subject) VALUES (new.id, new.subject);
    END""",
    # Only events with a text are indexed: the triggers and the initial fill use the same condition.
    f"""CREATE TRIGGER cases_caseevent_fts_insert AFTER INSERT ON cases_caseevent WHEN new.body <> '' BEGIN
        INSERT INTO cases_caseevent_fts(rowid, body) VALUES ({event_key('new')}, new.body);
    END""",
    f"""CREATE TRIGGER cases_caseevent_fts_delete AFTER DELETE ON cases_caseevent WHEN old.body <> '' BEGIN
        INSERT INTO cases_caseevent_fts(cases_caseevent_fts, rowid, body) VALUES ('delete', {event_key('old')}, old.body);
    END""",
    f"""CREATE TRIGGER cases_caseevent_fts_update AFTER UPDATE OF id, case_id, body ON cases_caseevent
    WHEN old.id IS NOT new.id OR old.case_id IS NOT new.case_id OR old.body IS NOT new.body BEGIN
        INSERT INTO cases_caseevent_fts(cases_caseevent_fts, rowid, body)
            SELECT 'delete', {event_key('old')}, old.body WHERE old.body <> '';
        INSERT INTO cases_caseevent_fts(rowid, body) SELECT {event_key('new')}, new.body WHERE new.body <> '';
    END""",
    "INSERT INTO cases_case_fts(rowid, subject) SELECT id, subject FROM cases_case",
    f"INSERT INTO cases_caseevent_fts(rowid, body) SELECT {event_key('cases_caseevent')}, body FROM cases_caseevent WHERE body <> ''",
    # One b-tree per index instead of the many segments a bulk fill leaves: faster queries from the start.
    "INSERT INTO cases_case_fts(cases_case_fts) VALUES ('optimize')",
    "INSERT INTO cases_caseevent_fts(cases_caseevent_fts) VALUES ('optimize')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_caseevent_fts_update",
    "DROP TRIGGER IF EXISTS cases_caseevent_fts_delete",
    "DROP TRIGGER IF EXISTS cases_caseevent_fts_insert",
    "DROP TRIGGER IF EXISTS cases_case_fts_update",
    "DROP TRIGGER IF EXISTS cases_case_fts_delete",
    "DROP TRIGGER IF EXISTS cases_case_fts_insert",
    "DROP TABLE IF EXISTS cases_caseevent_fts",
    "DROP TABLE IF EXISTS cases_case_fts",
    "DROP INDEX IF EXISTS case_number_upper",
]

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",  # a trusted extension: the database owner may create it
    f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "CREATE INDEX case_number_upper ON cases_case (UPPER(number))",
    f"CREATE INDEX case_subject_search ON cases_case USING gin ({pg_vector('subject')})",
    f"CREATE INDEX event_body_search ON cases_caseevent USING gin ({pg_vector('body')}) WHERE body <> ''",
]
PG_REVERSE = [
    "DROP INDEX IF EXISTS event_body_search",
    "DROP INDEX IF EXISTS case_subject_search",
    "DROP INDEX IF EXISTS case_number_upper",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}",
    # unaccent stays: other objects may use it, and it holds no data.
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_case_product"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": PG_REVERSE}),
        ),
    ]
