"""Covering indexes for the compliance report (casedesk.reports.compliance) on PostgreSQL.

A month of the largest desk at 1,000,000 cases is ~90,000 cases and their metric rows: with these the report's
one query is two index-only scans joined by a nested loop (0.44 s on the loaded bench machine) instead of a
heap walk of every case opened in the month on any desk and a sequential scan of every metric row (~5 s).
SQLite has no INCLUDE: there the report reads `case_desk_opened` and the foreign-key index, as before.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS case_report_cover ON cases_case (desk_id, opened_at)"
    " INCLUDE (id, company_id, queue_id, assignee_id, policy_version_id, calendar_zone)",
    "CREATE INDEX IF NOT EXISTS metric_report_cover ON cases_slametric (case_id)"
    " INCLUDE (metric, goal, status, breached, missed, calendar, priority, started_at, stopped_at)",
]
DROP = ["DROP INDEX IF EXISTS case_report_cover", "DROP INDEX IF EXISTS metric_report_cover"]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_attention")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
