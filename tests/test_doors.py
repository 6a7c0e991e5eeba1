"""The service's doors: what every answer carries (no caching of patient data, a Content
Security Policy that allows no other origin, API docs served from here), what the logs never
hold (patient-page tokens, search terms), and input that must be a 4xx, never a 500 (JSON
nested thousands deep, NUL characters, tampered cursors)."""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from aftercare import links
from config.access_log import redact
from httpapi.parsers import MAX_DEPTH, nesting_depth
from sessions.records.services import log_session
from tests.bodies import site
from tests.real_parts import ROOT, chromium, database_url, free_port, wait_until
from tests.routes import list_endpoints

pytestmark = pytest.mark.django_db
# A source a policy may name: this service itself, nothing, inline styles, a nonce, data: URIs.
OWN_SOURCES = re.compile(r"'(self|none|unsafe-inline|nonce-[\w+/=-]+)'|data:")


@pytest.fixture
def admin_in(admin):
    """A browser signed in to the admin and the browsable API (a session)."""
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def patient_link(clinic, therapist, patient, screen):
    """The path of a real patient page: a session that ended an hour ago."""
    screen(patient)
    started_at = timezone.now() - timedelta(hours=2)
    session = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=started_at,
        ended_at=started_at + timedelta(minutes=40),
        sites=[site()],
    )
    return f"/p/{links.PATIENT_PAGE.token_for(session.id)}/"


def no_store(answer) -> bool:
    directives = {d.strip() for d in answer.get("Cache-Control", "").split(",")}
    return "no-store" in directives


def other_origins(policy: str) -> list[str]:
    """The sources of a Content-Security-Policy that are not this service's own."""
    sources = [source for directive in policy.split(";") for source in directive.split()[1:]]
    return [source for source in sources if not OWN_SOURCES.fullmatch(source)]


# Cache-Control


@pytest.mark.parametrize("path", list_endpoints())
def test_every_list_of_the_api_is_never_stored(admin_api, path):
    answer = admin_api.get(path)
    assert answer.status_code == 200 and no_store(answer)


def test_every_other_kind_of_api_answer_is_never_stored(admin_api, anonymous_api, admin_in):
    answers = [
        anonymous_api.get("/api/v1/patients/"),  # 401
        admin_api.get(f"/api/v1/patients/{uuid.uuid4()}/"),  # 404 of a view
        admin_api.get("/api/v1/no-such-thing/"),  # 404 of the resolver
        anonymous_api.post("/api/v1/auth/token/", {"username": "x", "password": "y"}),  # 400
        admin_api.get("/api/v1/clinic/"),
        anonymous_api.get("/api/v1/schema/"),
        anonymous_api.get("/api/v1/docs/"),
        admin_in.get("/api/v1/patients/", HTTP_ACCEPT="text/html"),
    ]
    assert [answer.status_code for answer in answers] == [401, 404, 404, 400, 200, 200, 200, 200]
    assert all(no_store(answer) for answer in answers)


def test_the_staff_apps_pages_are_never_stored_but_its_assets_may_be(admin_in, patient):
    pages = ["/", f"/patients/{patient.pk}/", "/inbox/", "/accounts/login/", "/no-such-page/"]
    assert all(no_store(admin_in.get(page)) for page in pages)
    asset = admin_in.get("/static/web/app.css")
    assert asset.status_code == 200 and not no_store(asset)


def test_the_patient_page_is_never_stored(patient_link):
    client = Client()
    assert no_store(client.get(patient_link))  # 200
    assert no_store(client.get("/p/forged-token/"))  # 404


# Content-Security-Policy


def html_pages(admin_in, patient_link) -> dict[str, object]:
    pages = {path: admin_in.get(path, HTTP_ACCEPT="text/html") for path in list_endpoints()}
    for path in [
        "/api/v1/docs/",
        "/admin/",
        "/admin/clinic/patient/",
        "/admin/clinic/patient/add/",
    ]:
        pages[path] = admin_in.get(path)
    pages["/admin/login/"] = Client().get("/admin/login/")
    pages[patient_link] = Client().get(patient_link)
    return pages


