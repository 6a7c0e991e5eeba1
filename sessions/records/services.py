"""Writing the clinical record. Each function is one transaction, and every create or change
of a session passes the time check, then the screening check, before anything is written.
Every change of an existing session (correct, delete, sign) first locks its row."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum, prefetch_related_objects
from django.utils import timezone

from clinic import holds
from clinic.models import Clinic, Patient, Staff
from core.errors import Conflict, NotAllowed, RuleViolation
from screening.rules import PlannedSite
from screening.services import check_needling
from sessions import events
from sessions.belonging import parts_of_others
from sessions.models import (
    Addendum,
    Appointment,
    AppointmentStatus,
    CourseStatus,
    ElectricalStimulation,
    NeedleSite,
    NeedlingSession,
    Reporter,
    SessionStatus,
    SideEffect,
    TreatmentCourse,
)
from sessions.records import rules
from sessions.records.current_path import Electrode, pair_problem
from sessions.records.selectors import sessions_left, warnings_of
from sessions.scheduling.services import (
    check_course_has_room,
    complete_appointment,
    reopen_appointment,
)


def _check_may_act_for(actor: Staff, therapist: Staff) -> None:
    if not rules.may_record_for(
        actor_id=actor.pk, actor_is_admin=actor.is_clinic_admin, therapist_id=therapist.pk
    ):
        raise NotAllowed("A therapist records sessions as themselves only.")


def check_draft(session: NeedlingSession) -> None:
    """Only a draft is corrected or deleted: a signed session takes addenda."""
    if session.is_signed:
        raise Conflict("session_signed", "The session is signed: add an addendum instead.")


def _locked(session: NeedlingSession) -> NeedlingSession:
    """The session as committed, locked until this transaction ends: an edit and a signature
    wait for each other, so a signature covers exactly the record its answer shows."""
    return NeedlingSession.objects.select_for_update().get(pk=session.pk)


def _check_times(*, started_at: datetime | None = None, ended_at: datetime | None = None) -> None:
    problem = rules.time_problem(started_at=started_at, ended_at=ended_at, now=timezone.now())
    if problem:
        raise RuleViolation("invalid_time", problem)


def _check_needles(session: NeedlingSession) -> None:
    session_date = session.started_at.astimezone(ZoneInfo(session.clinic.timezone)).date()
    problem = rules.needle_expiry_problem(session.needle_expiry, session_date)
    if problem:
        raise RuleViolation("needle_expired", problem)


def _check_record_fits(
    patient: Patient,
    started_at: datetime | None,
    ended_at: datetime | None,
    appointment: Appointment | None,
    course: TreatmentCourse | None,
) -> None:
    """A session ends after it starts, in an appointment and a course of its own patient."""
    errors = parts_of_others(patient, appointment=appointment, course=course)
    if ended_at is not None and started_at is not None and ended_at <= started_at:
        errors["ended_at"] = "Must be after started_at."
    if errors:  # field errors, as for any other bad value of these fields
        raise ValidationError(errors)


def _check_appointment_free(session: NeedlingSession) -> None:
    """One session per appointment. The appointment's row lock makes two concurrent sessions
    for it wait for each other, so the second sees the first."""
    if session.appointment_id is None:
        return
    Appointment.objects.select_for_update().filter(pk=session.appointment_id).first()
    taken = NeedlingSession.objects.filter(appointment=session.appointment_id)
    if taken.exclude(pk=session.pk).exists():
        raise ValidationError({"appointment": "A session is already logged for it."})


def _screen(session: NeedlingSession, sites: Iterable[Mapping[str, Any]]) -> None:
    # The patient's screenings, read once: for the one ruling at the start here, and for a
    # later one the session's warnings name (superseded_screening) when it is shown.
    prefetch_related_objects([session.patient], "screenings")
    session.screening = check_needling(
        patient=session.patient,
        therapist=session.therapist,
        at=session.started_at,
        sites=[PlannedSite(site["muscle"], site["side"], site["technique"]) for site in sites],
        precautions_acknowledged=session.precautions_acknowledged,
    )


def _refuse_sites(problems: Iterable[str | None]) -> None:
    """A field error on `sites` naming each site with a problem (one per site, None if none),
    numbered as the forms number the rows."""
    numbered = [
        f"Site {number}: {problem}" for number, problem in enumerate(problems, start=1) if problem
    ]
    if numbered:
        raise ValidationError({"sites": numbered})


def _check_depths(sites: Iterable[Mapping[str, Any]]) -> None:
    """Each site's millimetres fit its depth (rules.depth_problem). The API's and the staff
    app's forms say so by the site's field first; this holds for every other caller."""
    _refuse_sites(rules.depth_problem(site["depth"], site.get("depth_mm")) for site in sites)


def _check_sides(sites: Iterable[Mapping[str, Any]]) -> None:
    """Each site names a side its muscle has (rules.side_problem). The API's and the staff
    app's forms say so by the site's field first; this holds for every other caller."""
    _refuse_sites(rules.side_problem(site["muscle"], site["side"]) for site in sites)


def _check_current_paths(
    sites: Iterable[Mapping[str, Any]], electrical: Iterable[Mapping[str, Any]]
) -> None:
    """Each stimulation pair joins two electrical sites, on a path current may take."""
    electrodes = [Electrode(site["muscle"], site["side"], site["technique"]) for site in sites]
    problems = [
        f"Pair {number}: {problem}"
        for number, block in enumerate(electrical, start=1)
        if (problem := pair_problem(electrodes, *block["site_indexes"]))
    ]
    if problems:  # a field error, as for any other bad value of `electrical`
        raise ValidationError({"electrical": problems})


def _replace_sites(session: NeedlingSession, sites: Sequence[dict[str, Any]]) -> list[NeedleSite]:
    session.sites.all().delete()  # their stimulation goes with them
    return _add_sites(session, sites)


def _add_sites(session: NeedlingSession, sites: Sequence[dict[str, Any]]) -> list[NeedleSite]:
    return NeedleSite.objects.bulk_create(
        NeedleSite(
            clinic_id=session.clinic_id,
            session=session,
            position=position,
            muscle_id=site["muscle"],
            **{name: value for name, value in site.items() if name != "muscle"},
        )
        for position, site in enumerate(sites)
    )


def _replace_stimulation(
    session: NeedlingSession, sites: Sequence[NeedleSite], electrical: Sequence[dict[str, Any]]
) -> None:
    session.electrical.all().delete()
    _add_stimulation(session, sites, electrical)


def _add_stimulation(
    session: NeedlingSession, sites: Sequence[NeedleSite], electrical: Sequence[dict[str, Any]]
) -> list[ElectricalStimulation]:
    return ElectricalStimulation.objects.bulk_create(
        ElectricalStimulation(
            clinic_id=session.clinic_id,
            session=session,
            site_a=sites[block["site_indexes"][0]],
            site_b=sites[block["site_indexes"][1]],
            **{name: value for name, value in block.items() if name != "site_indexes"},
        )
        for block in electrical
    )


def _remember_parts(session: NeedlingSession, **parts: list[Any]) -> None:
    """What was written is what the answer shows: the parts are kept as a prefetch would keep
    them, so the answer does not read them back (a new session has no addenda yet)."""
    known = {"addenda": [], **parts}
    managers = {name: getattr(session, name) for name in known}
    prefetched: dict[str, QuerySet[Any]] = {}
    # Django's own prefetch cache: private, so the stubs do not declare it on models.
    session._prefetched_objects_cache = prefetched  # type: ignore[attr-defined]
    for name, rows in known.items():
        queryset = managers[name].get_queryset()
        queryset._result_cache, queryset._prefetch_done = list(rows), True
        prefetched[name] = queryset


def _settle_course(course_id: UUID | None) -> None:
    """A course is completed once its sessions done reach its planned sessions, and active
    again when a session stops counting (its end cleared, its draft deleted); a cancelled
    course stays cancelled. The course is locked first, so that two sessions ending together
    each count the other."""
    if course_id is None:
        return
    course = TreatmentCourse.objects.select_for_update().get(pk=course_id)
    if course.status == CourseStatus.CANCELLED:
        return
    status = CourseStatus.ACTIVE if sessions_left(course) else CourseStatus.COMPLETED
    if status != course.status:
        course.status = status
        course.save(update_fields=["status"])


def _attach_appointment(session: NeedlingSession, appointment: Appointment | None) -> None:
    """The session took place in the appointment, which is completed by it: a booked one, or
    one marked completed already. A cancelled one may have gone to someone else's session, and
    a patient who did not show was not needled."""
    if appointment is None:
        return
    if appointment.status not in {AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED}:
        raise Conflict(
            "invalid_state",
            f"The appointment was {appointment.get_status_display().lower()}: a session is "
            "logged in a booked or completed one.",
        )
    if appointment.status == AppointmentStatus.BOOKED:
        complete_appointment(appointment)
    session.course = session.course or appointment.course


def _own_place(session: NeedlingSession) -> UUID | None:
    """The course in which the session takes a place of its own: its course, unless it took
    place in one of that course's appointments, whose place it takes (placed_starts counts
    the one, not the other). None outside a course."""
    appointment = session.appointment
    if appointment is not None and appointment.course_id == session.course_id:
        return None
    return session.course_id


@transaction.atomic
def log_session(
    *,
    clinic: Clinic,
    actor: Staff,
    patient: Patient,
    started_at: datetime,
    sites: Sequence[dict[str, Any]],
    electrical: Sequence[dict[str, Any]] = (),
    therapist: Staff | None = None,
    appointment: Appointment | None = None,
    course: TreatmentCourse | None = None,
    **fields: Any,
) -> NeedlingSession:
    therapist = therapist or actor
    _check_may_act_for(actor, therapist)
    _check_times(started_at=started_at, ended_at=fields.get("ended_at"))
    _check_record_fits(patient, started_at, fields.get("ended_at"), appointment, course)
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
    _check_sides(sites)
    _check_depths(sites)
    _check_current_paths(sites, electrical)
    _screen(session, sites)
    _check_needles(session)
    _check_appointment_free(session)
    _attach_appointment(session, appointment)
    if (course_id := _own_place(session)) is not None:
        check_course_has_room(course_id)
    session.save()
    added = _add_sites(session, sites)  # a new session: nothing to replace
    _remember_parts(session, sites=added, electrical=_add_stimulation(session, added, electrical))
    if session.ended_at is not None:
        _settle_course(session.course_id)
        events.session_completed.send(sender=NeedlingSession, session=session, new=True)
    return session


@transaction.atomic
def correct_session(
    session: NeedlingSession,
    *,
    actor: Staff,
    sites: Sequence[dict[str, Any]] | None = None,
    electrical: Sequence[dict[str, Any]] | None = None,
    **changes: Any,
) -> NeedlingSession:
    """Change a draft. New sites replace the old ones, and with them their stimulation."""
    session = _locked(session)
    check_draft(session)
    _check_may_act_for(actor, session.therapist)
    if "therapist" in changes:
        _check_may_act_for(actor, changes["therapist"])
    _check_same_patient(session, changes.pop("patient", None))
    # Only the times it changes: a draft entered in time stays correctable (rules.time_problem).
    _check_times(
        **{
            name: changes[name]
            for name in ("started_at", "ended_at")
            if changes.get(name) and changes[name] != getattr(session, name)
        }
    )
    if "started_at" in changes and changes["started_at"] != session.started_at:
        # A draft moved in time records another session: logged anew, as far as a hold or
        # the archive is concerned (finishing it as it happened stays open).
        holds.check_open_for_care(session.patient)
    started_before, ended_before, heat_before = (
        session.started_at,
        session.ended_at,
        session.heat_advised,
    )
    appointment_before, course_before = session.appointment_id, session.course_id
    place_before = _own_place(session)
    for name, value in changes.items():
        setattr(session, name, value)
    _check_record_fits(
        session.patient, session.started_at, session.ended_at, session.appointment, session.course
    )
    planned = sites if sites is not None else session.sites.values("muscle", "side", "technique")
    if sites is not None:
        _check_sides(sites)
        _check_depths(sites)
    if electrical is not None:
        _check_current_paths(planned, electrical)
    _screen(session, planned)
    _check_needles(session)
    if session.appointment_id != appointment_before:
        _check_appointment_free(session)
        _attach_appointment(session, session.appointment)
    place = _own_place(session)
    if place is not None and place != place_before:
        # Into another course, or out of its course's appointment (which keeps its place).
        check_course_has_room(place)
    session.save()
    if sites is not None:
        _replace_stimulation(session, _replace_sites(session, sites), electrical or ())
    elif electrical is not None:
        _replace_stimulation(session, list(session.sites.all()), electrical)
    if (session.ended_at is None) != (ended_before is None) or session.course_id != course_before:
        # What each course counts changed; locked in one order, as any other correction would.
        for course_id in sorted({course_before, session.course_id} - {None}, key=str):
            _settle_course(course_id)
    if (session.started_at, session.ended_at, session.course_id) != (
        started_before,
        ended_before,
        course_before,
    ):
        events.session_corrected.send(
            sender=NeedlingSession,
            session=session,
            started_before=started_before,
            course_before=course_before,
        )
    _announce_aftercare_change(session, ended_before, heat_before)
    return session


def _check_same_patient(session: NeedlingSession, patient: Patient | None) -> None:
    if patient is not None and patient.pk != session.patient_id:
        raise ValidationError(
            {"patient": "A session's patient cannot change: delete the draft and log it again."}
        )


def _announce_aftercare_change(
    session: NeedlingSession, ended_before: datetime | None, heat_before: bool
) -> None:
    """The aftercare plan follows the record: its end time and whether heat was advised."""
    if session.ended_at is None:
        if ended_before is not None:
            events.session_reopened.send(sender=NeedlingSession, session=session)
    elif (session.ended_at, session.heat_advised) != (ended_before, heat_before):
        events.session_completed.send(sender=NeedlingSession, session=session)


@transaction.atomic
def delete_draft(session: NeedlingSession, *, actor: Staff) -> None:
    """Delete a draft; the appointment it completed is booked again."""
    session = _locked(session)
    check_draft(session)
    _check_may_act_for(actor, session.therapist)
    events.session_deleted.send(sender=NeedlingSession, session=session)
    appointment, session_id = session.appointment, session.pk
    session.delete()
    if session.ended_at is not None:
        _settle_course(session.course_id)
    if appointment is not None:
        reopen_appointment(appointment, after_session=session_id)


# What signing writes, in the one UPDATE the signed-session guard lets through.
SIGNING_FIELDS = [
    "status",
    "signed_at",
    "signed_by",
    "signed_by_name",
    "therapist_name",
    "therapist_certified_until",
    "patient_name",
    "patient_date_of_birth",
    "signed_warnings",
]


@transaction.atomic
def sign_session(session: NeedlingSession, *, actor: Staff) -> NeedlingSession:
    """The treating therapist signs the record as it now stands; it never changes again. It
    keeps the people and the warnings as they stand, for the note to print them so."""
    session = _locked(session)
    if not rules.may_sign(actor_id=actor.pk, therapist_id=session.therapist_id):
        raise NotAllowed("Only the session's own therapist may sign it.")
    if session.is_signed:
        raise Conflict("invalid_state", "The session is already signed.")
    if session.ended_at is None:
        raise Conflict("invalid_state", "Record when the session ended before signing it.")
    inserted = session.sites.aggregate(needles=Sum("needle_count"))["needles"] or 0
    problem = rules.needle_count_problem(session.needles_removed, inserted)
    if problem:
        raise Conflict("needle_count_mismatch", problem)
    session.status, session.signed_at, session.signed_by = (
        SessionStatus.SIGNED,
        timezone.now(),
        actor,
    )
    session.signed_by_name, session.therapist_name = str(actor), str(session.therapist)
    session.therapist_certified_until = session.therapist.dn_certified_until
    session.patient_name = str(session.patient)
    session.patient_date_of_birth = session.patient.date_of_birth
    session.signed_warnings = [asdict(warning) for warning in warnings_of(session)]
    session.save(update_fields=[*SIGNING_FIELDS, "updated_at"])
    return session


@transaction.atomic
def add_addendum(session: NeedlingSession, *, author: Staff, text: str) -> Addendum:
    return Addendum.objects.create(
        clinic_id=session.clinic_id,
        session=session,
        author=author,
        author_name=str(author),
        text=text,
    )


@transaction.atomic
def report_side_effect(
    *,
    session: NeedlingSession,
    kind: str,
    severity: str,
    reported_by: str = Reporter.THERAPIST,
    **fields: Any,
) -> SideEffect:
    errors = rules.side_effect_time_errors(
        fields.get("onset_at"),
        fields.get("resolved_at"),
        session_started_at=session.started_at,
        now=timezone.now(),
    )
    if errors:  # field errors, as for any other bad value of these fields
        raise ValidationError(errors)
    side_effect = SideEffect.objects.create(
        clinic_id=session.clinic_id,
        session=session,
        patient_id=session.patient_id,
        kind=kind,
        severity=severity,
        reported_by=reported_by,
        serious=rules.is_serious(kind, severity),
        **fields,
    )
    if side_effect.serious:
        reason = f"Serious side effect reported by the {reported_by}: {side_effect}."
        holds.place_on_hold(session.patient, reason=reason)
    events.side_effect_reported.send(sender=SideEffect, side_effect=side_effect)
    return side_effect
