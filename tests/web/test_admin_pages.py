"""The administrator runs the clinic from the staff app: staff and their hours, rooms, quiet
hours, message texts with a preview, the message log and clinical holds. Therapists are refused,
another clinic's records are not found, and each page costs the same queries whatever its size."""

from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aftercare import default_texts
from aftercare.models import MessageText, Notification
from clinic.holds import place_on_hold, release_hold
from clinic.models import ClinicalHold, Room, Staff
from tests.accounts import PASSWORD
from tests.query_counts import queries
from tests.web.pages import ADMIN_PAGES, INLINE

pytestmark = pytest.mark.django_db


def message(patient, number: int = 0, **fields) -> Notification:
    """A message as the aftercare plan leaves it (written as it stands)."""
    at = timezone.now() - timedelta(hours=number)
    fields = {
        "clinic_id": patient.clinic_id,
        "patient": patient,
        "kind": "heat_ok",
        "channel": "sms",
        "dedupe_key": f"test:{patient.pk}:{number}",
        "send_at": at,
        "due_at": at,
        "expires_at": at + timedelta(hours=6),
    } | fields
    return Notification.objects.create(**fields)


def test_a_therapist_may_not_run_the_clinic(signed_in, therapist, patient):
    hold = place_on_hold(patient, reason="Pneumothorax reported")
    staff = [f"/clinic/staff/{therapist.pk}/hours/", f"/clinic/staff/{therapist.pk}/"]
    for path in [*ADMIN_PAGES, *staff]:
        assert signed_in.get(path).status_code == 403, path
    for path in (f"/clinic/staff/{therapist.pk}/active/", f"/clinic/holds/{hold.pk}/release/"):
        assert signed_in.post(path, {"active": "0", f"{hold.pk}-note": "Fine"}).status_code == 403
    therapist.refresh_from_db()
    assert therapist.is_active and ClinicalHold.objects.get().released_at is None


def test_another_clinics_staff_and_holds_are_not_found(admin_in, other_therapist, other_patient):
    hold = place_on_hold(other_patient, reason="Nerve injury reported")
    assert admin_in.get(f"/clinic/staff/{other_therapist.pk}/hours/").status_code == 404
    assert admin_in.get(f"/clinic/staff/{other_therapist.pk}/").status_code == 404
    assert (
        admin_in.post(f"/clinic/staff/{other_therapist.pk}/active/", {"active": "0"}).status_code
        == 404
    )
    release = admin_in.post(f"/clinic/holds/{hold.pk}/release/", {f"{hold.pk}-note": "Fine"})
    assert release.status_code == 404
    other_therapist.refresh_from_db()
    assert other_therapist.is_active and ClinicalHold.objects.get().released_at is None
    assert "Nerve injury" not in admin_in.get("/clinic/holds/").content.decode()
    assert other_therapist.username not in admin_in.get("/clinic/staff/").content.decode()


THERAPIST = {
    "username": "new-therapist",
    "full_name": "Mary Somerville",
    "dn_certified_until": "2030-01-31",
    "password": PASSWORD,
}


def test_a_therapists_certification_is_renewed_and_a_bad_phone_refused_by_its_field(
    admin_in, therapist
):
    details = {"full_name": "Nora Quinn", "email": "", "dn_certified_until": "2031-06-30"}
    page = admin_in.get(f"/clinic/staff/{therapist.pk}/").content.decode()
    assert 'value="Nora Quinn"' in page
    refused = admin_in.post(f"/clinic/staff/{therapist.pk}/", details | {"phone": "07911 123"})
    assert "Enter a valid phone number in E.164 form" in refused.content.decode()
    therapist.refresh_from_db()
    assert therapist.phone == "" and therapist.dn_certified_until != date(2031, 6, 30)

    saved = admin_in.post(f"/clinic/staff/{therapist.pk}/", details | {"phone": "+447911123456"})
    assert saved["Location"] == "/clinic/staff/"
    therapist.refresh_from_db()
    assert (therapist.dn_certified_until, therapist.phone) == (date(2031, 6, 30), "+447911123456")
    assert "30 Jun 2031" in admin_in.get("/clinic/staff/").content.decode()


