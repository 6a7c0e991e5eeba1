"""The staff app through Django's test client: who gets in, what each page shows, that another
clinic's records are not found, and that every page costs the same number of queries however
much there is to show."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from screening.models import Screening
from screening.services import record_screening
from sessions.records.services import log_session, sign_session
from tests.bodies import site
from tests.moments import today_at
from tests.web.pages import INLINE

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_a_live_check_after_the_sign_in_lapsed_sends_the_page_to_sign_in(client, patient):
    response = client.post(
        f"/patients/{patient.pk}/session/check/", {}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == "/accounts/login/"


def test_staff_sign_in_and_out(client, therapist, password):
    response = client.post(
        "/accounts/login/", {"username": "north-therapist", "password": password}, follow=True
    )
    assert response.request["PATH_INFO"] == "/"
    assert "Nora Quinn" in response.content.decode()

    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, therapist):
    response = client.post("/accounts/login/", {"username": "north-therapist", "password": "no"})
    assert "did not match" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_sign_in_ends_after_the_idle_time_and_each_request_moves_the_end_on(signed_in, settings):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    signed_in.get("/")
    [session] = Session.objects.all()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # 30 idle minutes
    response = signed_in.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_staff_change_their_password(signed_in, password):
    response = signed_in.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "plantar-fascia-stretch-9",
            "new_password2": "plantar-fascia-stretch-9",
        },
        follow=True,
    )
    assert "Your password was changed" in response.content.decode()


def test_today_lists_my_appointments_in_order_with_course_and_flags(
    signed_in, book, patient, make_patient, clinic, course, screen
):
    screen(patient, diabetes=True, implanted_device_regions=[{"region": "thorax", "side": "left"}])
    unscreened = make_patient(clinic, given_name="Brian", family_name="Boru")
    book(unscreened, today_at(11))
    lapsing = make_patient(clinic, given_name="Cara", family_name="Moss")
    Screening.objects.filter(pk=screen(lapsing).pk).update(
        valid_until=timezone.now() + timedelta(days=5)
    )
    book(lapsing, today_at(12))
    book(patient, today_at(9), course=course)
    book(patient, today_at(9) + timedelta(days=2), course=course)  # another day: not today

    page = signed_in.get("/").content.decode()

    assert page.index("Ada Lovelace") < page.index("Brian Boru")
    assert "Neck pain · session 1 of 5" in page
    assert "Precautions: diabetes" in page
    assert "Not: Thorax (left), electrical needling" in page
    assert "Screening missing" in page
    assert "Screening expires " in page
    assert "Start session" in page


def test_today_numbers_a_course_session_counting_sessions_logged_without_an_appointment(
    signed_in, book, patient, clinic, therapist, course, screen
):
    """Two days ago a session was logged in the course without an appointment, yesterday one
    in the course's appointment: today's appointment is the course's third session."""
    screen(patient)

    def logged(started_at, appointment=None):
        log_session(
            clinic=clinic, actor=therapist, patient=patient, course=course,
            appointment=appointment, started_at=started_at, sites=[site()],
        )  # fmt: skip

    logged(today_at(9) - timedelta(days=2))
    yesterday = book(patient, today_at(9) - timedelta(days=1), course=course)
    logged(yesterday.starts_at, appointment=yesterday)
    book(patient, today_at(0), course=course)

    assert "Neck pain · session 3 of 5" in signed_in.get("/").content.decode()


def test_today_names_the_muscles_a_screening_excludes(signed_in, book, patient, screen):
    screen(patient, pregnancy_trimester=2)
    book(patient, today_at(9))
    page = signed_in.get("/").content.decode()
    regions = "Abdomen (either side), Lumbar (either side), Pelvis and gluteal (either side)"
    assert f"Not: {regions}, iliopsoas" in page


def test_today_and_the_card_flag_a_minor_screened_without_a_guardian(
    signed_in, book, patient, screen
):
    """The date of birth was corrected after an adult's screening, which named no guardian:
    the session service refuses to needle, and the day and the card say why beforehand."""
    screen(patient, diabetes=True)
    patient.date_of_birth = date.today() - timedelta(days=5000)
    patient.save()
    book(patient, today_at(9))
    flag = "Under 18 when screened, without a guardian&#x27;s consent: screen again"
    assert flag in signed_in.get("/").content.decode()
    assert flag in signed_in.get(f"/patients/{patient.pk}/").content.decode()


def test_a_therapist_moved_to_another_clinic_sees_none_of_the_old_clinics_day(
    signed_in, book, patient, therapist, other_clinic
):
    book(patient, today_at(9))
    therapist.clinic = other_clinic  # a superuser moves them (clinic.services.update_staff)
    therapist.save()
    page = signed_in.get("/").content.decode()
    assert "Ada Lovelace" not in page and "Lovelace" not in page


def test_the_patient_card_tells_the_screening_in_plain_words(signed_in, patient, screen):
    screen(
        patient,
        anticoagulants=True,
        implanted_device_regions=[{"region": "thorax", "side": "left"}],
    )

    page = signed_in.get(f"/patients/{patient.pk}/").content.decode()

    assert "Cleared with precautions" in page
    assert "Do not needle: Thorax (left)" in page
    assert "Techniques excluded: electrical" in page
    assert "Precautions to acknowledge each session: anticoagulants" in page
    assert "Screening: cleared with precautions" in page  # the timeline


def test_reading_a_patient_card_is_in_the_audit_trail(signed_in, patient, therapist):
    signed_in.get(f"/patients/{patient.pk}/")
    assert AuditEntry.objects.filter(
        action="read", object_type="patient", object_id=str(patient.pk), actor_id=str(therapist.pk)
    ).exists()


