"""Backfilling a new column of clinical tables in a migration.

Existing rows of a signed session cannot be updated while the signed-record guards and the audit
triggers watch them, so a backfill that only copies a fact the row already implies (its
clinic, through its parent) runs with the tables' own triggers off, on PostgreSQL. Migrations run
as the owner role (docs/security.md), which alone may do this.
"""

from collections.abc import Callable, Sequence

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def with_triggers_off(
    tables: Sequence[str], fill: Callable[[StateApps], None]
) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        postgres = schema_editor.connection.vendor == "postgresql"
        if postgres:
            for table in tables:
                schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        fill(apps)
        if postgres:
            for table in tables:
                schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

    return run
