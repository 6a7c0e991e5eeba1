"""The words of each message: built-in (aftercare/default_texts.py, translated by gettext) or a
clinic's own (MessageText), in the patient's language. One text per kind serves SMS (as is) and
email (with a greeting, and an HTML part made from the same words under the clinic's name).

A text is not a template. Django's template language would let a clinic's text walk from any
object it is given through its relations (`{{ therapist.clinic.patients.all }}`) into every
clinic's data, so clinic text never meets it: a text may use only `{{ name }}` with a
placeholder of its kind (`check_text`, on every save and again before every send), and
`render` fills those from plain strings. A body must also fit in one SMS however long its
values (`check_body`): a longer one would fail every message of its kind.
"""

import functools
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import CharField, Model
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation

from aftercare import default_texts, links
from aftercare.channels import LONGEST_SMS
from aftercare.models import STAFF_KINDS, Channel, Kind
from clinic.models import Clinic, Patient, Staff
from core.errors import RuleViolation
from sessions.models.scheduling import COURSE_SESSIONS

logger = logging.getLogger(__name__)

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Kind.AFTERCARE_IMMEDIATE: ("clinic", "given_name", "heat_time", "link"),
    Kind.HEAT_OK: ("clinic", "given_name"),
    Kind.CHECKIN_24H: ("clinic", "given_name", "link"),
    Kind.APPOINTMENT_REMINDER: ("clinic", "given_name", "appointment_time", "therapist"),
    Kind.COURSE_REBOOK: ("clinic", "given_name", "sessions_left"),
    Kind.APPOINTMENT_CANCELLED: ("clinic", "given_name", "appointment_time", "therapist"),
    Kind.APPOINTMENT_RESCHEDULED: ("clinic", "given_name", "appointment_time", "therapist"),
    Kind.OUTCOME_RERATE: ("clinic", "given_name", "appointment_time", "link"),
    Kind.APPOINTMENT_CONFIRMED: ("clinic", "given_name", "appointment_time", "therapist"),
    Kind.URGENT_CARE: ("clinic", "given_name"),
    Kind.WAITLIST_OFFER: ("clinic", "given_name", "appointment_time", "therapist", "link"),
    Kind.SIDE_EFFECT_ALERT: (
        "clinic",
        "patient_name",
        "side_effect",
        "severity",
        "reported_by",
        "notes",
    ),
    Kind.PATIENT_CANCELLED: ("clinic", "patient_name", "appointment_time", "therapist"),
    Kind.RED_FLAG_ALERT: ("clinic", "patient_name"),
}
# The messages a patient may read soon after needling: pneumothorax shows from 2 hours to
# 2 days after (domain.md), so these always say when to seek urgent care.
RED_FLAG_ADVICE_KINDS = {Kind.AFTERCARE_IMMEDIATE, Kind.CHECKIN_24H, Kind.URGENT_CARE}
# The messages that lead to the patient's page: the first of a session, the check-in, the
# re-rating before a course's 4th session, and a waitlist offer (its page takes the slot). A
# clinic's text that leaves the link out gets it.
LINK_KINDS = {Kind.AFTERCARE_IMMEDIATE, Kind.CHECKIN_24H, Kind.OUTCOME_RERATE, Kind.WAITLIST_OFFER}
# The messages a patient may answer by SMS (C confirms, X cancels). An email cannot be answered
# (no one reads the replies), so its reminder does not ask for one.
REPLY_KINDS = {Kind.APPOINTMENT_REMINDER}
LANGUAGES = [code for code, _ in settings.LANGUAGES]
DEFAULT_LANGUAGE = settings.LANGUAGE_CODE

BRACES = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
NAME = re.compile(r"\s*([A-Za-z_]\w*)\s*", re.ASCII)
# What may be left once the placeholders are out, each a piece of template syntax.
STRAY = {
    "{%": "tags ({% %}) are not allowed",
    "%}": "tags ({% %}) are not allowed",
    "{#": "comments ({# #}) are not allowed",
    "#}": "comments ({# #}) are not allowed",
    "{{": "these braces are never closed",
    "}}": "these braces were never opened",
}
STRAY_MARK = re.compile("|".join(re.escape(mark) for mark in STRAY))


