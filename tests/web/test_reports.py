"""The administrator's side-effect report: the clinic's rates with Wilson intervals beside the
published ones, each therapist in a funnel plot; and the signed note printed as PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.records.services import log_session, report_side_effect, sign_session
from tests.bodies import CLINIC_CLOCK, site
from tests.moments import today_at
from tests.query_counts import queries
from tests.web.pages import charts

pytestmark = pytest.mark.django_db

REPORT = "/reports/adverse-events/"


@pytest.fixture
def sessions(clinic, patient, therapist, screen):
    """`n` ended sessions of the therapist from noon `days_ago` (clinic's clock), every other
    one followed by bruising."""
    screen(patient)

    def make(n: int, days_ago: int = 1) -> list:
        made = []
        for number in range(n):
            noon = today_at(12) - timedelta(days=days_ago)
            started = noon + timedelta(minutes=40 * number)
            session = log_session(
                clinic=clinic,
                actor=therapist,
                patient=patient,
                started_at=started,
                ended_at=started + timedelta(minutes=30),
                sites=[site()],
                needles_removed=2,
            )
            if number % 2 == 0:
                report_side_effect(session=session, kind="bruising", severity="mild")
            made.append(session)
        return made

    return make


def test_the_clinics_rates_stand_beside_brady_and_boyce_with_wilson_intervals(admin_in, sessions):
    sessions(4)
    page = admin_in.get(REPORT).content.decode()
    assert "This clinic" in page
    assert "50.0% (15.0%\u201385.0%); 2 events" in page  # 2 of 4, Wilson 95%
    assert "Brady, McEvoy, Dommerholt, Doody" in page and "19.2%" in page
    assert "Boyce et al." in page and "36.8%" in page


def test_each_therapist_is_a_point_in_the_funnel_with_its_control_limits(
    admin_in, sessions, therapist
):
    sessions(4)
    page = admin_in.get(REPORT).content.decode()
    [funnel] = charts(page).values()
    points, clinic_line, upper, lower = funnel["data"]["datasets"]
    assert points["data"] == [{"x": 4, "y": 50.0}]
    assert {point["y"] for point in clinic_line["data"]} == {50.0}
    assert upper["data"][-1]["y"] > 50.0 > lower["data"][-1]["y"]
    assert "Nora Quinn" in page and "within" in page


def test_the_report_covers_the_days_asked(admin_in, sessions):
    sessions(2, days_ago=1)
    sessions(3, days_ago=2)
    day = timezone.localdate(timezone=CLINIC_CLOCK) - timedelta(days=1)
    page = admin_in.get(REPORT, {"since": day, "until": day}).content.decode()
    assert '<th scope="row">This clinic</th><td>2</td>' in page


def test_a_therapist_may_not_compare_colleagues(signed_in):
    assert signed_in.get(REPORT).status_code == 403


def test_another_clinics_sessions_are_not_counted(admin_in, other_clinic, make_therapist):
    page = admin_in.get(REPORT).content.decode()
    assert '<th scope="row">This clinic</th><td>0</td>' in page
    assert "No ended sessions in these days." in page


def test_the_report_costs_the_same_queries_for_few_or_many_sessions(admin_in, sessions):
    sessions(1)
    few = queries(admin_in, REPORT)
    sessions(6, days_ago=2)
    assert queries(admin_in, REPORT) == few


def test_a_signed_note_has_a_print_button_for_its_pdf(
    signed_in, clinic, patient, therapist, screen
):
    screen(patient)
    session = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now() - timedelta(minutes=40),
        ended_at=timezone.now() - timedelta(minutes=5),
        sites=[site()],
        needles_removed=2,
    )
    draft = signed_in.get(f"/sessions/{session.pk}/").content.decode()
    assert "note.pdf" not in draft  # a draft has no note to print yet
    sign_session(session, actor=therapist)
    page = signed_in.get(f"/sessions/{session.pk}/").content.decode()
    link = f"/api/v1/sessions/{session.pk}/note.pdf"
    assert f'href="{link}"' in page
    pdf = signed_in.get(link)  # the staff app's sign-in is enough
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")


def test_a_window_that_ends_before_it_begins_is_refused_by_its_end(admin_in, sessions):
    sessions(1)  # ended lately: figures for all time would count it
    page = admin_in.get(REPORT, {"since": "2026-03-10", "until": "2026-03-01"}).content.decode()
    assert page.index('for="id_until"') < page.index("Must not be before the first day.")
    assert "This clinic" not in page and "Funnel plot" not in page  # no figures for other days
