import json

import pytest


@pytest.fixture
def sms_file(settings, tmp_path):
    """Send SMS through the file backend; returns a reader of what it recorded."""
    path = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", str(path)

    def sent() -> list[dict]:
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return sent


@pytest.fixture
def log_session(therapist_api, screen, patient, session_body):
    """Log a session for the screened patient; returns its API representation."""
    screen(patient)

    def log(**fields):
        answer = therapist_api.post("/api/v1/sessions/", session_body(**fields), format="json")
        assert answer.status_code == 201, answer.json()
        return answer.json()

    return log
