"""A therapist works through the staff app in a real headless Chromium: signs in, opens the
day, the patient, logs a session the screening refuses, fixes it, signs it and adds an
addendum; screens a patient and signs out. The pages fit a 768 px tablet and every control
has a label."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftercare.models import Notification
from screening.models import Screening
from sessions.models import NeedlingSession, TreatmentCourse
from sessions.records.services import log_session
from tests.bodies import CLINIC_CLOCK, site, stimulation, typed
from tests.moments import about_now, today_at, tomorrow_at
from tests.real_parts import chromium
from tests.web.browser import TABLET, fits_and_labels, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def day(patient, screen, book, course):
    """Ada, screened with lymphedema of the left shoulder and on anticoagulants, booked just now."""
    screen(
        patient,
        anticoagulants=True,
        lymphedema_regions=[{"region": "shoulder", "side": "left"}],
    )
    return book(patient, about_now(), course=course)


def test_a_therapist_logs_fixes_signs_and_amends_a_session(live_server, day, password):
    with chromium() as browser:
        work_through_a_session(browser.new_page(viewport=TABLET), live_server, day, password)

    session = NeedlingSession.objects.get()
    assert (session.status, session.appointment_id, session.pain_before) == ("signed", day.pk, 7)
    assert [(s.muscle_id, s.side) for s in session.sites.all()] == [("deltoid", "right")]
    assert session.precautions_acknowledged == ["anticoagulants"]
    assert [a.text for a in session.addenda.all()] == [ADDENDUM]


ADDENDUM = "Patient rang: soreness settled by the evening."


def work_through_a_session(page, live_server, day, password):
    sign_in(page, live_server, password)
    expect(page.locator(".card")).to_contain_text("Neck pain · session 1 of 5")
    expect(page.locator(".card")).to_contain_text("Precautions: anticoagulants")

    page.get_by_role("link", name="Ada Lovelace", exact=True).click()
    expect(page.locator("#in-force + p")).to_contain_text("Cleared with precautions")
    expect(page.get_by_text("Do not needle:")).to_contain_text("Shoulder (left)")
    page.go_back()

    page.get_by_role("link", name="Start session with Ada Lovelace").click()
    page.get_by_label("Ended").fill(typed(day.starts_at + timedelta(minutes=2)))
    page.get_by_label("Muscle", exact=True).fill("Deltoid")
    page.get_by_label("Side", exact=True).select_option("left")
    # The live check runs the screening service as the sites change.
    expect(page.locator("#rule-check")).to_contain_text("excludes the shoulder (left)")
    page.get_by_label("Pain before (0-10)").fill("7")
    page.get_by_role("button", name="Save as draft").click()

    # The service refused: its message is by the sites, and what was typed is still there.
    expect(page.locator("#sites-error")).to_contain_text("excludes the shoulder (left)")
    expect(page.get_by_label("Muscle", exact=True)).to_have_value("Deltoid")
    expect(page.get_by_label("Pain before (0-10)")).to_have_value("7")

    page.get_by_label("Side", exact=True).select_option("right")
    expect(page.locator("#rule-check")).to_contain_text("Acknowledge these precautions")
    page.get_by_label("I have considered: Anticoagulants").check()
    expect(page.locator("#rule-check")).to_contain_text("The screening allows these sites")

    page.get_by_role("button", name="Add site").click()
    expect(page.locator("[data-site]")).to_have_count(2)
    # The new site starts on the side of the one before.
    expect(page.locator("[data-site]").nth(1).get_by_label("Side", exact=True)).to_have_value(
        "right"
    )
    page.locator("[data-site]").nth(1).get_by_label("Muscle", exact=True).fill("Upper trapezius")
    page.locator("[data-site]").nth(1).get_by_label("Side", exact=True).select_option("right")
    expect(page.locator("#rule-check")).to_contain_text("Deep needling of upper trapezius")
    page.locator("[data-site]").nth(1).get_by_role("button", name="Remove site").click()
    expect(page.locator("[data-site]")).to_have_count(1)
    page.get_by_label("Needles removed").fill("1")  # counted out: needed to sign

    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_text("Signed by Nora Quinn")).to_be_visible()

    page.get_by_label("Addendum").fill(ADDENDUM)
    page.get_by_role("button", name="Add addendum").click()
    expect(page.locator(".addenda")).to_contain_text("Nora Quinn: " + ADDENDUM)


def test_the_pages_fit_a_tablet_and_label_every_control(
    live_server, day, password, clinic, therapist
):
    session = log_session(
        clinic=clinic,
        actor=therapist,
        patient=day.patient,
        started_at=timezone.now(),
        precautions_acknowledged=["anticoagulants"],
        sites=[site(), site(muscle="upper_trapezius", side="right")],
    )
    patient = day.patient_id
    pages = [
        "/",
        f"/patients/{patient}/",
        f"/patients/{patient}/screening/",
        f"/patients/{patient}/appointments/{day.pk}/session/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/edit/",
        f"/sessions/{session.pk}/side-effect/",
        "/calendar/",
        "/inbox/?show=all",
        f"/calendar/appointments/{day.pk}/move/",
        f"/calendar/book/?q=ada&therapist={day.therapist_id}",
        "/courses/new/?q=ada",
        "/accounts/password/",
    ]
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET)
        sign_in(page, live_server, password)
        for path in pages:
            fits_and_labels(page, live_server.url + path)


def test_a_therapist_screens_a_patient_sees_the_outcome_first_then_signs_out(
    live_server, therapist, patient, password
):
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET)
        sign_in(page, live_server, password)
        page.goto(f"{live_server.url}/patients/{patient.pk}/screening/")
        page.get_by_label("The patient consents to dry needling").check()
        page.get_by_label("Takes anticoagulants").check()
        expect(page.locator("#preview")).to_contain_text("Precautions: anticoagulants")
        page.get_by_role("button", name="Save screening").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")

        page.get_by_role("button", name="Sign out").click()
        page.goto(f"{live_server.url}/patients/{patient.pk}/")
        expect(page.get_by_label("Username")).to_be_visible()  # the card needs signing in again
        expect(page.get_by_text("Ada Lovelace")).to_have_count(0)
    assert Screening.objects.get(patient=patient).precautions == ["anticoagulants"]


def test_the_day_can_be_worked_from_the_keyboard(live_server, day, password):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        sign_in(page, live_server, password)
        for _ in range(30):
            page.keyboard.press("Tab")
            if "Start session" in page.evaluate("document.activeElement.textContent"):
                break
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Session with Ada Lovelace")


def test_an_appointment_dragged_onto_a_taken_slot_snaps_back_then_moves(
    live_server, password, patient, make_patient, clinic, book
):
    # Three days ahead, so the reminder 24 h before falls in the future at any hour the tests run.
    tomorrow = today_at(10) + timedelta(days=3)
    moving = book(patient, tomorrow)
    book(
        make_patient(clinic, given_name="Brian", family_name="Boru"), tomorrow + timedelta(hours=2)
    )
    card = f"#appointment-{moving.pk}"

    def slot(moment):
        return f'td[data-drop="{timezone.localtime(moment, CLINIC_CLOCK).isoformat()}"]'

    with chromium() as browser:
        # Tall enough that the whole day shows: a drag that scrolls starts from the wrong slot.
        page = browser.new_page(viewport={"width": 768, "height": 3000})
        sign_in(page, live_server, password)
        page.goto(
            f"{live_server.url}/calendar/?week={timezone.localtime(tomorrow, CLINIC_CLOCK).date()}"
        )
        page.drag_and_drop(card, slot(tomorrow + timedelta(hours=2)))
        expect(page.locator("#calendar-problem")).to_contain_text("already has an appointment")
        expect(page.locator(slot(tomorrow)).locator(card)).to_be_visible()

        page.drag_and_drop(card, slot(tomorrow + timedelta(hours=4)))
        expect(page.locator(slot(tomorrow + timedelta(hours=4))).locator(card)).to_be_visible()
        expect(page.locator("#calendar-problem")).to_have_count(0)

    moving.refresh_from_db()
    assert moving.starts_at == tomorrow + timedelta(hours=4)
    # The reminder follows the appointment: the one still waiting is 24 h before the new time.
    pending = Notification.objects.filter(
        appointment=moving, kind="appointment_reminder", status="pending"
    )
    assert [n.send_at for n in pending] == [moving.starts_at - timedelta(hours=24)]


def test_copy_last_session_fills_the_form_with_the_sites_needles_and_stimulation(
    live_server, day, password, clinic, therapist
):
    log_session(
        clinic=clinic,
        actor=therapist,
        patient=day.patient,
        started_at=timezone.now() - timedelta(days=2),
        precautions_acknowledged=["anticoagulants"],
        sites=[site(technique="electrical"), site(muscle="soleus", technique="electrical")],
        electrical=[stimulation()],
        needle_lot="LOT-42",
    )
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET)
        sign_in(page, live_server, password)
        page.get_by_role("link", name="Start session with Ada Lovelace").click()
        page.get_by_role("link", name="Copy last session").click()

        expect(page.locator(".note")).to_contain_text("Sites and stimulation copied")
        rows = page.locator("#site-rows [data-site]")
        expect(rows).to_have_count(2)
        expect(rows.nth(0).get_by_label("Muscle", exact=True)).to_have_value("Gastrocnemius")
        expect(rows.nth(1).get_by_label("Muscle", exact=True)).to_have_value("Soleus")
        expect(rows.nth(1).get_by_label("Side", exact=True)).to_have_value("left")
        expect(page.get_by_label("Needle lot")).to_have_value("LOT-42")
        pairs = page.locator("[data-pair]")
        expect(pairs).to_have_count(2)  # the copied pair, and a row to add another
        expect(pairs.nth(0).get_by_label("Used in this session")).to_be_checked()
        expect(pairs.nth(0).get_by_label("Between site")).to_have_value("1")
        expect(pairs.nth(0).get_by_label("and site")).to_have_value("2")
        expect(pairs.nth(1).get_by_label("Used in this session")).not_to_be_checked()


def test_the_admin_books_a_course_of_five_sessions_with_the_wizard(
    live_server, patient, therapist, password
):
    start = typed(tomorrow_at(9))
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET)
        sign_in(page, live_server, password, username="north-admin")
        page.goto(f"{live_server.url}/courses/new/?q=ada")
        page.get_by_label("Therapist").select_option(label="Nora Quinn")
        page.get_by_label("Indication").fill("Plantar fasciitis")
        page.get_by_label("Sessions").fill("5")
        page.get_by_label("Earliest start").fill(start)
        page.get_by_role("button", name="Propose dates").click()

        expect(page.locator("#proposal li")).to_have_count(5)
        page.get_by_role("button", name="Confirm and book").click()
        expect(page.get_by_role("status")).to_contain_text("Booked 5 sessions for Ada Lovelace")

    course = TreatmentCourse.objects.get()
    assert (course.indication, course.therapist_id) == ("Plantar fasciitis", therapist.pk)
    assert course.appointments.filter(status="booked").count() == 5


def test_the_body_chart_narrows_the_muscle_picker_to_the_chosen_region(live_server, day, password):
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET)
        problems = watch_for_problems(page)
        sign_in(page, live_server, password)
        page.get_by_role("link", name="Start session with Ada Lovelace").click()
        every_muscle = offered(page)
        assert "Deltoid" in every_muscle and "Soleus" in every_muscle

        # The screening excludes the left shoulder: the chart says so, in both views.
        shoulder = page.get_by_role("button", name="Shoulder, front, excluded by the screening")
        expect(shoulder).to_have_class(re.compile(r"\bexcluded\b"))
        expect(page.locator('.body-chart .excluded[data-region="shoulder"]')).to_have_count(2)
        expect(page.locator('.body-chart .excluded[data-region="neck"]')).to_have_count(0)
        # Only the left shoulder is shaded: on the figure's right in front, its left behind.
        expect(shoulder.locator("rect").nth(1)).to_have_class("excluded")
        expect(shoulder.locator("rect.excluded")).to_have_count(1)

        shoulder.locator("rect").first.click()  # the right shoulder, as a finger would
        expect(shoulder).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#body-chart-offer")).to_have_text("Muscles of the shoulder offered.")
        assert offered(page) == SHOULDER

        # From the keyboard, in the other view: the back of the lumbar region, then off again.
        lumbar = page.get_by_role("button", name="Lumbar, back")
        lumbar.focus()
        page.keyboard.press("Enter")
        expect(lumbar).to_have_attribute("aria-pressed", "true")
        expect(shoulder).to_have_attribute("aria-pressed", "false")
        assert offered(page) == ["Lumbar erector spinae", "Lumbar multifidus", "Quadratus lumborum"]
        page.keyboard.press(" ")
        expect(page.locator("#body-chart-offer")).to_have_text("All muscles offered.")
        assert offered(page) == every_muscle
        expect(page.get_by_role("heading", level=1)).to_contain_text("Session with Ada Lovelace")

    assert problems == []


SHOULDER = [
    "Deltoid",
    "Infraspinatus",
    "Subscapularis",
    "Supraspinatus",
    "Teres major",
    "Teres minor",
]


def offered(page) -> list[str]:
    """The names the muscle picker's type-ahead offers."""
    return page.evaluate("[...document.querySelectorAll('#muscles option')].map(o => o.value)")


def watch_for_problems(page) -> list[str]:
    """Script errors and console errors (a Content-Security-Policy refusal is one), as they come."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return problems
