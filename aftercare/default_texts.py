"""The built-in words of every message, written once in English and translated through Django's
gettext catalogues (`locale/<language>/LC_MESSAGES/django.po`, compiled to the committed `.mo`).

Per kind, the subject (email only) and the body (SMS as is, email after the greeting). Texts use
only `{{ placeholder }}`, as a clinic's own must (aftercare/texts.py has each kind's
placeholders); the red-flag sentence, the patient-page link and an SMS reminder's reply words are
added to the kinds that need them by texts.py, so no text here, and no clinic's text, can leave
them out. Every function
takes the language it answers in, so the words never depend on the caller's active language.
"""

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftercare.models import Kind

# Keyed by kind; looked up by the kind's plain string, as notifications store it. No text
# names a day by when it is read ("tomorrow", "yesterday"): quiet hours may move a reminder
# two evenings ahead of its appointment, or a check-in two mornings after its session.
TEXTS: dict[str, tuple[Promise, Promise]] = {
    Kind.AFTERCARE_IMMEDIATE: (
        _("Your dry needling aftercare"),
        _(
            "{{ clinic }}: after today's dry needling, avoid intense activity today. Heat only"
            " if advised, not before {{ heat_time }}. Mild soreness may last a day or two."
            " More: {{ link }}"
        ),
    ),
    Kind.HEAT_OK: (
        _("Heat is fine now"),
        _(
            "{{ clinic }}: it is now 30 minutes since your needling. Heat is fine now, as"
            " your therapist advised."
        ),
    ),
    Kind.CHECKIN_24H: (
        _("How are you after your treatment?"),
        _(
            "{{ clinic }}: how are you after your dry needling? Mild soreness is normal."
            " Tell us about any side effects: {{ link }}"
        ),
    ),
    Kind.APPOINTMENT_REMINDER: (
        _("A reminder of your appointment"),
        _(
            "{{ clinic }}: a reminder of your appointment on {{ appointment_time }} with"
            " {{ therapist }}."
        ),
    ),
    Kind.COURSE_REBOOK: (
        _("Book the rest of your treatment course"),
        _(
            "{{ clinic }}: your treatment course is not finished (sessions left:"
            " {{ sessions_left }}). Please contact us to book the next one."
        ),
    ),
    Kind.APPOINTMENT_CANCELLED: (
        _("Your appointment is cancelled"),
        _(
            "{{ clinic }}: your appointment on {{ appointment_time }} with {{ therapist }} is"
            " cancelled. Please contact us to book another."
        ),
    ),
    Kind.APPOINTMENT_RESCHEDULED: (
        _("Your appointment has moved"),
        _(
            "{{ clinic }}: your appointment with {{ therapist }} has moved to"
            " {{ appointment_time }}."
        ),
    ),
    Kind.OUTCOME_RERATE: (
        _("How is your pain before your next session?"),
        _(
            "{{ clinic }}: before your session on {{ appointment_time }}, please rate your"
            " pain and your activities again: {{ link }}"
        ),
    ),
    Kind.SIDE_EFFECT_ALERT: (
        _("Serious side effect reported: {{ side_effect }}"),
        _(
            "A serious side effect was reported for {{ patient_name }}: {{ side_effect }}"
            " ({{ severity }}), reported by the {{ reported_by }}. {{ notes }} Please"
            " contact the patient today. {{ patient_name }} is on clinical hold: no new"
            " sessions or bookings, and no heat, reminder or rebooking messages, until a"
            " clinic administrator releases the hold with a note."
        ),
    ),
    Kind.APPOINTMENT_CONFIRMED: (
        _("Your appointment is confirmed"),
        _(
            "{{ clinic }}: thank you, your appointment on {{ appointment_time }} with"
            " {{ therapist }} is confirmed."
        ),
    ),
    Kind.URGENT_CARE: (_("Seek urgent care now"), _("{{ clinic }}: we have told your clinic.")),
    Kind.WAITLIST_OFFER: (
        _("An earlier appointment is free"),
        _(
            "{{ clinic }}: a place is free on {{ appointment_time }} with {{ therapist }}."
            " The first to take it gets it: {{ link }}"
        ),
    ),
    Kind.PATIENT_CANCELLED: (
        _("{{ patient_name }} cancelled by SMS"),
        _(
            "{{ clinic }}: {{ patient_name }} cancelled their appointment on"
            " {{ appointment_time }} with {{ therapist }} by SMS. The slot is free for the"
            " waitlist."
        ),
    ),
    Kind.RED_FLAG_ALERT: (
        _("{{ patient_name }} texted words that need urgent care"),
        _(
            "{{ clinic }}: {{ patient_name }} texted about chest pain or breathing and was told"
            " to seek urgent care. No ended session of theirs is on record to report a side"
            " effect against, so nobody else has been alerted: please call them now. Their"
            " message is in the staff app's SMS inbox."
        ),
    ),
}
# What an SMS reminder may be answered with (aftercare/replies.py reads C and X).
SMS_REPLIES = _("Reply C to confirm, X to cancel.")
RED_FLAG = _("Shortness of breath or chest pain after needling: seek urgent care at once.")
GREETING = _("Dear {name},")  # the first line of an email
EMAIL_STOP = _("To stop these emails: {link}")  # the last line of a patient's email
# Translators: a Django date format (weekday, day, month, time); names are translated by Django.
APPOINTMENT_TIME = pgettext_lazy("appointment time format", r"l j F \a\t H:i")


def text(language: str, kind: str) -> tuple[str, str]:
    """The built-in (subject, body) of a kind in a language."""
    subject, body = TEXTS[kind]
    with translation.override(language):
        return str(subject), str(body)


def email_stop(language: str, link: str) -> str:
    with translation.override(language):
        return str(EMAIL_STOP).format(link=link)


def red_flag(language: str) -> str:
    with translation.override(language):
        return str(RED_FLAG)


def sms_replies(language: str) -> str:
    with translation.override(language):
        return str(SMS_REPLIES)


def greeting(language: str, name: str) -> str:
    with translation.override(language):
        return str(GREETING).format(name=name)


def appointment_time_format(language: str) -> str:
    with translation.override(language):
        return str(APPOINTMENT_TIME)
