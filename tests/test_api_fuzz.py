"""Fuzzing: every operation of the OpenAPI document the service serves, called by a clinic
administrator of a clinic with real records, answers without a server error and exactly as
documented (status, content type and body).

Schemathesis generates the requests from the document, valid and invalid ones: its boundary
cases and 30 random ones per operation, from a fixed seed, so CI sees the same cases every
run. They are served in process over WSGI, each in a transaction that is rolled back, so
every case meets the same clinic and a failure replays exactly.
"""

import base64
import json
import re
import uuid
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from aftercare.models import PATIENT_KINDS, Notification
from sessions.models import NeedlingSession, SideEffect
from sessions.records.services import add_addendum, log_session, report_side_effect, sign_session
from sessions.scheduling.services import create_course
from tests.bodies import site

SCHEMA_PATH = "/api/v1/schema/"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# A reference in a body or query names a record of this collection (the path's first part).
REFERENCES = {
    "patient": "patients",
    "therapist": "therapists",
    "actor": "therapists",
    "room": "rooms",
    "course": "courses",
    "appointment": "appointments",
    "session": "sessions",
}
# The seeded clinic's record ids by collection, filled by `seeded_clinic` for the hooks below.
SEEDED: dict[str, list[str]] = {}


def served_document() -> dict:
    """The document /api/v1/schema/ serves. Operations are collected before any test database
    exists, so the view is called directly, outside the request transaction; the test below
    proves the document is the one clients get."""
    request = RequestFactory().get(SCHEMA_PATH, {"format": "json"})
    response = resolve(SCHEMA_PATH).func(request)
    response.render()
    return json.loads(response.content)


schema = schemathesis.openapi.from_dict(served_document())
service = WSGIHandler()


def generated_or_seeded(values, collection_of):
    """Each value as generated, or the id of a seeded record it may name: a random id is
    only ever a 404, and the interesting answers come from real records."""
    if not isinstance(values, dict):  # invalid shapes go through as generated
        return st.just(values)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([value, *SEEDED.get(collection_of(name), [])])
            for name, value in values.items()
        }
    )


@schema.hook("flatmap_path_parameters")
def path_names_seeded_records(context, parameters):
    collection = context.operation.path.removeprefix("/api/v1/").split("/")[0]
    return generated_or_seeded(parameters, lambda name: collection)


@schema.hook("flatmap_query")
def query_names_seeded_records(context, query):
    return generated_or_seeded(query, REFERENCES.get)


@schema.hook("flatmap_body")
def body_names_seeded_records(context, body):
    return generated_or_seeded(body, REFERENCES.get)


