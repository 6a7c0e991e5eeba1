"""The Twilio SMS backend through Twilio's real SDK, against a local fake of its Messages API.

The fake is the edge of the world: everything of ours and the SDK runs for real, down to the
HTTP request, which TWILIO_API_BASE_URL sends to 127.0.0.1 instead of api.twilio.com.
A signed receipt to the callback URL checked here is covered in test_webhooks_and_patient_page.
"""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare import delivery
from aftercare.models import Notification
from tests.aftercare.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    MESSAGES_PATH,
    PUBLIC_BASE_URL,
    serving,
)

pytestmark = pytest.mark.django_db

# Twilio's answers to a bad request and to its own failure: status and JSON error body.
INVALID_TO = (
    400,
    {
        "code": 21211,
        "message": "The 'To' number +447911123456 is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    },
)
TWILIO_DOWN = (
    500,
    {
        "code": 20500,
        "message": "Internal Server Error",
        "more_info": "https://www.twilio.com/docs/errors/20500",
        "status": 500,
    },
)


@pytest.fixture
def twilio_api(settings):
    """A running fake of Twilio's API, and the twilio SMS backend configured to use it."""
    with serving() as fake:
        settings.SMS_BACKEND = "twilio"
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
        settings.TWILIO_FROM_NUMBER = FROM_NUMBER
        settings.TWILIO_API_BASE_URL = fake.base_url
        settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL
        yield fake


@pytest.fixture
def aftercare_sms(log_session):
    """The aftercare SMS a logged session plans: pending and due at once."""
    log_session()
    return Notification.objects.get(kind="aftercare_immediate")


def test_a_due_sms_goes_to_twilio_as_one_message_and_is_recorded_sent(
    twilio_api, aftercare_sms, patient, send_one
):
    assert send_one(aftercare_sms) == "sent"
    [request] = twilio_api.received
    assert (request.method, request.path) == ("POST", MESSAGES_PATH)
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert (request.form["To"], request.form["From"]) == (patient.phone, FROM_NUMBER)
    assert "Northside Physio" in request.form["Body"] and "chest pain" in request.form["Body"]
    # The URL Twilio posts receipts to names the notification: Twilio keeps no key of ours.
    assert request.form["StatusCallback"] == (
        f"{PUBLIC_BASE_URL}/hooks/sms/status/?notification={aftercare_sms.id}"
    )
    aftercare_sms.refresh_from_db()
    assert (aftercare_sms.status, aftercare_sms.provider_id) == ("sent", twilio_api.sids[0])


def test_twilio_failing_is_retried_with_backoff_and_fails_after_the_last_attempt(
    twilio_api, aftercare_sms, send_one
):
    twilio_api.error = TWILIO_DOWN
    assert send_one(aftercare_sms) == "pending"
    aftercare_sms.refresh_from_db()
    # What the clinic sees went wrong: Twilio's status, error code and message.
    assert aftercare_sms.last_error.startswith("Twilio 500 (error 20500): ")
    assert aftercare_sms.last_error.endswith("Internal Server Error")
    assert aftercare_sms.due_at >= timezone.now() + delivery.backoff(1) - timedelta(seconds=5)
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        # Each backoff has run out: the row is due again.
        Notification.objects.filter(pk=aftercare_sms.pk).update(due_at=timezone.now())
        send_one(aftercare_sms)
    aftercare_sms.refresh_from_db()
    assert (aftercare_sms.status, aftercare_sms.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert len(twilio_api.received) == delivery.MAX_ATTEMPTS


def test_a_message_twilio_refuses_fails_at_once_with_twilios_reason(
    twilio_api, aftercare_sms, send_one
):
    twilio_api.error = INVALID_TO
    assert send_one(aftercare_sms) == "failed"
    aftercare_sms.refresh_from_db()
    assert aftercare_sms.last_error.startswith("Twilio 400 (error 21211): ")
    assert aftercare_sms.last_error.endswith(INVALID_TO[1]["message"])
    assert len(twilio_api.received) == 1


def test_an_unreachable_twilio_is_retried_like_any_provider_error(
    settings, twilio_api, aftercare_sms, send_one
):
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{unused.getsockname()[1]}"
    assert send_one(aftercare_sms) == "pending"
    aftercare_sms.refresh_from_db()
    assert aftercare_sms.last_error.startswith("Twilio unreachable")
    assert aftercare_sms.attempts == 1 and aftercare_sms.lease_until is None
