"""The waitlist: patients who would take an earlier slot, and the offers of freed ones.

A cancelled appointment frees its therapist's time; the earliest entry it fits is offered it
(one entry at a time, for the clinic's offer time), and the offer passes on when it lapses.
Accepting books through the booking service, so every booking rule (working hours, no double
booking, the clinical hold) holds here too, and the first acceptance of a slot is the only one.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aftercare import outbox, plan
from aftercare.models import (
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from clinic.holds import check_open_for_care
from clinic.models import Clinic, Patient, Staff
from core.errors import Conflict, RuleViolation
from sessions.models import Appointment, AppointmentStatus
from sessions.models.scheduling import has_begun
from sessions.scheduling.selectors import busy_intervals, busy_patients
from sessions.scheduling.services import book_appointment
from sessions.slots import BusyTime, Interval

SLOT_GONE = "This slot has been taken or is no longer offered."


@dataclass(frozen=True)
class Slot:
    therapist_id: object
    starts_at: datetime
    ends_at: datetime


def fits(
    *,
    therapist_id: object | None,
    earliest: datetime,
    latest: datetime,
    minutes: int,
    slot: Slot,
) -> bool:
    """An entry fits a freed slot: the therapist it names (if any), its window holding the
    whole appointment, and its length within the freed time."""
    ends_at = slot.starts_at + timedelta(minutes=minutes)
    return (
        therapist_id in (None, slot.therapist_id)
        and earliest <= slot.starts_at
        and ends_at <= latest
        and ends_at <= slot.ends_at
    )


def add_entry(
    *,
    clinic: Clinic,
    patient: Patient,
    therapist: Staff | None,
    earliest: datetime,
    latest: datetime,
    minutes: int,
) -> WaitlistEntry:
    if latest <= earliest:
        raise ValidationError({"latest": "Must be after earliest."})
    if earliest + timedelta(minutes=minutes) > latest:
        raise ValidationError({"minutes": "The appointment does not fit between the two times."})
    with transaction.atomic():
        check_open_for_care(patient)
        return WaitlistEntry.objects.create(
            clinic=clinic,
            patient=patient,
            therapist=therapist,
            earliest=earliest,
            latest=latest,
            minutes=minutes,
        )


def offer_freed_slot(freed: Appointment, now: datetime | None = None) -> WaitlistOffer | None:
    """Offer the cancelled appointment's time to the earliest entry that may take it (`_may_take`)
    and has not been offered it yet. Inside the cancelling transaction: no cancel, no offer."""
    now = now or timezone.now()
    if freed.status != AppointmentStatus.CANCELLED or has_begun(freed.starts_at, now):
        return None
    if busy_intervals(
        start=freed.starts_at, end=freed.ends_at, therapist=freed.therapist, room=freed.room
    ):
        return None  # booked again since it was freed: nothing to offer
    slot = Slot(freed.therapist_id, freed.starts_at, freed.ends_at)
    # Each candidate's patient row is locked too: a patient being put on hold at this moment
    # (their row held by that transaction) is passed over rather than offered a slot that
    # the hold, committing a moment later, would leave silent until it lapsed.
    candidates = (
        WaitlistEntry.objects.select_for_update(skip_locked=True, of=("self", "patient"))
        .filter(
            Q(therapist__isnull=True) | Q(therapist=freed.therapist_id),
            clinic=freed.clinic_id,
            status=WaitlistStatus.WAITING,
            earliest__lte=freed.starts_at,
            latest__gt=freed.starts_at,
            patient__clinical_hold=False,
            patient__archived_at__isnull=True,
        )
        .exclude(patient=freed.patient_id)
        .exclude(offers__freed=freed)
        .select_related("patient__clinic")
        .order_by("created_at")
    )
    waiting = list(candidates)
    busy = busy_patients(
        (entry.patient_id for entry in waiting), start=freed.starts_at, end=freed.ends_at
    )
    quiet = outbox.quiet_hours(freed.clinic)  # the clinic's, every candidate being its patient
    entry = next((entry for entry in waiting if _may_take(entry, slot, busy, quiet, now)), None)
    if entry is None:
        return None
    lifetime = timedelta(minutes=freed.clinic.waitlist_offer_minutes)
    offer = WaitlistOffer.objects.create(
        clinic_id=freed.clinic_id, entry=entry, freed=freed, expires_at=now + lifetime
    )
    offer.expires_at = outbox.offer_slot(offer, lifetime, now)  # from when the message may go
    offer.save(update_fields=["expires_at"])
    entry.status = WaitlistStatus.OFFERED
    entry.save(update_fields=["status"])
    return offer


def _may_take(
    entry: WaitlistEntry,
    slot: Slot,
    busy: Mapping[UUID, list[Interval]],
    quiet: plan.QuietHours,
    now: datetime,
) -> bool:
    """The entry fits the slot, a message can tell its patient of it before it begins (else
    the offer would hold the slot, unheard, until it lapsed: `plan.offer_in_time`), and the
    patient is free then (`busy`: else taking it would fail as a double booking, and the slot
    would go to nobody)."""
    if not fits(
        therapist_id=entry.therapist_id,
        earliest=entry.earliest,
        latest=entry.latest,
        minutes=entry.minutes,
        slot=slot,
    ):
        return False
    taken = (slot.starts_at, slot.starts_at + timedelta(minutes=entry.minutes))
    patients_time = BusyTime(busy.get(entry.patient_id, []))
    in_time = plan.offer_in_time(
        slot_starts_at=slot.starts_at,
        recipient=outbox.recipient(entry.patient),
        quiet_hours=quiet,
        now=now,
    )
    return in_time and not patients_time.overlaps(*taken)


def pass_on_lapsed(now: datetime | None = None) -> int:
    """Offers unanswered in time lapse; their entries wait again, and the slot goes to the next
    entry. Returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    with transaction.atomic():
        offers = (
            WaitlistOffer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=OfferStatus.OFFERED, expires_at__lte=now)
            .select_related("entry", "freed__clinic", "freed__therapist", "freed__room")
        )
        for offer in offers:
            offer.status = OfferStatus.LAPSED
            offer.save(update_fields=["status"])
            WaitlistEntry.objects.filter(pk=offer.entry_id, status=WaitlistStatus.OFFERED).update(
                status=WaitlistStatus.WAITING
            )
            offer_freed_slot(offer.freed, now)
            lapsed += 1
    return lapsed


