"""docker-compose.yml cannot run here (no container engine), so prove its wiring instead."""

import importlib
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]


def command_of(service: str) -> list[str]:
    return shlex.split(SERVICES[service]["command"])


def test_the_stack_has_web_worker_beat_postgres_and_redis():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis"}


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_service_has_a_health_check(service):
    assert SERVICES[service]["healthcheck"]["test"]


def test_web_runs_gunicorn_on_the_real_wsgi_application():
    words = shlex.split(command_of("web")[-1])
    target = words[words.index("gunicorn") + 1]
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "migrate" in words


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_name_the_real_celery_app(service):
    words = command_of(service)
    assert words[:3] == ["celery", "-A", "config"] and words[3] == service
    from config import celery_app

    assert celery_app.main == "filiform"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_use_real_settings_and_read_only_known_variables(service):
    environment = SERVICES[service]["environment"]
    importlib.import_module(environment["DJANGO_SETTINGS_MODULE"])
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:iron\.get|_bool|_list)?\(\s*"([A-Z_]+)"', settings_source))
    unknown = set(environment) - read - {"DJANGO_SETTINGS_MODULE"}
    assert not unknown, f"settings.py never reads {unknown}"
    assert environment["DEBUG"] == "0"
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert environment["DATABASE_URL"].startswith("postgres://")


def test_app_services_wait_for_healthy_database_and_redis():
    assert SERVICES["web"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_the_senders_start_only_once_web_has_passed_the_deploy_check(service):
    """Web migrates and runs the deploy check before it is healthy; the worker and beat,
    which send the messages, wait for that (and so, through web, for the database and Redis)."""
    assert SERVICES[service]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_redis_never_evicts_queued_work():
    assert "--maxmemory-policy noeviction" in SERVICES["redis"]["command"]


# The deployment uses the database roles test_database_guards checks: the service runs as the
# runtime role and migrates as the owner.


def test_compose_runs_the_service_as_the_runtime_role_and_migrates_as_the_owner():
    runtime = urlsplit(COMPOSE["x-app"]["environment"]["DATABASE_URL"]).username
    assert runtime == "filiform_app"
    for service in ("web", "worker", "beat"):
        assert SERVICES[service]["environment"]["DATABASE_URL"].startswith(
            "postgres://filiform_app:"
        )
    setup, serve = command_of("web")[-1].split(") &&")
    assert "export DATABASE_URL=postgres://filiform:" in setup  # the owner, in a subshell
    assert setup.index("migrate") < setup.index("grant_runtime_role filiform_app")
    assert "DATABASE_URL" not in serve and "gunicorn" in serve
    roles_script = "./deploy/postgres-roles.sh:/docker-entrypoint-initdb.d/10-filiform-roles.sh:ro"
    assert roles_script in SERVICES["db"]["volumes"]
    script = (ROOT / "deploy" / "postgres-roles.sh").read_text()
    assert "CREATE ROLE filiform LOGIN" in script and "CREATE ROLE filiform_app LOGIN" in script


def test_the_web_service_does_not_start_on_a_deploy_warning():
    """SMS written to the log, or links to the container itself (aftercare/checks.py), stop the
    stack before it migrates or serves."""
    check, _ = command_of("web")[-1].split("&&", 1)
    assert shlex.split(check) == [
        "python",
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    ]


def test_the_stack_hands_the_containers_its_public_address_and_twilio_account():
    environment = COMPOSE["x-app"]["environment"]
    assert environment["PUBLIC_BASE_URL"].startswith("${PUBLIC_BASE_URL:?")  # required
    assert environment["SMS_BACKEND"] == "${SMS_BACKEND:-twilio}"
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"):
        assert environment[name] == f"${{{name}:-}}"
