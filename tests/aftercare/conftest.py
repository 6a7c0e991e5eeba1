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
