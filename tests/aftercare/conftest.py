import json

import pytest

from aftercare import delivery
from tests.aftercare.fake_twilio import AUTH_TOKEN, PUBLIC_BASE_URL


@pytest.fixture
def sms_file(settings, tmp_path):
    """Send SMS through the file backend; returns a reader of what it recorded."""
    path = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", str(path)

    def sent() -> list[dict]:
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return sent


@pytest.fixture
def send_one():
    """A send task of one row, as a worker runs it; returns the row's status afterwards."""

    def send(notification) -> str:
        return delivery.send([str(notification.id)])[str(notification.id)]

    return send


@pytest.fixture
def twilio_signs(settings):
    """Our webhooks check Twilio's signatures with the fake's token, at the public address."""
    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = AUTH_TOKEN, PUBLIC_BASE_URL
