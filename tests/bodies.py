"""Request bodies as the API and the forms take them, shared by the tests, the fuzzer and the
benchmarks (which import this module without pytest)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# The test clinic's clock (tests/conftest.py), on which people type times into the staff app.
CLINIC_CLOCK = ZoneInfo("Europe/London")
# A box of needles still good for years, whatever year the tests run.
NEEDLES_EXPIRE = (date.today() + timedelta(days=3 * 365)).isoformat()


def site(muscle="gastrocnemius", side="left", technique="trigger_point", **fields) -> dict:
    return {
        "muscle": muscle,
        "side": side,
        "technique": technique,
        "manipulation": "pistoning",
        "depth": "deep",
        "depth_mm": "25.0",
        "needle_length_mm": "40.0",
        "needle_gauge_mm": "0.30",
        "needle_count": 2,
        "twitch_response": True,
        **fields,
    }


def stimulation(first=0, second=1, **fields) -> dict:
    return {
        "site_indexes": [first, second],
        "frequency_hz": "2.0",
        "pulse_width_us": 250,
        "intensity_ma": "4.5",
        "waveform": "biphasic",
        "duration_minutes": 15,
        **fields,
    }


def three_sites() -> list[dict]:
    """Both calves deep, and the left soleus superficially."""
    return [
        site(),
        site(side="right"),
        site(muscle="soleus", technique="superficial", depth="superficial", depth_mm="8.0"),
    ]


def session_body(patient_id: str, **fields) -> dict:
    """A realistic session, started an hour ago and ended twenty minutes ago."""
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "patient": patient_id,
        "started_at": (now - timedelta(hours=1)).isoformat(),
        "ended_at": (now - timedelta(minutes=20)).isoformat(),
        "pain_before": 7,
        "pain_after": 4,
        "heat_advised": True,
        "notes": "Taut band in the left calf; LTR elicited.",
        "sites": three_sites(),
        **fields,
    }


def typed(moment: datetime) -> str:
    """A moment as a person types it into the staff app: to the minute, on the clinic's clock."""
    return moment.astimezone(CLINIC_CLOCK).strftime("%Y-%m-%dT%H:%M")


def session_form(started_at: datetime, /, **fields) -> dict:
    """A session of one site, as the staff app's session form posts it (`fields` may type
    another start)."""
    return {
        "started_at": typed(started_at),
        "sites-TOTAL_FORMS": 1,
        "sites-INITIAL_FORMS": 0,
        "sites-0-muscle": "Gastrocnemius",
        "sites-0-side": "left",
        "sites-0-technique": "trigger_point",
        "sites-0-depth": "deep",
        "sites-0-needle_count": 2,
        "estim-TOTAL_FORMS": 0,  # no electrical stimulation
        "estim-INITIAL_FORMS": 0,
        **fields,
    }


def course_body(patient, therapist, **fields) -> dict:
    """A course as the API takes it: Neck pain, the contract's defaults for the rest."""
    return {
        "patient": str(patient.id),
        "therapist": str(therapist.id),
        "indication": "Neck pain",
        **fields,
    }


def admin_course_form(patient, therapist, start: datetime, **fields) -> dict:
    """A course of four sessions, as the admin's add form posts it."""
    return {
        "patient": patient.id,
        "therapist": therapist.id,
        "indication": "Low back pain",
        "planned_sessions": 4,
        "session_minutes": 45,
        "min_gap_days": 2,
        "max_gap_days": 7,
        "earliest_start_0": start.strftime("%Y-%m-%d"),
        "earliest_start_1": "09:00:00",
        "appointments-TOTAL_FORMS": 0,
        "appointments-INITIAL_FORMS": 0,
        **fields,
    }
