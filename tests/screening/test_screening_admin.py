"""Past screenings in the admin: readable by the clinic's admin, never changed."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_lists_the_clinics_screenings_read_only(
    admin_site, screen, patient, other_patient, other_therapist
):
    from screening.services import record_screening

    mine = screen(patient, diabetes=True)
    record_screening(
        patient=other_patient,
        performed_by=other_therapist,
        consent_given=True,
        answers={},
    )
    listing = admin_site.get("/admin/screening/screening/").content.decode()
    assert "Lovelace" in listing and "Hopper" not in listing
    page = admin_site.get(f"/admin/screening/screening/{mine.id}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # nothing to save: read-only
    assert admin_site.post(f"/admin/screening/screening/{mine.id}/delete/").status_code == 403
    assert admin_site.get("/admin/screening/screening/add/").status_code == 403
