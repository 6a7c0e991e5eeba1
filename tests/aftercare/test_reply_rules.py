"""The pure rules of two-way SMS: what a reply asks for, a soreness score's severity, and
which waitlist entry a freed slot fits."""

from datetime import UTC, datetime, time, timedelta

import pytest

from aftercare import plan, replies
from aftercare.waitlist import Slot, fits

CHEST, BREATH = "chest_pain", "breathlessness"


@pytest.mark.parametrize(
    ("body", "intent", "score", "flags"),
    [
        ("C", "confirm", None, ()),
        (" c ", "confirm", None, ()),
        ("Confirm.", "confirm", None, ()),
        ("x", "cancel", None, ()),
        ("CANCEL!", "cancel", None, ()),
        ("stop", "stop", None, ()),
        ("STOPALL", "stop", None, ()),
        ("Unsubscribe", "stop", None, ()),
        (" end. ", "stop", None, ()),
        ("Quit!", "stop", None, ()),
        ("optout", "stop", None, ()),
        ("REVOKE", "stop", None, ()),
        ("Start", "start", None, ()),
        ("unstop", "start", None, ()),
        ("Yes", "other", None, ()),
        ("0", "soreness", 0, ()),
        ("7", "soreness", 7, ()),
        ("10", "soreness", 10, ()),
        ("11", "other", None, ()),
        ("-3", "other", None, ()),
        ("7.5", "other", None, ()),
        ("4/10", "other", None, ()),
        ("My chest hurts", "red_flag", None, (CHEST,)),
        ("C but chest pain since this morning", "red_flag", None, (CHEST,)),
        ("I can't breathe properly", "red_flag", None, (BREATH,)),
        ("short of breath", "red_flag", None, (BREATH,)),
        ("chest tight and breathless", "red_flag", None, (CHEST, BREATH)),
        ("Me duele el PECHO", "red_flag", None, (CHEST,)),
        ("No puedo respirar bien", "red_flag", None, (BREATH,)),
        ("tengo falta de aire", "red_flag", None, (BREATH,)),
        ("me ahogo", "red_flag", None, (BREATH,)),
        ("Me falta el aire", "red_flag", None, (BREATH,)),
        ("me falta aire desde ayer", "red_flag", None, (BREATH,)),
        ("tengo disnea", "red_flag", None, (BREATH,)),
        ("Tengo dolor en el tórax", "red_flag", None, (CHEST,)),
        ("dolor torácico", "red_flag", None, (CHEST,)),
        ("some dyspnoea since the session", "red_flag", None, (BREATH,)),
        ("thoracic pain on the left", "red_flag", None, (CHEST,)),
        ("Can I move my appointment to Friday?", "other", None, ()),
        ("Gracias", "other", None, ()),
        ("", "other", None, ()),
        ("CC", "other", None, ()),
    ],
)
def test_a_reply_is_read_as(body, intent, score, flags):
    assert replies.read_reply(body) == replies.Reply(intent, score, flags)


@pytest.mark.parametrize(
    ("score", "severity"),
    [
        (0, None),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_a_soreness_score_is_a_severity(score, severity):
    assert replies.severity_of(score) == severity


NINE = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SLOT = Slot("anna", NINE + timedelta(hours=1), NINE + timedelta(hours=1, minutes=45))


@pytest.mark.parametrize(
    ("therapist", "earliest", "latest", "minutes", "fit"),
    [
        (None, NINE, NINE + timedelta(hours=3), 45, True),
        ("anna", NINE, NINE + timedelta(hours=3), 45, True),
        ("ben", NINE, NINE + timedelta(hours=3), 45, False),  # another therapist named
        (None, NINE, NINE + timedelta(hours=3), 30, True),  # shorter fits
        (None, NINE, NINE + timedelta(hours=3), 60, False),  # longer than the freed time
        (None, NINE + timedelta(hours=2), NINE + timedelta(hours=3), 45, False),  # too early
        (None, NINE, NINE + timedelta(hours=1, minutes=30), 45, False),  # ends after latest
        (None, NINE, NINE + timedelta(hours=1, minutes=45), 45, True),  # ends at latest
    ],
)
def test_a_waitlist_entry_fits_a_freed_slot(therapist, earliest, latest, minutes, fit):
    assert (
        fits(therapist_id=therapist, earliest=earliest, latest=latest, minutes=minutes, slot=SLOT)
        is fit
    )


LONDON_NIGHT = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # 23:00 in London, in quiet hours
QUIET = plan.QuietHours(time(21), time(8))


@pytest.mark.parametrize(
    ("kind", "consent", "send_at", "status"),
    [
        ("urgent_care", True, LONDON_NIGHT, "pending"),
        ("appointment_confirmed", True, datetime(2026, 12, 8, 8, 0, tzinfo=UTC), "pending"),
        ("appointment_confirmed", False, datetime(2026, 12, 8, 8, 0, tzinfo=UTC), "suppressed"),
    ],
)
def test_an_answer_goes_by_sms_and_only_urgent_care_ignores_quiet_hours(
    kind, consent, send_at, status
):
    recipient = plan.Recipient("email", consent, True, "Europe/London")
    [answer] = plan.plan_sms_answer(kind, recipient=recipient, quiet_hours=QUIET, now=LONDON_NIGHT)
    assert (answer.channel, answer.send_at, answer.status) == ("sms", send_at, status)
    assert answer.expires_at == send_at + timedelta(hours=6)
