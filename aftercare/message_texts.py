"""A clinic's own message texts: read and written by the admin API, read by the sender.

Every write goes through `texts.check_own_text` (each field's `texts.field_checks`), as the
admin's and the staff app's forms do field by field.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError

from aftercare import default_texts, texts
from aftercare.models import PATIENT_KINDS, MessageText, Notification

# (clinic id, language, kind) -> (subject, body)
OwnTexts = dict[tuple[UUID, str, str], tuple[str, str]]


@dataclass(frozen=True)
class TextOfKind:
    """The words a clinic's patients get for one kind of message in one language."""

    kind: str
    language: str
    subject: str
    body: str
    placeholders: tuple[str, ...]
    is_default: bool


def texts_in(clinic_id: UUID, language: str) -> list[TextOfKind]:
    """One text per kind of patient message, the clinic's own where it has one (one query)."""
    own = {
        text.kind: (text.subject, text.body)
        for text in MessageText.objects.filter(clinic_id=clinic_id, language=language)
    }
    return [_text_of(kind, language, own.get(kind)) for kind in PATIENT_KINDS]


def may_have_own_text(language: str, kind: str) -> bool:
    """A clinic words the patients' messages, in the languages patients are written to; the
    alerts to staff keep their built-in words (what a hold means, whom to call)."""
    return language in texts.LANGUAGES and kind in PATIENT_KINDS


def set_own_text(
    *, clinic_id: UUID, language: str, kind: str, subject: str, body: str
) -> TextOfKind:
    """The clinic's own words for this kind and language; refused unless plain placeholders,
    and a body that fits in one SMS."""
    if not may_have_own_text(language, kind):  # the doors offer no other: a caller's mistake
        raise ValidationError({"kind": f"No clinic words {kind} messages in {language!r}."})
    texts.check_own_text(subject, body, kind, language)
    MessageText.objects.update_or_create(
        clinic_id=clinic_id,
        language=language,
        kind=kind,
        defaults={"subject": subject, "body": body},
    )
    return _text_of(kind, language, (subject, body))


def use_default_text(*, clinic_id: UUID, language: str, kind: str) -> None:
    MessageText.objects.filter(clinic_id=clinic_id, language=language, kind=kind).delete()


def own_texts_for(notifications: Iterable[Notification]) -> OwnTexts:
    """The clinic's own texts these notifications may use, in one query."""
    notifications = list(notifications)
    if not notifications:
        return {}
    rows = MessageText.objects.filter(
        clinic_id__in={n.clinic_id for n in notifications},
        kind__in={n.kind for n in notifications},
    ).values_list("clinic_id", "language", "kind", "subject", "body")
    return {
        (clinic, language, kind): (subject, body) for clinic, language, kind, subject, body in rows
    }


def _text_of(kind: str, language: str, own: tuple[str, str] | None) -> TextOfKind:
    subject, body = own or default_texts.text(language, kind)
    return TextOfKind(
        kind=kind,
        language=language,
        subject=subject,
        body=body,
        placeholders=texts.PLACEHOLDERS[kind],
        is_default=own is None,
    )
