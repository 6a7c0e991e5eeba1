"""Passwords pass Django's validators (12 characters or more, not common, not all digits, not
like the person's details) on every path that sets one: the API, the admin, create_clinic."""

import pytest
from django.core.management import CommandError, call_command

from clinic.models import Clinic, Staff
from tests.accounts import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PERSON = {"username": "jo-bloggs", "full_name": "Josephine Bloggs", "email": "jo@example.org"}
WEAK = [
    pytest.param("Xk9-tq-7", "too short", id="short"),
    pytest.param("qwerty123456", "too common", id="common"),
    pytest.param("493027516284", "entirely numeric", id="digits"),
    pytest.param("jo-bloggs-2026", "too similar", id="like the username"),
    pytest.param("josephinebloggs", "too similar", id="like the full name"),
]


@pytest.mark.parametrize("password, complaint", WEAK)
def test_a_weak_password_for_new_staff_is_a_400_on_password(admin_api, password, complaint):
    answer = admin_api.post("/api/v1/therapists/", {**NEW_PERSON, "password": password})
    assert answer.status_code == 400
    assert list(answer.json()) == ["password"]
    assert complaint in " ".join(answer.json()["password"])
    assert not Staff.objects.filter(username="jo-bloggs").exists()


@pytest.mark.parametrize("password, complaint", WEAK)
def test_a_weak_new_password_is_a_400_and_changes_nothing(
    admin_api, make_therapist, clinic, password, complaint
):
    person = make_therapist(clinic, "jo-bloggs", full_name="Josephine Bloggs", email="jo@x.org")
    answer = admin_api.patch(f"/api/v1/therapists/{person.id}/", {"password": password})
    assert answer.status_code == 400
    assert complaint in " ".join(answer.json()["password"])
    assert Staff.objects.get(pk=person.pk).check_password(PASSWORD)


def test_the_admin_refuses_a_weak_password_for_new_staff(admin_site):
    form = {"username": "jo-bloggs", "password1": "Xk9-tq-7", "password2": "Xk9-tq-7"}
    answer = admin_site.post("/admin/clinic/staff/add/", {**form, "role": "therapist"})
    assert answer.status_code == 200 and "too short" in answer.content.decode()
    assert not Staff.objects.filter(username="jo-bloggs").exists()


def test_the_admin_refuses_a_weak_new_password(admin_site, therapist):
    form = {"password1": "qwerty123456", "password2": "qwerty123456"}
    answer = admin_site.post(f"/admin/clinic/staff/{therapist.id}/password/", form)
    assert answer.status_code == 200 and "too common" in answer.content.decode()
    assert Staff.objects.get(pk=therapist.pk).check_password(PASSWORD)


def test_create_clinic_refuses_a_weak_password_and_creates_nothing():
    with pytest.raises(CommandError) as refusal:
        call_command(
            "create_clinic",
            "Harbour Physio",
            timezone="Europe/Dublin",
            admin="harbour",
            password="Xk9-tq-7",
        )
    message = str(refusal.value)
    assert message == (
        "password: This password is too short. It must contain at least 12 characters. "
        "Nothing was created."
    )
    assert not Clinic.objects.exists() and not Staff.objects.exists()
