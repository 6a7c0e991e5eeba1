"""Twilio at the edge of the world: a local fake of its Messages API, and the webhooks it
signs. Everything of ours and Twilio's SDK runs for real; only Twilio's servers are faked."""

import base64
import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from urllib.parse import parse_qsl

from django.test import Client
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
AUTH_TOKEN = "twilio-test-auth-token"
FROM_NUMBER = "+447700900123"
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
PUBLIC_BASE_URL = "https://clinic.example.org"  # where Twilio believes the webhooks live
SIDS = count()


@dataclass
class Received:
    """One request as it reached the fake."""

    method: str
    path: str
    auth: tuple[str, str]
    form: dict[str, str]


class FakeTwilio(ThreadingHTTPServer):
    """Twilio's Messages API as far as TwilioSms uses it: each POST creates a message, unless a
    test sets `error` to the (status, body) Twilio would answer with instead."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), MessagesApi)
        self.received: list[Received] = []
        self.sids: list[str] = []  # of the messages created, in order
        self.error: tuple[int, dict] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class MessagesApi(BaseHTTPRequestHandler):
    server: FakeTwilio

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        auth = basic_auth(self.headers.get("Authorization", ""))
        self.server.received.append(Received(self.command, self.path, auth, form))
        if self.server.error:
            self.answer(*self.server.error)
            return
        sid = "SM" + uuid.uuid4().hex
        self.server.sids.append(sid)
        self.answer(201, created_message(sid, form))

    def answer(self, status: int, body: dict):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        """Silent: a failing test shows its assertions, not an access log."""


def basic_auth(header: str) -> tuple[str, str]:
    user, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    return user, password


def created_message(sid: str, form: dict[str, str]) -> dict:
    """The Message resource Twilio answers a create with, trimmed to fields worth showing."""
    return {
        "sid": sid,
        "account_sid": ACCOUNT_SID,
        "to": form["To"],
        "from": form["From"],
        "body": form["Body"],
        "status": "queued",
        "api_version": "2010-04-01",
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
    }


@contextlib.contextmanager
def serving() -> Iterator[FakeTwilio]:
    """A fake Twilio answering on a port of its own until the block ends."""
    fake = FakeTwilio()
    thread = threading.Thread(target=fake.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.shutdown()
        fake.server_close()
        thread.join()


def webhook(path: str, params: dict[str, str], signed: bool = True):
    """Twilio posting `params` to our `path`, signed with AUTH_TOKEN as Twilio signs (or not)."""
    url = PUBLIC_BASE_URL + path
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params) if signed else "forged"
    return Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def inbound_sms(phone: str, body: str, sid: str | None = None):
    """The patient at `phone` texts `body` to the clinic; the webhook answers 200."""
    params = {"From": phone, "Body": body, "MessageSid": sid or f"SM{next(SIDS):032d}"}
    answer = webhook("/hooks/sms/inbound/", params)
    assert answer.status_code == 200
    return answer
