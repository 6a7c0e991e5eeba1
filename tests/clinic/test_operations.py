"""Running the service: health, the deploy check, the management commands and the API docs."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from clinic.models import Clinic, Staff
from tests.real_parts import ROOT, database_url, run_django

HEALTH = (
    "from django.test import Client\n"
    "answer = Client().get('/healthz', HTTP_HOST='localhost')\n"
    "print(answer.status_code, answer.content.decode())"
)


@pytest.mark.django_db
def test_healthz_is_public_and_reports_database_and_broker(anonymous_api):
    answer = anonymous_api.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"database": "ok", "broker": "ok"}


def test_healthz_is_503_naming_the_broker_when_redis_is_down(tmp_path):
    result = run_django(
        HEALTH,
        DEBUG="1",
        FILIFORM_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    )
    status, body = result.stdout.split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"database": "ok", "broker": "down"}


def test_healthz_is_503_naming_the_database_when_it_is_down(tmp_path):
    result = run_django(
        HEALTH,
        DEBUG="1",
        FILIFORM_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
    )
    status, body = result.stdout.split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"database": "down", "broker": "ok"}


DEPLOY_CHECK = (
    "from django.core.management import call_command\n"
    "call_command('check', deploy=True, fail_level='WARNING')"
)
TWILIO_ACCOUNT = {
    "SMS_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
    "TWILIO_FROM_NUMBER": "+447700900000",
}


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_django(
        DEPLOY_CHECK,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FILIFORM_VAR_DIR=str(tmp_path),
        PUBLIC_BASE_URL="https://clinic.example",
        **TWILIO_ACCOUNT,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ({"SMS_BACKEND": "console"}, "aftercare.W001"),  # SMS and their links in the log
        ({"SMS_BACKEND": "file"}, "aftercare.W001"),  # or in a file: no patient gets them
        ({"TWILIO_AUTH_TOKEN": ""}, "aftercare.W002"),  # nothing sent, every STOP refused
        ({"PUBLIC_BASE_URL": "http://127.0.0.1:8000"}, "aftercare.W003"),  # links lead nowhere
        ({"PUBLIC_BASE_URL": "http://clinic.example"}, "aftercare.W003"),  # tokens in clear
    ],
)
def test_the_deploy_check_fails_a_stack_whose_messages_would_not_reach_patients(
    tmp_path, setting, problem
):
    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FILIFORM_VAR_DIR": str(tmp_path),
        "PUBLIC_BASE_URL": "https://clinic.example",
        **TWILIO_ACCOUNT,
    }
    result = run_django(DEPLOY_CHECK, **(production | setting))
    assert result.returncode != 0
    assert problem in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "FILIFORM_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PREPARED_AFTER_THREE_RUNS = (
    "from django.db import connection\n"
    "from clinic.models import Clinic\n"
    "for _ in range(3):\n"
    "    Clinic.objects.filter(name='nobody').exists()\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SELECT count(*) FROM pg_prepared_statements')\n"
    "    print(cursor.fetchone()[0], connection.settings_dict['OPTIONS']['sslmode'])"
)


@pytest.mark.django_db
@pytest.mark.parametrize(("threshold", "prepared"), [("2", "1"), ("off", "0")])
def test_a_connection_prepares_a_statement_it_runs_a_third_time_unless_told_not_to(
    tmp_path, threshold, prepared
):
    result = run_django(
        PREPARED_AFTER_THREE_RUNS,
        DATABASE_URL=f"{database_url()}?sslmode=disable",  # the URL's own options stay
        DATABASE_PREPARE_THRESHOLD=threshold,
        FILIFORM_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split() == [prepared, "disable"], result.stderr


@pytest.mark.django_db
def test_create_clinic_makes_a_clinic_and_its_admin(capsys):
    call_command(
        "create_clinic",
        "Harbour Physio",
        timezone="Europe/Dublin",
        admin="harbour",
        password="a-long-fine-password",
    )
    clinic = Clinic.objects.get(id=capsys.readouterr().out.strip())
    admin = Staff.objects.get(username="harbour")
    assert (clinic.name, clinic.timezone, admin.clinic, admin.role) == (
        "Harbour Physio",
        "Europe/Dublin",
        clinic,
        "admin",
    )
    assert admin.check_password("a-long-fine-password")


@pytest.mark.django_db
def test_create_clinic_again_with_the_same_admin_changes_nothing(clinic):
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "create_clinic",
            "Another",
            timezone="Europe/London",
            admin="north-admin",
            password="a-long-fine-password",
        )
    assert Clinic.objects.count() == 1


@pytest.mark.django_db
def test_create_clinic_with_an_unknown_timezone_changes_nothing():
    with pytest.raises(CommandError, match="IANA"):
        call_command(
            "create_clinic",
            "Lost",
            timezone="Europe/Atlantis",
            admin="lost",
            password="a-long-fine-password",
        )
    assert not Staff.objects.filter(username="lost").exists()


@pytest.mark.django_db
def test_seed_demo_builds_a_clinic_once_and_adds_patients_on_request(capsys):
    call_command("seed_demo", patients=5)
    call_command("seed_demo", patients=40)
    clinic = Clinic.objects.get()
    assert clinic.patients.count() == 40
    assert clinic.staff.filter(role="therapist").count() == 3
    assert {p.preferred_channel for p in clinic.patients.all()} == {"sms", "email", "both", "none"}
    assert "demo-admin" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_openapi_schema_and_docs_are_public(anonymous_api):
    schema = anonymous_api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/patients/" in schema.json()["paths"]
    assert anonymous_api.get("/api/v1/docs/").status_code == 200


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(admin_api):
    answer = admin_api.get("/api/v1/nothing-here/")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    result = run_django(
        "from django.core.management import call_command\n"
        "call_command('spectacular', validate=True, fail_on_warn=True,"
        f" file='{tmp_path}/api.yaml')",
        DEBUG="1",
        FILIFORM_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-2000:]
