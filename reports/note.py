"""The signed session note, printed: the record as it was signed, with the screening that
cleared it, what was needled, what followed, every addendum and the warnings that arose after
the signing, as a PDF (WeasyPrint)."""

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from core.errors import Conflict, Unavailable
from screening.vocabulary import Precaution, muscle_by_code
from sessions.models import NeedlingSession
from sessions.records.selectors import note_warnings


def _precautions(codes: list[str]) -> list[str]:
    return [Precaution(code).label if code in Precaution.values else code for code in codes]


def note_context(session: NeedlingSession) -> dict:
    """The signed record as it was signed (its people and warnings kept by sign_session), and
    the warnings that arose since, apart."""
    sites = list(session.sites.all())
    warnings = note_warnings(session)
    return {
        "session": session,
        "clinic": session.clinic,
        "screening": session.screening,
        "precautions": _precautions(session.screening.precautions),
        "acknowledged": _precautions(session.precautions_acknowledged),
        "sites": [(site, muscle_by_code[site.muscle_id]) for site in sites],
        "needles": sum(site.needle_count for site in sites),
        "electrical": list(session.electrical.all()),
        "warnings": warnings.as_signed,
        "since_signing": warnings.since_signing,
        "side_effects": list(session.side_effects.all()),
        "addenda": list(session.addenda.all()),
        "timezone": ZoneInfo(session.clinic.timezone),
    }


def session_note_pdf(session: NeedlingSession) -> bytes:
    """The note of a signed session; a draft has none yet (409 invalid_state)."""
    if not session.is_signed:
        raise Conflict("invalid_state", "Only a signed session has a note to print; sign it first.")
    html = render_to_string("reports/session_note.html", note_context(session))
    try:
        # Imported here: WeasyPrint loads Pango, a system library only printing needs, so the
        # service (bin/run) starts on a machine without it.
        from weasyprint import HTML
    except OSError as missing:
        raise Unavailable(
            "pdf_unavailable",
            "Printing needs the Pango library on the server (Debian: libpango-1.0-0).",
        ) from missing
    return HTML(string=html).write_pdf()
