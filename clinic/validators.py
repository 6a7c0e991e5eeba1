"""Field validators shared by models and serializers."""

import functools
import zoneinfo

import phonenumbers
from django.core.exceptions import ValidationError


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