def test_a_therapist_is_added_then_given_working_hours(admin_in, clinic):
    response = admin_in.post("/clinic/staff/new/", THERAPIST)
    added = Staff.objects.get(username="new-therapist")
    assert (added.clinic, added.role, added.full_name) == (clinic, "therapist", "Mary Somerville")
    assert response["Location"] == f"/clinic/staff/{added.pk}/hours/"

    hours = {
        "hours-TOTAL_FORMS": 3,
        "hours-INITIAL_FORMS": 0,
        "hours-0-weekday": 0,
        "hours-0-start": "09:00",
        "hours-0-end": "13:00",
        "hours-1-weekday": 0,
        "hours-1-start": "14:00",
        "hours-1-end": "18:00",
    }
    admin_in.post(f"/clinic/staff/{added.pk}/hours/", hours)
    blocks = [(b.weekday, b.start, b.end) for b in added.working_hours.order_by("start")]
    assert blocks == [(0, time(9), time(13)), (0, time(14), time(18))]
    assert "Mon 09:00-13:00, Mon 14:00-18:00" in admin_in.get("/clinic/staff/").content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "refusal"),
    [
        ({"password": "password"}, "password", "This password is too common."),
        ({"username": "north-admin"}, "username", "A user with that username already exists."),
    ],
)
def test_a_therapist_the_rules_refuse_is_not_added_and_told_by_the_field(
    admin_in, fields, field, refusal
):
    page = admin_in.post("/clinic/staff/new/", THERAPIST | fields).content.decode()
    assert refusal in page
    assert page.index(f'for="id_{field}"') < page.index(refusal)
    assert not Staff.objects.filter(full_name="Mary Somerville").exists()


def test_a_username_another_clinic_holds_is_taken_and_the_answer_names_no_clinic(
    admin_in, other_therapist, other_clinic
):
    taken = THERAPIST | {"username": other_therapist.username}
    page = admin_in.post("/clinic/staff/new/", taken).content.decode()
    assert "A user with that username already exists." in page
    assert other_clinic.name not in page
    assert not Staff.objects.filter(full_name="Mary Somerville").exists()


@pytest.mark.parametrize(
    ("rows", "refusal"),
    [
        ([(1, "09:00", "13:00"), (1, "12:00", "15:00")], "Blocks overlap on Tuesday at 12:00."),
        ([(1, "13:00", "09:00")], "The block on Tuesday at 13:00 must end after it starts."),
        ([(1, "", "09:00")], "Give the day, the start and the end"),
    ],
)
def test_working_hours_that_make_no_sense_are_refused(admin_in, therapist, rows, refusal):
    before = list(therapist.working_hours.values_list("weekday", "start", "end"))
    data = {"hours-TOTAL_FORMS": len(rows), "hours-INITIAL_FORMS": 0}
    for number, (weekday, start, end) in enumerate(rows):
        data |= {f"hours-{number}-weekday": weekday, f"hours-{number}-start": start}
        data |= {f"hours-{number}-end": end}
    page = admin_in.post(f"/clinic/staff/{therapist.pk}/hours/", data).content.decode()
    assert refusal in page
    assert list(therapist.working_hours.values_list("weekday", "start", "end")) == before


def test_a_deactivated_therapist_can_no_longer_sign_in(admin_in, therapist, admin):
    admin_in.post(f"/clinic/staff/{therapist.pk}/active/", {"active": "0"})
    browser = Client()
    signing_in = {"username": therapist.username, "password": PASSWORD}
    assert browser.post("/accounts/login/", signing_in).status_code == 200  # the form again
    assert browser.get("/").status_code == 302  # still signed out
    refused = admin_in.post(f"/clinic/staff/{admin.pk}/active/", {"active": "0"}, follow=True)
    assert '<p class="error">You cannot end your own access' in refused.content.decode()
    admin.refresh_from_db()
    assert admin.is_active  # nobody ends their own access