class _SlotTaken(Conflict):
    """The offered time is no longer there to take: booked by the clinic meanwhile, taken
    through another offer, or begun."""

    def __init__(self) -> None:
        super().__init__("slot_gone", SLOT_GONE)


def accept_offer(offer_id: UUID) -> Appointment:
    """Book the offered slot for the entry's patient. Concurrent acceptances of the same slot
    wait for each other on the freed appointment's row: the first books, the rest hear
    `slot_gone` (409). An offer whose slot is found taken is closed as `gone`, and its entry
    waits for the next freed slot rather than for the offer to lapse."""
    try:
        return _book_offered_slot(offer_id)
    except _SlotTaken:
        _close_as_gone(offer_id)  # after the refused booking's rollback, so it stays
        raise


@transaction.atomic
def _book_offered_slot(offer_id: UUID) -> Appointment:
    offer = WaitlistOffer.objects.select_related("entry__patient", "freed__clinic").get(pk=offer_id)
    # The patient's row first, as a hold takes it before it withdraws their offers: the two
    # wait for each other instead of deadlocking, and a patient just held takes nothing.
    check_open_for_care(offer.entry.patient)
    Appointment.objects.select_for_update().filter(pk=offer.freed_id).first()
    offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
    entry, freed, now = offer.entry, offer.freed, timezone.now()
    if offer.status != OfferStatus.OFFERED or offer.expires_at <= now:
        raise Conflict("slot_gone", SLOT_GONE)  # answered, closed, or lapsing: as it stands
    taken = WaitlistOffer.objects.filter(freed=offer.freed_id, status=OfferStatus.ACCEPTED)
    if has_begun(freed.starts_at, now) or taken.exists():
        raise _SlotTaken
    try:
        booked = book_appointment(
            clinic=freed.clinic,
            patient=entry.patient,
            therapist=freed.therapist,
            room=freed.room,
            starts_at=freed.starts_at,
            ends_at=freed.starts_at + timedelta(minutes=entry.minutes),
        )
    except Conflict as refusal:
        if refusal.code == "double_booked":  # by the clinic meanwhile
            raise _SlotTaken from refusal
        raise Conflict("slot_gone", SLOT_GONE) from refusal
    except (RuleViolation, ValidationError) as refusal:  # hours changed, the therapist left
        raise Conflict("slot_gone", SLOT_GONE) from refusal
    offer.status, offer.booked = OfferStatus.ACCEPTED, booked
    offer.save(update_fields=["status", "booked"])
    entry.status = WaitlistStatus.BOOKED
    entry.save(update_fields=["status"])
    return booked


def withdraw_offers(patient: Patient) -> None:
    """The patient was put on clinical hold or archived and may take no slot: each offer
    still open to them closes as gone, and its slot is offered to the next entry it fits
    (their offer message the outbox cancels)."""
    open_offers = WaitlistOffer.objects.filter(
        entry__patient=patient, status=OfferStatus.OFFERED
    ).select_related("freed__clinic", "freed__therapist", "freed__room")
    for offer in open_offers:
        if _close_as_gone(offer.pk):  # else lapsed or answered meanwhile: passed on already
            offer_freed_slot(offer.freed)


@transaction.atomic
def _close_as_gone(offer_id: UUID) -> bool:
    """Close a still open offer as gone, its entry waiting again; False if it was not open."""
    offer = WaitlistOffer.objects.select_for_update().get(pk=offer_id)
    if offer.status != OfferStatus.OFFERED:  # a concurrent refusal closed it first
        return False
    offer.status = OfferStatus.GONE
    offer.save(update_fields=["status"])
    WaitlistEntry.objects.filter(pk=offer.entry_id, status=WaitlistStatus.OFFERED).update(
        status=WaitlistStatus.WAITING
    )
    return True
