"""The words of each message. One template per kind serves SMS (as is, kept to one or two
segments) and email (with a greeting, and an HTML part made from the same text); a clinic may
replace it in the admin (MessageText)."""

import functools
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.template import Context, Template
from django.utils.html import escape, linebreaks, urlize

from aftercare.models import Kind, MessageText

DEFAULTS = {
    Kind.AFTERCARE_IMMEDIATE: (
        "Your dry needling aftercare",
        "{{ clinic }}: after today's dry needling, avoid intense activity for the rest of the day."
        " {% if heat_advised %}Heat is fine, but{% else %}Use heat only if advised, and{% endif %}"
        " not before {{ heat_time }}. Soreness or slight bruising may last a day or two."
        " Shortness of breath or chest pain: seek urgent care at once.",
    ),
    Kind.HEAT_OK: (
        "Heat is fine now",
        "{{ clinic }}: it is now 30 minutes since your needling. Heat is fine now, as your "
        "therapist advised.",
    ),
    Kind.CHECKIN_24H: (
        "How are you after your treatment?",
        "{{ clinic }}: how are you after yesterday's dry needling? Mild soreness is normal. Tell "
        "us about any side effects: {{ link }} Chest pain or shortness of breath: urgent care now.",
    ),
    Kind.APPOINTMENT_REMINDER: (
        "Your appointment tomorrow",
        "{{ clinic }}: a reminder of your appointment on {{ appointment_time }} with "
        "{{ therapist }}.",
    ),
    Kind.COURSE_REBOOK: (
        "Book the rest of your treatment course",
        "{{ clinic }}: you have {{ sessions_left }} session{{ sessions_left|pluralize }} left in "
        "your treatment course. Please contact us to book the next one.",
    ),
    Kind.SIDE_EFFECT_ALERT: (
        "Serious side effect reported: {{ side_effect }}",
        "A serious side effect was reported for {{ patient_name }}: {{ side_effect }} "
        "({{ severity }}), reported by the {{ reported_by }}. {{ notes }} Please contact the "
        "patient today. {{ patient_name }} is on clinical hold: no new sessions or bookings, and "
        "no heat, reminder or rebooking messages, until a clinic administrator releases the hold "
        "with a note.",
    ),
}


@dataclass(frozen=True)
class Words:
    subject: str
    text: str


def with_own_words(notifications):
    """Annotate each notification with its clinic's own text for its kind, if any (one query)."""
    own = MessageText.objects.filter(clinic=OuterRef("clinic_id"), kind=OuterRef("kind"))
    return notifications.annotate(
        own_subject=Subquery(own.values("subject")[:1]), own_body=Subquery(own.values("body")[:1])
    )


@functools.lru_cache(maxsize=256)
def _template(source: str) -> Template:
    return Template(source)


def words_for(notification, context: dict) -> Words:
    """The words of a notification fetched `with_own_words`."""
    if notification.own_body is not None:
        subject, body = notification.own_subject, notification.own_body
    else:
        subject, body = DEFAULTS[notification.kind]
    render = Context(context, autoescape=False)
    return Words(_template(subject).render(render).strip(), _template(body).render(render).strip())


def email_text(words: Words, given_name: str) -> str:
    return f"Dear {given_name},\n\n{words.text}\n"


def email_html(words: Words, given_name: str) -> str:
    return linebreaks(f"Dear {escape(given_name)},\n\n") + f"<p>{urlize(escape(words.text))}</p>"