def check_text(source: str, kind: str) -> None:
    """Refuse (400 `invalid_template`) anything but `{{ name }}` with a placeholder of `kind`."""
    allowed = PLACEHOLDERS[kind]
    for match in BRACES.finditer(source):
        inner = match.group(1)
        name = NAME.fullmatch(inner)
        if name is None:
            raise _refusal(match.group(0), _what_is_wrong(inner), allowed)
        if name.group(1) not in allowed:
            raise _refusal(match.group(0), "no such placeholder in this message", allowed)
    stray = STRAY_MARK.search(BRACES.sub("", source))
    if stray is not None:
        raise _refusal(stray.group(0), STRAY[stray.group(0)], allowed)


def _what_is_wrong(inner: str) -> str:
    if "|" in inner:
        return "filters (|) are not allowed"
    if "." in inner:
        return "attribute lookups (.) are not allowed"
    return "only a placeholder's name may stand between the braces"


def _refusal(snippet: str, why: str, allowed: tuple[str, ...]) -> RuleViolation:
    shown = snippet if len(snippet) <= 60 else snippet[:57] + "..."
    names = ", ".join(f"{{{{ {name} }}}}" for name in allowed)
    return RuleViolation("invalid_template", f"{shown}: {why}. This message may use only {names}.")


def check_body(body: str, kind: str, language: str) -> None:
    """`check_text`, and a body that fits in one SMS: the longest message it can make in
    `language` (each placeholder at its longest, with the link, the red flags and the reply
    words `words` adds to its kind) within what the provider passes on. Refused as
    `invalid_template` too, so every door shows it where it shows a text's other problems."""
    check_text(body, kind)
    longest = len(_compose(kind, language, _longest_values(language), "", body, Channel.SMS).text)
    if longest > LONGEST_SMS:
        raise RuleViolation(
            "invalid_template",
            f"By SMS this text can make a message of {longest} characters (each placeholder at "
            f"its longest, with what every such message adds), and at most {LONGEST_SMS} can "
            f"be sent: shorten it by {longest - LONGEST_SMS} characters.",
        )


def field_checks(kind: str, language: str) -> dict[str, Callable[[str], None]]:
    """What each field of a clinic's own text of `kind` in `language` must pass: the forms ask
    each by its field, to say what is wrong next to it."""
    return {
        "subject": lambda subject: check_text(subject, kind),
        "body": lambda body: check_body(body, kind, language),
    }


def check_own_text(subject: str, body: str, kind: str, language: str) -> None:
    """A clinic's own text whole, as every field of it must pass (`field_checks`)."""
    for field, check in field_checks(kind, language).items():
        check({"subject": subject, "body": body}[field])


def _longest_values(language: str) -> dict[str, str]:
    """Each placeholder of a patient's message at the longest it can be: a name as long as
    its column holds, the longest date the language writes, the longest link."""
    return {
        "clinic": _as_long_as(Clinic, "name"),
        "given_name": _as_long_as(Patient, "given_name"),
        "heat_time": "00:00",
        "link": links.longest_url(),
        "appointment_time": _longest_appointment_time(language),
        # Staff.name_for_patients: the full name, else the clinic's.
        "therapist": max(_as_long_as(Staff, "full_name"), _as_long_as(Clinic, "name"), key=len),
        "sessions_left": str(COURSE_SESSIONS[-1]),
    }