@contextmanager
def called_in_process():
    """Serve requests inside the test's transaction. Django's test client does the same: a
    request must not close the connection that holds the test's uncommitted records."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded_clinic(clinic, admin, therapist, room, patient, make_patient, screen):
    """A clinic at work: a screened patient with a booked course, a draft session with its
    aftercare and a side effect, a signed session with an addendum, and a new patient."""
    screen(patient)
    course = create_course(
        clinic=clinic, patient=patient, therapist=therapist, room=room, indication="Neck pain"
    )
    now = timezone.now()

    def treat(started_at, **fields):
        return log_session(
            clinic=clinic,
            actor=therapist,
            patient=patient,
            started_at=started_at,
            ended_at=started_at + timedelta(minutes=40),
            sites=[site()],
            **fields,
        )

    signed = treat(now - timedelta(days=2), needles_removed=2)
    sign_session(signed, actor=therapist)
    add_addendum(signed, author=therapist, text="Soreness gone the next day.")
    draft = treat(now - timedelta(hours=2), heat_advised=True, pain_before=6, pain_after=3)
    side_effect = report_side_effect(session=draft, kind="bruising", severity="mild")
    newcomer = make_patient(clinic, given_name="Grace", family_name="Hopper")
    records = {
        "therapists": [therapist, admin],
        "rooms": [room],
        "patients": [patient, newcomer],
        "screenings": list(patient.screenings.all()),
        "courses": [course],
        "appointments": list(course.appointments.order_by("starts_at")),
        "sessions": [draft, signed],
        "side-effects": [side_effect],
        "notifications": list(
            Notification.objects.filter(kind__in=PATIENT_KINDS).order_by("send_at", "kind")
        ),
    }
    SEEDED.update({name: [str(row.pk) for row in rows] for name, rows in records.items()})
    SEEDED["muscles"] = ["gastrocnemius"]
    yield clinic
    SEEDED.clear()


@pytest.fixture
def admin_token(admin):
    return Token.objects.create(user=admin).key


@schema.parametrize()
@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,  # a request's time is the database's, not the case's
    derandomize=True,
    # Every case is rolled back, so the function-scoped clinic is the same for each of them.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_every_operation_answers_as_documented(case, seeded_clinic, admin_token):
    with called_in_process(), rolled_back():
        case.call_and_validate(
            app=service, headers={"Authorization": f"Token {admin_token}"}, checks=CHECKS
        )


@pytest.mark.django_db
def test_the_fuzzed_document_is_the_one_clients_get(anonymous_api):
    answer = anonymous_api.get(SCHEMA_PATH, {"format": "json"})
    assert answer.status_code == 200
    assert json.loads(answer.content) == served_document()


# What the fuzzing found, pinned, with the same faults at inputs random cases rarely reach
# (far years, hand-written cursors, NUL): each was a server error or an undocumented answer.


def test_a_calendar_feed_that_is_not_found_answers_in_json(admin_api):
    answer = admin_api.get(f"/api/v1/therapists/{uuid.uuid4()}/calendar.ics")
    assert (answer.status_code, answer["Content-Type"]) == (404, "application/json")
    assert answer.json()["code"] == "not_found"


def test_free_slots_are_documented_as_the_plain_list_they_are(admin_api, therapist, monday_10):
    operation = served_document()["paths"]["/api/v1/therapists/{id}/free-slots/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    window = {"start": monday_10.isoformat(), "end": (monday_10 + timedelta(hours=1)).isoformat()}
    answer = admin_api.get(f"/api/v1/therapists/{therapist.id}/free-slots/", window)
    assert answer.status_code == 200 and answer.json()[0]["starts_at"]


def test_sessions_since_a_moment_at_an_offset_postgresql_cannot_store(admin_api, seeded_clinic):
    far_east = timezone.get_fixed_timezone(timedelta(hours=20, minutes=6))  # ISO 8601 allows it
    yesterday = (timezone.now() - timedelta(days=1)).astimezone(far_east)
    answer = admin_api.get("/api/v1/sessions/", {"since": yesterday.isoformat()})
    assert answer.status_code == 200
    assert [session["id"] for session in answer.json()["results"]] == SEEDED["sessions"][:1]
    beyond = admin_api.get("/api/v1/sessions/", {"since": "9999-12-31T23:00:00-05:00"})
    assert beyond.status_code == 400 and "since" in beyond.json()


def test_a_course_in_the_year_9999_is_refused_not_a_crash(admin_api, patient, therapist):
    body = {
        "patient": str(patient.id),
        "therapist": str(therapist.id),
        "indication": "Plantar fasciitis",
        "earliest_start": "9999-12-01T09:00:00Z",  # planning 12 weeks on ran off the calendar
    }
    answer = admin_api.post("/api/v1/courses/", body, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"earliest_start": ["Must be a moment from 1900 to 2999."]}


@pytest.mark.parametrize("path", ["/api/v1/audit/", "/api/v1/muscles/", "/api/v1/patients/"])
def test_a_page_cursor_written_by_hand_is_an_invalid_cursor(admin_api, path):
    cursor = base64.b64encode(b"p=x%00").decode()  # a position no ordering field can hold
    answer = admin_api.get(path, {"cursor": cursor})
    assert answer.status_code == 404 and answer.json()["detail"] == "Invalid cursor"


def cursor_at(position: str) -> str:
    """A page cursor at `position`, encoded as DRF encodes the ones it writes."""
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


@pytest.mark.parametrize("path", ["/api/v1/patients/", "/api/v1/sessions/"])  # newest first
@pytest.mark.parametrize(
    "position",
    [
        "9999-12-31T23:59:59-23:59",  # in UTC, after the last year Python's calendar has
        "0001-01-01T00:00:00-23:59",
        "3000-01-01T00:00:00+00:00",  # beyond the moments the clinic works with (core.moments)
        "1899-12-31T23:59:59+00:00",
    ],
)
def test_a_cursor_at_a_moment_out_of_range_is_an_invalid_cursor(
    admin_api, seeded_clinic, path, position
):
    answer = admin_api.get(path, {"cursor": cursor_at(position)})
    assert (answer.status_code, answer.json()["detail"]) == (404, "Invalid cursor")


@pytest.mark.parametrize("path", ["/api/v1/patients/", "/api/v1/sessions/"])
def test_a_cursor_at_an_offset_postgresql_cannot_hold_is_read_in_utc(
    admin_api, seeded_clinic, path
):
    """Its moment is one the clinic works with, at an offset ISO 8601 allows (the database
    refused it: a 500): the page is the one after that moment."""
    answer = admin_api.get(path, {"cursor": cursor_at("2999-01-01T00:00:00+20:00")})
    assert answer.status_code == 200
    assert answer.json()["results"] == admin_api.get(path).json()["results"]


def test_a_muscle_code_outside_the_vocabulary_is_not_found(admin_api):
    answer = admin_api.get("/api/v1/muscles/upper%00trapezius/")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_an_idempotency_key_with_a_control_character_is_refused(admin_api):
    answer = admin_api.post(
        "/api/v1/rooms/", {"name": "Room 2"}, format="json", HTTP_IDEMPOTENCY_KEY="retry\x00one"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_idempotency_key"


def operations_taking_json() -> list[tuple[str, str]]:
    """(method, path) of every documented operation whose body may be JSON."""
    return [
        (method, path)
        for path, operations in served_document()["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


# Path parameters that are words, not ids of seeded records (/message-texts/{language}/{kind}/).
WORDS_IN_PATHS = {"language": "en", "kind": "aftercare_immediate"}


def seeded_operations_taking_json() -> list[tuple[str, str]]:
    """(method, url) of every documented operation whose body may be JSON, its path naming
    a seeded record (or a word)."""
    operations = []
    for method, path in operations_taking_json():
        record = SEEDED.get(path.removeprefix("/api/v1/").split("/")[0], [""])[0]
        url = re.sub(
            r"\{(\w+)\}", lambda name, record=record: WORDS_IN_PATHS.get(name[1], record), path
        )
        operations.append((method.upper(), url))
    assert len(operations) >= 15
    return operations


@pytest.mark.parametrize("depth", [1_000, 50_000])
def test_every_body_nested_thousands_deep_is_a_parse_error(admin_api, seeded_clinic, depth):
    """Generated bodies are never this deep: Python's json would run out of stack on them."""
    body = "[" * depth + "]" * depth
    for method, url in seeded_operations_taking_json():
        answer = admin_api.generic(method, url, body, content_type="application/json")
        assert (answer.status_code, answer.json().get("code")) == (400, "parse_error"), url


