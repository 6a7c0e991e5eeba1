"""No page shows another clinic, not even among the choices it offers: every list of the
browsable API (filter form and related-object pickers) and every page of the admin (change
lists with their filters, add and change forms), as staff of Northside while Southside is at
work too. The pages are found by walking the URL resolver and the admin's registry, so a page
added later is checked without anyone remembering to."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftercare.models import MessageText
from clinic.models import Role, Room
from screening.models import Screening
from screening.rules import VALIDITY
from screening.services import record_screening
from sessions.records.services import log_session, report_side_effect, sign_session
from sessions.scheduling.services import create_course
from tests.bodies import site
from tests.routes import list_endpoints

pytestmark = pytest.mark.django_db
# Every name by which a page could give Southside away.
SOUTHSIDE_NAMES = [
    "Southside Physio",
    "south-admin",
    "south-therapist",
    "South Therapist",
    "Grace",
    "Hopper",
    "Southern Room",
    "Southside's own words",
]


def admin_pages(user) -> list[str]:
    """Every admin change list and add form, and the change form of one of the user's
    clinic's records of each kind."""
    request = type("Request", (), {"user": user})()
    pages = []
    for model, model_admin in admin.site._registry.items():
        route = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{route}_changelist"), reverse(f"{route}_add")]
        queryset = model_admin.get_queryset(request)
        record = queryset.first() if isinstance(queryset, QuerySet) else None
        if record is not None:
            pages.append(reverse(f"{route}_change", args=[record.pk]))
    return pages


def at_work(clinic, therapist, patient, room):
    """A clinic's day: a screening, a course of appointments, a signed and a draft session
    with their aftercare, a side effect and the clinic's own words for a message."""
    screening = record_screening(
        patient=patient, performed_by=therapist, consent_given=True, answers={}
    )
    earlier = screening.performed_at - timedelta(days=3)
    Screening.objects.filter(pk=screening.pk).update(
        performed_at=earlier, valid_until=earlier + VALIDITY
    )
    create_course(
        clinic=clinic, patient=patient, therapist=therapist, room=room, indication="Neck pain"
    )
    now = timezone.now()
    sessions = [
        log_session(
            clinic=clinic,
            actor=therapist,
            patient=patient,
            started_at=started_at,
            ended_at=started_at + timedelta(minutes=40),
            sites=[site()],
            needles_removed=2,
        )
        for started_at in (now - timedelta(days=2), now - timedelta(hours=2))
    ]
    sign_session(sessions[0], actor=therapist)
    report_side_effect(session=sessions[1], kind="bruising", severity="mild")
    MessageText.objects.create(
        clinic=clinic, kind="heat_ok", subject=f"{clinic.name}'s own words", body="Heat is fine."
    )


@pytest.fixture
def two_clinics_at_work(
    clinic, therapist, patient, room, other_clinic, other_therapist, make_patient
):
    at_work(clinic, therapist, patient, room)
    hopper = make_patient(other_clinic, given_name="Grace", family_name="Hopper")
    southern = Room.objects.create(clinic=other_clinic, name="Southern Room")
    at_work(other_clinic, other_therapist, hopper, southern)


@pytest.fixture(params=[Role.ADMIN, Role.THERAPIST])
def northside_browser(request, two_clinics_at_work, admin, therapist):
    client = Client()
    client.force_login(admin if request.param == Role.ADMIN else therapist)  # a session
    return client


def assert_no_southside(page: str, path: str) -> None:
    shown = [name for name in SOUTHSIDE_NAMES if name in page]
    assert not shown, f"{path} shows {shown}"


def test_the_walk_finds_every_list_of_the_api():
    found = list_endpoints()
    for expected in ["/api/v1/patients/", "/api/v1/sessions/", "/api/v1/audit/"]:
        assert expected in found
    assert len(found) >= 10


@pytest.mark.parametrize("path", list_endpoints())
def test_no_list_of_the_browsable_api_offers_another_clinics_records(northside_browser, path):
    answer = northside_browser.get(path, HTTP_ACCEPT="text/html")
    assert answer.status_code in (200, 403), path  # the audit trail is for admins
    assert answer["Content-Type"].startswith("text/html")
    assert_no_southside(answer.content.decode(), path)


def test_the_session_filter_form_offers_the_clinics_own_people(two_clinics_at_work, admin):
    client = Client()
    client.force_login(admin)
    page = client.get("/api/v1/sessions/", HTTP_ACCEPT="text/html").content.decode()
    assert "North Therapist" in page and "Ada Lovelace" in page  # the filter form is there


def test_every_admin_page_shows_only_the_clinics_own_records(two_clinics_at_work, admin):
    client = Client()
    client.force_login(admin)
    pages = admin_pages(admin)
    assert len(pages) >= 20
    for path in pages:
        answer = client.get(path)
        assert answer.status_code in (200, 403), path  # 403: a page the clinic may not use
        assert_no_southside(answer.content.decode(), path)


def test_the_by_therapist_filter_lists_the_clinics_therapists(two_clinics_at_work, admin):
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/needling/needlingsession/").content.decode()
    assert "By therapist" in page and "North Therapist" in page


def test_another_clinics_record_in_a_filter_is_as_unknown_as_a_made_up_one(
    admin_api, two_clinics_at_work, other_therapist
):
    theirs = admin_api.get("/api/v1/sessions/", {"therapist": str(other_therapist.id)})
    made_up = admin_api.get(
        "/api/v1/sessions/", {"therapist": "00000000-0000-0000-0000-000000000000"}
    )
    assert theirs.status_code == made_up.status_code == 400
    assert theirs.json() == made_up.json()


def test_an_admin_form_refuses_another_clinics_record(
    two_clinics_at_work, admin, other_therapist, patient
):
    client = Client()
    client.force_login(admin)
    form = {
        "patient": str(patient.id),
        "therapist": str(other_therapist.id),
        "indication": "Neck pain",
        "planned_sessions": 5,
        "session_minutes": 45,
        "min_gap_days": 2,
        "max_gap_days": 7,
        "earliest_start_0": timezone.now().date().isoformat(),
        "earliest_start_1": "09:00",
        "appointments-TOTAL_FORMS": 0,
        "appointments-INITIAL_FORMS": 0,
    }
    answer = client.post("/admin/needling/treatmentcourse/add/", form)
    assert answer.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in answer.content.decode()