def test_every_html_page_allows_nothing_from_another_origin(admin_in, patient_link):
    for path, answer in html_pages(admin_in, patient_link).items():
        assert answer.status_code == 200, path
        assert answer["Content-Type"].startswith("text/html"), path
        policy = answer["Content-Security-Policy"]
        assert other_origins(policy) == [], path
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(
    "policy, others",
    [
        ("default-src 'self'; img-src 'self' data:", []),
        ("script-src 'self' 'nonce-Ab9_-x=='", []),
        ("script-src 'self' https://cdn.jsdelivr.net", ["https://cdn.jsdelivr.net"]),
        ("style-src *", ["*"]),
        ("img-src https:", ["https:"]),
    ],
)
def test_other_origins_are_what_a_policy_allows_besides_this_service(policy, others):
    assert other_origins(policy) == others


# The API docs, served from here


def test_the_docs_page_loads_nothing_from_another_host(anonymous_api):
    page = anonymous_api.get("/api/v1/docs/").content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(references) >= 4  # stylesheet, icon, two bundles, the start-up script
    assert [ref for ref in references if not ref.startswith("/")] == []
    assert "<script>" not in page  # no inline script: the CSP would refuse it
    for reference in references:
        asset = anonymous_api.get(reference.replace("&amp;", "&"))
        assert asset.status_code == 200, reference
        assert b"".join(asset.streaming_content) if asset.streaming else asset.content


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_docs_work_in_a_browser_under_the_policy_with_no_network(live_server):
    blocked, elsewhere = [], []
    with chromium() as browser:
        page = browser.new_page()
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.on(
            "request",
            lambda request: (
                elsewhere.append(request.url)
                if not request.url.startswith((live_server.url, "data:"))
                else None
            ),
        )
        page.goto(f"{live_server.url}/api/v1/docs/")
        page.wait_for_selector("text=/api/v1/patients/")  # Swagger UI read the document
        assert "Filiform API" in page.inner_text("body")
    assert blocked == []
    assert elsewhere == []


# Logs


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refusal:
        return refusal.code


def _answers(port: int) -> bool:
    try:
        _get(f"http://127.0.0.1:{port}/healthz")
        return True
    except OSError:
        return False


SERVERS = {
    "runserver": [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks"],
    "gunicorn": [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--workers=1",
        "--access-logfile=-",
        "--no-control-socket",
        "--bind",
    ],
}


@pytest.mark.slow  # starts runserver and gunicorn
@pytest.mark.parametrize("server", SERVERS)
def test_access_logs_hold_no_patient_page_token_and_no_search_term(server, tmp_path):
    port, log = free_port(), tmp_path / f"{server}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [*SERVERS[server], f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(lambda: _answers(port), 30, f"{server} answering")
        token = links.PATIENT_PAGE.token_for(uuid.uuid4())
        offer = links.WAITLIST_OFFER.token_for(uuid.uuid4())
        base = f"http://127.0.0.1:{port}"
        assert _get(f"{base}/p/{token}/") == 404
        assert _get(f"{base}/p/offer/{offer}/") == 404
        assert _get(f"{base}/p/{token}/?reported=1") == 404
        assert _get(f"{base}/api/v1/patients/?search=Lovelace&page_size=5") == 401
        # To the sign-in page, which takes the search along in `next` (URL-encoded).
        assert _get(f"{base}/admin/clinic/patient/?q=Lovelace") == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    lines = log.read_text()
    assert token not in lines and offer not in lines and "Lovelace" not in lines
    assert "/p/[redacted]/" in lines and "/p/offer/[redacted]/" in lines
    assert "/api/v1/patients/?search=[redacted]&page_size=5" in lines
    assert "/admin/clinic/patient/?q=[redacted]" in lines


# Input that must never be a server error


def nested(depth: int, kind: str) -> str:
    if kind == "lists":
        return "[" * depth + "]" * depth
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [1_000, 50_000, MAX_DEPTH + 1])
@pytest.mark.parametrize("kind", ["lists", "objects"])
@pytest.mark.parametrize("path", ["/api/v1/patients/", "/api/v1/sessions/", "/api/v1/rooms/"])
def test_json_nested_too_deep_is_a_parse_error(admin_api, path, kind, depth):
    answer = admin_api.generic("POST", path, nested(depth, kind), content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "data, depth",
    [
        (1, 0),
        ("text", 0),
        ({}, 1),
        ([], 1),
        ({"sites": [{"muscle": "soleus"}]}, 3),
        ([[[[]]], {"a": 1}], 4),
        (json.loads(nested(MAX_DEPTH, "objects")), MAX_DEPTH),
    ],
)
def test_nesting_depth(data, depth):
    assert nesting_depth(data) == depth


