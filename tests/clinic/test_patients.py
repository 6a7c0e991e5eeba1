"""Registering patients: contact details that aftercare can rely on."""

import functools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

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
        ({"family_name": "Lovelace\nBcc: someone@example.org"}, "family_name"),
        ({"given_name": "Ada\u2028Bcc"}, "given_name"),  # a line separator
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


# (a date, or days from today as the test runs, accepted?)
BIRTH_DATES = [
    (date(1900, 1, 1), True),
    (date(1899, 12, 31), False),
    (-1, True),
    (0, False),  # api.md: "a past date"
    (1, False),
    (date(1985, 12, 10), True),
]


@pytest.mark.parametrize("born, accepted", BIRTH_DATES)
def test_the_date_of_birth_rule(born, accepted):
    if isinstance(born, int):  # today is read as the test runs, not as the file is collected
        born = timezone.localdate() + timedelta(days=born)
    check = functools.partial(validate_date_of_birth, born)
    if accepted:
        check()
    else:
        with pytest.raises(ValidationError):
            check()


def test_a_date_of_birth_that_is_not_past_is_refused_as_such(admin_api):
    today = {**VALID, "date_of_birth": timezone.localdate().isoformat()}
    answer = admin_api.post("/api/v1/patients/", today, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"date_of_birth": ["A date of birth must be a past date."]}


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


# Clinical records are retained (api.md 1.1): such a patient is archived, never deleted.
@pytest.fixture
def record_of(screen, log_session, book, monday_10, therapist_api):
    def make(what):
        if what == "screening":
            screen(patient_of(book))
        elif what == "appointment":
            assert book(monday_10).status_code == 201
        elif what == "session":
            log_session()
        elif what == "side effect":
            session = log_session()
            therapist_api.post(
                "/api/v1/side-effects/",
                {"session": session["id"], "kind": "bruising", "severity": "mild"},
                format="json",
            )

    return make


def patient_of(book):
    from clinic.models import Patient

    return Patient.objects.get()


@pytest.mark.parametrize("what", ["screening", "appointment", "session", "side effect"])
def test_a_patient_with_any_clinical_record_cannot_be_deleted(admin_api, patient, record_of, what):
    record_of(what)
    answer = admin_api.delete(f"/api/v1/patients/{patient.id}/")
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    assert "archive" in answer.json()["detail"]
    assert admin_api.get(f"/api/v1/patients/{patient.id}/").status_code == 200


def test_the_admin_site_refuses_to_delete_a_screened_patient_with_a_message(
    admin, admin_site, patient, screen
):
    screen(patient)
    site = admin_site
    path = f"/admin/clinic/patient/{patient.id}/delete/"
    assert site.get(path).status_code == 200
    answer = site.post(path, {"post": "yes"})
    assert answer.status_code == 200 and "Cannot delete" in answer.content.decode()
    bulk = site.post(
        "/admin/clinic/patient/",
        {"action": "delete_selected", "_selected_action": [str(patient.id)], "post": "yes"},
    )
    assert bulk.status_code == 200 and "Cannot delete" in bulk.content.decode()
    assert admin_api_sees(admin, patient)


def admin_api_sees(admin, patient) -> bool:
    from tests.accounts import api_client

    return api_client(admin).get(f"/api/v1/patients/{patient.id}/").status_code == 200


def ids(answer) -> list[str]:
    return [p["id"] for p in answer.json()["results"]]


def test_an_archived_patient_leaves_the_lists_unless_asked_for(
    admin_api, therapist_api, clinic, patient, make_patient
):
    other = make_patient(clinic, given_name="Bob", family_name="Marley", email="bob@example.org")
    answer = admin_api.post(f"/api/v1/patients/{patient.id}/archive/")
    assert answer.status_code == 200 and answer.json()["archived_at"]
    assert ids(therapist_api.get("/api/v1/patients/")) == [str(other.id)]
    assert ids(therapist_api.get("/api/v1/patients/", {"archived": "true"})) == [str(patient.id)]
    assert ids(therapist_api.get("/api/v1/patients/", {"archived": "false"})) == [str(other.id)]
    assert ids(therapist_api.get("/api/v1/patients/", {"archived": ""})) == [str(other.id)]
    assert ids(therapist_api.get("/api/v1/patients/", {"search": "ada"})) == []
    assert therapist_api.get(f"/api/v1/patients/{patient.id}/").status_code == 200


def test_archiving_cancels_pending_messages_and_stops_new_care(
    admin_api, therapist_api, patient, therapist, log_session, book, monday_10, session_body
):
    from aftercare.models import Notification

    log_session()
    assert book(monday_10).status_code == 201
    assert admin_api.post(f"/api/v1/patients/{patient.id}/archive/").status_code == 200
    assert not Notification.objects.filter(status="pending").exists()
    refusals = [
        book(monday_10 + timedelta(days=1)),
        admin_api.post(
            "/api/v1/courses/",
            {"patient": str(patient.id), "therapist": str(therapist.id), "indication": "Neck"},
            format="json",
        ),
        therapist_api.post("/api/v1/sessions/", session_body(), format="json"),
    ]
    for answer in refusals:
        assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
        assert "archived" in answer.json()["detail"]


def test_archiving_is_for_admins_of_the_clinic_and_happens_once(
    admin_api, therapist_api, other_admin_api, patient
):
    path = f"/api/v1/patients/{patient.id}/archive/"
    assert therapist_api.post(path).status_code == 403
    assert other_admin_api.post(path).status_code == 404
    assert admin_api.post(path).status_code == 200
    again = admin_api.post(path)
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


@pytest.mark.parametrize(
    "held, archived, code",
    [
        (False, False, None),
        (True, False, "clinical_hold"),
        (False, True, "invalid_state"),
        (True, True, "invalid_state"),  # archived says more: they are not treated here at all
    ],
)
def test_the_one_check_before_any_booking_course_or_session(patient, held, archived, code):
    from django.utils import timezone

    from clinic.holds import check_open_for_care
    from clinic.models import Patient
    from core.errors import Conflict

    Patient.objects.filter(pk=patient.pk).update(
        clinical_hold=held, archived_at=timezone.now() if archived else None
    )
    if code is None:
        check_open_for_care(patient)
        return
    with pytest.raises(Conflict) as refusal:
        check_open_for_care(patient)
    assert refusal.value.code == code
