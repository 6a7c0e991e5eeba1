"""Recording who touched patient data.

Reads are recorded where patient data is served (API, admin, patient page): one INSERT per
response, however many records it holds. Writes are recorded by PostgreSQL triggers, which also
see bulk updates; `attribute_writes` tells them who is writing, for the rest of the request's
transaction.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import cast

from django.db import connection

from audit.models import Action, ActorType, AuditEntry
from audit.patient_data import RECORDS, patient_id_of

# What one read entry names of its record: object type, object id, clinic id, patient id.
type Read = tuple[str, object, object, object]

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
    _insert_reads(
        request,
        actor,
        [
            (RECORDS[record._meta.label], record.pk, record.clinic_id, patient_id_of(record))
            for record in records
            if record._meta.label in RECORDS
        ],
    )


@contextmanager
def rows_read(request, actor: Actor, model, rows: list[dict]) -> Iterator[None]:
    """Record rows read as dicts (`values()`), each with its `id`, `clinic` and, unless it is a
    patient's own row, `patient`, while the block goes on: render what was read in it (no
    model instance is built for them).

    On PostgreSQL the INSERT is sent in pipeline mode and not waited for: writing 200 entries
    took as long as rendering the page they describe, and now the two overlap. Leaving the
    block waits for the INSERT, so the entries are written, or the request fails, before its
    transaction commits."""
    reads = _reads_of_rows(model, rows)
    if connection.vendor != "postgresql" or not reads:
        _insert_reads(request, actor, reads)
        yield
        return
    connection.ensure_connection()
    # An error of the INSERT surfaces as the block ends, as Django's own DatabaseError.
    with connection.wrap_database_errors, connection.connection.pipeline():
        _insert_reads(request, actor, reads)
        yield


def _reads_of_rows(model, rows: Iterable[dict]) -> list[Read]:
    object_type = RECORDS.get(model._meta.label)
    if object_type is None:  # not patient data
        return []
    own = model._meta.label == "clinic.Patient"
    return [
        (object_type, row["id"], row["clinic"], row["id"] if own else row["patient"])
        for row in rows
    ]


_READ_COLUMNS = ("object_type", "object_id", "clinic_id", "patient_id")
_ORIGIN_COLUMNS = ("action", "actor_type", "actor_id", "request_id", "client_address")


def _insert_reads(request, actor: Actor, reads: list[Read]) -> None:
    """One statement of plain values for all of them: building an AuditEntry per record cost as
    much as the rest of a list page, and so did a placeholder per value (docs/performance.md)."""
    if not reads:
        return
    concrete = {field.name: field for field in AuditEntry._meta.concrete_fields}
    fields = [concrete[name] for name in _READ_COLUMNS + _ORIGIN_COLUMNS]
    quote = connection.ops.quote_name
    table = quote(AuditEntry._meta.db_table)
    # A field's column is set when its model class is built; the stubs allow None before that.
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)
    read_fields, origin_fields = fields[: len(_READ_COLUMNS)], fields[len(_READ_COLUMNS) :]
    origin = {"action": Action.READ, **_origin(request, actor)}
    constants = [field.get_db_prep_value(origin[field.name], connection) for field in origin_fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # an array per column, whatever the count
            # Each value typed as its column is, so the statement follows the model.
            same = ", ".join(f"%s::{field.db_type(connection)}" for field in origin_fields)
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in read_fields)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT r.*, {same} FROM unnest({arrays}) AS r",
                [*constants, *(_array_literal(column) for column in zip(*reads, strict=True))],
            )
        else:
            row = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({row})",
                [(*_stored(read, fields), *constants) for read in reads],
            )


def _array_literal(values: Iterable[object]) -> str:
    """A PostgreSQL array of names, ids and NULLs, written out: psycopg adapting a list checks
    every element against a pattern, which cost more than the INSERT of a page of 200 reads.
    Object types are fixed names and the rest primary keys (UUIDs, integers), so no element
    holds a character an array literal would have to quote."""
    return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"


def _stored(read: Read, fields) -> tuple:
    object_type, object_id, clinic_id, patient_id = read
    clinic, patient = fields[2], fields[3]
    return (
        object_type,
        str(object_id),
        clinic.get_db_prep_value(clinic_id, connection),
        patient.get_db_prep_value(patient_id, connection),
    )


def attribute_writes(request, actor: Actor) -> None:
    """Name the writer of this request's rows to the write triggers (PostgreSQL only).

    A setting of the request's transaction (ATOMIC_REQUESTS), called from inside the view:
    it ends with the transaction, so nothing has to clear it, and a connection that serves
    another request next (kept open, or handed on by a transaction pooler) never carries it.
    """
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        # Outside a transaction the setting would end with this very statement, unseen.
        raise RuntimeError("attribute_writes is called inside the transaction it names.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true)",
            [WRITE_CONTEXT, json.dumps(_origin(request, actor))],
        )


# Requests that only read name no writer: the methods DRF calls safe (SAFE_METHODS), named
# here because the audit sits beneath the API, the staff app and the admin, which all ask it.
READING_METHODS = ("GET", "HEAD", "OPTIONS")


def attribute_staff_writes(request) -> None:
    """A signed-in staff member's request that may write (any but a reading one): its writes
    are theirs. The API's viewsets, the staff app's pages and the admin site all ask this."""
    if request.method not in READING_METHODS:
        attribute_writes(request, staff(request.user))


def new_request_id() -> str:
    return uuid.uuid4().hex
