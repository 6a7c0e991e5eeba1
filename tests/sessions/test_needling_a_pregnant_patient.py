"""A pregnant patient's session through the API: the iliopsoas is closed on both sides (it is
reached through the abdomen and groin), the rest of the thigh stays open."""

import pytest

from sessions.models import NeedlingSession
from tests.bodies import site

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "muscle, side, status",
    [
        ("iliopsoas", "left", 400),
        ("iliopsoas", "bilateral", 400),
        ("vastus_lateralis", "right", 201),
    ],
)
def test_the_iliopsoas_is_closed_in_pregnancy(
    therapist_api, screen, patient, session_body, muscle, side, status
):
    screen(patient, pregnancy_trimester=3)
    body = session_body(sites=[site(muscle, side)], precautions_acknowledged=["pregnancy"])
    answer = therapist_api.post("/api/v1/sessions/", body, format="json")
    assert answer.status_code == status, answer.json()
    if status == 400:
        assert answer.json()["code"] == "region_excluded" and "iliopsoas" in answer.json()["detail"]
        assert not NeedlingSession.objects.exists()
