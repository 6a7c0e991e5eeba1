"""The Django admin, for a clinic administrator: their clinic only."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from aftercare.models import MessageText, Notification
from clinic.models import Staff
from sessions.models import Appointment
from tests.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str = PASSWORD):
    """Through the admin's own sign-in form, as a browser would: CSRF token and all."""
    client = Client(enforce_csrf_checks=True)
    form = client.get("/admin/login/?next=/admin/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    answer = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
        follow=True,
    )
    return client, answer


def test_a_clinic_admin_sees_their_patients_and_not_others(admin_site, patient, other_patient):
    page = admin_site.get("/admin/clinic/patient/").content.decode()
    assert "Lovelace" in page
    assert "Hopper" not in page


def test_another_clinics_patient_cannot_be_opened(admin_site, other_patient):
    answer = admin_site.get(f"/admin/clinic/patient/{other_patient.id}/change/")
    assert answer.status_code == 302  # the admin redirects away from objects it cannot find
    assert "Hopper" not in admin_site.get(answer.url, follow=True).content.decode()


def test_a_patient_added_in_the_admin_joins_the_admins_clinic(admin_site, clinic):
    answer = admin_site.post(
        "/admin/clinic/patient/add/",
        {
            "given_name": "Ewa",
            "family_name": "Kowalski",
            "date_of_birth": "1990-05-17",
            "preferred_channel": "none",
            "timezone": "Europe/London",
            "language": "en",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert clinic.patients.get().given_name == "Ewa"


def test_a_patient_who_now_wants_no_messages_in_the_admin_gets_none_still_to_go(
    admin_site, patient, book, monday_10
):
    book(monday_10)
    page = admin_site.get(f"/admin/clinic/patient/{patient.id}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    answer = admin_site.post(
        f"/admin/clinic/patient/{patient.id}/change/", data | {"preferred_channel": "none"}
    )
    assert answer.status_code == 302
    reminder = Notification.objects.get(patient=patient, kind="appointment_reminder")
    assert reminder.status == "cancelled"


def test_a_room_of_a_name_the_clinic_has_is_refused_by_the_form_in_the_admin(admin_site, clinic):
    first = admin_site.post("/admin/clinic/room/add/", {"name": "Treatment room 1"})
    assert first.status_code == 302
    again = admin_site.post("/admin/clinic/room/add/", {"name": "Treatment room 1"})
    assert again.status_code == 200
    assert "The clinic already has a room of that name." in again.content.decode()
    other = clinic.rooms.create(name="Treatment room 2")
    renamed = admin_site.post(
        f"/admin/clinic/room/{other.pk}/change/", {"name": "Treatment room 1"}
    )
    assert "The clinic already has a room of that name." in renamed.content.decode()
    assert sorted(clinic.rooms.values_list("name", flat=True)) == [
        "Treatment room 1",
        "Treatment room 2",
    ]


def test_a_therapist_has_no_admin_site(therapist):
    client = Client()
    client.force_login(therapist)
    assert client.get("/admin/clinic/patient/").status_code == 302  # to the login page


def test_the_staff_list_shows_only_the_clinics_staff(admin_site, therapist, other_therapist):
    page = admin_site.get("/admin/clinic/staff/").content.decode()
    assert "north-therapist" in page
    assert "south-therapist" not in page


def test_a_clinics_own_message_text_may_use_only_plain_placeholders(admin_site, clinic):
    form = {"language": "en", "kind": "heat_ok", "subject": "Heat", "body": "{% if x %}Heat"}
    answer = admin_site.post("/admin/aftercare/messagetext/add/", form)
    assert answer.status_code == 200 and "tags ({% %}) are not allowed" in answer.content.decode()
    assert not MessageText.objects.exists()  # never saved, so never sent
    form["body"] = "{{ clinic }}: heat is fine now."
    assert admin_site.post("/admin/aftercare/messagetext/add/", form).status_code == 302
    assert MessageText.objects.get().clinic == clinic


def test_the_alerts_to_staff_keep_their_built_in_words_in_the_admin_as_in_the_api(admin_site):
    form = {"language": "en", "kind": "side_effect_alert", "subject": "FYI", "body": "Nothing."}
    answer = admin_site.post("/admin/aftercare/messagetext/add/", form)
    assert answer.status_code == 200
    assert "side_effect_alert is not one of the available choices" in answer.content.decode()
    assert not MessageText.objects.exists()


def test_the_admin_refuses_a_patient_without_a_date_of_birth(admin_site, clinic):
    answer = admin_site.post(
        "/admin/clinic/patient/add/",
        {
            "given_name": "Ewa",
            "family_name": "Kowalski",
            "preferred_channel": "none",
            "timezone": "Europe/London",
            "language": "fr",
        },
    )
    assert answer.status_code == 200  # the form again, with its errors
    assert not clinic.patients.exists()
    form = answer.context["adminform"].form
    assert {"date_of_birth", "language"} <= set(form.errors)


def test_the_sign_in_page_answers_anyone_signed_out(db):
    client = Client()
    page = client.get("/admin/login/")
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    assert client.get("/admin/").url.startswith("/admin/login/")
    assert client.get("/admin/clinic/patient/").url.startswith("/admin/login/")


def test_a_clinic_admin_signs_in_through_the_form_and_sees_the_admin(admin):
    client, answer = sign_in("north-admin")
    assert answer.redirect_chain == [("/admin/", 302)]
    page = answer.content.decode()
    assert answer.status_code == 200 and "Site administration" in page
    assert "Patients" in page and "Needling sessions" in page
    assert client.get("/admin/clinic/patient/").status_code == 200


def test_a_therapist_is_refused_at_the_sign_in_form(therapist):
    client, answer = sign_in("north-therapist")
    assert answer.status_code == 200 and answer.redirect_chain == []
    assert "correct username and password for a staff account" in answer.content.decode()
    assert client.get("/admin/").url.startswith("/admin/login/")


def test_a_therapist_signed_in_elsewhere_is_sent_to_the_sign_in_page(therapist):
    client = Client()
    client.force_login(therapist)
    answer = client.get("/admin/", follow=True)
    assert answer.status_code == 200
    assert "not authorized to access this page" in answer.content.decode()


def test_a_wrong_password_is_the_form_again(admin):
    _, answer = sign_in("north-admin", "not-the-password")
    assert answer.status_code == 200
    assert "correct username and password" in answer.content.decode()


@pytest.fixture
def superuser_site(db):
    """The Django admin, signed in as a superuser: the one who edits hours there (a clinic's
    administrator edits them in the staff app)."""
    client = Client()
    client.force_login(Staff.objects.create_superuser("root", password="a-superuser-password"))
    return client


def form_at(admin_site, path: str):
    """The admin's form on the page at `path`."""
    return admin_site.get(path).context["adminform"].form


def form_as_filled(admin_site, path: str) -> dict:
    """The data of the admin's form at `path`, as the page fills it in."""
    form = form_at(admin_site, path)
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def staff_form_with_hours(admin_site, staff, blocks):
    """The admin's change form of `staff` as the page fills it, with `blocks` as its hours."""
    data = form_as_filled(admin_site, f"/admin/clinic/staff/{staff.id}/change/")
    return data | hours_rows(blocks)


def test_the_admin_keeps_a_therapists_hours_in_their_clinic(superuser_site, therapist):
    therapist.working_hours.all().delete()
    week = [(0, "09:00", "13:00"), (0, "14:00", "18:00")]
    data = staff_form_with_hours(superuser_site, therapist, week)
    answer = superuser_site.post(f"/admin/clinic/staff/{therapist.id}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    hours = therapist.working_hours.order_by("start")
    assert [str(block) for block in hours] == ["Mon 09:00-13:00", "Mon 14:00-18:00"]
    assert {block.clinic_id for block in hours} == {therapist.clinic_id}


def test_a_therapist_moved_to_another_clinic_takes_their_hours_along(
    superuser_site, therapist, other_clinic, admin_api, other_admin_api
):
    therapist.working_hours.all().delete()
    week = [(0, "09:00", "13:00"), (2, "09:00", "13:00")]
    superuser_site.post(
        f"/admin/clinic/staff/{therapist.id}/change/",
        staff_form_with_hours(superuser_site, therapist, week),
    )
    week[1] = (2, "10:00", "14:00")  # one block changed in the same form as the move
    data = staff_form_with_hours(superuser_site, therapist, []) | {"clinic": other_clinic.id}
    for number, block in enumerate(therapist.working_hours.order_by("weekday")):
        data |= {
            f"working_hours-{number}-id": block.id,
            f"working_hours-{number}-staff": therapist.id,
            f"working_hours-{number}-weekday": block.weekday,
            f"working_hours-{number}-start": week[number][1],
            f"working_hours-{number}-end": week[number][2],
        }
    data |= {"working_hours-TOTAL_FORMS": "2", "working_hours-INITIAL_FORMS": "2"}
    answer = superuser_site.post(f"/admin/clinic/staff/{therapist.id}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert {block.clinic_id for block in therapist.working_hours.all()} == {other_clinic.id}
    assert admin_api.get(f"/api/v1/therapists/{therapist.id}/").status_code == 404
    moved = other_admin_api.get(f"/api/v1/therapists/{therapist.id}/").json()
    assert [(b["weekday"], b["start"]) for b in moved["working_hours"]] == [
        (0, "09:00"),
        (2, "10:00"),
    ]


def new_colleague_with_hours(blocks) -> dict:
    """The admin's add form of a staff member, with `blocks` as their hours."""
    password = "a-long-enough-password-9"
    data = {"username": "jo-bloggs", "password1": password, "password2": password}
    data |= {"role": "therapist", "full_name": "Jo Bloggs"}
    return data | hours_rows(blocks)


def hours_rows(blocks) -> dict:
    """The rows of the hours inline holding `blocks`, none of them stored yet."""
    rows = {"working_hours-TOTAL_FORMS": str(len(blocks)), "working_hours-INITIAL_FORMS": "0"}
    for number, (weekday, start, end) in enumerate(blocks):
        rows |= {
            f"working_hours-{number}-weekday": weekday,
            f"working_hours-{number}-start": start,
            f"working_hours-{number}-end": end,
        }
    return rows


def test_hours_for_a_person_in_no_clinic_are_refused_on_the_form(superuser_site, therapist):
    """A superuser's new account is in no clinic until given one; nor is a person whose clinic
    a superuser clears: hours, kept at a clinic, wait for one."""
    hours_before = [str(block) for block in therapist.working_hours.all()]
    added = superuser_site.post(
        "/admin/clinic/staff/add/", new_colleague_with_hours([(0, "09:00", "13:00")])
    )
    path = f"/admin/clinic/staff/{therapist.id}/change/"
    cleared = superuser_site.post(
        path,
        staff_form_with_hours(superuser_site, therapist, [(1, "09:00", "13:00")]) | {"clinic": ""},
    )
    for answer in (added, cleared):
        assert answer.status_code == 200
        assert "Working hours are kept at a clinic" in answer.content.decode()
    assert not Staff.objects.filter(username="jo-bloggs").exists()
    therapist.refresh_from_db()
    assert therapist.clinic is not None
    assert [str(block) for block in therapist.working_hours.all()] == hours_before


@pytest.mark.parametrize("model", ["patient", "room"])
def test_a_patient_or_a_room_stays_in_its_clinic_whoever_edits_it(
    superuser_site, patient, room, other_clinic, model
):
    """Their records name their clinic and are read by it: moved, the patient would show the
    other clinic this one's notes. A superuser picks the clinic of a new one only."""
    record = {"patient": patient, "room": room}[model]
    path = f"/admin/clinic/{model}/{record.id}/change/"
    assert "clinic" not in form_at(superuser_site, path).fields  # shown, not offered
    answer = superuser_site.post(
        path, form_as_filled(superuser_site, path) | {"clinic": other_clinic.id}
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    record.refresh_from_db()
    assert record.clinic_id != other_clinic.id
    assert "clinic" in form_at(superuser_site, f"/admin/clinic/{model}/add/").fields


def test_the_admin_refuses_hours_that_overlap(superuser_site, therapist):
    therapist.working_hours.all().delete()
    week = [(0, "09:00", "13:00"), (0, "12:00", "18:00")]
    data = staff_form_with_hours(superuser_site, therapist, week)
    answer = superuser_site.post(f"/admin/clinic/staff/{therapist.id}/change/", data)
    assert answer.status_code == 200  # the form again, with the problem
    assert "Blocks overlap on Monday at 12:00." in answer.content.decode()
    assert not therapist.working_hours.exists()


def test_an_administrator_cannot_end_their_own_access_in_the_admin_either(admin_site, admin):
    data = staff_form_with_hours(admin_site, admin, [])
    del data["is_active"]  # the box unticked
    answer = admin_site.post(f"/admin/clinic/staff/{admin.id}/change/", data)
    assert "You cannot end your own access" in answer.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_an_administrator_cannot_give_up_their_own_administration_in_the_admin(admin_site, admin):
    data = staff_form_with_hours(admin_site, admin, []) | {"role": "therapist"}
    answer = admin_site.post(f"/admin/clinic/staff/{admin.id}/change/", data)
    assert "You cannot give up your own administration" in answer.content.decode()
    admin.refresh_from_db()
    assert admin.role == "admin"


def test_staff_are_not_deleted_in_the_admin_but_leave_by_losing_access(
    admin_site, admin, therapist
):
    for person in (admin, therapist):
        answer = admin_site.post(f"/admin/clinic/staff/{person.id}/delete/", {"post": "yes"})
        assert answer.status_code == 403
    assert Staff.objects.filter(pk__in=[admin.pk, therapist.pk]).count() == 2


def test_an_administrator_reads_times_on_the_clinics_clock(other_clinic, other_patient):
    """New York is five hours behind UTC in winter: a time on the server's clock would put a
    10:00 appointment at 15:00."""
    admin = other_clinic.staff.get(role="admin")
    therapist = other_clinic.staff.create(username="south-therapist", full_name="Sam Ortiz")
    starts_at = datetime(2031, 1, 6, 15, 0, tzinfo=UTC)  # 10:00 in New York
    Appointment.objects.create(
        clinic=other_clinic,
        patient=other_patient,
        therapist=therapist,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
    )
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/needling/appointment/").content.decode()
    assert "Jan. 6, 2031, 10 a.m." in page and "3 p.m." not in page
