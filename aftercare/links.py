"""Signed links for patients, that open one record each to whoever holds them, no account
needed: the aftercare page (a session, for 14 days), a waitlist offer (an offer; the offer
itself says until when it stands, the link lasts a week at most) and the stop of a clinic's
emails (the email that carries it, for a year: an old email still stops the new ones)."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from django.conf import settings
from django.core import signing
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class SignedLink:
    salt: str  # one per kind of link: a session's token opens no offer
    lifetime: timedelta
    path: str  # where the token goes in the address

    def token_for(self, record_id: UUID | str) -> str:
        return signing.dumps(str(record_id), salt=self.salt, compress=True)

    def record_id_from(self, token: str) -> str | None:
        """The record a token opens, or None when it is forged, altered or too old."""
        try:
            return signing.loads(token, salt=self.salt, max_age=self.lifetime)
        except signing.BadSignature:  # SignatureExpired is one too
            return None

    def opened[M: Model](self, token: str, records: QuerySet[M]) -> M | None:
        """The record of `records` the token opens, if any."""
        record_id = self.record_id_from(token)
        return records.filter(pk=record_id).first() if record_id else None

    def url(self, record_id: UUID | str) -> str:
        return settings.PUBLIC_BASE_URL + self.path.format(token=self.token_for(record_id))


PATIENT_PAGE = SignedLink("aftercare.patient-page", timedelta(days=14), "/p/{token}/")
WAITLIST_OFFER = SignedLink("aftercare.waitlist-offer", timedelta(days=7), "/p/offer/{token}/")
EMAIL_STOP = SignedLink("aftercare.email-stop", timedelta(days=365), "/p/email-stop/{token}/")
RERATE_FORM = "#rerate"  # where the patient page's re-rating form begins


def longest_url() -> str:
    """A link as long as any a message carries (the re-rating's has its form's anchor too), to
    measure messages by. A new record id: one with repeats would sign into a shorter token."""
    return max((link.url(uuid4()) for link in (PATIENT_PAGE, WAITLIST_OFFER)), key=len) + (
        RERATE_FORM
    )
