"""Every clinical table names its clinic, and the hot queries ask for one clinic's rows: what
distributing the tables by `clinic_id` needs (docs/scaling.md)."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from sessions.models import Addendum, ElectricalStimulation, NeedleSite, NeedlingSession
from tests import bodies

FLOORS = {"clinic", "screening", "needling", "aftercare", "audit", "outcomes"}
# Shared by every clinic: the clinics themselves and the muscle vocabulary (reference tables).
REFERENCE = {"clinic.Clinic", "screening.Muscle"}
# Per person, not per clinic: the staff member is the key (sign-in, idempotency).
PER_PERSON = {"httpapi.IdempotencyRecord"}


def clinical_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in FLOORS
        and model._meta.label not in REFERENCE
        and not model._meta.auto_created  # many-to-many tables of Django's auth
        and model._meta.managed
    ]


def test_every_clinical_table_names_its_clinic():
    without = [
        model._meta.label
        for model in clinical_models()
        if "clinic_id" not in {field.attname for field in model._meta.concrete_fields}
    ]
    assert without == []
    assert len(clinical_models()) >= 15


LISTS = ["patients", "screenings", "sessions", "side-effects", "appointments", "courses",
         "notifications", "audit", "outcomes", "therapists", "rooms"]  # fmt: skip


@pytest.mark.parametrize("endpoint", LISTS)
def test_every_list_asks_for_one_clinics_rows(endpoint, admin_api, log_session, clinic):
    log_session()
    with CaptureQueriesContext(connection) as captured:
        assert admin_api.get(f"/api/v1/{endpoint}/").status_code == 200
    tables = {model._meta.db_table for model in clinical_models()} - {"clinic_staff"}
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT"):
            continue
        read = {table for table in tables if re.search(rf'FROM "{table}"', sql)}
        where = sql.partition(" WHERE ")[2]
        if read:
            assert '"clinic_id" = ' in where or '"clinic_id" IN ' in where, sql


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_parts_of_signed_sessions_get_their_clinic_when_the_column_arrives(
    therapist_api, screen, patient, session_body
):
    screen(patient)
    body = session_body(
        sites=[
            bodies.site(technique="electrical"),
            bodies.site(technique="electrical", side="right"),
        ],
        electrical=[bodies.stimulation(0, 1)],
        needles_removed=4,
    )
    body["sites"][1]["muscle"] = "soleus"
    body["sites"][1]["side"] = "left"
    session = therapist_api.post("/api/v1/sessions/", body).json()
    assert therapist_api.post(f"/api/v1/sessions/{session['id']}/sign/").status_code == 200
    therapist_api.post(f"/api/v1/sessions/{session['id']}/addenda/", {"text": "Phoned: fine."})

    executor = MigrationExecutor(connection)
    executor.migrate([("needling", "0008_chest_pain_and_breathlessness_are_serious")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    clinic_id = NeedlingSession.objects.get(pk=session["id"]).clinic_id
    for part in (NeedleSite, ElectricalStimulation, Addendum):
        assert set(part.objects.values_list("clinic_id", flat=True)) == {clinic_id}, part


@pytest.mark.django_db
def test_a_prefetch_through_a_reverse_relation_without_a_related_name_is_scoped_too(clinic):
    """`logentry_set` is the admin log's reverse accessor: no field of that name exists."""
    from clinic.models import Staff
    from httpapi.clinic_scope import with_scoped_prefetches

    staff = with_scoped_prefetches(Staff.objects.prefetch_related("logentry_set"), clinic.id)
    assert [list(person.logentry_set.all()) for person in staff] == [[]]
