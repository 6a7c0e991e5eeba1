"""Writes for clinics, staff and patients. Each is one transaction."""

import secrets
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from clinic import events
from clinic.hours import hours_problem
from clinic.models import Clinic, Patient, Role, Room, Staff, WorkingHours
from core.errors import Conflict, NotAllowed


@transaction.atomic
def create_clinic(*, name: str, timezone: str, admin_username: str, admin_password: str) -> Clinic:
    clinic = Clinic(name=name, timezone=timezone)
    clinic.full_clean()
    clinic.save()
    create_staff(clinic=clinic, username=admin_username, password=admin_password, role=Role.ADMIN)
    return clinic


@transaction.atomic
def update_clinic(clinic: Clinic, **fields: Any) -> Clinic:
    """Change the clinic's own settings (any of those its administrators may edit)."""
    for name, value in fields.items():
        setattr(clinic, name, value)
    clinic.full_clean()
    clinic.save()
    return clinic


def check_room_name_free(clinic_id: UUID, name: str, room: Room | None = None) -> None:
    """A room's name is the clinic's only room of that name (`room`: the one being renamed)."""
    taken = Room.objects.filter(clinic_id=clinic_id, name=name.strip())
    if room is not None:
        taken = taken.exclude(pk=room.pk)
    if taken.exists():
        raise ValidationError({"name": "The clinic already has a room of that name."})


@transaction.atomic
def add_room(*, clinic: Clinic, name: str) -> Room:
    """A room of the clinic, under a name no other room of the clinic has."""
    room = Room(clinic=clinic, name=name.strip())
    check_room_name_free(clinic.pk, room.name)
    room.full_clean(validate_constraints=False)  # its one constraint, the name, asked above
    room.save()
    return room


def _set_password(staff: Staff, password: str) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), reported on the
    `password` field."""
    try:
        validate_password(password, staff)
    except ValidationError as weak:
        raise ValidationError({"password": weak.error_list}) from weak
    staff.set_password(password)


def _grant_admin_site(staff: Staff) -> None:
    # Clinic administrators use the Django admin (scoped to their clinic); therapists use the API.
    staff.is_staff = staff.role == Role.ADMIN


@transaction.atomic
def create_staff(
    *,
    clinic: Clinic,
    username: str,
    password: str,
    working_hours: Iterable[dict[str, Any]] = (),
    **fields: Any,
) -> Staff:
    staff = Staff(clinic=clinic, username=username, **fields)
    _set_password(staff, password)
    _grant_admin_site(staff)
    staff.full_clean(exclude=["password"])
    staff.save()
    set_working_hours(staff, working_hours)
    return staff


def calendar_secret(staff: Staff, *, by: Staff, rotate: bool = False) -> str:
    """The secret in the address of the staff member's calendar feed, for calendar apps that
    send no headers: made when first asked for, replaced when rotated (the old address then
    finds nothing). A therapist asks for their own; an administrator for anyone's."""
    if not by.is_clinic_admin and by.pk != staff.pk:
        raise NotAllowed("A therapist sees only their own calendar address.")
    if staff.calendar_secret is None or rotate:
        staff.calendar_secret = secrets.token_urlsafe(32)
        staff.save(update_fields=["calendar_secret"])
    return staff.calendar_secret


def check_may_change_access(
    staff: Staff, *, by: Staff, is_active: bool, role: str | None = None
) -> None:
    """An administrator may not end their own access, nor their own administration: the
    clinic could be left with nobody to run it."""
    if by.pk != staff.pk:
        return
    if not is_active:
        raise NotAllowed("You cannot end your own access: ask another administrator.")
    if by.is_clinic_admin and role not in (None, Role.ADMIN):
        raise NotAllowed("You cannot give up your own administration: ask another administrator.")


@transaction.atomic
def update_staff(
    staff: Staff,
    *,
    by: Staff | None = None,
    password: str | None = None,
    working_hours: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> Staff:
    """Change a staff member; `by`, whoever asks (an administrator may not end their own access
    or administration: the clinic could be left with nobody to run it)."""
    if by is not None:
        check_may_change_access(
            staff, by=by, is_active=fields.get("is_active", True), role=fields.get("role")
        )
    for name, value in fields.items():
        setattr(staff, name, value)
    # The values given meet their fields' rules (a phone in E.164...), whoever typed them.
    staff.clean_fields(
        exclude=[field.name for field in Staff._meta.fields if field.name not in fields]
    )
    if password is not None:
        _set_password(staff, password)
    _grant_admin_site(staff)
    staff.save()  # a new password or deactivation ends the person's access (clinic.access)
    _hours_follow(staff)
    if working_hours is not None:
        set_working_hours(staff, working_hours)
    return staff


def _hours_follow(staff: Staff) -> None:
    """A person a platform superuser moved to another clinic takes their hours along: left
    behind, they would name the old clinic, which would see them and the new one would not."""
    if staff.clinic_id is not None:
        WorkingHours.objects.filter(staff=staff).exclude(clinic_id=staff.clinic_id).update(
            clinic_id=staff.clinic_id
        )


@transaction.atomic
def set_working_hours(staff: Staff, blocks: Iterable[dict[str, Any]]) -> None:
    """Replace the staff member's weekly hours with `blocks` ({weekday, start, end}): each
    ends after it starts and none overlaps another of its day (clinic.hours)."""
    clinic_id = staff.clinic_id
    if clinic_id is None:  # every caller edits a clinic's staff; superusers keep no hours
        raise ValueError(f"{staff} belongs to no clinic, so keeps no working hours.")
    blocks = list(blocks)
    problem = hours_problem(blocks)
    if problem:
        raise ValidationError({"working_hours": problem})
    staff.working_hours.all().delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(clinic_id=clinic_id, staff=staff, **block) for block in blocks
    )


@transaction.atomic
def create_patient(*, clinic: Clinic, **fields: Any) -> Patient:
    fields.setdefault("timezone", clinic.timezone)
    patient = Patient(clinic=clinic, **fields)
    patient.full_clean()  # date of birth and language, whoever registers the patient
    patient.save()
    return patient


# What decides how a patient is reached: a change re-routes the messages still to go.
CONTACT_FIELDS = ("preferred_channel", "sms_consent", "email_consent", "phone", "email")


@transaction.atomic
def update_patient(patient: Patient, **fields: Any) -> Patient:
    contact_before = [getattr(patient, name) for name in CONTACT_FIELDS]
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.full_clean()
    patient.save()
    if [getattr(patient, name) for name in CONTACT_FIELDS] != contact_before:
        events.contact_changed.send(sender=Patient, patient=patient)
    return patient


@transaction.atomic
def delete_patient(patient: Patient) -> None:
    # Every clinical record (screening, session, appointment, course, side effect, hold)
    # refers to its patient with PROTECT: records are retained, so such a patient is archived.
    try:
        patient.delete()
    except ProtectedError as exc:
        raise Conflict(
            "invalid_state",
            "This patient has clinical records (screenings, sessions, appointments or side "
            "effects), which are retained: archive the patient instead.",
        ) from exc
