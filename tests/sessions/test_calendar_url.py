"""A therapist's calendar feed at a secret address, for calendar apps that send no headers
(api.md 1.1): a therapist sees only their own address, an administrator anyone's in the
clinic, and a rotated address is gone."""

from urllib.parse import urlparse

import pytest
from icalendar import Calendar

from audit.models import AuditEntry
from tests.accounts import api_client

pytestmark = pytest.mark.django_db


def address(api, therapist, rotate=False):
    path = f"/api/v1/therapists/{therapist.id}/calendar-url/"
    answer = api.post(path + "rotate/") if rotate else api.get(path)
    assert answer.status_code == 200, answer.content
    return urlparse(answer.json()["url"]).path


def test_a_calendar_app_subscribes_to_the_address_without_headers(
    therapist_api, anonymous_api, therapist, book, monday_10
):
    booked = book(monday_10).json()["id"]
    feed = anonymous_api.get(address(therapist_api, therapist))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(event["uid"]) for event in events] == [f"{booked}@filiform"]
    read = AuditEntry.objects.get(action="read", object_id=booked)
    assert (read.actor_type, read.actor_id) == ("staff", str(therapist.id))


def test_the_address_stays_until_rotated_and_the_old_one_is_then_gone(
    therapist_api, anonymous_api, therapist
):
    first = address(therapist_api, therapist)
    assert address(therapist_api, therapist) == first
    second = address(therapist_api, therapist, rotate=True)
    assert second != first
    assert anonymous_api.get(first).status_code == 404
    assert anonymous_api.get(second).status_code == 200


@pytest.mark.parametrize("change", [{"password": "a-new-long-passphrase-9"}, {"is_active": False}])
def test_a_new_password_or_lost_access_ends_the_address_for_good(
    admin_api, anonymous_api, therapist, change
):
    old = address(admin_api, therapist)
    assert admin_api.patch(f"/api/v1/therapists/{therapist.id}/", change).status_code == 200
    assert anonymous_api.get(old).status_code == 404
    admin_api.patch(f"/api/v1/therapists/{therapist.id}/", {"is_active": True})
    assert anonymous_api.get(old).status_code == 404  # reactivated: the old address stays gone
    assert address(admin_api, therapist) != old


def test_a_nul_in_the_address_finds_nothing(anonymous_api):
    assert anonymous_api.get("/api/v1/calendar/ab%00cd.ics").status_code == 404


def test_a_therapist_sees_only_their_own_address_and_an_admin_anyones(
    therapist_api, admin_api, make_therapist, clinic, therapist
):
    colleague = make_therapist(clinic, "north-colleague")
    refused = therapist_api.get(f"/api/v1/therapists/{colleague.id}/calendar-url/")
    assert refused.status_code == 403
    assert (
        therapist_api.post(f"/api/v1/therapists/{colleague.id}/calendar-url/rotate/").status_code
        == 403
    )
    assert address(admin_api, colleague) == address(api_client(colleague), colleague)


def test_another_clinics_therapist_has_no_address_here(admin_api, other_therapist):
    path = f"/api/v1/therapists/{other_therapist.id}/calendar-url/"
    assert admin_api.get(path).status_code == 404


def test_an_unknown_address_or_a_deactivated_therapists_is_not_found(
    therapist_api, anonymous_api, therapist
):
    assert anonymous_api.get("/api/v1/calendar/guessed.ics").status_code == 404
    feed = address(therapist_api, therapist)
    therapist.is_active = False
    therapist.save()
    answer = anonymous_api.get(feed)
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_a_therapist_moved_to_another_clinic_leaves_the_old_clinics_appointments_behind(
    anonymous_api, therapist, book, monday_10, other_clinic
):
    book(monday_10)
    therapist.clinic = other_clinic  # a superuser moves them (clinic.services.update_staff)
    therapist.save()
    feed = anonymous_api.get(address(api_client(therapist), therapist))
    assert feed.status_code == 200
    assert Calendar.from_ical(feed.content).walk("VEVENT") == []