@pytest.mark.parametrize(
    ("search", "finds_ada"),
    [
        ("ada love", True),  # every word, in given and family name
        ("7911123456", True),  # the phone
        ("ada@example", True),  # the email, as the API's patient search
        ("ada hopper", False),  # one word matches nothing
        ("ada " * 30, False),  # longer than the search takes: nobody, never everybody
    ],
)
def test_the_patient_search_finds_by_every_word(
    signed_in, patient, make_patient, clinic, search, finds_ada
):
    make_patient(
        clinic,
        given_name="Grace",
        family_name="Hopper",
        phone="+447911000222",
        email="grace@example.org",
    )
    page = signed_in.get("/patients/", {"q": search}).content.decode()
    assert ("Lovelace" in page) is finds_ada
    assert "Hopper" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/patients/{patient}/",
        "/patients/{patient}/session/",
        "/patients/{patient}/session/check/",
        "/patients/{patient}/screening/",
        "/patients/{patient}/screening/preview/",
        "/sessions/{session}/",
        "/sessions/{session}/sign/",
        "/sessions/{session}/addenda/",
        "/sessions/{session}/side-effect/",
        "/sessions/{session}/edit/",
        "/sessions/{session}/check/",
    ],
)
def test_another_clinics_records_are_not_found(
    path, signed_in, other_patient, other_therapist, other_clinic
):
    record_screening(
        patient=other_patient, performed_by=other_therapist, consent_given=True, answers={}
    )
    other_session = log_session(
        clinic=other_clinic,
        actor=other_therapist,
        patient=other_patient,
        started_at=timezone.now(),
        sites=[site()],
    )
    url = path.format(patient=other_patient.pk, session=other_session.pk)
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url, {"text": "x"}).status_code == 404
    other_session.refresh_from_db()
    assert other_session.status == "draft" and not other_session.addenda.exists()


def test_the_apps_assets_are_served_by_the_app_itself(client):
    """No CDN and no build step: htmx, the script and the stylesheet come from this server."""
    for asset in ("web/htmx.min.js", "web/app.js", "web/app.css"):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200, asset
        assert b"".join(response.streaming_content)


def test_no_page_carries_inline_script_or_style(signed_in, patient, screen, book):
    """A strict Content-Security-Policy (no 'unsafe-inline') must not break any page."""
    screen(patient, diabetes=True)
    appointment = book(patient, today_at(9))
    paths = [
        "/",
        "/patients/?q=ada",
        f"/patients/{patient.pk}/",
        f"/patients/{patient.pk}/screening/",
        f"/patients/{patient.pk}/appointments/{appointment.pk}/session/",
        "/calendar/",
        "/inbox/?show=all",
        "/courses/new/?q=ada",
        "/accounts/password/",
    ]
    for path in paths:
        page = signed_in.get(path).content.decode()
        assert not INLINE.search(page), (path, INLINE.search(page))


def test_what_the_app_writes_is_attributed_to_the_signed_in_person(signed_in, patient, therapist):
    signed_in.post(
        f"/patients/{patient.pk}/screening/",
        {"consent_given": "on", "understands_procedure": "on", "willing": "on"},
    )
    written = AuditEntry.objects.get(action="create", object_type="screening")
    assert (written.actor_type, written.actor_id) == ("staff", str(therapist.pk))


def test_an_appointment_already_logged_opens_its_note(signed_in, patient, logged_today):
    appointment, session = logged_today
    response = signed_in.get(f"/patients/{patient.pk}/appointments/{appointment.pk}/session/")
    assert response["Location"] == f"/sessions/{session.pk}/"


def test_a_signed_sessions_page_names_the_people_and_its_warnings_as_the_note_does(
    signed_in, clinic, patient, therapist, screen
):
    screen(patient)
    session = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now() - timedelta(hours=1),
        ended_at=timezone.now() - timedelta(minutes=30),
        sites=[site("upper_trapezius", "left")],
        needles_removed=2,
    )
    sign_session(session, actor=therapist)
    patient.given_name = "Augusta"  # a name corrected after the signing
    patient.save()
    therapist.full_name = "Nora Quinn-Byrne"  # and the therapist's, married since
    therapist.save()
    screen(patient, local_infection_regions=[{"region": "neck", "side": "left"}])

    page = signed_in.get(f"/sessions/{session.pk}/").content.decode()
    assert "Session with" in page and "Ada Lovelace</a>" in page and "Augusta" not in page
    heading = page.split("Session with", 1)[1].split("</p>", 1)[0]  # the page's own header aside
    therapist_named = heading.split("·")[1].strip()  # after the time, before the status
    assert therapist_named == "Nora Quinn" and "Signed by Nora Quinn on" in heading
    assert "Quinn-Byrne" not in heading
    signed, since = page.split("Since signing")
    assert "Deep needling of upper trapezius (left)" in signed
    assert "A later screening" in since and "A later screening" not in signed


@pytest.mark.parametrize(
    "reader, offered",
    [
        ("therapist", ["Edit the draft", "Sign the note"]),  # their own draft
        ("admin", ["Edit the draft"]),  # corrects anyone's, signs none but their own
        ("colleague", []),
    ],
)
def test_a_draft_offers_what_the_reader_may_do_with_it(
    client, log_session, therapist, admin, clinic, make_therapist, reader, offered
):
    draft = log_session()
    people = {"therapist": therapist, "admin": admin}
    client.force_login(people.get(reader) or make_therapist(clinic, "south-therapist"))
    page = client.get(f"/sessions/{draft['id']}/").content.decode()
    assert [words for words in ("Edit the draft", "Sign the note") if words in page] == offered
