"""The audit trail: every read and write of patient data, by whom, from where, append-only."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory
from django.utils import timezone

from aftercare import links
from audit import trail
from audit.models import AuditEntry
from audit.patient_data import RECORDS, SESSION_PARTS
from clinic.models import Patient
from tests.query_counts import queries

pytestmark = pytest.mark.django_db
CLIENT = "203.0.113.7"


def entries(**lookups) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**lookups).order_by("id"))


def the_only_read() -> tuple:
    (read,) = entries(action="read")
    return read.object_type, read.object_id, read.patient_id


def who(entry: AuditEntry) -> tuple:
    return entry.actor_type, entry.actor_id, entry.request_id, entry.client_address


def test_a_list_records_one_read_per_patient_shown(therapist_api, therapist, clinic, make_patient):
    shown = {make_patient(clinic, family_name=name).id for name in ("Ng", "Okafor", "Silva")}
    answer = therapist_api.get("/api/v1/patients/", REMOTE_ADDR=CLIENT)
    reads = entries(action="read")
    assert {(e.object_type, e.patient_id) for e in reads} == {("patient", p) for p in shown}
    assert {who(e) for e in reads} == {("staff", str(therapist.id), answer["X-Request-ID"], CLIENT)}


def test_recording_reads_costs_the_same_queries_for_one_or_two_hundred(
    therapist_api, clinic, make_patient
):
    for n in range(12):
        make_patient(clinic, family_name=f"Patient {n}")

    def cost(page_size: int) -> int:
        return queries(therapist_api, "/api/v1/patients/", {"page_size": page_size})

    assert cost(1) == cost(200)
    assert AuditEntry.objects.filter(action="read").count() == 1 + 12


def test_a_page_of_sessions_records_one_read_per_session_shown(
    log_session, therapist_api, therapist, patient
):
    shown = {log_session()["id"] for _ in range(2)}
    answer = therapist_api.get("/api/v1/sessions/", REMOTE_ADDR=CLIENT)
    reads = entries(action="read")
    assert {(e.object_type, e.object_id, e.patient_id) for e in reads} == {
        ("session", session, patient.id) for session in shown
    }
    assert {who(e) for e in reads} == {("staff", str(therapist.id), answer["X-Request-ID"], CLIENT)}


def test_a_page_whose_reads_cannot_be_recorded_is_not_served(log_session, therapist_api):
    # The page renders while its reads are written; failing to write them still fails it.
    log_session()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RAISE EXCEPTION 'the trail refuses reads'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_reads BEFORE INSERT ON audit_auditentry FOR EACH ROW "
            "WHEN (NEW.action = 'read') EXECUTE FUNCTION refuse_reads()"
        )
    with pytest.raises(DatabaseError, match="the trail refuses reads"):
        therapist_api.get("/api/v1/sessions/")


def test_opening_a_session_records_a_read_of_it(log_session, therapist_api, patient):
    session = log_session()
    therapist_api.get(f"/api/v1/sessions/{session['id']}/")
    assert the_only_read() == ("session", session["id"], patient.id)


def test_a_calendar_feed_records_a_read_of_each_appointment_in_it(
    book, monday_10, therapist_api, therapist, patient
):
    booked = book(monday_10).json()
    therapist_api.get(f"/api/v1/therapists/{therapist.id}/calendar.ics")
    assert the_only_read() == ("appointment", booked["id"], patient.id)


# Each request commits its own transaction, as it does when served: the writer it names ends
# with that transaction, and the bulk update after it, on the same connection, is no one's.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_are_recorded_below_the_orm_with_their_writer(admin_api, admin, clinic):
    answer = admin_api.post(
        "/api/v1/patients/",
        {
            "given_name": "Ewa",
            "family_name": "Kowalski",
            "date_of_birth": "1990-05-17",
            "preferred_channel": "none",
        },
        format="json",
        REMOTE_ADDR=CLIENT,
    )
    (created,) = entries(action="create")
    assert (created.object_type, str(created.patient_id)) == ("patient", answer.json()["id"])
    assert who(created) == ("staff", str(admin.id), answer["X-Request-ID"], CLIENT)
    assert created.clinic_id == clinic.id

    Patient.objects.filter(clinic=clinic).update(family_name="Nowak")  # a bulk update too
    (updated,) = entries(action="update")
    assert (updated.actor_type, str(updated.patient_id)) == ("system", answer.json()["id"])


def test_a_logged_session_records_the_session_and_each_site(log_session, therapist):
    session = log_session()
    written = entries(action="create", actor_id=str(therapist.id))
    kinds = [e.object_type for e in written if e.object_type in ("session", "needle_site")]
    assert kinds.count("session") == 1 and kinds.count("needle_site") == len(session["sites"])
    assert {str(e.patient_id) for e in written} == {session["patient"]}


def test_a_rejected_write_leaves_no_audit_entry(therapist_api, patient, session_body):
    # No screening: the session is refused and nothing of it, its audit included, remains.
    answer = therapist_api.post("/api/v1/sessions/", session_body(), format="json")
    assert answer.status_code == 400
    assert not entries(object_type="session")


def test_the_patient_page_records_its_reads_and_reports_as_the_link(log_session, patient):
    session = log_session()
    path = f"/p/{links.PATIENT_PAGE.token_for(session['id'])}/"
    client = Client(REMOTE_ADDR=CLIENT)
    client.get(path)
    client.post(path, {"kind": "bruising", "severity": "mild", "notes": ""})
    link = ("patient_link", session["id"])
    (read,) = entries(action="read")
    (report,) = entries(action="create", object_type="side_effect")
    assert (read.actor_type, read.actor_id, read.client_address) == (*link, CLIENT)
    assert (report.actor_type, report.actor_id, report.patient_id) == (*link, patient.id)


def test_the_admin_records_what_it_shows_and_who_changes_it(admin, admin_site, patient):
    site = admin_site
    site.get("/admin/clinic/patient/")
    site.get(f"/admin/clinic/patient/{patient.id}/change/")
    assert [e.object_type for e in entries(action="read", actor_id=str(admin.id))] == [
        "patient",
        "patient",
    ]
    site.post(f"/admin/clinic/patient/{patient.id}/delete/", {"post": "yes"})
    (deleted,) = entries(action="delete")
    assert (deleted.actor_id, deleted.patient_id) == (str(admin.id), patient.id)


def test_the_trail_cannot_be_changed_or_deleted(admin_api, patient):
    admin_api.get("/api/v1/patients/")
    for change in (
        lambda: AuditEntry.objects.update(actor_id="someone else"),
        lambda: AuditEntry.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert AuditEntry.objects.filter(action="read").count() == 1
    assert admin_api.delete("/api/v1/audit/").status_code == 405
    assert admin_api.post("/api/v1/audit/", {}, format="json").status_code == 405


def test_every_patient_data_table_has_its_write_trigger():
    tables = {apps.get_model(label)._meta.db_table for label in {**RECORDS, **SESSION_PARTS}}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'audit_write'"
        )
        assert {table for (table,) in cursor.fetchall()} == tables


def test_admins_read_the_trail_by_patient_actor_and_time(
    admin_api, therapist_api, therapist, clinic, make_patient
):
    ada, bob = make_patient(clinic), make_patient(clinic, given_name="Bob")
    therapist_api.get(f"/api/v1/patients/{ada.id}/")
    start = timezone.now()
    therapist_api.get(f"/api/v1/patients/{bob.id}/")

    def read(query: str) -> list[tuple]:
        answer = admin_api.get(f"/api/v1/audit/?{query}")
        assert answer.status_code == 200, answer.json()
        return [
            (e["action"], e["patient"]) for e in answer.json()["results"] if e["action"] == "read"
        ]

    assert read(f"patient={ada.id}") == [("read", str(ada.id))]
    assert read(f"actor={therapist.id}") == [("read", str(bob.id)), ("read", str(ada.id))]
    assert read(
        f"since={(start - timedelta(microseconds=1)).isoformat().replace('+00:00', 'Z')}"
    ) == [("read", str(bob.id))]


def test_only_admins_read_the_trail_and_only_their_clinics(
    therapist_api, other_admin_api, admin_api, patient
):
    admin_api.get(f"/api/v1/patients/{patient.id}/")
    assert therapist_api.get("/api/v1/audit/").status_code == 403
    assert other_admin_api.get("/api/v1/audit/").json()["results"] == []
    assert admin_api.get("/api/v1/audit/?patient=not-a-uuid").status_code == 400


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_writer_named_outside_a_transaction_is_refused_not_lost(admin):
    # Outside a transaction the name would end with its own statement: no write would see it.
    with pytest.raises(RuntimeError):
        trail.attribute_writes(RequestFactory().post("/"), trail.staff(admin))
