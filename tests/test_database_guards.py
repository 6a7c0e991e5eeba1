"""What PostgreSQL itself guarantees, whatever code runs: the parts of a signed session change
no more than the session does, and the role the service runs as cannot switch the guards off."""

import uuid
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from clinic.database_roles import runtime_grants
from sessions.models import (
    Addendum,
    ElectricalStimulation,
    NeedleSite,
    NeedlingSession,
    SideEffect,
)
from tests.bodies import site, stimulation

pytestmark = pytest.mark.django_db


@pytest.fixture
def treated(screen, patient):
    screen(patient)


def electrical_session(therapist_api, session_body) -> str:
    """A finished session with current between two sites of the left calf, and an addendum and
    a side effect; returns its id."""
    body = session_body(
        sites=[
            site(technique="electrical"),
            site(muscle="soleus", technique="electrical"),
            site(side="right"),
        ],
        electrical=[stimulation(0, 1)],
        needles_removed=6,  # two needles at each site, all counted out
    )
    answer = therapist_api.post("/api/v1/sessions/", body, format="json")
    assert answer.status_code == 201, answer.json()
    session_id = answer.json()["id"]
    note = {"text": "Called: mild soreness."}
    assert therapist_api.post(f"/api/v1/sessions/{session_id}/addenda/", note).status_code == 201
    report = {"session": session_id, "kind": "bruising", "severity": "mild"}
    assert therapist_api.post("/api/v1/side-effects/", report).status_code == 201
    return session_id


def sign(therapist_api, session_id: str) -> None:
    assert therapist_api.post(f"/api/v1/sessions/{session_id}/sign/").status_code == 200


# Signed sessions: their parts are as fixed as they are

PART_REFUSED = "of a signed needling session cannot change"
REFUSED_ON_A_SIGNED_SESSION: dict[str, Callable] = {
    "stimulation changed": lambda s: ElectricalStimulation.objects.filter(session=s).update(
        intensity_ma="9.0"
    ),
    "stimulation deleted": lambda s: ElectricalStimulation.objects.filter(session=s).delete(),
    "stimulation added": lambda s: ElectricalStimulation.objects.create(
        clinic_id=NeedlingSession.objects.get(pk=s).clinic_id,
        session_id=s,
        site_a=NeedleSite.objects.get(session=s, position=0),
        site_b=NeedleSite.objects.get(session=s, position=2),
        frequency_hz="2.0",
        pulse_width_us=250,
        intensity_ma="4.5",
        waveform="biphasic",
        duration_minutes=10,
    ),
    "addendum changed": lambda s: Addendum.objects.filter(session=s).update(text="rewritten"),
    "addendum deleted": lambda s: Addendum.objects.filter(session=s).delete(),
    "side effect deleted": lambda s: SideEffect.objects.filter(session=s).delete(),
    "site changed": lambda s: NeedleSite.objects.filter(session=s).update(needle_count=9),
}


@pytest.mark.parametrize("change", list(REFUSED_ON_A_SIGNED_SESSION))
def test_the_database_refuses_to_change_the_parts_of_a_signed_session(
    therapist_api, treated, session_body, change
):
    session_id = electrical_session(therapist_api, session_body)
    sign(therapist_api, session_id)
    with pytest.raises(IntegrityError, match=PART_REFUSED), transaction.atomic():
        REFUSED_ON_A_SIGNED_SESSION[change](session_id)


@pytest.mark.parametrize("signed_one", ["from", "to"])
def test_no_part_moves_off_or_onto_a_signed_session(
    therapist_api, treated, session_body, signed_one
):
    signed_id = electrical_session(therapist_api, session_body)
    draft_id = electrical_session(therapist_api, session_body)
    sign(therapist_api, signed_id)
    source, target = (signed_id, draft_id) if signed_one == "from" else (draft_id, signed_id)
    for part in (NeedleSite, Addendum, SideEffect):
        with pytest.raises(IntegrityError, match=PART_REFUSED), transaction.atomic():
            part.objects.filter(session=source).update(session=target)


def test_a_signed_session_still_takes_addenda_and_side_effect_reports(
    therapist_api, treated, session_body
):
    session_id = electrical_session(therapist_api, session_body)
    sign(therapist_api, session_id)
    note = therapist_api.post(f"/api/v1/sessions/{session_id}/addenda/", {"text": "Day 2: fine."})
    assert note.status_code == 201
    report = {"session": session_id, "kind": "soreness_after", "severity": "moderate"}
    assert therapist_api.post("/api/v1/side-effects/", report).status_code == 201
    shown = therapist_api.get(f"/api/v1/sessions/{session_id}/").json()
    assert [a["text"] for a in shown["addenda"]] == ["Called: mild soreness.", "Day 2: fine."]
    # A side effect is followed up: the day it resolved is not a change to the session.
    resolved = SideEffect.objects.filter(session=session_id).update(notes="Resolved by day 3.")
    assert resolved == 2


