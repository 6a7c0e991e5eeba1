"""The staff app as a therapist uses it: a real Chromium (Playwright) drives the app served on
the demo clinic, and every click, field filled and key typed is counted.

(a) From the Today list, a session of four sites with an electrical pair and pain before and
    after, saved and signed (goal: at most 25 interactions).
(b) A 5-session course booked with the wizard, starting from Today (goal: at most 10).

It also measures each page's server time on the demo clinic (median of several requests through
Django's test client, no network; goal: under 100 ms each), and saves screenshots of Today and
of the filled session form into docs/screenshots/ for the README.

    .venv/bin/python bench/staff_app.py
"""

import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import ROOT, throwaway_database

from tests.real_parts import chromium

SCREENSHOTS = ROOT / "docs" / "screenshots"
SESSION_GOAL, COURSE_GOAL, PAGE_GOAL_MS = 25, 10, 100
PAGE_RUNS = 15
EXTRA_PATIENTS = 500
VIEWPORT = {"width": 1024, "height": 1100}
# The four sites of a neck and shoulder session, the first two joined by current.
SITES = ["Upper trapezius", "Levator scapulae", "Infraspinatus", "Rhomboids"]


@dataclass
class Counted:
    """A Playwright page whose every user action is counted."""

    page: object
    clicks: int = 0
    fields: int = 0
    keys: int = 0
    steps: list[str] = field(default_factory=list)

    @property
    def interactions(self) -> int:
        return self.clicks + self.fields

    def click(self, locator, why: str) -> None:
        locator.click()
        self.clicks += 1
        self.steps.append(f"click {why}")

    def choose(self, locator, value: str, why: str) -> None:
        """A choice in a list: one click on the list, and the option."""
        locator.select_option(value)
        self.clicks += 1
        self.steps.append(f"choose {why}: {value}")

    def fill(self, locator, text: str, why: str) -> None:
        locator.fill(text)
        self.fields += 1
        self.keys += len(text)
        self.steps.append(f"type {why}: {text}")

    def press(self, locator, key: str, why: str) -> None:
        locator.press(key)
        self.clicks += 1  # a key that acts, as a click would
        self.keys += 1
        self.steps.append(f"press {key} ({why})")

    def figures(self, seconds: float) -> dict:
        return {
            "interactions": self.interactions,
            "clicks": self.clicks,
            "fields": self.fields,
            "keys": self.keys,
            "seconds": seconds,
            "steps": self.steps,
        }


@dataclass(frozen=True)
class World:
    therapist: object
    admin: object
    patient: object  # screened, with a history, and booked today
    newcomer: object  # to book a course for
    appointment: object
    session: object  # a signed one, for its note


def demo_world() -> World:
    """The demo clinic (`clinic.demo`), a few hundred patients, and a day for its therapist."""
    from django.utils import timezone

    from clinic.demo import ADMIN, build_demo_clinic, demo_patients
    from clinic.models import Patient, Staff
    from clinic.services import create_patient
    from outcomes.services import record_outcome
    from screening.services import record_screening
    from sessions.records.services import log_session, sign_session
    from sessions.scheduling.services import book_rest_of_course, create_course
    from tests.bodies import site

    clinic = build_demo_clinic()
    Patient.objects.bulk_create(demo_patients(clinic, EXTRA_PATIENTS))
    therapist = Staff.objects.get(username="demo-therapist")
    admin = Staff.objects.get(username=ADMIN[0])
    now = timezone.now()
    patient = create_patient(
        clinic=clinic, given_name="Ada", family_name="Quill", date_of_birth=date(1979, 5, 4)
    )
    newcomer = create_patient(
        clinic=clinic, given_name="Mary", family_name="Somerville", date_of_birth=date(1990, 2, 1)
    )
    answers = {"understands_procedure": True, "willing": True}
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers=answers,
        performed_at=now - timedelta(days=6),
    )
    course = create_course(
        clinic=clinic,
        patient=patient,
        therapist=therapist,
        indication="Neck and shoulder pain",
        planned_sessions=6,
        earliest_start=now + timedelta(days=1),
        auto_schedule=False,  # two sessions are behind it, one today; the rest booked after
    )
    session = None
    for days_ago in (5, 3):
        started = now - timedelta(days=days_ago)
        session = log_session(
            clinic=clinic,
            actor=therapist,
            patient=patient,
            course=course,
            started_at=started,
            ended_at=started + timedelta(minutes=30),
            pain_before=7 - days_ago % 2,
            pain_after=4,
            sites=[site(muscle="upper_trapezius", side="right")],
            needles_removed=2,
        )
        sign_session(session, actor=therapist)
        record_outcome(
            clinic=clinic,
            patient=patient,
            course=course,
            instrument="psfs",
            items=[{"activity": "Turning the head", "score": 8 - days_ago}],
            recorded_by=therapist,
            recorded_at=started,
        )
    today = _booked_today(patient, therapist, course)
    book_rest_of_course(course)
    return World(therapist, admin, patient, newcomer, today, session)


