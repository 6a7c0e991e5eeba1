"""Whether a patient may be booked or treated: the clinical hold and the archive, in one place.

domain.md (version 2): a serious side effect puts the patient on clinical hold — no new
sessions, bookings or courses, and no heat, reminder or rebooking messages — until a clinic
administrator releases it with a note. An archived patient is kept on record but no longer
booked or treated. Every service that books or treats asks `check_open_for_care` first.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinic import events
from clinic.models import ClinicalHold, Patient, Staff
from core.errors import Conflict


def check_open_for_care(patient: Patient) -> None:
    """Refuse a new booking, course or session for a held or archived patient.

    Call it inside the transaction that books or logs: the patient's row stays locked until
    that transaction ends, so a hold placed meanwhile waits for the booking and then cancels
    its reminder, or the booking sees it.
    """
    clinical_hold, archived_at = (
        Patient.objects.select_for_update()
        .filter(pk=patient.pk)
        .values_list("clinical_hold", "archived_at")
        .get()
    )
    refusal = care_refusal(patient, clinical_hold=clinical_hold, archived_at=archived_at)
    if refusal is not None:
        raise refusal


def care_refusal(
    patient: Patient, *, clinical_hold: bool, archived_at: datetime | None
) -> Conflict | None:
    """Why nothing new may be booked or logged for the patient, or None: the rule itself, for
    the services (on the row they lock) and for pages that say so before anyone tries."""
    if archived_at is not None:
        return Conflict(
            "invalid_state",
            f"{patient} is archived: archived patients are not booked or treated.",
        )
    if clinical_hold:
        return Conflict(
            "clinical_hold",
            f"{patient} is on clinical hold after a serious side effect: nothing new can be "
            "booked or logged until a clinic administrator releases the hold.",
        )
    return None


@transaction.atomic
def place_on_hold(patient: Patient, *, reason: str) -> ClinicalHold:
    """Start a hold, or keep the one already running (its first reason stands)."""
    Patient.objects.filter(pk=patient.pk).update(clinical_hold=True)
    patient.clinical_hold = True
    hold, created = ClinicalHold.objects.get_or_create(
        patient=patient,
        released_at=None,
        defaults={"clinic_id": patient.clinic_id, "reason": reason},
    )
    if created:
        events.hold_placed.send(sender=Patient, patient=patient)
    return hold


@transaction.atomic
def release_hold(
    patient: Patient, *, by: Staff, note: str, seen: ClinicalHold | None = None
) -> ClinicalHold:
    """An administrator ends the hold; the note says why treatment may go on. `seen`: the hold
    the administrator was shown, when a page showed one: a newer hold is not theirs to end."""
    if not note.strip():
        raise ValidationError({"note": "Say why the hold may be released."})
    hold = (
        ClinicalHold.objects.select_for_update().filter(patient=patient, released_at=None).first()
    )
    if hold is None:
        raise Conflict("invalid_state", f"{patient} is not on clinical hold.")
    if seen is not None and seen.pk != hold.pk:
        raise Conflict("invalid_state", "That hold was released already; this one is newer.")
    hold.released_at, hold.released_by, hold.release_note = timezone.now(), by, note.strip()
    hold.save(update_fields=["released_at", "released_by", "release_note"])
    Patient.objects.filter(pk=patient.pk).update(clinical_hold=False)
    patient.clinical_hold = False
    events.hold_released.send(sender=Patient, patient=patient, hold=hold)
    return hold


@transaction.atomic
def archive_patient(patient: Patient) -> Patient:
    """Keep the patient's records but book, treat and message them no more."""
    if patient.archived_at is not None:
        raise Conflict("invalid_state", f"{patient} is already archived.")
    patient.archived_at = timezone.now()
    patient.save(update_fields=["archived_at"])
    events.patient_archived.send(sender=Patient, patient=patient)
    return patient
