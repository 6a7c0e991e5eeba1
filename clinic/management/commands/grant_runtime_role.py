from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from clinic.database_roles import runtime_grants


class Command(BaseCommand):
    help = (
        "Let the runtime PostgreSQL role read and write rows, and nothing more (see "
        "clinic/database_roles.py). Run as the role that owns the tables, after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the web and Celery processes connect as")
        parser.add_argument(
            "--print", action="store_true", dest="print_only", help="print the SQL, run nothing"
        )

    def handle(self, *args, role, print_only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL deployment's; this is not one.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema(), current_user")
            schema, owner = cursor.fetchone()
        try:
            statements = runtime_grants(role, schema=schema)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if print_only:
            self.stdout.write(";\n".join(statements) + ";")
            return
        self._refuse_a_powerful_role(role)
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"{role} may now read and write rows; {owner} keeps the tables.")

    def _refuse_a_powerful_role(self, role: str) -> None:
        """A runtime role that is a superuser, or the owner or one of its members, could still
        turn the guards off."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR pg_has_role(rolname, current_user, 'MEMBER') "
                "FROM pg_roles WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
        if found is None:
            raise CommandError(f"There is no role {role!r}; create it first (CREATE ROLE).")
        if found[0]:
            raise CommandError(
                f"{role!r} is a superuser or owns the tables, so it could disable the guards; "
                "the runtime needs a role of its own."
            )
