"""Screening rules of api.md 1.1 through the API: when it happened, who may screen, and who
consents for a patient under 18. Every refusal leaves nothing written."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from clinic.models import Patient
from screening.models import Screening

pytestmark = pytest.mark.django_db


def post(api, patient, answers=None, **fields):
    body = {"patient": str(patient.id), "consent_given": True, "answers": answers or {}, **fields}
    return api.post("/api/v1/screenings/", body, format="json")


def refused(answer, code):
    return (
        answer.status_code == 400
        and answer.json().get("code") == code
        and not Screening.objects.exists()
    )


def ago(**delta) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat()


def test_a_paper_screening_is_entered_with_the_day_it_was_done(therapist_api, patient):
    done = ago(days=3)
    answer = post(therapist_api, patient, performed_at=done)
    assert answer.status_code == 201, answer.json()
    screening = answer.json()
    assert parse_datetime(screening["performed_at"]) == parse_datetime(done)
    assert parse_datetime(screening["recorded_at"]) > timezone.now() - timedelta(minutes=1)
    assert parse_datetime(screening["valid_until"]) - parse_datetime(done) == timedelta(days=90)


def test_without_performed_at_the_screening_happens_now(therapist_api, patient):
    screening = post(therapist_api, patient).json()
    performed = parse_datetime(screening["performed_at"])
    assert abs(performed - parse_datetime(screening["recorded_at"])) < timedelta(seconds=5)


@pytest.mark.parametrize(
    "performed_at",
    [
        (timezone.now() + timedelta(hours=1)).isoformat(),
        ago(days=7, minutes=1),
        ago(days=400),
    ],
    ids=["in the future", "just over 7 days ago", "last year"],
)
def test_a_screening_in_the_future_or_over_a_week_old_is_invalid_time(
    therapist_api, patient, performed_at
):
    assert refused(post(therapist_api, patient, performed_at=performed_at), "invalid_time")


def test_a_malformed_performed_at_is_a_field_error(therapist_api, patient):
    answer = post(therapist_api, patient, performed_at="last Tuesday")
    assert answer.status_code == 400 and "performed_at" in answer.json()


@pytest.mark.parametrize("certified_until", [None, date(2020, 1, 1)])
def test_an_uncertified_person_may_not_screen_admins_included(
    admin, admin_api, therapist, therapist_api, patient, certified_until
):
    for person, api in ((therapist, therapist_api), (admin, admin_api)):
        person.dn_certified_until = certified_until
        person.save()
        assert refused(post(api, patient), "therapist_not_certified")


def test_a_certified_admin_may_screen(admin, admin_api, patient):
    admin.dn_certified_until = date.today() + timedelta(days=30)
    admin.save()
    assert post(admin_api, patient).status_code == 201


def test_certification_is_judged_on_the_day_of_the_screening(therapist, therapist_api, patient):
    therapist.dn_certified_until = timezone.localdate() - timedelta(days=4)
    therapist.save()
    assert post(therapist_api, patient, performed_at=ago(days=6)).status_code == 201
    today = post(therapist_api, patient)
    assert (today.status_code, today.json()["code"]) == (400, "therapist_not_certified")


def turned_18_days_ago(days: int, tz_name: str) -> date:
    """The date of birth of someone whose 18th birthday was `days` ago where they live (a day
    later if that was a 29 February, which their year of birth, 18 years before, lacked)."""
    birthday = timezone.localdate(timezone=ZoneInfo(tz_name)) - timedelta(days=days)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    return birthday.replace(year=birthday.year - 18)


@pytest.fixture
def teenager(clinic, make_patient):
    return make_patient(clinic, given_name="Tom", date_of_birth=date.today() - timedelta(days=5000))


@pytest.mark.parametrize(
    "guardian",
    [
        {},
        {"guardian_name": "Mary Smith"},
        {"guardian_name": "Mary Smith", "guardian_consent": False},
        {"guardian_consent": True},
        {"guardian_name": " ", "guardian_consent": True},
    ],
    ids=["nothing", "name only", "consent refused", "consent only", "blank name"],
)
def test_a_patient_under_18_needs_a_named_consenting_guardian(therapist_api, teenager, guardian):
    assert refused(post(therapist_api, teenager, **guardian), "guardian_consent_required")


def test_a_guardian_consents_for_a_patient_under_18(therapist_api, teenager):
    answer = post(therapist_api, teenager, guardian_name="Mary Smith", guardian_consent=True)
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["guardian_name"], answer.json()["guardian_consent"]) == (
        "Mary Smith",
        True,
    )


def test_age_is_taken_on_the_day_of_the_screening(therapist_api, clinic, make_patient):
    just_adult = make_patient(clinic, date_of_birth=turned_18_days_ago(2, clinic.timezone))
    before_the_birthday = post(therapist_api, just_adult, performed_at=ago(days=3))
    assert refused(before_the_birthday, "guardian_consent_required")
    assert post(therapist_api, just_adult).status_code == 201


def test_a_patient_registered_without_a_birth_date_must_have_one_first(therapist_api, patient):
    Patient.objects.filter(pk=patient.pk).update(date_of_birth=None)  # registered under v1
    answer = post(therapist_api, patient)
    assert answer.status_code == 400 and "patient" in answer.json()
    assert not Screening.objects.exists()


def test_a_pregnant_patient_is_screened_monthly_and_spared_the_iliopsoas(therapist_api, patient):
    screening = post(therapist_api, patient, {"pregnancy_trimester": 2}).json()
    assert screening["excluded_muscles"] == ["iliopsoas"]
    validity = parse_datetime(screening["valid_until"]) - parse_datetime(screening["performed_at"])
    assert validity == timedelta(days=28)


def test_lymphedema_of_the_knee_excludes_the_whole_leg_on_its_side(therapist_api, patient):
    named = {"lymphedema_regions": [{"region": "knee_leg", "side": "left"}]}
    excluded = post(therapist_api, patient, named).json()["excluded_regions"]
    assert {(ref["region"], ref["side"]) for ref in excluded} == {
        ("hip_thigh", "left"),
        ("knee_leg", "left"),
        ("ankle_foot", "left"),
    }
