"""A clinic's own message texts, through the API, the admin and the messages patients get."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftercare import default_texts, delivery
from aftercare.message_texts import set_own_text
from aftercare.models import Kind, MessageText, Notification
from aftercare.texts import PLACEHOLDERS

pytestmark = pytest.mark.django_db

EXPLOIT = "{{ therapist.clinic.patients.all }}"
URL = "/api/v1/message-texts/"


def put(api, language, kind, subject="Reminder", body="{{ clinic }}: see you soon."):
    return api.put(f"{URL}{language}/{kind}/", {"subject": subject, "body": body}, format="json")


def sent_sms(sms_file) -> list[str]:
    delivery.sweep(lambda ids, eta: delivery.send(ids))
    return [message["body"] for message in sms_file()]


def test_the_list_has_every_kind_with_its_default_text_and_placeholders(admin_api):
    answer = admin_api.get(URL, {"language": "es"})
    assert answer.status_code == 200
    items = {item["kind"]: item for item in answer.json()}
    assert sorted(items) == sorted(
        [
            "aftercare_immediate",
            "heat_ok",
            "checkin_24h",
            "appointment_reminder",
            "course_rebook",
            "appointment_cancelled",
            "appointment_rescheduled",
            "outcome_rerate",
            "appointment_confirmed",
            "urgent_care",
            "waitlist_offer",
        ]
    )
    heat = items["heat_ok"]
    assert (heat["language"], heat["is_default"]) == ("es", True)
    assert [heat["subject"], heat["body"]] == list(default_texts.text("es", "heat_ok"))
    assert heat["placeholders"] == ["clinic", "given_name"]


def test_the_list_is_in_english_unless_asked_and_refuses_an_unknown_language(admin_api):
    assert {item["language"] for item in admin_api.get(URL).json()} == {"en"}
    answer = admin_api.get(URL, {"language": "fr"})
    assert answer.status_code == 400 and "language" in answer.json()


def test_an_admin_sets_a_clinics_own_text_and_deletes_it_back_to_the_default(admin_api):
    answer = put(admin_api, "en", "appointment_reminder", body="See {{ therapist }} soon.")
    assert answer.status_code == 200
    assert answer.json() == {
        "kind": "appointment_reminder",
        "language": "en",
        "subject": "Reminder",
        "body": "See {{ therapist }} soon.",
        "placeholders": list(PLACEHOLDERS["appointment_reminder"]),
        "is_default": False,
    }
    assert put(admin_api, "en", "appointment_reminder", body="Changed.").status_code == 200
    [own] = [i for i in admin_api.get(URL).json() if i["kind"] == "appointment_reminder"]
    assert (own["body"], own["is_default"]) == ("Changed.", False)
    assert admin_api.get(URL, {"language": "es"}).json()[3]["is_default"]  # per language

    assert admin_api.delete(f"{URL}en/appointment_reminder/").status_code == 204
    [back] = [i for i in admin_api.get(URL).json() if i["kind"] == "appointment_reminder"]
    assert (
        back["is_default"] and back["body"] == default_texts.text("en", "appointment_reminder")[1]
    )


def test_the_exploit_text_is_refused_and_nothing_is_saved(admin_api):
    answer = put(admin_api, "en", "appointment_reminder", body=f"Hi {EXPLOIT}")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_template"
    assert EXPLOIT in answer.json()["detail"]
    assert not MessageText.objects.exists()


@pytest.mark.parametrize(
    "subject, body",
    [
        ("Heat", "{% if clinic %}Heat is fine{% endif %}"),
        ("Heat", "{{ clinic|lower }}"),
        ("Heat", "{{ link }}"),  # a placeholder, but not of this kind
        ("Heat", "{# note #}"),
        ("{{ clinic.name }}", "Heat is fine"),  # the subject too
    ],
)
def test_tags_filters_lookups_unknown_names_and_comments_are_refused(admin_api, subject, body):
    answer = put(admin_api, "en", "heat_ok", subject=subject, body=body)
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_template")


TOO_LONG = "{{ clinic }}: " + "Please rest and drink water. " * 60  # no SMS could carry it


def test_a_text_too_long_for_one_sms_is_an_invalid_template_and_nothing_is_saved(admin_api):
    answer = put(admin_api, "en", "aftercare_immediate", body=TOO_LONG)
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_template")
    assert "at most 1600 can be sent" in answer.json()["detail"]
    assert not MessageText.objects.exists()


def test_the_admin_form_refuses_a_text_too_long_for_one_sms_as_the_api_does(admin_site):
    form = {"language": "es", "kind": "checkin_24h", "subject": "Hola", "body": TOO_LONG}
    answer = admin_site.post("/admin/aftercare/messagetext/add/", form)
    assert answer.status_code == 200
    assert "at most 1600 can be sent" in answer.content.decode()
    assert not MessageText.objects.exists()


def test_an_aftercare_text_too_long_for_one_sms_saved_before_it_was_refused_sends_the_built_in(
    log_session, sms_file, clinic
):
    MessageText.objects.create(
        clinic=clinic, kind="aftercare_immediate", subject="Aftercare", body=TOO_LONG
    )
    log_session()
    [body] = sent_sms(sms_file)
    assert body.startswith("Northside Physio: after today's dry needling")
    assert body.endswith(default_texts.red_flag("en"))


def test_therapists_read_the_texts_but_may_not_change_them(therapist_api):
    assert therapist_api.get(URL).status_code == 200
    assert put(therapist_api, "en", "heat_ok").status_code == 403
    assert therapist_api.delete(f"{URL}en/heat_ok/").status_code == 403
    assert not MessageText.objects.exists()


@pytest.mark.parametrize("language, kind", [("fr", "heat_ok"), ("en", "side_effect_alert")])
def test_a_language_or_kind_outside_the_contract_is_not_found(admin_api, language, kind):
    answer = put(admin_api, language, kind)
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_an_empty_text_is_a_field_error(admin_api):
    answer = put(admin_api, "en", "heat_ok", body="")
    assert answer.status_code == 400 and "body" in answer.json()


def test_a_clinic_sees_and_changes_only_its_own_texts(admin_api, other_admin_api):
    assert put(other_admin_api, "en", "heat_ok", body="South says heat.").status_code == 200
    [heat] = [i for i in admin_api.get(URL).json() if i["kind"] == "heat_ok"]
    assert heat["is_default"] and "South" not in heat["body"]
    assert admin_api.delete(f"{URL}en/heat_ok/").status_code == 204
    assert MessageText.objects.get().body == "South says heat."


def test_the_admin_form_refuses_the_exploit_as_the_api_does(admin_site, clinic):
    form = {"language": "en", "kind": "appointment_reminder", "subject": "Hi", "body": EXPLOIT}
    answer = admin_site.post("/admin/aftercare/messagetext/add/", form)
    assert answer.status_code == 200
    assert "attribute lookups (.) are not allowed" in answer.content.decode()
    assert not MessageText.objects.exists()
    form["body"] = "See {{ therapist }} on {{ appointment_time }}."
    assert admin_site.post("/admin/aftercare/messagetext/add/", form).status_code == 302
    assert MessageText.objects.get().clinic == clinic


def test_a_malicious_text_written_straight_into_the_database_sends_only_plain_values(
    book, monday_10, sms_file, clinic, patient, other_patient, admin
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: due whatever the hour
    clinic.save()
    # Past every check: as if written before this release, or by hand.
    MessageText.objects.create(
        clinic=clinic,
        kind="appointment_reminder",
        subject="Reminder",
        body=f"{EXPLOIT} {{{{ therapist.password }}}} {{% debug %}}",
    )
    assert book(monday_10).status_code == 201
    Notification.objects.filter(kind="appointment_reminder").update(due_at=timezone.now())
    [body] = sent_sms(sms_file)
    assert body.startswith("Northside Physio: a reminder of your appointment on Monday")
    for leak in ["Hopper", "Grace", admin.password, "pbkdf2", "therapist.", "{", "}"]:
        assert leak not in body


def test_a_spanish_patient_gets_spanish_words_with_the_red_flags(log_session, sms_file, patient):
    patient.language = "es"
    patient.save()
    log_session()
    [body] = sent_sms(sms_file)
    assert body.startswith("Northside Physio: después de la punción seca de hoy")
    assert body.endswith(default_texts.red_flag("es"))


def test_a_clinics_text_follows_the_patients_language_and_keeps_the_red_flags(
    admin_api, log_session, sms_file, patient
):
    body = "{{ clinic }}: descanse hoy, calor a partir de las {{ heat_time }}."
    assert put(admin_api, "es", "aftercare_immediate", body=body).status_code == 200
    patient.language = "es"
    patient.save()
    log_session()
    [spanish] = sent_sms(sms_file)
    assert spanish.startswith("Northside Physio: descanse hoy, calor a partir de las ")
    assert spanish.endswith(default_texts.red_flag("es"))  # left out by the clinic, added


def test_an_english_patient_keeps_the_default_while_the_clinic_has_only_a_spanish_text(
    admin_api, log_session, sms_file
):
    assert put(admin_api, "es", "aftercare_immediate", body="{{ clinic }}: hola.").status_code
    log_session()
    [english] = sent_sms(sms_file)
    assert "avoid intense activity" in english and english.endswith(default_texts.red_flag("en"))


def test_options_describes_a_text_without_an_error(admin_api):
    assert admin_api.options(f"{URL}en/heat_ok/").status_code == 200
    put(admin_api, "en", "heat_ok")
    assert admin_api.options(f"{URL}en/heat_ok/").status_code == 200


def test_a_second_admin_text_of_the_same_kind_and_language_is_refused_not_a_crash(admin_site):
    form = {"language": "en", "kind": "heat_ok", "subject": "Heat", "body": "{{ clinic }}."}
    assert admin_site.post("/admin/aftercare/messagetext/add/", form).status_code == 302
    answer = admin_site.post("/admin/aftercare/messagetext/add/", form)
    assert answer.status_code == 200 and "already has its own text" in answer.content.decode()
    form["language"] = "es"
    assert admin_site.post("/admin/aftercare/messagetext/add/", form).status_code == 302
    assert MessageText.objects.count() == 2


def test_the_list_runs_the_same_queries_however_many_own_texts_there_are(admin_api):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_api.get(URL).status_code == 200
        return len(captured)

    before = queries()
    for kind in ["heat_ok", "checkin_24h", "course_rebook"]:
        put(admin_api, "en", kind, body="{{ clinic }}.")
    assert queries() == before


@pytest.mark.parametrize("language, kind", [("en", Kind.SIDE_EFFECT_ALERT), ("fr", Kind.HEAT_OK)])
def test_the_service_words_only_patients_messages_in_their_languages(clinic, language, kind):
    """The doors offer no other (the API and the staff app answer 404, the admin has no such
    choice); a caller that asked anyway is refused, and nothing is kept."""
    with pytest.raises(ValidationError):
        set_own_text(clinic_id=clinic.id, language=language, kind=kind, subject="S", body="B")
    assert not MessageText.objects.exists()
