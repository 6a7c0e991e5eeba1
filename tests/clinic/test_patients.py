"""Registering patients: contact details that aftercare can rely on."""

import functools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from clinic.validators import validate_date_of_birth, validate_language

pytestmark = pytest.mark.django_db

VALID = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "date_of_birth": "1985-12-10",
    "phone": "+447911123456",
    "email": "ada@example.org",
    "preferred_channel": "both",
    "sms_consent": True,
    "email_consent": True,
}


def test_a_patient_gets_the_clinics_timezone_and_english_by_default(admin_api):
    answer = admin_api.post("/api/v1/patients/", VALID, format="json")
    assert answer.status_code == 201
    assert answer.json()["timezone"] == "Europe/London"
    assert answer.json()["language"] == "en"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"phone": "07700 900123"}, "phone"),  # not E.164
        ({"phone": "+4412"}, "phone"),
        ({"email": "ada-at-example"}, "email"),
        ({"date_of_birth": "1985-13-40"}, "date_of_birth"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
        ({"given_name": "A" * 101}, "given_name"),
        ({"sms_consent": "perhaps"}, "sms_consent"),
        ({"preferred_channel": "sms", "phone": ""}, "phone"),
        ({"preferred_channel": "email", "email": ""}, "email"),
        ({"preferred_channel": "both", "phone": ""}, "phone"),
        ({"given_name": None}, "given_name"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"language": "fr"}, "language"),
        ({"language": ""}, "language"),
    ],
)
def test_bad_patient_details_are_400_with_the_field_named(admin_api, change, field):
    answer = admin_api.post("/api/v1/patients/", {**VALID, **change}, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert admin_api.get("/api/v1/patients/").json()["results"] == []


def test_a_patient_without_a_date_of_birth_is_refused(admin_api):
    without = {name: value for name, value in VALID.items() if name != "date_of_birth"}
    answer = admin_api.post("/api/v1/patients/", without, format="json")
    assert answer.status_code == 400 and "date_of_birth" in answer.json()


def test_a_spanish_speaking_patient_is_registered(admin_api):
    answer = admin_api.post("/api/v1/patients/", {**VALID, "language": "es"}, format="json")
    assert answer.status_code == 201 and answer.json()["language"] == "es"


@pytest.mark.parametrize("change", [{"date_of_birth": "2999-01-01"}, {"language": "xx"}])
def test_a_change_to_an_impossible_birth_date_or_language_is_refused(admin_api, patient, change):
    answer = admin_api.patch(f"/api/v1/patients/{patient.id}/", change, format="json")
    assert answer.status_code == 400 and set(change) <= set(answer.json())
    patient.refresh_from_db()
    assert (patient.date_of_birth, patient.language) == (date(1985, 12, 10), "en")


# (date of birth relative to today, accepted?)
BIRTH_DATES = [
    (date(1900, 1, 1), True),
    (date(1899, 12, 31), False),
    (date.today(), True),
    (date.today() + timedelta(days=1), False),
    (date(1985, 12, 10), True),
]


@pytest.mark.parametrize("born, accepted", BIRTH_DATES)
def test_the_date_of_birth_rule(born, accepted):
    check = functools.partial(validate_date_of_birth, born)
    if accepted:
        check()
    else:
        with pytest.raises(ValidationError):
            check()


@pytest.mark.parametrize(
    "language, accepted", [("en", True), ("es", True), ("fr", False), ("EN", False)]
)
def test_the_supported_languages(language, accepted):
    if accepted:
        validate_language(language)
    else:
        with pytest.raises(ValidationError):
            validate_language(language)


def test_removing_the_phone_of_an_sms_patient_is_refused(admin_api, patient):
    answer = admin_api.patch(f"/api/v1/patients/{patient.id}/", {"phone": ""}, format="json")
    assert answer.status_code == 400
    assert "phone" in answer.json()


def test_malformed_json_is_a_400_with_a_code(admin_api):
    answer = admin_api.generic(
        "POST", "/api/v1/patients/", '{"given_name": "Ada",', content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "parse_error"


def test_a_json_list_instead_of_an_object_is_400(admin_api):
    answer = admin_api.post("/api/v1/patients/", [VALID], format="json")
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "words, found",
    [
        ("ada love", True),
        ("lovelace", True),
        ("+4479111", True),
        ("example.org", True),
        ("ada hopper", False),
    ],
)
def test_search_matches_every_word_in_name_phone_or_email(admin_api, patient, words, found):
    results = admin_api.get("/api/v1/patients/", {"search": words}).json()["results"]
    assert [p["id"] for p in results] == ([str(patient.id)] if found else [])


def test_an_untreated_patient_can_be_deleted(admin_api, patient):
    assert admin_api.delete(f"/api/v1/patients/{patient.id}/").status_code == 204
    assert admin_api.get(f"/api/v1/patients/{patient.id}/").status_code == 404


def test_lists_are_cursor_pages_with_a_page_size(admin_api, clinic, make_patient):
    for n in range(3):
        make_patient(clinic, given_name=f"P{n}")
    first = admin_api.get("/api/v1/patients/?page_size=2").json()
    assert len(first["results"]) == 2 and first["previous"] is None
    second = admin_api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    seen = {p["id"] for p in first["results"] + second["results"]}
    assert len(seen) == 3


def test_page_size_is_capped_at_200(admin_api, clinic, make_patient):
    from clinic.demo import demo_patients
    from clinic.models import Patient

    Patient.objects.bulk_create(demo_patients(clinic, 205))
    assert len(admin_api.get("/api/v1/patients/?page_size=500").json()["results"]) == 200
