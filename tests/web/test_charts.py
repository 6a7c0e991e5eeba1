"""The patient card charts pain before and after each session and each course's ratings against
its MCID line; the configuration travels in a data attribute (no inline script)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.services import record_outcome
from sessions.records.services import log_session
from tests.bodies import site
from tests.real_parts import chromium
from tests.web.browser import TABLET, fits_and_labels, sign_in
from tests.web.pages import ADMIN_PAGES, charts

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_course(clinic, patient, therapist, screen, course):
    """Two sessions with pain rated, PSFS from 3 to 6 and NPRS from 7 to 6 over the course."""
    screen(patient)
    for days_ago, before, after in ((2, 7, 4), (1, 5, 3)):
        log_session(
            clinic=clinic,
            actor=therapist,
            patient=patient,
            course=course,
            started_at=timezone.now() - timedelta(days=days_ago),
            ended_at=timezone.now() - timedelta(days=days_ago) + timedelta(minutes=30),
            pain_before=before,
            pain_after=after,
            sites=[site()],
        )
    for days_ago, psfs, nprs in ((2, 3, 7), (1, 6, 6)):
        at = timezone.now() - timedelta(days=days_ago)
        items = [{"activity": "Turning the head", "score": psfs}]
        for instrument, fields in (("psfs", {"items": items}), ("nprs", {"score": nprs})):
            record_outcome(
                clinic=clinic,
                patient=patient,
                course=course,
                instrument=instrument,
                recorded_by=therapist,
                recorded_at=at,
                **fields,
            )
    return course


def test_the_card_charts_pain_before_and_after_each_session(signed_in, patient, rated_course):
    page = signed_in.get(f"/patients/{patient.pk}/").content.decode()
    pain = charts(page)["Pain before and after each session, 0 to 10"]
    before, after = pain["data"]["datasets"]
    assert (before["data"], after["data"]) == ([7, 5], [4, 3])


def test_a_course_is_charted_against_its_mcid_line_and_told_in_words(
    signed_in, patient, rated_course
):
    page = signed_in.get(f"/patients/{patient.pk}/").content.decode()
    assert 'PSFS 3 → 6 (3; MCID 2: <strong class="ok">met</strong>)' in page
    assert "NPRS 7 → 6 (-1; MCID 2: not met)" in page
    course = charts(page)["Neck pain: outcome ratings against the MCID line"]
    lines = {dataset["label"]: dataset["data"] for dataset in course["data"]["datasets"]}
    assert [point["y"] for point in lines["Function (PSFS)"]] == [3, 6]
    assert {point["y"] for point in lines["Function (PSFS): MCID line"]} == {5}
    assert {point["y"] for point in lines["Pain (NPRS): MCID line"]} == {5}


def test_a_card_with_nothing_rated_draws_no_chart(signed_in, patient, course):
    page = signed_in.get(f"/patients/{patient.pk}/").content.decode()
    assert charts(page) == {}
    assert "chart.umd.min.js" in page  # loaded only where charts may be drawn


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_charts_are_drawn_in_a_browser_under_the_content_security_policy(
    live_server, patient, rated_course, password
):
    problems = []
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET)
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        sign_in(page, live_server, password)
        page.goto(f"{live_server.url}/patients/{patient.pk}/")
        expect(page.locator("canvas[data-chart]")).to_have_count(2)
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('canvas[data-chart]')]"
            ".map(canvas => Boolean(window.Chart.getChart(canvas)) && canvas.width > 0)"
        )
    assert drawn == [True, True]
    assert problems == []  # a CSP violation is reported on the console as an error


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_pages_work_in_a_browser_under_the_csp_and_fit_a_tablet(
    live_server, admin, rated_course, password
):
    problems = []
    with chromium() as browser:
        page = browser.new_page(viewport=TABLET)
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(admin.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

        page.get_by_role("link", name="Side effects").click()
        funnel = page.locator("canvas[data-chart]")
        expect(funnel).to_have_count(1)
        assert page.evaluate(
            "() => Boolean(window.Chart.getChart(document.querySelector('canvas[data-chart]')))"
        )

        page.get_by_role("link", name="Clinic", exact=True).click()
        page.get_by_role("link", name="Message texts").click()
        preview = page.locator("#preview-heat_ok")
        expect(preview).to_contain_text("Preview")  # drawn as the page opens
        page.locator("#id_heat_ok-body").fill("Hello {{ given_name }}, heat is fine.")
        expect(preview).to_contain_text("Hello Ada, heat is fine.")
        page.locator("#id_heat_ok-body").fill("Hello {{ given_name|upper }}")
        expect(preview).to_contain_text("filters (|) are not allowed")

        for path in [*ADMIN_PAGES, f"/clinic/staff/{admin.pk}/hours/"]:
            fits_and_labels(page, live_server.url + path)
    assert problems == []
