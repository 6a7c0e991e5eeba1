"""Signed links to the patient's aftercare page: one session each, valid for 14 days."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

LINK_LIFETIME = timedelta(days=14)
_SALT = "aftercare.patient-page"


def token_for(session_id) -> str:
    return signing.dumps(str(session_id), salt=_SALT, compress=True)


def session_id_from(token: str) -> str | None:
    """The session a token opens, or None when it is forged, altered or too old."""
    try:
        return signing.loads(token, salt=_SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature:  # SignatureExpired is one too
        return None


def patient_page_url(session_id) -> str:
    return f"{settings.PUBLIC_BASE_URL}/p/{token_for(session_id)}/"