def test_a_draft_with_every_kind_of_part_can_still_be_deleted(therapist_api, treated, session_body):
    session_id = electrical_session(therapist_api, session_body)
    SideEffect.objects.filter(session=session_id).delete()  # a draft's, so allowed
    assert therapist_api.delete(f"/api/v1/sessions/{session_id}/").status_code == 204
    assert not NeedlingSession.objects.exists() and not ElectricalStimulation.objects.exists()
    assert not Addendum.objects.exists()


# The runtime role: rows only


@pytest.mark.parametrize(
    "role, schema, refused",
    [
        ("filiform_app", "public", False),
        ("app", "clinics_2", False),
        ("Filiform", "public", True),
        ("app; DROP TABLE x", "public", True),
        ("app", "public; --", True),
        ("", "public", True),
    ],
)
def test_the_grants_name_only_plain_roles_and_schemas(role, schema, refused):
    if refused:
        with pytest.raises(ValueError, match="plain lower-case"):
            runtime_grants(role, schema=schema)
    else:
        statements = runtime_grants(role, schema=schema)
        assert all(role in statement for statement in statements)
        assert not any(
            "TRUNCATE" in s or "TRIGGER" in s or "ALL PRIVILEGES" in s for s in statements
        )


@pytest.fixture
def runtime_role(db):
    """A runtime role on the test database, granted by the command, for this test only (CREATE
    ROLE is transactional: the test's rollback takes it away)."""
    role = f"filiform_runtime_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    call_command("grant_runtime_role", role)
    return role


@pytest.fixture
def as_runtime(runtime_role):
    """The test's database connection, and the requests served on it, act as the runtime role."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {runtime_role}")
    yield runtime_role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def refused_as(sqlstate: str, statement: str) -> None:
    with pytest.raises(DatabaseError) as refusal, transaction.atomic(), connection.cursor() as c:
        c.execute(statement)
    assert refusal.value.__cause__.sqlstate == sqlstate, refusal.value


INSUFFICIENT_PRIVILEGE = "42501"
TURNING_GUARDS_OFF = [
    "ALTER TABLE needling_needlingsession DISABLE TRIGGER needling_signed_session_guard",
    "ALTER TABLE needling_needlesite DISABLE TRIGGER ALL",
    "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only",
    "ALTER TABLE needling_needlingsession DISABLE TRIGGER audit_write",
    "DROP TRIGGER needling_signed_session_guard ON needling_needlingsession",
    "DROP FUNCTION needling_refuse_signed_part_change() CASCADE",
    "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$ BEGIN RETURN NULL;"
    " END $$ LANGUAGE plpgsql",
    "SET session_replication_role = replica",
    "TRUNCATE audit_auditentry",
    "DELETE FROM audit_auditentry",
    "UPDATE audit_auditentry SET actor_id = 'nobody'",
]


def test_the_runtime_role_writes_sessions_but_cannot_turn_the_guards_off(
    as_runtime, therapist_api, treated, session_body
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (as_runtime,)
    # The service works as the runtime role: it logs, signs and annotates a session.
    session_id = electrical_session(therapist_api, session_body)
    sign(therapist_api, session_id)
    assert NeedlingSession.objects.get(pk=session_id).status == "signed"
    for statement in TURNING_GUARDS_OFF:
        refused_as(INSUFFICIENT_PRIVILEGE, statement)
    with pytest.raises(IntegrityError, match="is signed and cannot change"), transaction.atomic():
        NeedlingSession.objects.filter(pk=session_id).update(notes="quietly changed")


def test_the_command_prints_the_sql_for_a_database_administrator(db, capsys):
    call_command("grant_runtime_role", "filiform_app", "--print")
    printed = capsys.readouterr().out
    assert (
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO filiform_app;"
        in printed
    )
    assert "REVOKE UPDATE, DELETE ON public.audit_auditentry FROM filiform_app;" in printed


@pytest.mark.parametrize(
    "role, complaint",
    [
        ("postgres", "superuser or owns the tables"),
        ("no_such_role_here", "There is no role"),
        ("Robert'); DROP", "plain lower-case"),
    ],
)
def test_the_command_refuses_a_role_that_could_turn_the_guards_off(db, role, complaint):
    with pytest.raises(CommandError, match=complaint):
        call_command("grant_runtime_role", role)
