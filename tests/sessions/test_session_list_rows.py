"""The sessions list is read as rows, a session alone as an instance: both must say exactly the
same thing, to the byte, for every part a session can carry."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from screening.services import record_screening
from sessions.models import NeedlingSession
from sessions.records.serializers import SessionSerializer
from tests.bodies import course_body, site, stimulation


def ago(**span) -> str:
    return (datetime.now(UTC).replace(microsecond=0) - timedelta(**span)).isoformat()


def posted(api, path, body):
    answer = api.post(path, body, format="json")
    assert answer.status_code in (200, 201), answer.json()
    return answer.json()


@pytest.fixture
def rich_record(therapist_api, admin_api, screen, patient, therapist, session_body):
    """Sessions with every part the list shows: stimulation, addenda, the needle record, a
    course, a signature, side effects and warnings of every kind the record can carry."""
    screen(patient, anticoagulants=True)
    course = posted(
        admin_api,
        "/api/v1/courses/",
        course_body(patient, therapist, indication="Calf pain", auto_schedule=False),
    )
    stimulated = posted(
        therapist_api,
        "/api/v1/sessions/",
        session_body(
            course=course["id"],
            precautions_acknowledged=["anticoagulants"],
            sites=[
                site(technique="electrical", needle_count=12),
                site(side="right", technique="electrical", needle_count=12),
                site("popliteus", depth_mm=None),  # deep near a vessel, on anticoagulants
                site("rhomboids", side="bilateral"),  # deep over the lung, both sides
            ],
            electrical=[stimulation(duration_minutes=40)],
            needle_lot="LOT-2026-11A",
            needle_expiry=(date.today() + timedelta(days=200)).isoformat(),
            needles_removed=28,
        ),
    )
    posted(therapist_api, f"/api/v1/sessions/{stimulated['id']}/sign/", {})
    for text in ("Patient called: calf sore for a day.", "Soreness gone."):
        posted(therapist_api, f"/api/v1/sessions/{stimulated['id']}/addenda/", {"text": text})
    late = posted(
        therapist_api,
        "/api/v1/sessions/",
        session_body(
            started_at=ago(hours=30),
            ended_at=ago(hours=29),
            precautions_acknowledged=["anticoagulants"],
            notes="Entered the next day — «naïve» text too.",
        ),
    )
    posted(
        therapist_api,
        "/api/v1/side-effects/",
        {"session": late["id"], "kind": "bruising", "severity": "mild", "reported_by": "patient"},
    )
    posted(
        therapist_api,
        "/api/v1/sessions/",
        session_body(precautions_acknowledged=["anticoagulants"], ended_at=None),
    )
    # A later screening that would have refused the knee and leg: superseded_screening.
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers={
            "anticoagulants": True,
            "local_infection_regions": [{"region": "knee_leg", "side": "left"}],
        },
    )


def test_the_list_renders_each_session_to_the_same_bytes_as_the_instance_path(
    therapist_api, rich_record
):
    answer = therapist_api.get("/api/v1/sessions/", {"page_size": 200})
    instances = NeedlingSession.objects.order_by("-started_at", "-id")
    view = answer.renderer_context["view"]
    expected = {
        "next": None,
        "previous": None,
        "results": SessionSerializer(view.get_queryset().filter(pk__in=instances), many=True).data,
    }
    expected["results"] = sorted(
        expected["results"], key=lambda s: (s["started_at"], s["id"]), reverse=True
    )
    rendered = answer.accepted_renderer.render(expected, answer.accepted_media_type)
    assert answer.content == rendered
    codes = {code for s in answer.json()["results"] for code in (w["code"] for w in s["warnings"])}
    assert codes == {
        "pneumothorax_risk",
        "vascular_site",
        "bilateral_thorax",
        "many_needles",
        "long_stimulation",
        "late_entry",
        "superseded_screening",
    }


def test_each_listed_session_is_byte_for_byte_the_session_read_alone(therapist_api, rich_record):
    listed = therapist_api.get("/api/v1/sessions/").json()["results"]
    assert len(listed) == 3
    for session in listed:
        alone = therapist_api.get(f"/api/v1/sessions/{session['id']}/")
        item = alone.accepted_renderer.render(session, alone.accepted_media_type)
        assert alone.content == item


def test_a_list_shows_moments_in_the_time_zone_in_force_as_a_session_read_alone(
    therapist_api, rich_record
):
    # A row's renderers are worked out once per time zone: not once for all of them.
    therapist_api.get("/api/v1/sessions/")
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        listed = therapist_api.get("/api/v1/sessions/").json()["results"]
        alone = [therapist_api.get(f"/api/v1/sessions/{s['id']}/").json() for s in listed]
    assert listed == alone
    assert all(session["started_at"].endswith("+09:00") for session in listed)
    assert any(session["addenda"] for session in listed)


def test_each_listed_appointment_is_byte_for_byte_the_appointment_read_alone(
    book, monday_10, admin_api, room, patient, therapist
):
    course = posted(
        admin_api,
        "/api/v1/courses/",
        course_body(patient, therapist, auto_schedule=False),
    )
    plain = book(monday_10).json()
    book(monday_10 + timedelta(hours=2), room=str(room.id), course=course["id"])
    posted(admin_api, f"/api/v1/appointments/{plain['id']}/cancel/", {"reason": "Ill — «flu»"})
    listed = admin_api.get("/api/v1/appointments/").json()["results"]
    assert len(listed) == 2
    for appointment in listed:
        alone = admin_api.get(f"/api/v1/appointments/{appointment['id']}/")
        item = alone.accepted_renderer.render(appointment, alone.accepted_media_type)
        assert alone.content == item


def test_the_answer_to_logging_a_session_is_byte_for_byte_the_session_read_back(
    therapist_api, screen, patient, therapist, session_body
):
    # The answer is rendered from what was written, not read back: it must not differ by a byte,
    # warnings (a later screening, entered late, long stimulation) and stimulation included.
    screen(patient)
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers={"local_infection_regions": [{"region": "knee_leg", "side": "right"}]},
        performed_at=datetime.now(UTC) - timedelta(hours=2),
    )
    answer = therapist_api.post(
        "/api/v1/sessions/",
        session_body(
            started_at=ago(hours=30),
            ended_at=ago(hours=29),
            sites=[
                site(technique="electrical", depth_mm="12.5", needle_gauge_mm="0.3"),
                site(side="right", technique="electrical", needle_length_mm="30"),
                site("soleus", technique="superficial", depth="superficial", depth_mm="8"),
            ],
            electrical=[stimulation(1, 0, duration_minutes=45, frequency_hz="100")],
            needle_lot="LOT-7",
            needle_expiry=(date.today() + timedelta(days=30)).isoformat(),
        ),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    codes = [w["code"] for w in answer.json()["warnings"]]
    assert codes == ["long_stimulation", "late_entry", "superseded_screening"]
    assert therapist_api.get(f"/api/v1/sessions/{answer.json()['id']}/").content == answer.content


def test_the_rows_page_on_by_cursor_newest_first(therapist_api, rich_record):
    seen, url, query = [], "/api/v1/sessions/", {"page_size": 1}
    while url:
        page = therapist_api.get(url, query).json()
        seen += [(s["started_at"], s["id"]) for s in page["results"]]
        url, query = page["next"], None
    assert len(seen) == 3 and seen == sorted(seen, reverse=True)