def test_rooms_are_added_and_a_name_is_the_clinics_only_one(admin_in, clinic):
    admin_in.post("/clinic/rooms/", {"name": "Room 1"})
    page = admin_in.post("/clinic/rooms/", {"name": "Room 1"}).content.decode()
    assert "The clinic already has a room of that name." in page  # as the API says it
    assert list(Room.objects.filter(clinic=clinic).values_list("name", flat=True)) == ["Room 1"]


SETTINGS = {
    "name": "Northside Physio",
    "quiet_hours_start": "20:30",
    "quiet_hours_end": "07:45",
    "phone": "+442079460000",
    "waitlist_offer_minutes": "90",
}


def test_the_clinics_settings_are_set(admin_in, clinic):
    admin_in.post("/clinic/", SETTINGS)
    clinic.refresh_from_db()
    assert (clinic.quiet_hours_start, clinic.quiet_hours_end) == (time(20, 30), time(7, 45))
    assert (clinic.phone, clinic.waitlist_offer_minutes) == ("+442079460000", 90)
    page = admin_in.get("/clinic/").content.decode()
    assert 'value="+442079460000"' in page and 'value="90"' in page


def test_a_bad_phone_or_offer_time_is_refused_by_its_field(admin_in, clinic):
    page = admin_in.post(
        "/clinic/", SETTINGS | {"phone": "0207 946 0000", "waitlist_offer_minutes": "2"}
    ).content.decode()
    assert "Enter a valid phone number in E.164 form" in page
    assert "Ensure this value is greater than or equal to 10." in page
    clinic.refresh_from_db()
    assert (clinic.phone, clinic.waitlist_offer_minutes) == ("", 120)


