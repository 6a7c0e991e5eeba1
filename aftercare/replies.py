"""What a patient's SMS reply asks for. Pure: the words in, the intent out.

Red-flag words win over everything else: "C, but my chest hurts" is a chest-pain report, not a
confirmation (domain.md: chest pain or shortness of breath after needling needs urgent care).
"""

import re
import unicodedata
from dataclasses import dataclass

from sessions.models import Severity, SideEffectKind

CONFIRM, CANCEL, SORENESS, RED_FLAG, STOP, START, OTHER = (
    "confirm",
    "cancel",
    "soreness",
    "red_flag",
    "stop",
    "start",
    "other",
)

# The opt-out and opt-in words are the carriers' and Twilio's: Twilio stops (or lets through
# again) every SMS to a number that texts one of them, so each must change the patient's consent
# here too. CANCEL is one of theirs as well, but api.md binds it to cancelling the next
# appointment. YES, another opt-in word of theirs, is how patients answer a reminder in their
# own words: it stays a message for staff to read (an opt-in it leaves unrecorded only keeps
# SMS from someone who once said STOP).
WORDS = {
    "C": CONFIRM,
    "CONFIRM": CONFIRM,
    "X": CANCEL,
    "CANCEL": CANCEL,
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "OPTOUT", "REVOKE"), STOP),
    **dict.fromkeys(("START", "UNSTOP"), START),
}
# English and Spanish, compared without accents and case, on word starts ("breathing",
# "breathless", "respirar", "respiro" all begin with a stem here).
RED_FLAGS = {
    SideEffectKind.CHEST_PAIN: (r"chest", r"thorax", r"thoracic", r"pecho", r"torax", r"toraci"),
    SideEffectKind.BREATHLESSNESS: (
        r"breath",
        r"can'?t breathe",
        r"cannot breathe",
        r"dyspn",
        r"respir",
        r"falta (?:de |el )?aire",  # "me falta el aire", the everyday way to say it
        r"sin aire",
        r"ahog",
        r"disne",
    ),
}
WHOLE_NUMBER = re.compile(r"\d{1,2}")


@dataclass(frozen=True)
class Reply:
    intent: str
    score: int | None = None  # soreness 0-10
    red_flags: tuple[str, ...] = ()  # side-effect kinds, in a fixed order


def _plain(body: str) -> str:
    """Without accents, lower case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", body)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("\u2019", "'").casefold().split())


def red_flags_in(body: str) -> tuple[str, ...]:
    text = _plain(body)
    return tuple(
        kind
        for kind, stems in RED_FLAGS.items()
        if any(re.search(rf"\b{stem}", text) for stem in stems)
    )


def read_reply(body: str) -> Reply:
    flags = red_flags_in(body)
    if flags:
        return Reply(RED_FLAG, red_flags=flags)
    word = _plain(body).strip(" .!?").upper()
    if word in WORDS:
        return Reply(WORDS[word])
    if WHOLE_NUMBER.fullmatch(word) and int(word) <= 10:
        return Reply(SORENESS, score=int(word))
    return Reply(OTHER)


def severity_of(score: int) -> str | None:
    """A 0-10 soreness score as a side effect's severity; 0 is nothing to record."""
    if score == 0:
        return None
    if score <= 3:
        return Severity.MILD
    return Severity.MODERATE if score <= 6 else Severity.SEVERE
