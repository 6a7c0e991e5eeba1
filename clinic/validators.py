"""Field validators shared by models and serializers."""

import functools
import unicodedata
import zoneinfo
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _known_timezones():
        raise ValidationError(f"'{value}' is not an IANA timezone name such as Europe/London.")


def validate_e164(value: str) -> None:
    """A phone number must already be in E.164 form (+447911123456): SMS providers need it so."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != value
    ):
        raise ValidationError("Enter a valid phone number in E.164 form, e.g. +447911123456.")


def validate_one_line(value: str) -> None:
    """A name is one line of text: a line break or another control character in it would
    break the headers and lines it is written into (an email's subject, the logs)."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValidationError("A name is one line: no line breaks or control characters.")


# Every patient-facing text exists in each of these (aftercare, reminders, the patient page).
SUPPORTED_LANGUAGES = ("en", "es")
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def validate_language(value: str) -> None:
    if value not in SUPPORTED_LANGUAGES:
        raise ValidationError(
            f"'{value}' is not a supported language: use one of {', '.join(SUPPORTED_LANGUAGES)}."
        )


def validate_date_of_birth(value: date) -> None:
    """A birth date is in the past (yesterday at the latest) and no earlier than 1900."""
    if value >= timezone.localdate():
        raise ValidationError("A date of birth must be a past date.")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(f"A date of birth cannot be before {EARLIEST_BIRTH_DATE}.")
