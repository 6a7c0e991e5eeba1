"""The OpenAPI document is the contract as other programs read it: an independent validator
accepts it, and a client generated from it talks to the running service."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator
from rest_framework.test import APIClient

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def served_document() -> dict:
    answer = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert answer.status_code == 200
    return answer.json()


@pytest.mark.django_db
def test_an_independent_validator_finds_no_error_in_the_document():
    errors = [error.message for error in OpenAPIV30SpecValidator(served_document()).iter_errors()]
    assert errors == []


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"version": "\n"}, {"version": "2"}, {"lang": "es"}])
def test_the_query_asks_for_no_other_document_than_the_one(query):
    """drf-spectacular's own variants (a version label, a language) are not read: a line
    break there would be a server error, each language asked would be kept, and a translation
    reaches the framework's words only."""
    answer = APIClient().get("/api/v1/schema/", {"format": "json", **query})
    assert answer.status_code == 200
    assert answer.json() == served_document()
    assert answer["Content-Disposition"] == 'inline; filename="Filiform API.json"'


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_generated_client_lists_the_clinics_patients(live_server, tmp_path, patient, admin):
    document = tmp_path / "openapi.json"
    answer = APIClient().get("/api/v1/schema/", {"format": "json"})
    document.write_bytes(answer.content)
    config = tmp_path / "generator.yml"
    config.write_text("post_hooks: []\n")  # the generated code is imported, not formatted
    generated = subprocess.run(
        [GENERATOR, "generate", "--path", document, "--config", config, "--meta", "none",
         "--output-path", tmp_path / "filiform_client"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("filiform_client.client")
        token_create = importlib.import_module("filiform_client.api.auth.auth_token_create")
        patients_list = importlib.import_module("filiform_client.api.patients.patients_list")
        token_body = importlib.import_module("filiform_client.models.auth_token_request")
    finally:
        sys.path.remove(str(tmp_path))

    anonymous = client_module.Client(base_url=live_server.url)
    login = token_body.AuthTokenRequest(username=admin.username, password="correct-horse-battery")
    token = token_create.sync(client=anonymous, body=login).token
    staff = client_module.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")
    page = patients_list.sync(client=staff)

    assert [(p.given_name, p.family_name) for p in page.results] == [
        (patient.given_name, patient.family_name)
    ]


@pytest.mark.django_db
def test_every_object_is_named_by_a_uuid():
    # api.md: "Ids are opaque strings (UUIDs)". The audit trail's entries are the exception:
    # numbered in the order they were written, which is the order the trail is read in.
    schemas = served_document()["components"]["schemas"]
    ids = {
        name: (schema["properties"]["id"].get("type"), schema["properties"]["id"].get("format"))
        for name, schema in schemas.items()
        if "id" in schema.get("properties", {})
    }
    assert {name for name, named_by in ids.items() if named_by != ("string", "uuid")} == {
        "AuditEntry"
    }
    assert "Addendum" in ids
