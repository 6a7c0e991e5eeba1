"""The two PostgreSQL roles of a deployment.

- The owner role owns the tables: it runs the migrations, which create them and their triggers.
- The runtime role is the one the web, worker and beat processes connect as. It may only read
  and write rows. Not owning the tables, it cannot ALTER them, so it can neither disable nor
  drop the triggers that keep the audit trail append-only and signed sessions unchanged; it is
  not granted TRUNCATE (which skips row triggers), and only a superuser may set
  `session_replication_role` (which turns triggers off).

`manage.py grant_runtime_role ROLE`, run as the owner after every migrate, grants these.
"""

import re

from audit.models import AuditEntry

# Unquoted PostgreSQL identifiers only: the name is written into the statements.
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def runtime_grants(role: str, *, schema: str = "public") -> list[str]:
    """The statements that let `role` read and write the rows of `schema`'s tables, and of the
    tables the owner running them creates later."""
    for name in (role, schema):
        if not ROLE_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain lower-case PostgreSQL name.")
    rows = "SELECT, INSERT, UPDATE, DELETE"
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT {rows} ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # The trail is append-only: its trigger refuses changes, and the runtime may not try.
        f"REVOKE UPDATE, DELETE ON {schema}.{AuditEntry._meta.db_table} FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {rows} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