def _booked_today(patient, therapist, course):
    """An appointment of today that has just ended, written as it stands (past times are not
    bookable through the service)."""
    from django.utils import timezone

    from sessions.models import Appointment

    now = timezone.now()
    local = timezone.localtime(now, ZoneInfo(patient.clinic.timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = max(midnight, now - timedelta(minutes=40))
    return Appointment.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        therapist=therapist,
        course=course,
        starts_at=starts,
        ends_at=max(starts + timedelta(minutes=1), now - timedelta(minutes=5)),
    )


def pages(world: World) -> list[tuple[object, str]]:
    """Every page of the app, with who opens it."""
    patient, session, appointment = world.patient.pk, world.session.pk, world.appointment.pk
    therapist_pages = [
        "/",
        "/patients/?q=Quill",
        f"/patients/{patient}/",
        f"/patients/{patient}/screening/",
        f"/patients/{patient}/appointments/{appointment}/session/",
        f"/patients/{patient}/session/?copy=last",
        f"/sessions/{session}/",
        f"/sessions/{session}/side-effect/",
        "/calendar/",
        f"/calendar/book/?q=Quill&therapist={world.therapist.pk}",
        f"/calendar/appointments/{appointment}/move/",
        "/courses/new/?q=Somerville",
    ]
    admin_pages = [
        "/clinic/",
        "/clinic/staff/",
        f"/clinic/staff/{world.therapist.pk}/hours/",
        "/clinic/rooms/",
        "/clinic/messages/",
        "/clinic/message-log/",
        "/clinic/holds/",
        "/reports/adverse-events/",
    ]
    return [(world.therapist, path) for path in therapist_pages] + [
        (world.admin, path) for path in admin_pages
    ]


def server_times(world: World) -> dict[str, float]:
    """Median milliseconds of each page, after one warm-up request."""
    from django.test import Client

    times = {}
    for person, path in pages(world):
        client = Client(SERVER_NAME="localhost")  # a host the settings allow
        client.force_login(person)
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        runs = []
        for _ in range(PAGE_RUNS):
            started = time.perf_counter()
            client.get(path)
            runs.append(time.perf_counter() - started)
        times[path] = statistics.median(runs) * 1000
    return times


def sign_in(page, base: str, username: str, password: str) -> None:
    """Signing in is not counted: both tasks start from the Today list."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Today").wait_for()


def log_a_session(page, patient_name: str) -> dict:
    """(a): four sites, the first two joined by current, pain before and after, signed."""
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "today.png", full_page=True)
    user = Counted(page)
    started = time.monotonic()
    user.click(page.get_by_role("link", name=f"Start session with {patient_name}"), "start")
    user.fill(page.get_by_label("Pain before (0-10)"), "6", "pain before")
    rows = page.locator("[data-site]")
    for number, muscle in enumerate(SITES):
        if number:
            user.click(page.get_by_role("button", name="Add site"), "add site")
        row = rows.nth(number)
        user.fill(row.get_by_label("Muscle", exact=True), muscle, f"muscle {number + 1}")
        if number == 0:  # later rows start on the same side
            user.choose(row.get_by_label("Side", exact=True), "right", "side")
        if number < 2:
            user.choose(row.get_by_label("Technique"), "electrical", "technique")
    user.click(page.get_by_label("Used in this session"), "electrical stimulation")
    for label, value in (
        ("Between site", "1"),
        ("and site", "2"),
        ("Frequency Hz", "2"),
        ("Pulse width µs", "250"),
        ("Intensity mA", "4"),
        ("Minutes", "10"),
    ):
        user.fill(page.get_by_label(label, exact=True), value, label.lower())
    user.choose(page.get_by_label("Waveform"), "biphasic", "waveform")
    user.fill(page.get_by_label("Pain after (0-10)"), "3", "pain after")
    user.fill(page.get_by_label("Needles removed"), str(len(SITES)), "needles counted out")
    expect(page.locator("#rule-check")).to_contain_text("The screening allows these sites")
    page.screenshot(path=SCREENSHOTS / "session-form.png", full_page=True)
    user.click(page.get_by_role("button", name="Save and sign"), "save and sign")
    expect(page.get_by_text("Signed by")).to_be_visible()
    return user.figures(time.monotonic() - started)


def book_a_course(page, base: str) -> dict:
    """(b): from Today to five booked sessions for a patient found by name."""
    from playwright.sync_api import expect

    page.goto(base + "/")
    user = Counted(page)
    started = time.monotonic()
    user.click(page.get_by_role("link", name="Week"), "the week")
    user.click(page.get_by_role("link", name="New course"), "new course")
    search = page.get_by_label("Find the patient")
    user.fill(search, "Somerville", "patient's name")
    user.press(search, "Enter", "search")
    user.fill(page.get_by_label("Indication"), "Lateral elbow pain", "indication")
    user.click(page.get_by_role("button", name="Propose dates"), "propose dates")
    user.click(page.get_by_role("button", name="Confirm and book"), "confirm")
    expect(page.get_by_text("Booked 5 sessions")).to_be_visible()
    return user.figures(time.monotonic() - started)


def in_chromium(base: str, patient_name: str) -> dict:
    from clinic.demo import THERAPIST_PASSWORD

    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        sign_in(page, base, "demo-therapist", THERAPIST_PASSWORD)
        session = log_a_session(page, patient_name)
        course = book_a_course(page, base)
    return {"session": session, "course": course}


def measure() -> dict:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    world = demo_world()
    times = server_times(world)  # the database is read here, never while the browser runs
    server = LiveServerThread("localhost", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        driven = in_chromium(f"http://localhost:{server.port}", str(world.patient))
    finally:
        server.terminate()
    return {**driven, "pages_ms": times}


def figures() -> dict:
    with throwaway_database("filiform_bench_staff_app"):
        return measure()


def main() -> None:
    results = figures()
    for task, goal in (("session", SESSION_GOAL), ("course", COURSE_GOAL)):
        done = results[task]
        print(
            f"{task}: {done['interactions']} interactions (goal <= {goal}): {done['clicks']} "
            f"clicks, {done['fields']} fields, {done['keys']} keys, {done['seconds']:.1f} s"
        )
        for step in done["steps"]:
            print(f"    {step}")
    for path, ms in sorted(results["pages_ms"].items(), key=lambda item: -item[1]):
        print(f"{ms:7.1f} ms  {path}")
    print(f"screenshots in {SCREENSHOTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
