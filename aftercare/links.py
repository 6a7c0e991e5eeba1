"""Signed links for patients: the aftercare page (one session each, valid for 14 days) and a
waitlist offer (one offer each; the offer itself says until when it stands)."""

from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing

LINK_LIFETIME = timedelta(days=14)
_SALT = "aftercare.patient-page"


def token_for(session_id: UUID | str) -> str:
    return signing.dumps(str(session_id), salt=_SALT, compress=True)


def session_id_from(token: str) -> str | None:
    """The session a token opens, or None when it is forged, altered or too old."""
    try:
        return signing.loads(token, salt=_SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature:  # SignatureExpired is one too
        return None


def patient_page_url(session_id: UUID | str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/p/{token_for(session_id)}/"


_OFFER_SALT = "aftercare.waitlist-offer"
OFFER_LINK_LIFETIME = timedelta(days=7)


def offer_token_for(offer_id: UUID | str) -> str:
    return signing.dumps(str(offer_id), salt=_OFFER_SALT, compress=True)


def offer_id_from(token: str) -> str | None:
    try:
        return signing.loads(token, salt=_OFFER_SALT, max_age=OFFER_LINK_LIFETIME)
    except signing.BadSignature:
        return None


def offer_url(offer_id: UUID | str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/p/offer/{offer_token_for(offer_id)}/"
