import pytest

from screening.services import record_screening


@pytest.fixture
def screen(therapist):
    """Screen a patient now with these answers (consent given)."""

    def screen(patient, **answers):
        return record_screening(
            patient=patient, performed_by=therapist, consent_given=True, answers=answers
        )

    return screen
