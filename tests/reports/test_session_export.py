"""The sessions export: one CSV row per needled site, streamed, for administrators."""

import csv
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

from django.utils import timezone

from audit.models import AuditEntry
from sessions.models import NeedleSite
from tests import bodies

EXPORT = "/api/v1/export/sessions.csv"


def rows_of(answer) -> list[dict]:
    assert answer.status_code == 200
    assert answer.streaming, "the export is streamed, not built in memory"
    text = b"".join(answer.streaming_content).decode()
    return list(csv.DictReader(StringIO(text)))


def test_each_needled_site_is_one_row_matching_the_record(admin_api, log_session):
    first = log_session()
    second = log_session(
        sites=[
            bodies.site(technique="electrical"),
            bodies.site(side="right", technique="electrical"),
        ],
        electrical=[bodies.stimulation()],
    )
    answer = admin_api.get(EXPORT, HTTP_ACCEPT="text/csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = rows_of(answer)
    expected = [(first, site) for site in first["sites"]] + [
        (second, site) for site in second["sites"]
    ]
    assert len(rows) == len(expected) == 5
    stored = {(str(site.session_id), site.position): site for site in NeedleSite.objects.all()}
    for row in rows:
        site = stored[(row["session_id"], int(row["site_index"]))]
        assert row["muscle"] == site.muscle_id
        assert row["side"] == site.side
        assert row["technique"] == site.technique
        assert row["depth"] == site.depth and row["depth_mm"] == str(site.depth_mm)
        assert row["needle_count"] == str(site.needle_count)
        assert row["region"] == "knee_leg"
    calf = next(row for row in rows if row["session_id"] == first["id"])
    assert calf["patient_id"] == first["patient"] and calf["pain_before"] == "7"
    assert {row["electrical_stimulation"] for row in rows if row["session_id"] == second["id"]} == {
        "True"
    }
    assert {row["electrical_stimulation"] for row in rows if row["session_id"] == first["id"]} == {
        "False"
    }


def test_the_window_chooses_the_sessions(admin_api, log_session):
    session = log_session()
    started = timezone.datetime.fromisoformat(session["started_at"])
    before = {"until": started.isoformat()}
    assert rows_of(admin_api.get(EXPORT, before)) == []
    around = {
        "since": (started - timedelta(minutes=1)).isoformat(),
        "until": (started + timedelta(minutes=1)).isoformat(),
    }
    assert len(rows_of(admin_api.get(EXPORT, around))) == 3
    assert admin_api.get(EXPORT, {"since": "soon"}).status_code == 400


def test_what_was_exported_is_in_the_audit_trail(admin_api, admin, log_session):
    first, second = log_session(), log_session()
    rows_of(admin_api.get(EXPORT))
    reads = AuditEntry.objects.filter(action="read", object_type="session", actor_id=str(admin.id))
    assert {entry.object_id for entry in reads} == {first["id"], second["id"]}


def test_only_administrators_export_and_only_their_clinics_sessions(
    therapist_api, other_admin_api, log_session
):
    log_session()
    assert therapist_api.get(EXPORT).status_code == 403
    assert rows_of(other_admin_api.get(EXPORT)) == []


def test_rows_leave_a_chunk_at_a_time(admin_api, log_session, monkeypatch):
    from reports import export

    sessions = sorted([log_session(), log_session()], key=lambda s: (s["started_at"], s["id"]))
    monkeypatch.setattr(export, "CHUNK", 2)
    answer = admin_api.get(EXPORT)
    pieces = list(answer.streaming_content)
    assert len(pieces) == 1 + 3  # the header, then 6 sites in chunks of 2
    rows = list(csv.DictReader(StringIO(b"".join(pieces).decode())))
    assert [row["session_id"] for row in rows] == [s["id"] for s in sessions for _ in range(3)]


def test_a_client_that_leaves_midway_is_recorded_as_reading_what_it_was_sent(
    log_session, clinic, monkeypatch
):
    from reports import export
    from sessions.models import NeedlingSession

    sessions = sorted([log_session(), log_session()], key=lambda s: (s["started_at"], s["id"]))
    monkeypatch.setattr(export, "CHUNK", 3)  # one session's three sites a chunk

    @contextmanager
    def recording_reads(records):  # as the view does: rows written in the export's transaction
        AuditEntry.objects.bulk_create(
            AuditEntry(actor_type="staff", action="read", object_type="session", object_id=r["id"])
            for r in records
        )
        yield

    pieces = export.sessions_csv(NeedlingSession.objects.all(), clinic.pk, recording_reads)
    next(pieces), next(pieces)  # the header and the first session's rows
    pieces.close()  # what the server does when the client goes
    reads = AuditEntry.objects.filter(action="read", object_type="session")
    assert [entry.object_id for entry in reads] == [sessions[0]["id"]]
