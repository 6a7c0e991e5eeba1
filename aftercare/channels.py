"""How messages leave: SMS through a small backend interface, email through Django's mailers.

Every provider call carries the notification id as its idempotency key, so a provider (or the
file backend's record) can tell a retry from a new message.
"""

import fcntl
import json
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string
from requests import RequestException
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
)
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

# The longest SMS the provider passes on (Twilio: 1,600 characters); a longer one is refused.
LONGEST_SMS = 1600


class DeliveryError(Exception):
    """The provider did not take the message. It is retried unless `permanent`: the provider
    refused the message itself (an invalid number, say), and asking again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class ConsoleSms:
    """Prints each SMS: the embedded default."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        print(f"SMS to {to} [{idempotency_key}]\n{body}\n", flush=True)
        return f"console-{idempotency_key}"


class FileSms:
    """Appends each SMS as a JSON line: what tests and the demo read back.

    SMS_FILE_DELAY (seconds) stands in for a provider's latency in fault tests and benchmarks.
    """

    def __init__(self):
        self.path = Path(settings.SMS_FILE_PATH)
        self.delay = settings.SMS_FILE_DELAY

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        if self.delay:
            time.sleep(self.delay)
        line = json.dumps(
            {"id": idempotency_key, "to": to, "body": body, "at": timezone.now().isoformat()}
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as record:
            fcntl.flock(record, fcntl.LOCK_EX)  # workers append whole lines, never interleaved
            record.write(line + "\n")
        return f"file-{idempotency_key}"


class TwilioSms:
    """Twilio's Messages API through its official SDK; receipts come back to /hooks/sms/status/.

    Twilio's create call takes no idempotency key, so the notification id rides in the status
    callback's URL, where every receipt for the message shows it.

    TWILIO_API_BASE_URL, when set, points the SDK at a stand-in for Twilio (the tests' fake).
    """

    # Well inside the send lease, so a slow provider never has two senders of one message.
    TIMEOUT_SECONDS = 10

    def __init__(self):
        base_url = settings.TWILIO_API_BASE_URL
        http = (
            RedirectingHttpClient(base_url, timeout=self.TIMEOUT_SECONDS)
            if base_url
            else TwilioHttpClient(timeout=self.TIMEOUT_SECONDS)
        )
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http
        )

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        try:
            message = self.client.messages.create(
                to=to,
                from_=settings.TWILIO_FROM_NUMBER,
                body=body,
                status_callback=(
                    f"{settings.PUBLIC_BASE_URL}/hooks/sms/status/?notification={idempotency_key}"
                ),
            )
        except TwilioRestException as error:
            reason = f"Twilio {error.status} (error {error.code}): {error.msg}"
            # 4xx: Twilio refused this message; 429 (too many requests) and 5xx may pass later.
            permanent = 400 <= error.status < 500 and error.status != 429
            raise DeliveryError(reason, permanent=permanent) from error
        except (TwilioException, RequestException) as error:  # unreachable, timed out
            raise DeliveryError(f"Twilio unreachable: {error}") from error
        return message.sid


class RedirectingHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending each request to `base_url` instead of Twilio's host.

    Passing Client an http_client is the SDK's documented way to alter its requests; the SDK
    still builds every path, form and header, so a fake behind `base_url` sees the real thing.
    """

    def __init__(self, base_url: str, **options):
        super().__init__(**options)
        self.base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit(
            parts._replace(
                scheme=self.base.scheme,
                netloc=self.base.netloc,
                path=self.base.path.rstrip("/") + parts.path,
            )
        )
        return super().request(method, url, *args, **kwargs)


class SmsSender(Protocol):
    """What every SMS backend offers (SMS_BACKEND names one, or a class by its dotted path)."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> str: ...


SMS_BACKENDS: dict[str, type[SmsSender]] = {
    "console": ConsoleSms,
    "file": FileSms,
    "twilio": TwilioSms,
}


def sms_backend() -> SmsSender:
    name = settings.SMS_BACKEND
    return (SMS_BACKENDS.get(name) or import_string(name))()


def send_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    idempotency_key: str,
    stop_link: str | None = None,
) -> str:
    """`stop_link`: where the recipient stops these emails, announced to mail programs too
    (RFC 2369 List-Unsubscribe, and RFC 8058's one-click POST to it)."""
    headers = {"X-Filiform-Notification": idempotency_key}
    if stop_link is not None:
        headers["List-Unsubscribe"] = f"<{stop_link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError as error:  # SMTP and connection failures
        raise DeliveryError(str(error)) from error
    return ""
