"""Recording who touched patient data.

Reads are recorded where patient data is served (API, admin, patient page): one INSERT per
response, however many records it holds. Writes are recorded by PostgreSQL triggers, which also
see bulk updates; `attribute_writes` tells them who is writing, for the rest of the request.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from audit.models import Action, ActorType, AuditEntry
from audit.patient_data import RECORDS, patient_id_of

# Where the write triggers look for the request's actor (see migration 0002).
WRITE_CONTEXT = "filiform.audit"


@dataclass(frozen=True)
class Actor:
    type: str
    id: str = ""


def staff(user) -> Actor:
    return Actor(ActorType.STAFF, str(user.pk))


def patient_link(session_id) -> Actor:
    return Actor(ActorType.PATIENT_LINK, str(session_id))


def _origin(request, actor: Actor) -> dict:
    return {
        "actor_type": actor.type,
        "actor_id": actor.id,
        "request_id": getattr(request, "request_id", ""),  # none outside the middleware
        "client_address": request.META.get("REMOTE_ADDR") or None,
    }


def record_reads(request, actor: Actor, records: Iterable) -> None:
    """Note that `actor` was shown these records; records that are not patient data are skipped."""
    origin = _origin(request, actor)
    entries = [
        AuditEntry(
            action=Action.READ,
            object_type=RECORDS[record._meta.label],
            object_id=str(record.pk),
            clinic_id=record.clinic_id,
            patient_id=patient_id_of(record),
            **origin,
        )
        for record in records
        if record._meta.label in RECORDS
    ]
    AuditEntry.objects.bulk_create(entries)


def attribute_writes(request, actor: Actor) -> None:
    """Name the writer of this request's rows to the write triggers (PostgreSQL only).

    A session-level setting, so it holds across the request's transactions; the middleware
    clears it when the request ends.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(%s, %s, false)",
                [WRITE_CONTEXT, json.dumps(_origin(request, actor))],
            )


def clear_writer() -> None:
    if connection.vendor == "postgresql" and connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', false)", [WRITE_CONTEXT])


def new_request_id() -> str:
    return uuid.uuid4().hex