def test_a_message_text_is_previewed_as_typed_and_saved(admin_in, clinic):
    text = {"heat_ok-subject": "Heat", "heat_ok-body": "Hi {{ given_name }}, heat is fine now."}
    preview = admin_in.post(
        "/clinic/messages/en/heat_ok/preview/", text, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Hi Ada, heat is fine now." in preview
    assert not MessageText.objects.exists()

    admin_in.post("/clinic/messages/en/heat_ok/", text)
    own = MessageText.objects.get(clinic=clinic, language="en", kind="heat_ok")
    assert own.body == "Hi {{ given_name }}, heat is fine now."
    assert (
        "Hi {{ given_name }}, heat is fine now."
        in admin_in.get("/clinic/messages/").content.decode()
    )

    admin_in.post("/clinic/messages/en/heat_ok/", {"use_default": "1"})
    assert not MessageText.objects.exists()


def test_a_preview_shows_what_the_message_adds_to_the_clinics_text(admin_in):
    # The check-in always carries the patient page's link and the red-flag advice.
    text = {"checkin_24h-subject": "How are you?", "checkin_24h-body": "Hi {{ given_name }}."}
    preview = admin_in.post("/clinic/messages/es/checkin_24h/preview/", text).content.decode()
    assert "Hi Ada. https://clinic.example/c/preview" in preview
    assert default_texts.red_flag("es") in preview


def test_a_reminders_preview_ends_with_how_to_answer_it_by_sms(admin_in):
    text = {"appointment_reminder-subject": "Soon", "appointment_reminder-body": "See you."}
    preview = admin_in.post("/clinic/messages/en/appointment_reminder/preview/", text)
    assert f"See you. {default_texts.sms_replies('en')}" in preview.content.decode()


def test_a_text_with_more_than_placeholders_is_refused_by_its_field(admin_in):
    text = {"heat_ok-subject": "Heat", "heat_ok-body": "Hi {{ patient.clinic.name }}"}
    preview = admin_in.post("/clinic/messages/en/heat_ok/preview/", text).content.decode()
    assert "attribute lookups (.) are not allowed" in preview
    page = admin_in.post("/clinic/messages/en/heat_ok/", text).content.decode()
    assert page.index('for="id_heat_ok-body"') < page.index("attribute lookups (.) are not allowed")
    assert not MessageText.objects.exists()


def test_a_text_too_long_for_one_sms_is_refused_by_its_field(admin_in):
    text = {"heat_ok-subject": "Heat", "heat_ok-body": "{{ clinic }} " * 9}  # 9 long names
    preview = admin_in.post("/clinic/messages/en/heat_ok/preview/", text).content.decode()
    assert "at most 1600 can be sent" in preview
    page = admin_in.post("/clinic/messages/en/heat_ok/", text).content.decode()
    assert page.index('for="id_heat_ok-body"') < page.index("at most 1600 can be sent")
    assert not MessageText.objects.exists()


def test_an_unknown_kind_or_language_of_text_is_not_found(admin_in):
    assert admin_in.post("/clinic/messages/en/side_effect_alert/", {}).status_code == 404
    assert admin_in.post("/clinic/messages/xx/heat_ok/preview/", {}).status_code == 404


def test_the_message_log_shows_failures_with_their_reason(admin_in, patient, other_patient):
    message(patient, 1, status="failed", attempts=3, last_error="Twilio 21610: unsubscribed")
    message(patient, 2, status="sent")
    message(other_patient, 3, status="failed", last_error="Southside's failure")
    failed = admin_in.get("/clinic/message-log/", {"status": "failed"}).content.decode()
    assert "Twilio 21610: unsubscribed" in failed and "Southside" not in failed
    assert "The latest 1 messages" in failed
    assert "The latest 2 messages" in admin_in.get("/clinic/message-log/").content.decode()


def test_a_hold_is_released_only_with_a_note(admin_in, patient, admin):
    hold = place_on_hold(patient, reason="Pneumothorax reported")
    assert "Pneumothorax reported" in admin_in.get("/clinic/holds/").content.decode()
    page = admin_in.post(f"/clinic/holds/{hold.pk}/release/", {f"{hold.pk}-note": " "})
    assert "Say why the hold may be released." in page.content.decode()
    hold.refresh_from_db()
    assert hold.released_at is None

    admin_in.post(f"/clinic/holds/{hold.pk}/release/", {f"{hold.pk}-note": "Chest X-ray clear"})
    hold.refresh_from_db()
    patient.refresh_from_db()
    assert (hold.released_by, hold.release_note, patient.clinical_hold) == (
        admin,
        "Chest X-ray clear",
        False,
    )
    assert "Chest X-ray clear" in admin_in.get("/clinic/holds/").content.decode()


def test_a_released_holds_stale_form_does_not_release_the_patients_newer_hold(
    admin_in, patient, admin
):
    first = place_on_hold(patient, reason="Pneumothorax reported")
    release_hold(patient, by=admin, note="Chest X-ray clear")
    newer = place_on_hold(patient, reason="Nerve injury reported")
    page = admin_in.post(
        f"/clinic/holds/{first.pk}/release/", {f"{first.pk}-note": "Fine"}, follow=True
    )
    assert "That hold was released already" in page.content.decode()
    newer.refresh_from_db()
    patient.refresh_from_db()
    assert newer.released_at is None and patient.clinical_hold


def test_each_admin_page_costs_the_same_queries_for_few_or_many(
    admin_in, clinic, make_patient, make_therapist
):
    def add(n: int, start: int):
        for number in range(start, start + n):
            patient = make_patient(clinic, given_name=f"Held{number}")
            place_on_hold(patient, reason="Nerve injury reported")
            message(patient, number, status="failed", last_error="Bounced")
            make_therapist(clinic, f"therapist-{number}")
            Room.objects.create(clinic=clinic, name=f"Room {number}")

    def costs() -> list[int]:
        return [queries(admin_in, path) for path in ADMIN_PAGES]

    add(1, 0)
    few = costs()
    add(6, 1)
    assert costs() == few


def test_no_admin_page_carries_inline_script_or_style(admin_in, patient):
    place_on_hold(patient, reason="Pneumothorax reported")
    for path in ADMIN_PAGES:
        page = admin_in.get(path).content.decode()
        assert not INLINE.search(page), (path, INLINE.search(page))
