"""The clinic's week: each therapist's days on a half-hour grid, working hours marked, live
appointments placed in the slot they start in (every one of them, however short, and however
far outside today's working hours). Three queries whatever the clinic's size."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone

from clinic.models import Clinic, Staff, WorkingHours
from sessions.models import Appointment
from sessions.models.scheduling import LIVE, has_begun
from sessions.scheduling.selectors import shifts_of
from sessions.scheduling.services import works_here
from sessions.slots import Shift, within_working_hours

SLOT = timedelta(minutes=30)
LAST_MOMENT = timedelta(microseconds=1)
DEFAULT_DAY = (time(8), time(18))


@dataclass(frozen=True)
class Placed:
    appointment: Appointment
    begun: bool  # its time has come: the patient may be marked as a no-show


@dataclass(frozen=True)
class Cell:
    starts_at: datetime
    working: bool
    appointments: tuple[Placed, ...]  # those starting in this slot, earliest first
    busy: bool  # taken by an appointment that started in an earlier slot
    past: bool

    # Formatted here rather than by the template's date filter: a week has hundreds of slots.
    @property
    def stamp(self) -> str:
        """The slot's start in ISO 8601 on the clinic's clock."""
        return self.starts_at.isoformat()

    @property
    def css(self) -> str:
        marks = ["working" if self.working else "off"]
        marks += [name for name in ("past", "busy") if getattr(self, name)]
        return " ".join(marks)

    @property
    def free(self) -> bool:
        """Bookable: in working hours, not past, not taken."""
        return self.working and not self.past and not self.busy and not self.appointments

    @property
    def label(self) -> str:
        return f"{self.starts_at:%a} {self.starts_at.day} {self.starts_at:%b %H:%M}"


@dataclass(frozen=True)
class TherapistWeek:
    therapist: Staff
    rows: list[tuple[time, list[Cell]]]
    # Booked here still: their appointments may be moved (one who left keeps them only to
    # be cancelled, as the booking service refuses a move of them).
    works_here: bool


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _grid_hours(hours: list[WorkingHours], appointments: list[Appointment]) -> tuple[time, time]:
    """From the earliest start to the latest end of the working hours and of the week's
    appointments (on the clinic's clock): an appointment booked before its therapist's hours
    changed, or by one who left, is still shown."""
    starts = [block.start for block in hours]
    ends = [block.end for block in hours]
    for appointment in appointments:
        start = timezone.localtime(appointment.starts_at)
        # Its last moment, so that one ending at midnight ends the grid at 24:00, not 00:00;
        # one going on past midnight takes the grid to the end of its day.
        last = timezone.localtime(appointment.ends_at - LAST_MOMENT)
        starts.append(start.time())
        ends.append(last.time() if last.date() == start.date() else time.max)
    if not starts:
        return DEFAULT_DAY
    return min(starts), max(ends)


def _slot_times(first: time, last: time) -> list[time]:
    # An appointment may start on any second (the API takes one): the grid keeps to the half hour.
    row = first.replace(minute=first.minute // 30 * 30, second=0, microsecond=0)
    moment = datetime.combine(date.min, row)
    times = []
    while moment.time() < last and moment.date() == date.min:
        times.append(moment.time())
        moment += SLOT
    return times


def week_of(clinic: Clinic, monday: date, now: datetime | None = None) -> list[TherapistWeek]:
    """Each therapist's week from `monday`: what is booked, and what is free as of `now`."""
    days = [monday + timedelta(days=n) for n in range(7)]
    start = timezone.make_aware(datetime.combine(monday, time()))
    appointments = list(
        Appointment.objects.filter(
            clinic=clinic,
            status__in=LIVE,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=7),
        )
        .select_related("patient", "room")
        .order_by("starts_at", "pk")
    )
    by_therapist: dict[UUID, list[Appointment]] = {}
    for appointment in appointments:
        by_therapist.setdefault(appointment.therapist_id, []).append(appointment)
    therapists = list(
        # Those booked here, and anyone with appointments this week: a therapist who left or
        # moved keeps theirs in sight, for the patients who will still come.
        Staff.objects.filter(
            Q(clinic=clinic, is_active=True, working_hours__isnull=False)
            | Q(pk__in=by_therapist.keys())
        )
        .distinct()
        .prefetch_related(Prefetch("working_hours", WorkingHours.objects.order_by("start")))
        .order_by("full_name", "username")
    )
    # No free slot for one who is no longer booked here: the booking service would refuse it.
    here = {t.pk: works_here(t, clinic) for t in therapists}
    shifts = {t.pk: shifts_of(t) if here[t.pk] else [] for t in therapists}
    every_block = [b for t in therapists if shifts[t.pk] for b in t.working_hours.all()]
    times = _slot_times(*_grid_hours(every_block, appointments))
    now, zone = now or timezone.now(), ZoneInfo(clinic.timezone)
    return [
        TherapistWeek(
            t, _rows(shifts[t.pk], days, times, by_therapist.get(t.pk, []), now, zone), here[t.pk]
        )
        for t in therapists
    ]


def _rows(
    shifts: list[Shift],
    days: list[date],
    times: list[time],
    appointments: list[Appointment],
    now: datetime,
    zone: ZoneInfo,
) -> list[tuple[time, list[Cell]]]:
    rows = []
    for clock in times:
        cells = []
        for day in days:
            slot_start = timezone.make_aware(datetime.combine(day, clock))
            slot_end = slot_start + SLOT
            starting = tuple(
                Placed(a, has_begun(a.starts_at, now))
                for a in appointments
                if slot_start <= a.starts_at < slot_end
            )
            busy = any(a.starts_at < slot_start < a.ends_at for a in appointments)
            cells.append(
                Cell(
                    starts_at=slot_start,
                    # The booking service's own rule, so a free cell is one it will book.
                    working=within_working_hours(
                        shifts=shifts, tz=zone, starts_at=slot_start, ends_at=slot_end
                    ),
                    appointments=starting,
                    busy=busy and not starting,
                    # Begun is past for booking, as the service has it.
                    past=has_begun(slot_start, now),
                )
            )
        rows.append((clock, cells))
    return rows
