from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clinic.models import Staff
from clinic.services import create_clinic


class Command(BaseCommand):
    help = "Create a clinic and its first administrator; prints the clinic id."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--timezone", required=True, help="IANA name, e.g. Europe/London")
        parser.add_argument("--admin", required=True, help="username of the first administrator")
        parser.add_argument("--password", required=True)

    def handle(self, *args, name, timezone, admin, password, **options):
        if Staff.objects.filter(username=admin).exists():
            raise CommandError(f"A user named '{admin}' already exists; nothing was created.")
        try:
            clinic = create_clinic(
                name=name, timezone=timezone, admin_username=admin, admin_password=password
            )
        except ValidationError as exc:
            raise CommandError(f"{described(exc)} Nothing was created.") from exc
        self.stdout.write(str(clinic.id))


def described(error: ValidationError) -> str:
    """Each problem, named by the field it is about: "password: This password is too short..."."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
    )
