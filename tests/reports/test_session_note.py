"""The signed session note as PDF: the record's facts are in it, as text a reader can find."""

from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from pypdf import PdfReader

from audit.models import AuditEntry
from sessions.models import NeedlingSession
from tests import bodies

GUARD = "needling_signed_session_guard"  # sessions/migrations/0004


def text_of(pdf: bytes) -> str:
    """The words of the PDF, in order, one space apart (table cells wrap their lines)."""
    return " ".join(
        word for page in PdfReader(BytesIO(pdf)).pages for word in page.extract_text().split()
    )


@pytest.fixture
def signed_session(therapist_api, screen, patient, log_session):
    screen(patient, diabetes=True)
    session = log_session(
        precautions_acknowledged=["diabetes"],
        sites=[
            bodies.site(muscle="upper_trapezius", side="left"),  # deep over the lung: a warning
            bodies.site(technique="electrical"),
            bodies.site(side="right", technique="electrical", needle_count=3),
        ],
        electrical=[bodies.stimulation(1, 2, frequency_hz="80.0")],
        pain_before=8,
        pain_after=3,
        needle_lot="SEIRIN-2611-04",
        needle_expiry=bodies.NEEDLES_EXPIRE,
        needles_removed=7,
    )
    therapist_api.post(
        "/api/v1/side-effects/",
        {"session": session["id"], "kind": "bruising", "severity": "mild", "notes": "Left calf"},
        format="json",
    )
    assert therapist_api.post(f"/api/v1/sessions/{session['id']}/sign/").status_code == 200
    therapist_api.post(
        f"/api/v1/sessions/{session['id']}/addenda/",
        {"text": "Phoned next day: bruise fading."},
        format="json",
    )
    return session


def test_the_note_holds_the_signed_record(therapist_api, signed_session, therapist, clinic):
    # New York is hours from the server's UTC all year: London is not, in winter.
    clinic.timezone = "America/New_York"
    clinic.save()
    answer = therapist_api.get(
        f"/api/v1/sessions/{signed_session['id']}/note.pdf", HTTP_ACCEPT="application/pdf"
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = text_of(answer.content)
    for fact in (
        clinic.name,
        "Ada Lovelace",
        therapist.full_name,
        f"certified until {therapist.dn_certified_until:%Y-%m-%d}",
        "Cleared with precautions",
        "Diabetes",
        "Upper trapezius",
        "Gastrocnemius",
        "80.0 Hz",
        "4.5 mA",
        "Needles inserted: 7; needles removed: 7",
        f"Lot SEIRIN-2611-04, expiring {bodies.NEEDLES_EXPIRE}",
        "8 / 10",
        "3 / 10",
        "pneumothorax",
        "Bruising",
        "Left calf",
        "Phoned next day: bruise fading.",
        "born 1985-12-10",
    ):
        assert fact in text, fact
    # The moments of the record, on the clinic's clock: the session, its screening, the signing.
    session = NeedlingSession.objects.select_related("screening").get(pk=signed_session["id"])
    assert session.screening is not None and session.signed_at is not None
    clock = ZoneInfo(clinic.timezone)
    for moment in (session.started_at, session.screening.performed_at):
        assert f"{moment.astimezone(clock):%Y-%m-%d %H:%M}" in text
    assert f"Signed {session.signed_at.astimezone(clock):%Y-%m-%d %H:%M}" in text


def test_the_note_prints_the_people_as_they_were_when_it_was_signed(
    therapist_api, admin_api, signed_session, therapist
):
    """A name or a certification that changes later does not change the signed record, nor
    who wrote an addendum."""
    certified_until = f"{therapist.dn_certified_until:%Y-%m-%d}"
    changed = admin_api.patch(
        f"/api/v1/therapists/{therapist.id}/",
        {"full_name": "Someone Else", "dn_certified_until": None},
        format="json",
    )
    assert changed.status_code == 200
    note = therapist_api.get(f"/api/v1/sessions/{signed_session['id']}/note.pdf")
    text = text_of(note.content)
    assert f"Therapist {therapist.full_name}" in text
    assert f"Dry needling certified until {certified_until}" in text
    assert f"by {therapist.full_name}." in text
    assert f"{therapist.full_name}: Phoned next day" in text  # the addendum, as written
    assert "Someone Else" not in text and "No dry needling certification" not in text


def test_the_note_prints_the_patient_and_the_warnings_as_they_were_when_it_was_signed(
    therapist_api, admin_api, signed_session, patient
):
    """A corrected name or date of birth, or a later screening that would have refused the
    session, does not rewrite the signed note: a warning that arose since is printed apart."""
    corrected = {"given_name": "Augusta", "date_of_birth": "1990-01-01"}
    changed = admin_api.patch(f"/api/v1/patients/{patient.id}/", corrected, format="json")
    assert changed.status_code == 200
    infected = {"local_infection_regions": [{"region": "knee_leg", "side": "left"}]}
    later = {"patient": str(patient.id), "consent_given": True, "answers": infected}
    assert therapist_api.post("/api/v1/screenings/", later, format="json").status_code == 201

    text = text_of(therapist_api.get(f"/api/v1/sessions/{signed_session['id']}/note.pdf").content)
    assert "Ada Lovelace, born 1985-12-10" in text
    assert "Augusta" not in text and "1990-01-01" not in text
    as_signed = text[text.index("Warnings") : text.index("Since signing")]
    assert "pneumothorax" in as_signed and "later screening" not in as_signed
    since = text[text.index("Since signing") : text.index("Side effects")]
    assert "A later screening" in since and "excludes the knee leg (left)" in since

    answer = therapist_api.get(f"/api/v1/sessions/{signed_session['id']}/").json()
    assert [w["code"] for w in answer["warnings"]] == ["pneumothorax_risk", "superseded_screening"]
    assert not {"patient_name", "patient_date_of_birth", "signed_warnings"} & set(answer)


def test_a_warning_the_rules_now_word_otherwise_is_not_printed_as_new(
    therapist_api, signed_session
):
    """A note signed when the pneumothorax warning read otherwise: the rules' new words are
    not a warning that arose after signing (only a later screening's can be)."""
    as_worded_then = [{"code": "pneumothorax_risk", "message": "Older words for the lung."}]
    with connection.cursor() as cursor:  # written as such a record stands, past the guard
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's writes checked: ALTER may go
        cursor.execute(f"ALTER TABLE needling_needlingsession DISABLE TRIGGER {GUARD}")
        NeedlingSession.objects.filter(pk=signed_session["id"]).update(
            signed_warnings=as_worded_then
        )
        cursor.execute(f"ALTER TABLE needling_needlingsession ENABLE TRIGGER {GUARD}")
    text = text_of(therapist_api.get(f"/api/v1/sessions/{signed_session['id']}/note.pdf").content)
    assert "Older words for the lung." in text
    assert "Since signing" not in text


def test_a_draft_has_no_note_yet(therapist_api, log_session):
    draft = log_session()
    answer = therapist_api.get(
        f"/api/v1/sessions/{draft['id']}/note.pdf", HTTP_ACCEPT="application/pdf"
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "invalid_state"


def test_another_clinics_session_has_no_note_and_reading_one_is_audited(
    other_admin_api, admin_api, admin, signed_session
):
    assert (
        other_admin_api.get(f"/api/v1/sessions/{signed_session['id']}/note.pdf").status_code == 404
    )
    assert admin_api.get(f"/api/v1/sessions/{signed_session['id']}/note.pdf").status_code == 200
    read = AuditEntry.objects.filter(action="read", actor_id=str(admin.id))
    assert set(read.values_list("object_type", flat=True)) == {"session", "side_effect"}