def _as_long_as(model: type[Model], column: str) -> str:
    field = model._meta.get_field(column)
    if not isinstance(field, CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{column} is no text of a bounded length.")
    return "W" * field.max_length


@functools.cache
def _longest_appointment_time(language: str) -> str:
    """The longest date and time the language writes: each day of a leap year, a minute
    before midnight."""
    first = datetime(2024, 1, 1, 23, 59)
    days = (first + timedelta(days=n) for n in range(366))
    return max((appointment_time(day, language) for day in days), key=len)


@functools.lru_cache(maxsize=256)
def _usable(own: tuple[str, str], kind: str, language: str) -> bool:
    """A clinic's own (subject, body) as `set_own_text` would take it. Remembered: a batch
    sends many messages of one text, and measuring its longest SMS renders it whole."""
    try:
        check_own_text(*own, kind, language)
    except RuleViolation:
        return False
    return True


def render(source: str, values: Mapping[str, str]) -> str:
    """Each `{{ name }}` with a value becomes that value; everything else stays as written.
    Values are not read again, so a patient named `{{ link }}` is just that."""

    def fill(match: re.Match[str]) -> str:
        name = NAME.fullmatch(match.group(1))
        return values[name.group(1)] if name and name.group(1) in values else match.group(0)

    return BRACES.sub(fill, source)


def language_for(kind: str, patient_language: str) -> str:
    """Patients read their own language where it is supported; alerts go to the clinic's staff
    in the default one."""
    if kind in STAFF_KINDS:
        return DEFAULT_LANGUAGE
    return supported_language(patient_language)


def supported_language(language: str) -> str:
    """A patient's language where it is supported, else the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def as_the_patient_reads(patient: Patient) -> Iterator[None]:
    """A page a patient opens from a message, in their language and on their wall clock (the
    heat time, an offered appointment's time)."""
    with (
        translation.override(supported_language(patient.language)),
        timezone.override(patient.timezone),
    ):
        yield


@dataclass(frozen=True)
class Words:
    subject: str
    text: str
    language: str
    clinic: str = ""


def words(
    kind: str,
    language: str,
    values: Mapping[str, str],
    own: tuple[str, str] | None,
    channel: Channel,
) -> Words:
    """The words of one message sent by `channel`: the clinic's own (subject, body) if it still
    passes check_text and check_body (one written straight into the database, or saved before
    texts were measured, may not), else the built-in text."""
    subject, body = default_texts.text(language, kind)
    if own is not None and _usable(own, kind, language):
        subject, body = own
    elif own is not None:
        logger.warning("An invalid %s text (%s) was replaced by the built-in one", kind, language)
    return _compose(kind, language, values, subject, body, channel)


def _compose(
    kind: str,
    language: str,
    values: Mapping[str, str],
    subject: str,
    body: str,
    channel: Channel,
) -> Words:
    """The text filled in, with what its kind always carries (link, red flags, reply words)."""
    filled = {name: values.get(name, "") for name in PLACEHOLDERS[kind]}
    text = render(body, filled).strip()
    link = filled.get("link", "")
    if kind in LINK_KINDS and link and link not in text:
        text = f"{text} {link}"
    red_flag = default_texts.red_flag(language)
    if kind in RED_FLAG_ADVICE_KINDS and red_flag not in text:
        text = f"{text} {red_flag}"
    replies = default_texts.sms_replies(language)
    if channel == Channel.SMS and kind in REPLY_KINDS and replies not in text:
        text = f"{text} {replies}"
    # A subject is an email header: one line, whatever a value held (a header with a line
    # break is refused by the mailer, and the alert would be lost).
    one_line = " ".join(render(subject, filled).split())
    return Words(one_line, text, language, filled.get("clinic", ""))


def appointment_time(local: datetime, language: str) -> str:
    """A local date and time as the message's language writes it ("Monday 7 December at
    10:00")."""
    with translation.override(language):
        return dateformat.format(local, default_texts.appointment_time_format(language))


def email_text(words: Words, name: str, stop_link: str | None = None) -> str:
    """The email's text part: a greeting, the words, and where to stop such emails."""
    text = f"{default_texts.greeting(words.language, name)}\n\n{words.text}\n"
    if stop_link is not None:
        text += f"\n{default_texts.email_stop(words.language, stop_link)}\n"
    return text


def email_html(words: Words, name: str, stop_link: str | None = None) -> str:
    """The same words as the text part, as a small HTML page headed by the clinic's name."""
    return render_to_string(
        "aftercare/email.html",
        {
            "language": words.language,
            "subject": words.subject,
            "clinic": words.clinic,
            "greeting": default_texts.greeting(words.language, name),
            "text": words.text,
            "stop": stop_link and default_texts.email_stop(words.language, stop_link),
        },
    )
