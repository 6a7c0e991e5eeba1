"""A record's parts are its own patient's. An appointment, course or session of another patient
is refused as a bad value of its field, in the same words by every service that links one."""

from django.core.exceptions import ValidationError

from clinic.models import Patient
from sessions.models import Appointment, NeedlingSession, TreatmentCourse

Part = Appointment | TreatmentCourse | NeedlingSession


def parts_of_others(patient: Patient, **parts: Part | None) -> dict[str, str]:
    """A field error for each part named that is another patient's."""
    return {
        name: f"That {name} is another patient's."
        for name, part in parts.items()
        if part is not None and part.patient_id != patient.pk
    }


def check_patients_own(patient: Patient, **parts: Part | None) -> None:
    if errors := parts_of_others(patient, **parts):
        raise ValidationError(errors)
