"""A patient's record as a FHIR R4 Bundle of type `collection`.

Each resource's id is its record's UUID (the two pain ratings of a session, which are not
rows of their own, get UUIDs derived from the session's, so they too are the same on every
export). Resources refer to each other by `urn:uuid:<id>`, each entry's `fullUrl`, so every
reference resolves inside the bundle. Codes are standard where a standard code exists (LOINC
72514-3 for the 0-10 pain score, HL7's terminologies for consent, adverse events and
observations); the clinic's own vocabularies (muscles, sides, side-effect kinds) keep their
codes under systems of their own.
"""

import uuid
from datetime import UTC, datetime

from clinic.models import Staff
from outcomes.models import Instrument, OutcomeMeasure
from reports.patient_record import PatientRecord
from screening.models import Screening, ruling_screening
from screening.rules import expired
from screening.vocabulary import muscle_by_code
from sessions.models import (
    Appointment,
    CourseStatus,
    ElectricalStimulation,
    NeedleSite,
    NeedlingSession,
    Reporter,
    SideEffect,
    SideEffectKind,
    TreatmentCourse,
)

DERIVED_IDS = uuid.UUID("5f0c1e7e-6a38-4f4e-9d3c-2f1f8a0b6d21")  # namespace of derived ids
MUSCLE_SYSTEM = "urn:filiform:muscle"
SIDE_EXTENSION = "urn:filiform:fhir:site-side"
SIDE_EFFECT_SYSTEM = "urn:filiform:side-effect-kind"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem"
PAIN_SCORE = {
    "coding": [
        {
            "system": "http://loinc.org",
            "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        }
    ],
    "text": "Pain (NPRS 0-10)",
}
PSFS = {"text": "Patient-Specific Functional Scale (mean of 0-10 activity ratings)"}
SURVEY = [{"coding": [{"system": f"{TERMINOLOGY}/observation-category", "code": "survey"}]}]
DRY_NEEDLING = {"text": "Dry needling"}
APPOINTMENT_STATUS = {
    "booked": "booked",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "no_show": "noshow",
}
CAREPLAN_STATUS: dict[str, str] = {
    CourseStatus.ACTIVE: "active",
    CourseStatus.COMPLETED: "completed",
    CourseStatus.CANCELLED: "revoked",
}


def ref(record_id: object) -> dict:
    return {"reference": f"urn:uuid:{record_id}"}


def derived_id(record_id: object, part: str) -> str:
    return str(uuid.uuid5(DERIVED_IDS, f"{record_id}/{part}"))


def instant(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _present(resource: dict) -> dict:
    """FHIR forbids empty values: leave out what the record does not have."""
    return {name: value for name, value in resource.items() if value not in (None, [], "", {})}


def organization(record: PatientRecord) -> dict:
    return {"resourceType": "Organization", "id": str(record.clinic.pk), "name": record.clinic.name}


def practitioner(staff: Staff) -> dict:
    certified = staff.dn_certified_until
    qualification = (
        [{"code": {"text": "Dry needling certification"}, "period": {"end": certified.isoformat()}}]
        if certified
        else None
    )
    return _present(
        {
            "resourceType": "Practitioner",
            "id": str(staff.pk),
            "name": [{"text": staff.full_name or staff.username}],
            "qualification": qualification,
        }
    )


def patient(record: PatientRecord) -> dict:
    person = record.patient
    telecom = [
        *([{"system": "phone", "value": person.phone, "use": "mobile"}] if person.phone else []),
        *([{"system": "email", "value": person.email}] if person.email else []),
    ]
    return _present(
        {
            "resourceType": "Patient",
            "id": str(person.pk),
            "name": [{"family": person.family_name, "given": [person.given_name]}],
            "birthDate": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "telecom": telecom,
            "communication": [
                {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": person.language}]}}
            ],
            "managingOrganization": ref(record.clinic.pk),
        }
    )


def consent(screening: Screening, in_force: bool) -> dict:
    """The consent to dry needling given at a screening; only the one in force is active."""
    return {
        "resourceType": "Consent",
        "id": str(screening.pk),
        "status": "active" if in_force else "inactive",
        "scope": {"coding": [{"system": f"{TERMINOLOGY}/consentscope", "code": "treatment"}]},
        "category": [
            {"coding": [{"system": "http://loinc.org", "code": "59284-0"}], "text": "Consent"}
        ],
        "patient": ref(screening.patient_id),
        "dateTime": instant(screening.performed_at),
        "performer": [ref(screening.patient_id)],
        "organization": [ref(screening.clinic_id)],
        "policyRule": {
            "text": f"Dry needling informed consent, version {screening.consent_text_version}"
        },
        "provision": {
            "type": "permit",
            "period": {
                "start": instant(screening.performed_at),
                "end": instant(screening.valid_until),
            },
            "actor": [
                {
                    "role": {"text": "Screened by"},
                    "reference": ref(screening.performed_by_id),
                }
            ],
        },
    }


def _body_site(site: NeedleSite) -> dict:
    muscle = muscle_by_code[site.muscle_id]
    return {
        "extension": [{"url": SIDE_EXTENSION, "valueCode": site.side}],
        "coding": [{"system": MUSCLE_SYSTEM, "code": muscle.code, "display": muscle.name}],
        "text": f"{muscle.name} ({site.side})",
    }


def _site_note(site: NeedleSite) -> str:
    muscle = muscle_by_code[site.muscle_id]
    depth = f"{site.depth}" + (f" {site.depth_mm} mm" if site.depth_mm else "")
    needle = " ".join(
        part
        for part in (
            f"{site.needle_count} needle(s)",
            f"{site.needle_length_mm} mm long" if site.needle_length_mm else "",
            f"{site.needle_gauge_mm} mm gauge" if site.needle_gauge_mm else "",
        )
        if part
    )
    twitch = ", local twitch response" if site.twitch_response else ""
    return (
        f"{muscle.name} ({site.side}): {site.technique}, {site.manipulation or 'no manipulation'},"
        f" {depth}, {needle}{twitch}"
    )


def _stimulation_note(block: ElectricalStimulation) -> str:
    return (
        f"Electrical stimulation between sites {block.site_a.position} and {block.site_b.position}:"
        f" {block.frequency_hz} Hz, {block.pulse_width_us} us, {block.intensity_ma} mA,"
        f" {block.waveform}, {block.duration_minutes} min"
    )


def procedure(session: NeedlingSession) -> dict:
    notes = [
        *(_site_note(site) for site in session.sites.all()),
        *(_stimulation_note(block) for block in session.electrical.all()),
        *([session.notes] if session.notes else []),
        *(f"Addendum {instant(a.created_at)}: {a.text}" for a in session.addenda.all()),
    ]
    return _present(
        {
            "resourceType": "Procedure",
            "id": str(session.pk),
            "status": "completed" if session.ended_at else "in-progress",
            "code": DRY_NEEDLING,
            "subject": ref(session.patient_id),
            "basedOn": [ref(session.course_id)] if session.course_id else None,
            "performedPeriod": _present(
                {"start": instant(session.started_at), "end": instant(session.ended_at)}
            ),
            "performer": [{"actor": ref(session.therapist_id)}],
            "bodySite": [_body_site(site) for site in session.sites.all()],
            "note": [{"text": text} for text in notes],
        }
    )


def _pain(
    session: NeedlingSession, part: str, value: int | None, at: datetime | None
) -> dict | None:
    if value is None or at is None:
        return None
    return {
        "resourceType": "Observation",
        "id": derived_id(session.pk, part),
        "status": "final",
        "category": SURVEY,
        "code": PAIN_SCORE,
        "subject": ref(session.patient_id),
        "partOf": [ref(session.pk)],
        "effectiveDateTime": instant(at),
        "performer": [ref(session.patient_id)],
        "valueInteger": value,
        "note": [{"text": part.replace("_", " ").capitalize() + " needling"}],
    }


def session_pain(session: NeedlingSession) -> list[dict]:
    ratings = (
        _pain(session, "pain_before", session.pain_before, session.started_at),
        _pain(session, "pain_after", session.pain_after, session.ended_at or session.started_at),
    )
    return [rating for rating in ratings if rating is not None]


def outcome(measure: OutcomeMeasure) -> dict:
    reporter = (
        measure.patient_id if measure.reported_by == Reporter.PATIENT else measure.recorded_by_id
    )
    if measure.instrument == Instrument.NPRS:
        value = {"code": PAIN_SCORE, "valueInteger": int(measure.score)}
    else:
        value = {
            "code": PSFS,
            "valueQuantity": {"value": measure.score},
            "component": [
                {"code": {"text": item["activity"]}, "valueInteger": item["score"]}
                for item in measure.items
            ],
        }
    return _present(
        {
            "resourceType": "Observation",
            "id": str(measure.pk),
            "status": "final",
            "category": SURVEY,
            "subject": ref(measure.patient_id),
            "basedOn": [ref(measure.course_id)],
            "partOf": [ref(measure.session_id)] if measure.session_id else None,
            "effectiveDateTime": instant(measure.recorded_at),
            "performer": [ref(reporter)] if reporter else None,
            **value,
        }
    )


def adverse_event(effect: SideEffect) -> dict:
    label = (
        SideEffectKind(effect.kind).label if effect.kind in SideEffectKind.values else effect.kind
    )
    return _present(
        {
            "resourceType": "AdverseEvent",
            "id": str(effect.pk),
            "actuality": "actual",
            "subject": ref(effect.patient_id),
            "event": {
                "coding": [{"system": SIDE_EFFECT_SYSTEM, "code": effect.kind, "display": label}],
                "text": label,
            },
            "date": instant(effect.onset_at or effect.created_at),
            "recordedDate": instant(effect.created_at),
            "recorder": ref(effect.patient_id) if effect.reported_by == Reporter.PATIENT else None,
            "seriousness": {
                "coding": [
                    {
                        "system": f"{TERMINOLOGY}/adverse-event-seriousness",
                        "code": "serious" if effect.serious else "non-serious",
                    }
                ]
            },
            "severity": {
                "coding": [
                    {"system": f"{TERMINOLOGY}/adverse-event-severity", "code": effect.severity}
                ]
            },
            "outcome": {
                "coding": [
                    {
                        "system": f"{TERMINOLOGY}/adverse-event-outcome",
                        "code": "resolved" if effect.resolved_at else "ongoing",
                    }
                ]
            },
            "suspectEntity": [{"instance": ref(effect.session_id)}],
        }
    )


def appointment(booking: Appointment) -> dict:
    return _present(
        {
            "resourceType": "Appointment",
            "id": str(booking.pk),
            "status": APPOINTMENT_STATUS[booking.status],
            "cancelationReason": (
                {"text": booking.cancel_reason} if booking.cancel_reason else None
            ),
            "start": instant(booking.starts_at),
            "end": instant(booking.ends_at),
            "participant": [
                {"actor": ref(booking.patient_id), "status": "accepted"},
                {"actor": ref(booking.therapist_id), "status": "accepted"},
            ],
        }
    )


def care_plan(course: TreatmentCourse, record: PatientRecord) -> dict:
    """A course: its appointments as activities, each with the session that took place."""
    session_of = {s.appointment_id: s.pk for s in record.sessions if s.appointment_id}
    booked = [a for a in record.appointments if a.course_id == course.pk]
    unbooked = [s.pk for s in record.sessions if s.course_id == course.pk and not s.appointment_id]
    activities = [
        _present(
            {
                "reference": ref(a.pk),
                "outcomeReference": [ref(session_of[a.pk])] if a.pk in session_of else None,
            }
        )
        for a in booked
    ]
    if unbooked:
        activities.append(
            {
                "outcomeReference": [ref(session) for session in unbooked],
                "detail": {"status": "completed", "code": DRY_NEEDLING},
            }
        )
    return _present(
        {
            "resourceType": "CarePlan",
            "id": str(course.pk),
            "status": CAREPLAN_STATUS[course.status],
            "intent": "plan",
            "title": "Dry needling course",
            "description": f"{course.indication}: {course.planned_sessions} sessions planned",
            "subject": ref(course.patient_id),
            "created": instant(course.created_at),
            "author": ref(course.therapist_id),
            "activity": activities,
        }
    )


def bundle(record: PatientRecord, now: datetime) -> dict:
    """The whole record as one FHIR R4 Bundle of type `collection`."""
    ruling = ruling_screening(record.screenings, now)
    in_force = ruling.pk if ruling and not expired(ruling, now) else None
    resources = [
        patient(record),
        organization(record),
        *map(practitioner, record.staff),
        *(consent(s, s.pk == in_force) for s in record.screenings),
        *(care_plan(course, record) for course in record.courses),
        *map(appointment, record.appointments),
        *map(procedure, record.sessions),
        *(rating for session in record.sessions for rating in session_pain(session)),
        *map(outcome, record.outcomes),
        *map(adverse_event, record.side_effects),
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": instant(now),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }
