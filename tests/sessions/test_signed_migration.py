"""Records written before they kept their people (a signed session's therapist, signer and
patient, an addendum's author) get them when the database migrates: the people as they stand
then, past the guards that keep signed records unchanged. Warnings as signed were not kept
before, and are not made up."""

import uuid

import pytest
from django.db import connection

from sessions.models import NeedlingSession
from sessions.records.selectors import note_warnings
from tests.bodies import site
from tests.migrating import migrate_back, migrate_to_latest

BEFORE = ("needling", "0010_appointment_confirmed_at")
BEFORE_PATIENT_AND_WARNINGS = ("needling", "0011_records_keep_their_people")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sessions_signed_before_get_their_people_when_the_database_migrates(
    therapist_api, therapist, screen, patient, log_session
):
    screen(patient)
    session = log_session(needles_removed=6)
    assert therapist_api.post(f"/api/v1/sessions/{session['id']}/sign/").status_code == 200
    addendum = f"/api/v1/sessions/{session['id']}/addenda/"
    assert therapist_api.post(addendum, {"text": "Phoned"}, format="json").status_code == 201
    migrate_back(BEFORE)  # as it was: no people kept on the row

    migrate_to_latest("needling")

    signed = NeedlingSession.objects.get(pk=session["id"])
    assert (signed.therapist_name, signed.signed_by_name) == (therapist.full_name,) * 2
    assert signed.therapist_certified_until == therapist.dn_certified_until
    assert [note.author_name for note in signed.addenda.all()] == [therapist.full_name]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sessions_signed_before_get_their_patient_and_no_made_up_warnings_when_migrating(
    therapist_api, screen, patient, log_session
):
    screen(patient)
    session = log_session(needles_removed=2, sites=[site("upper_trapezius", "left")])
    assert therapist_api.post(f"/api/v1/sessions/{session['id']}/sign/").status_code == 200
    migrate_back(BEFORE_PATIENT_AND_WARNINGS)  # as it was: nothing of these kept

    migrate_to_latest("needling")

    signed = NeedlingSession.objects.get(pk=session["id"])
    assert (signed.patient_name, signed.patient_date_of_birth) == (
        "Ada Lovelace",
        patient.date_of_birth,
    )
    assert signed.signed_warnings is None  # the note shows the warnings as they are now
    assert [w.code for w in note_warnings(signed).as_signed] == ["pneumothorax_risk"]


BEFORE_UUIDS = ("needling", "0012_signed_records_keep_their_patient_and_warnings")


def addendum_ids() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM needling_addendum ORDER BY created_at")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_addendum_keeps_its_number_inside_its_uuid_and_gets_it_back(
    therapist_api, screen, patient, log_session
):
    # The audit trail names an addendum written before by its number: it must still find it.
    screen(patient)
    addenda = f"/api/v1/sessions/{log_session()['id']}/addenda/"
    for text in ("Phoned", "Phoned again"):
        therapist_api.post(addenda, {"text": text}, format="json")
    migrate_back(BEFORE_UUIDS)
    with connection.cursor() as cursor:  # numbers with gaps, as a table's sequence leaves them
        cursor.execute("UPDATE needling_addendum SET id = id * 10")
    assert addendum_ids() == [10, 20]

    migrate_to_latest("needling")
    assert addendum_ids() == [uuid.UUID(int=10), uuid.UUID(int=20)]
    therapist_api.post(addenda, {"text": "Written since"}, format="json")

    migrate_back(BEFORE_UUIDS)
    assert addendum_ids() == [10, 20, 21]
    migrate_to_latest("needling")
