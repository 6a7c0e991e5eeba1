"""What `manage.py check --deploy` says of messaging: a production stack must send its SMS,
not write them (their patient links included) to its log, and its links must lead patients
to this service, not to the machine that built the message. The production stack runs the
check before it starts (docker-compose.yml), so such a stack does not start."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

THIS_MACHINE = {"localhost", "127.0.0.1", "::1"}


@checks.register(checks.Tags.security, deploy=True)
def messages_reach_patients(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    if settings.SMS_BACKEND in ("console", "file"):  # a sender of one's own may be named too
        problems.append(
            checks.Warning(
                f"SMS_BACKEND is {settings.SMS_BACKEND}: every SMS, its patient link included, "
                "is written to the log or a file and counted as sent; no patient receives it.",
                hint="Set SMS_BACKEND=twilio and TWILIO_*.",
                id="aftercare.W001",
            )
        )
    twilio = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER)
    if settings.SMS_BACKEND == "twilio" and not all(twilio):
        problems.append(
            checks.Warning(
                "SMS_BACKEND is twilio without TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_FROM_NUMBER: no SMS is sent, and every STOP is refused as unsigned.",
                id="aftercare.W002",
            )
        )
    address = urlsplit(settings.PUBLIC_BASE_URL)
    if address.scheme != "https" or address.hostname in THIS_MACHINE:
        problems.append(
            checks.Warning(
                f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL}: the links in patients' "
                "messages and the webhook addresses must be this service's public https address.",
                id="aftercare.W003",
            )
        )
    return problems
