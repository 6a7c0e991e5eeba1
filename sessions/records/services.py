"""Writing the clinical record. Each function is one transaction, and every create or change
of a session passes the screening check before anything is written."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from clinic import holds
from clinic.errors import Conflict
from clinic.models import Clinic, Patient, Staff
from screening.services import PlannedSite, check_needling
from sessions import events
from sessions.models import (
    Addendum,
    Appointment,
    AppointmentStatus,
    ElectricalStimulation,
    NeedleSite,
    NeedlingSession,
    Reporter,
    SessionStatus,
    SideEffect,
    TreatmentCourse,
)
from sessions.records.rules import is_serious
from sessions.scheduling.services import complete_appointment


def _check_may_act_for(actor: Staff, therapist: Staff) -> None:
    """Therapists record as themselves; a clinic administrator may name any therapist."""
    if not actor.is_clinic_admin and actor.pk != therapist.pk:
        raise PermissionDenied("A therapist records sessions as themselves only.")


def _check_draft(session: NeedlingSession) -> None:
    if session.is_signed:
        raise Conflict("session_signed", "The session is signed: add an addendum instead.")


def _screen(session: NeedlingSession, sites: Sequence[dict]) -> None:
    session.screening = check_needling(
        patient=session.patient,
        therapist=session.therapist,
        at=session.started_at,
        sites=[PlannedSite(site["muscle"], site["side"], site["technique"]) for site in sites],
        precautions_acknowledged=session.precautions_acknowledged,
    )


def _replace_sites(session: NeedlingSession, sites: Sequence[dict]) -> list[NeedleSite]:
    session.sites.all().delete()  # their stimulation goes with them
    return NeedleSite.objects.bulk_create(
        NeedleSite(
            session=session,
            position=position,
            muscle_id=site["muscle"],
            **{name: value for name, value in site.items() if name != "muscle"},
        )
        for position, site in enumerate(sites)
    )


def _replace_stimulation(
    session: NeedlingSession, sites: Sequence[NeedleSite], electrical: Sequence[dict]
) -> None:
    session.electrical.all().delete()
    ElectricalStimulation.objects.bulk_create(
        ElectricalStimulation(
            session=session,
            site_a=sites[block["site_indexes"][0]],
            site_b=sites[block["site_indexes"][1]],
            **{name: value for name, value in block.items() if name != "site_indexes"},
        )
        for block in electrical
    )


def _attach_appointment(session: NeedlingSession, appointment: Appointment | None) -> None:
    if appointment is None:
        return
    if appointment.status == AppointmentStatus.BOOKED:
        complete_appointment(appointment)
    session.course = session.course or appointment.course


@transaction.atomic
def log_session(
    *,
    clinic: Clinic,
    actor: Staff,
    patient: Patient,
    started_at: datetime,
    sites: Sequence[dict],
    electrical: Sequence[dict] = (),
    therapist: Staff | None = None,
    appointment: Appointment | None = None,
    course: TreatmentCourse | None = None,
    **fields,
) -> NeedlingSession:
    therapist = therapist or actor
    _check_may_act_for(actor, therapist)
    holds.check_open_for_care(patient)
    session = NeedlingSession(
        clinic=clinic,
        patient=patient,
        therapist=therapist,
        appointment=appointment,
        course=course,
        started_at=started_at,
        **fields,
    )
    _screen(session, sites)
    _attach_appointment(session, appointment)
    session.save()
    _replace_stimulation(session, _replace_sites(session, sites), electrical)
    if session.ended_at is not None:
        events.session_completed.send(sender=NeedlingSession, session=session)
    return session


@transaction.atomic
def correct_session(
    session: NeedlingSession,
    *,
    actor: Staff,
    sites: Sequence[dict] | None = None,
    electrical: Sequence[dict] | None = None,
    **changes,
) -> NeedlingSession:
    """Change a draft. New sites replace the old ones, and with them their stimulation."""
    _check_draft(session)
    _check_may_act_for(actor, session.therapist)
    if "therapist" in changes:
        _check_may_act_for(actor, changes["therapist"])
    ended_before, appointment_before = session.ended_at, session.appointment_id
    for name, value in changes.items():
        setattr(session, name, value)
    _screen(
        session, sites if sites is not None else session.sites.values("muscle", "side", "technique")
    )
    if session.appointment_id != appointment_before:
        _attach_appointment(session, session.appointment)
    session.save()
    if sites is not None:
        _replace_stimulation(session, _replace_sites(session, sites), electrical or ())
    elif electrical is not None:
        _replace_stimulation(session, list(session.sites.all()), electrical)
    if session.ended_at is not None and session.ended_at != ended_before:
        events.session_completed.send(sender=NeedlingSession, session=session)
    return session


@transaction.atomic
def delete_draft(session: NeedlingSession, *, actor: Staff) -> None:
    """Delete a draft; the appointment it completed is booked again."""
    _check_draft(session)
    _check_may_act_for(actor, session.therapist)
    events.session_deleted.send(sender=NeedlingSession, session=session)
    appointment = session.appointment
    session.delete()
    if appointment is not None and appointment.status == AppointmentStatus.COMPLETED:
        appointment.status = AppointmentStatus.BOOKED
        appointment.save(update_fields=["status", "updated_at"])


@transaction.atomic
def sign_session(session: NeedlingSession, *, actor: Staff) -> NeedlingSession:
    if session.is_signed:
        raise Conflict("invalid_state", "The session is already signed.")
    _check_may_act_for(actor, session.therapist)
    if session.ended_at is None:
        raise Conflict("invalid_state", "Record when the session ended before signing it.")
    session.status, session.signed_at, session.signed_by = (
        SessionStatus.SIGNED,
        timezone.now(),
        actor,
    )
    session.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    return session


@transaction.atomic
def add_addendum(session: NeedlingSession, *, author: Staff, text: str) -> Addendum:
    return Addendum.objects.create(session=session, author=author, text=text)


@transaction.atomic
def report_side_effect(
    *,
    session: NeedlingSession,
    kind: str,
    severity: str,
    reported_by: str = Reporter.THERAPIST,
    **fields,
) -> SideEffect:
    side_effect = SideEffect.objects.create(
        clinic_id=session.clinic_id,
        session=session,
        patient_id=session.patient_id,
        kind=kind,
        severity=severity,
        reported_by=reported_by,
        serious=is_serious(kind, severity),
        **fields,
    )
    if side_effect.serious:
        reason = f"Serious side effect reported by the {reported_by}: {side_effect}."
        holds.place_on_hold(session.patient, reason=reason)
    events.side_effect_reported.send(sender=SideEffect, side_effect=side_effect)
    return side_effect
