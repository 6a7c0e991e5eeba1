"""A patient opens the link from their check-in message on a real browser and reports a side
effect; the clinic finds the report through the API."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare import delivery
from tests.real_parts import chromium

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_patient_reports_a_side_effect_from_the_link_in_their_message(
    live_server, settings, sms_file, log_session, clinic, therapist_api
):
    settings.PUBLIC_BASE_URL = live_server.url
    clinic.quiet_hours_start = clinic.quiet_hours_end  # the check-in is due whatever the hour
    clinic.save()
    session = log_session(
        started_at=(timezone.now() - timedelta(hours=26)).isoformat(),
        ended_at=(timezone.now() - timedelta(hours=25)).isoformat(),
    )
    delivery.sweep(lambda notification_ids, eta: delivery.send(notification_ids))
    [link] = [
        re.search(r"http\S+/p/\S+/", m["body"]).group(0) for m in sms_file() if "/p/" in m["body"]
    ]

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.goto(link)
        assert "Your aftercare from Northside Physio" in page.inner_text("h1")
        page.get_by_label("What happened?").select_option("dizziness")
        page.get_by_label("How bad is it?").select_option("moderate")
        page.get_by_label("Anything else we should know?").fill("Dizzy this morning")
        page.get_by_role("button", name="Send report").click()
        page.wait_for_selector("text=Your report has reached the clinic")

    reports = therapist_api.get("/api/v1/side-effects/", {"session": session["id"]}).json()[
        "results"
    ]
    assert [(r["kind"], r["severity"], r["reported_by"], r["notes"]) for r in reports] == [
        ("dizziness", "moderate", "patient", "Dizzy this morning")
    ]