# Half of a surrogate pair, as JSON escapes it (\ud800): it reads as a character no UTF-8 holds.
LONE_SURROGATES = [
    '{"name": "Room \\ud800"}',  # in a value
    '{"\\udfff": "x", "name": "Room 2"}',  # in a key
    '{"sites": [{"muscle": "soleus", "notes": ["fine", "\\udbff"]}]}',  # deep in a body
    '"\\udc00"',  # the whole body
]


@pytest.mark.parametrize("body", LONE_SURROGATES)
def test_every_body_holding_a_lone_surrogate_is_a_parse_error(admin_api, seeded_clinic, body):
    """Generated bodies are valid UTF-8: a lone surrogate only comes escaped, by hand."""
    for method, url in seeded_operations_taking_json():
        answer = admin_api.generic(method, url, body, content_type="application/json")
        assert (answer.status_code, answer.json().get("code")) == (400, "parse_error"), url


def written(clinic) -> tuple:
    """What the requests above would change: the clinic, its patients, rooms, sessions and
    side effects."""
    clinic.refresh_from_db()
    return (
        clinic.name,
        list(clinic.patients.values_list("id", "language").order_by("id")),
        sorted(clinic.rooms.values_list("name", flat=True)),
        list(NeedlingSession.objects.values_list("id", "notes", "pain_after").order_by("id")),
        SideEffect.objects.count(),
    )


def test_a_lone_surrogate_is_refused_before_anything_is_written(admin_api, seeded_clinic):
    """Each was a 500: the 400 repeating the value could not be encoded, or PostgreSQL could
    not store it."""
    patient_id, session_id = SEEDED["patients"][0], SEEDED["sessions"][0]
    attempts = [
        ("PATCH", f"/api/v1/patients/{patient_id}/", {"language": "\ud800"}),
        ("PATCH", "/api/v1/clinic/", {"name": "North \udbff"}),
        ("POST", "/api/v1/rooms/", {"name": "Room \udfff"}),
        ("POST", "/api/v1/side-effects/", {"session": "\udfff", "kind": "bruising"}),
        ("PATCH", f"/api/v1/sessions/{session_id}/", {"notes": "\ud800", "pain_after": 2}),
    ]
    before = written(seeded_clinic)
    for method, url, body in attempts:
        text = json.dumps(body)  # ASCII, the surrogate escaped as a client would write it
        answer = admin_api.generic(method, url, text, content_type="application/json")
        assert (answer.status_code, answer.json()["code"]) == (400, "parse_error"), url
    assert written(seeded_clinic) == before