def query_parameters(of_type: str | None = None) -> list[tuple[str, str]]:
    """Every query parameter the OpenAPI document names for a list (filters, search, cursor
    and page size), or those of one type, from the same generator as the document clients
    get."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    lists = set(list_endpoints())
    return [
        (path, parameter["name"])
        for path, operations in document["paths"].items()
        if path in lists
        for parameter in operations["get"].get("parameters", [])
        if parameter["in"] == "query" and of_type in (None, parameter.get("schema", {}).get("type"))
    ]


@pytest.mark.parametrize("path, name", query_parameters())
def test_a_nul_in_any_query_parameter_of_a_list_is_a_bad_request(admin_api, path, name):
    answer = admin_api.get(path, {name: "Ada\x00"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"


def test_the_query_parameters_walked_include_every_kind_of_filter():
    walked = set(query_parameters())
    for expected in [
        ("/api/v1/patients/", "search"),
        ("/api/v1/sessions/", "therapist"),
        ("/api/v1/sessions/", "since"),
        ("/api/v1/audit/", "actor"),
        ("/api/v1/notifications/", "kind"),
        ("/api/v1/muscles/", "cursor"),
    ]:
        assert expected in walked


@pytest.mark.parametrize(
    "path",
    [
        "/admin/clinic/patient/?q=Ada%00",
        "/admin/needling/appointment/?status__exact=booked%00",
        "/admin/clinic/patient/?%00=1",
        "/p/anything/?reported=%00",
    ],
)
def test_a_nul_in_the_admins_search_box_or_anywhere_else_is_a_bad_request(admin_in, path):
    answer = admin_in.get(path)
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/me/", "/accounts/login/", "/p/anything/"])
def test_a_nul_in_the_sign_in_cookie_is_a_bad_request(db, path):
    """A quoted cookie may spell a NUL (as \\000); the sign-in cookie is looked up on every
    request, and PostgreSQL holds no NUL in text."""
    client = Client()
    client.cookies["sessionid"] = "AAAAAAAA\x00"
    answer = client.get(path)
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"


TAMPERED_CURSORS = [
    "not base64 at all!",
    base64.b64encode(b"\xff\xfe\x00garbage").decode(),
    base64.b64encode(b"o=99999999999999999999999999").decode(),  # a huge offset
    base64.b64encode(b"o=-1").decode(),
    base64.b64encode(b"p=" + b"9" * 5000).decode(),
    base64.b64encode(b"p=99999999999999999999999999999").decode(),
    base64.b64encode(b"p=-99999999999999999999999999999").decode(),
    base64.b64encode(b"p=9999-12-31T23:59:59-05:00").decode(),
    base64.b64encode(b"r=1&p=2026-01-01T00:00:00+20:06").decode(),
    base64.b64encode(b"p=2026-01-01T00:00:00%2B20:00&r=0").decode(),  # + as DRF encodes it
    base64.b64encode(b"p=9999-12-31T23:59:59-23:59").decode(),
    base64.b64encode(b"p=2026-13-45").decode(),
    base64.b64encode(b"p=NaN&r=yes").decode(),
    base64.b64encode(b"p=x%00").decode(),
    base64.b64encode(json.dumps({"p": "1"}).encode()).decode(),
]


@pytest.mark.parametrize("path", list_endpoints())
def test_a_tampered_cursor_is_refused_on_every_list(admin_api, path):
    for cursor in TAMPERED_CURSORS:
        answer = admin_api.get(path, {"cursor": cursor})
        assert answer.status_code in (200, 400, 404), (path, cursor)
        if answer.status_code == 404:
            assert answer.json()["detail"] == "Invalid cursor", (path, cursor)


@pytest.mark.parametrize("path, name", query_parameters(of_type="boolean"))
def test_a_yes_or_no_filter_takes_true_or_false_and_refuses_anything_else(admin_api, path, name):
    """A value read as not asked answered the whole list, as if the filter held."""
    for value in ("true", "false", ""):  # empty: not asked (the browsable API's filter form)
        assert admin_api.get(path, {name: value}).status_code == 200, value
    for value in ("1", "0", "yes", "on", "True", "bogus"):
        answer = admin_api.get(path, {name: value})
        assert (answer.status_code, answer.json()) == (400, {name: ["Must be true or false."]})


def test_the_yes_or_no_filters_walked_include_those_of_the_contract():
    walked = set(query_parameters(of_type="boolean"))
    assert {("/api/v1/patients/", "archived"), ("/api/v1/side-effects/", "serious")} <= walked


@pytest.mark.parametrize(
    "line, logged",
    [
        ('"GET /p/eyJh.Zx9/ HTTP/1.1" 200', '"GET /p/[redacted]/ HTTP/1.1" 200'),
        ("Not Found: /p/eyJh.Zx9/", "Not Found: /p/[redacted]/"),
        ('"GET /p/offer/eyJh:Zx9/ HTTP/1.1" 200', '"GET /p/offer/[redacted]/ HTTP/1.1" 200'),
        (
            '"POST /p/email-stop/eyJh:Zx9/ HTTP/1.1" 302',
            '"POST /p/email-stop/[redacted]/ HTTP/1.1" 302',
        ),
        (
            '"GET /api/v1/calendar/Qw3-rT_9.ics HTTP/1.1" 200',
            '"GET /api/v1/calendar/[redacted].ics HTTP/1.1" 200',
        ),
        (
            '"GET /api/v1/therapists/5f0c/calendar.ics HTTP/1.1" 200',
            '"GET /api/v1/therapists/5f0c/calendar.ics HTTP/1.1" 200',
        ),
        (  # the staff app's week
            '"GET /calendar/book/?therapist=5f0c HTTP/1.1" 200',
            '"GET /calendar/book/?therapist=5f0c HTTP/1.1" 200',
        ),
        (
            '"GET /api/v1/patients/?search=Ada+Love HTTP/1.1"',
            '"GET /api/v1/patients/?search=[redacted] HTTP/1.1"',
        ),
        (
            "/api/v1/patients/?page_size=5&search=07911",
            "/api/v1/patients/?page_size=5&search=[redacted]",
        ),
        (
            "/admin/login/?next=/admin/clinic/patient/%3Fq%3DAda",
            "/admin/login/?next=/admin/clinic/patient/%3Fq%3D[redacted]",
        ),
        (  # the admin's autocomplete, as a relation's picker asks it
            "/admin/autocomplete/?app_label=clinic&model_name=patient&term=Ada",
            "/admin/autocomplete/?app_label=clinic&model_name=patient&term=[redacted]",
        ),
        (
            '"GET /api/v1/sessions/?patient=5f0c HTTP/1.1" 200',
            '"GET /api/v1/sessions/?patient=5f0c HTTP/1.1" 200',
        ),
    ],
)
def test_redact(line, logged):
    assert redact(line) == logged
