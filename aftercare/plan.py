"""The aftercare plan (domain.md): which messages an event causes, on which channel, when.

Pure: no database, no clock. `now` is given so a message already past its expiry is planned as
`expired`, visible to the clinic, rather than silently missing.

Quiet hours are the clinic's, applied on the patient's local wall clock: [start, end), so with
the default 21:00-08:00 a message may go at 20:59 and again from 08:00.
"""

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aftercare.models import STAFF_KINDS, Kind
from clinic.models import Channel, PreferredChannel
from sessions.models.scheduling import has_begun

# The kinds, by their short names here; aftercare.models.Kind is their one list.
IMMEDIATE, HEAT_OK, CHECKIN = Kind.AFTERCARE_IMMEDIATE, Kind.HEAT_OK, Kind.CHECKIN_24H
REMINDER, REBOOK, RERATE = Kind.APPOINTMENT_REMINDER, Kind.COURSE_REBOOK, Kind.OUTCOME_RERATE
CANCELLED, RESCHEDULED = Kind.APPOINTMENT_CANCELLED, Kind.APPOINTMENT_RESCHEDULED
CONFIRMED, URGENT_CARE = Kind.APPOINTMENT_CONFIRMED, Kind.URGENT_CARE


@dataclass(frozen=True)
class Recipient:
    preferred_channel: str  # sms | email | both | none
    sms_consent: bool
    email_consent: bool
    timezone: str


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def covers(self, clock: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end  # the window spans midnight


@dataclass(frozen=True)
class PlannedMessage:
    kind: str
    channel: str
    send_at: datetime
    expires_at: datetime
    status: str  # pending | suppressed | expired


# Heat only at least this long after needling (domain.md, Senocare): the one home of that rule.
HEAT_AFTER = timedelta(minutes=30)
# The messages a session's end causes; a re-plan cancels those it no longer needs.
SESSION_KINDS = (IMMEDIATE, HEAT_OK, CHECKIN)


def heat_time(ended_at: datetime) -> datetime:
    """When heat becomes fine after a session (told to every patient, advised or not)."""
    return ended_at + HEAT_AFTER


# Quiet-hours policies.
IGNORE, LATER, EARLIER = "ignore", "later", "earlier"

# domain.md: the 24-hour check-in stands for 72 hours (a soreness score is its answer then).
CHECKIN_STANDS = timedelta(hours=72)
# kind -> (offset from the event, lifetime from send_at or None for "until the event", policy)
TIMING: dict[str, tuple[timedelta, timedelta | None, str]] = {
    IMMEDIATE: (timedelta(0), timedelta(hours=6), IGNORE),
    HEAT_OK: (HEAT_AFTER, timedelta(hours=3), IGNORE),
    CHECKIN: (timedelta(hours=24), CHECKIN_STANDS, LATER),
    REMINDER: (-timedelta(hours=24), None, EARLIER),
    REBOOK: (timedelta(days=2), timedelta(days=7), LATER),
    # The day before the course's 4th session, with the reminder: re-rate pain and activities.
    RERATE: (-timedelta(hours=24), None, EARLIER),
    CONFIRMED: (timedelta(0), timedelta(hours=6), LATER),
    URGENT_CARE: (timedelta(0), timedelta(hours=6), IGNORE),  # red flags wait for nothing
}
# Sent whatever the hour, when planned and when sent: the kinds whose timing ignores quiet
# hours (aftercare after needling, heat advice, urgent-care advice) and what staff are told.
# Quiet hours keep patients' phones quiet; what staff are told goes at once.
SENT_IN_QUIET_HOURS = {kind for kind, (_, _, policy) in TIMING.items() if policy == IGNORE} | set(
    STAFF_KINDS
)
# Before this session of a course, the patient re-rates NPRS and PSFS (outcomes' mid-course look).
RERATE_BEFORE_SESSION = 4
# A notice of a cancelled or moved appointment is worth sending until the appointment's time.
NOTICE_KINDS = (CANCELLED, RESCHEDULED)


def next_allowed_minute(moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """`moment` itself if outside quiet hours, else the local end of quiet hours."""
    local = moment.astimezone(tz)
    if not quiet.covers(local.time()):
        return moment
    day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet.end, tzinfo=tz).astimezone(moment.tzinfo)


def latest_allowed_minute_before(moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """`moment` itself if outside quiet hours, else the last minute before they began."""
    local = moment.astimezone(tz)
    if not quiet.covers(local.time()):
        return moment
    day = local.date() if local.time() >= quiet.start else local.date() - timedelta(days=1)
    began = datetime.combine(day, quiet.start, tzinfo=tz)
    return (began - timedelta(minutes=1)).astimezone(moment.tzinfo)


def allowed_at(kind: str, moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """When a message due at `moment` may go, asked again at the moment of sending (the clinic
    may have changed its quiet hours since the plan): the moment itself, or the end of quiet
    hours. Never earlier: what the plan would have moved before them is already late."""
    if kind in SENT_IN_QUIET_HOURS:
        return moment
    return next_allowed_minute(moment, tz, quiet)


def _on_each_channel(
    kind: str,
    recipient: Recipient,
    send_at: datetime,
    expires_at: datetime,
    *,
    too_late: bool = False,
) -> list[PlannedMessage]:
    """The message on each channel the patient prefers: pending where they consented,
    suppressed where not (the clinic sees both), expired on all if it is already too late."""
    return [
        PlannedMessage(
            kind,
            channel.value,
            send_at,
            expires_at,
            "expired" if too_late else status_on(channel, recipient),
        )
        for channel in PreferredChannel(recipient.preferred_channel).channels()
    ]


def status_on(channel: Channel, recipient: Recipient) -> str:
    """A message still to go on `channel`: pending where the patient consented to it (with an
    address), suppressed where not."""
    consent = {Channel.SMS: recipient.sms_consent, Channel.EMAIL: recipient.email_consent}
    return "pending" if consent[channel] else "suppressed"


def reachable(recipient: Recipient) -> bool:
    """A message planned for the patient now would be pending on one of their channels at
    least (`status_on`), not suppressed on all."""
    return any(
        status_on(channel, recipient) == "pending"
        for channel in PreferredChannel(recipient.preferred_channel).channels()
    )


def _plan(
    kind: str, event_at: datetime, recipient: Recipient, quiet: QuietHours, now: datetime
) -> list[PlannedMessage]:
    offset, lifetime, policy = TIMING[kind]
    tz = ZoneInfo(recipient.timezone)
    send_at = event_at + offset
    if policy == LATER:
        send_at = next_allowed_minute(send_at, tz, quiet)
    elif policy == EARLIER:
        send_at = latest_allowed_minute_before(send_at, tz, quiet)
    expires_at = event_at if lifetime is None else send_at + lifetime
    return _on_each_channel(kind, recipient, send_at, expires_at, too_late=expires_at <= now)


def plan_for_session(
    *,
    ended_at: datetime,
    heat_advised: bool,
    recipient: Recipient,
    quiet_hours: QuietHours,
    now: datetime,
) -> list[PlannedMessage]:
    kinds = [IMMEDIATE, *([HEAT_OK] if heat_advised else []), CHECKIN]
    return [m for kind in kinds for m in _plan(kind, ended_at, recipient, quiet_hours, now)]


def plan_for_appointment(
    *, starts_at: datetime, recipient: Recipient, quiet_hours: QuietHours, now: datetime
) -> list[PlannedMessage]:
    return _plan(REMINDER, starts_at, recipient, quiet_hours, now)


def plan_notice(
    *, kind: str, starts_at: datetime, recipient: Recipient, quiet_hours: QuietHours, now: datetime
) -> list[PlannedMessage]:
    """A cancelled or moved appointment (its time now `starts_at`): told now, or at the end of
    quiet hours, and not after that time."""
    if has_begun(starts_at, now):
        return []
    send_at = next_allowed_minute(now, ZoneInfo(recipient.timezone), quiet_hours)
    too_late = send_at >= starts_at  # quiet hours last until the appointment
    return _on_each_channel(
        kind, recipient, now if too_late else send_at, starts_at, too_late=too_late
    )


def plan_rerate(
    *, starts_at: datetime, recipient: Recipient, quiet_hours: QuietHours, now: datetime
) -> list[PlannedMessage]:
    """The day before the course's 4th session: a link to re-rate NPRS and PSFS."""
    return _plan(RERATE, starts_at, recipient, quiet_hours, now)


def rebooking_due(*, course_active: bool, sessions_left: int, booked: bool) -> bool:
    """domain.md: `course_rebook` goes while the course has sessions left and none booked. A
    cancelled course has none left to book. Asked when the message is planned and again when
    it is about to go, as the course may have been booked, finished or cancelled since."""
    return course_active and sessions_left > 0 and not booked


def plan_course_rebook(
    *,
    last_session_ended_at: datetime,
    recipient: Recipient,
    quiet_hours: QuietHours,
    now: datetime,
) -> list[PlannedMessage]:
    return _plan(REBOOK, last_session_ended_at, recipient, quiet_hours, now)


def plan_sms_answer(
    kind: str, *, recipient: Recipient, quiet_hours: QuietHours, now: datetime
) -> list[PlannedMessage]:
    """An answer to the patient's SMS goes back by SMS, whatever channel they prefer, timed
    from the moment it was asked for."""
    if TIMING[kind][1] is None:
        raise ValueError(f"{kind} lasts until an event: it is no answer to an SMS.")
    by_sms = replace(recipient, preferred_channel=PreferredChannel.SMS)
    return _plan(kind, now, by_sms, quiet_hours, now)


def offer_in_time(
    *, slot_starts_at: datetime, recipient: Recipient, quiet_hours: QuietHours, now: datetime
) -> bool:
    """Can a waitlist offer tell the patient of a slot? A message would be pending on one of
    their channels (`reachable`), and quiet hours on their clock let it go before the slot
    begins: an offer heard only after it would hold the slot for nobody."""
    send_at = next_allowed_minute(now, ZoneInfo(recipient.timezone), quiet_hours)
    return reachable(recipient) and send_at < slot_starts_at


def plan_offer(
    *,
    lifetime: timedelta,
    slot_starts_at: datetime,
    recipient: Recipient,
    quiet_hours: QuietHours,
    now: datetime,
) -> list[PlannedMessage]:
    """A waitlist offer goes at the next allowed minute and stands for `lifetime` from then,
    and no longer than until the slot begins."""
    send_at = next_allowed_minute(now, ZoneInfo(recipient.timezone), quiet_hours)
    expires_at = min(send_at + lifetime, slot_starts_at)
    return _on_each_channel(Kind.WAITLIST_OFFER, recipient, send_at, expires_at)
