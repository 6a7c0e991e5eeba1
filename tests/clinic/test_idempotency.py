"""`Idempotency-Key`: a retried POST creates nothing new and answers as the first time."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from clinic.models import Patient
from config.celery import app as celery_app
from httpapi.models import IdempotencyRecord
from tests.accounts import api_client

PATIENT = {
    "given_name": "Ben",
    "family_name": "Turner",
    "date_of_birth": "1979-04-02",
    "preferred_channel": "none",
}


@pytest.mark.django_db
def test_a_repeat_with_the_same_key_returns_the_first_answer(admin_api):
    first = admin_api.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = admin_api.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(admin_api):
    admin_api.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    answer = admin_api.post(
        "/api/v1/patients/",
        {**PATIENT, "given_name": "Bea"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "idempotency_key_reused"
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_a_rejected_request_keeps_no_key_so_the_corrected_retry_works(admin_api):
    bad = admin_api.post(
        "/api/v1/patients/",
        {**PATIENT, "preferred_channel": "sms"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert bad.status_code == 400
    good = admin_api.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert good.status_code == 201


@pytest.mark.django_db
def test_keys_belong_to_their_caller(admin_api, other_admin_api):
    mine = admin_api.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="same")
    theirs = other_admin_api.post(
        "/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]


@pytest.mark.django_db
def test_every_post_endpoint_honours_the_key(admin_api):
    for _ in range(2):
        admin_api.post(
            "/api/v1/rooms/", {"name": "Room A"}, format="json", HTTP_IDEMPOTENCY_KEY="r"
        )
    assert len(admin_api.get("/api/v1/rooms/").json()["results"]) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_repeats_create_one_patient(admin):
    outcomes = []

    def post():
        answer = api_client(admin).post(
            "/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="race"
        )
        outcomes.append((answer.status_code, answer.json()["id"]))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {status for status, _ in outcomes} == {201}
    assert len({patient_id for _, patient_id in outcomes}) == 1
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_a_key_is_kept_a_week_then_forgotten_with_its_answer(admin_api, settings):
    def post(key):
        return admin_api.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY=key)

    post("last-week")
    post("this-week")
    now = timezone.now()
    aged = {"last-week": timedelta(days=7, minutes=1), "this-week": timedelta(days=6, hours=23)}
    for key, age in aged.items():
        IdempotencyRecord.objects.filter(key=key).update(created_at=now - age)

    settings.IDEMPOTENCY_KEEP_DAYS = 7
    assert beats_task(settings, "idempotency-forget")() == 1  # as beat runs it, hourly
    assert post("this-week")["Idempotent-Replayed"] == "true"
    repeated_late = post("last-week")
    assert repeated_late.status_code == 201 and "Idempotent-Replayed" not in repeated_late
    assert Patient.objects.count() == 3  # the late repeat is a request of its own


def beats_task(settings, entry):
    """The task beat's schedule names for `entry`, as a worker finds it (by autodiscovery)."""
    scheduled = settings.CELERY_BEAT_SCHEDULE[entry]
    assert scheduled["schedule"] == 3600
    celery_app.loader.import_default_modules()
    return celery_app.tasks[scheduled["task"]]
