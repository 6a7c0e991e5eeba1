"""The question asked before any session is written: may this therapist needle these sites?

Each test is one clinical situation; the service answers with the contract's code.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.errors import RuleViolation
from screening.models import Screening
from screening.rules import PlannedSite
from screening.services import check_needling, record_screening
from tests.bodies import CLINIC_CLOCK

pytestmark = pytest.mark.django_db

NECK = PlannedSite(muscle="upper_trapezius", side="left", technique="trigger_point")


def refusal(**kwargs) -> str:
    with pytest.raises(RuleViolation) as refused:
        check_needling(**kwargs)
    return refused.value.code


@pytest.fixture
def ask(patient, therapist):
    """Ask about `patient` treated by `therapist` now, unless told otherwise."""

    def ask(sites=(NECK,), acknowledged=(), at=None, who=None):
        return dict(
            patient=patient,
            therapist=who or therapist,
            at=at or timezone.now(),
            sites=list(sites),
            precautions_acknowledged=list(acknowledged),
        )

    return ask


def test_a_cleared_patient_may_be_needled(screen, patient, ask):
    screening = screen(patient)
    assert check_needling(**ask()) == screening


def test_no_screening_means_screening_required(patient, ask):
    assert refusal(**ask()) == "screening_required"


def test_a_screening_taken_after_the_session_start_does_not_count(screen, patient, ask):
    screening = screen(patient)
    assert refusal(**ask(at=screening.performed_at - timedelta(hours=1))) == "screening_required"


def test_a_screening_older_than_90_days_has_expired(screen, patient, ask):
    screening = screen(patient)
    assert refusal(**ask(at=screening.performed_at + timedelta(days=91))) == "screening_expired"


def test_the_latest_screening_rules(screen, patient, ask):
    screen(patient, needle_phobia=True)
    assert refusal(**ask()) == "not_cleared"
    screen(patient)  # phobia treated: a new screening supersedes the old
    check_needling(**ask())


def test_not_cleared_blocks_every_site(screen, patient, ask):
    screen(patient, willing=False)
    assert refusal(**ask()) == "not_cleared"


@pytest.mark.parametrize(
    "excluded_side, site_side, blocked",
    [
        ("any", "left", True),
        ("any", "right", True),
        ("any", "bilateral", True),
        ("left", "left", True),
        ("left", "right", False),
        ("left", "bilateral", True),
        ("left", "midline", True),
        ("right", "left", False),
        ("right", "right", True),
    ],
)
def test_a_region_excluded_by_lymphedema_follows_its_side(
    screen, patient, ask, excluded_side, site_side, blocked
):
    screen(patient, lymphedema_regions=[{"region": "neck", "side": excluded_side}])
    question = ask(sites=[PlannedSite("upper_trapezius", site_side, "trigger_point")])
    if blocked:
        assert refusal(**question) == "region_excluded"
    else:
        check_needling(**question)


def test_other_regions_stay_open(screen, patient, ask):
    screen(patient, local_infection_regions=[{"region": "lumbar", "side": "any"}])
    check_needling(**ask(sites=[PlannedSite("gastrocnemius", "right", "trigger_point")]))


def test_an_implanted_device_excludes_electrical_stimulation_everywhere(screen, patient, ask):
    screen(patient, implanted_device_regions=[{"region": "thorax", "side": "left"}])
    calf = PlannedSite("gastrocnemius", "right", "electrical")
    assert refusal(**ask(sites=[calf])) == "technique_excluded"
    check_needling(**ask(sites=[PlannedSite("gastrocnemius", "right", "trigger_point")]))


def test_pregnancy_closes_the_lower_back(screen, patient, ask):
    screen(patient, pregnancy_trimester=2)
    back = PlannedSite("quadratus_lumborum", "left", "trigger_point")
    assert refusal(**ask(sites=[back])) == "region_excluded"
    check_needling(**ask())  # the neck stays open in the second trimester, no precaution


def test_every_precaution_must_be_acknowledged(screen, patient, ask):
    screen(patient, diabetes=True, anticoagulants=True)
    assert refusal(**ask(acknowledged=["diabetes"])) == "precaution_not_acknowledged"
    check_needling(**ask(acknowledged=["diabetes", "anticoagulants"]))


def test_third_trimester_with_anticoagulants_and_a_device(screen, patient, ask):
    screen(
        patient,
        pregnancy_trimester=3,
        anticoagulants=True,
        implanted_device_regions=[{"region": "thorax", "side": "left"}],
    )
    both = ["pregnancy", "anticoagulants"]
    assert refusal(**ask(acknowledged=["pregnancy"])) == "precaution_not_acknowledged"
    chest = PlannedSite("pectoralis_major", "left", "trigger_point")
    assert refusal(**ask(sites=[chest], acknowledged=both)) == "region_excluded"
    glute = PlannedSite("gluteus_medius", "right", "trigger_point")
    assert refusal(**ask(sites=[glute], acknowledged=both)) == "region_excluded"
    check_needling(**ask(acknowledged=both))


@pytest.mark.parametrize("certified_until", [None, date.today() - timedelta(days=1)])
def test_an_uncertified_therapist_may_not_needle(
    screen, patient, ask, clinic, make_therapist, certified_until
):
    screen(patient)
    newcomer = make_therapist(clinic, "newcomer", dn_certified_until=certified_until)
    assert refusal(**ask(who=newcomer)) == "therapist_not_certified"


def test_certification_must_cover_the_session_date_itself(screen, patient, ask, therapist):
    screen(patient)
    therapist.dn_certified_until = timezone.localdate(timezone=CLINIC_CLOCK)  # the clinic's today
    check_needling(**ask(who=therapist))
    assert refusal(**ask(who=therapist, at=timezone.now() + timedelta(days=2))) == (
        "therapist_not_certified"
    )


def test_asking_writes_nothing(screen, patient, ask):
    screen(patient)
    check_needling(**ask())
    assert Screening.objects.count() == 1


@pytest.mark.parametrize("trimester", [1, 2, 3])
def test_pregnancy_closes_the_iliopsoas_on_both_sides_but_not_the_thigh(
    screen, patient, ask, trimester
):
    screen(patient, pregnancy_trimester=trimester)
    acknowledged = ["pregnancy"] if trimester != 2 else []
    for side in ("left", "right", "bilateral"):
        iliopsoas = PlannedSite("iliopsoas", side, "trigger_point")
        assert refusal(**ask(sites=[iliopsoas], acknowledged=acknowledged)) == "region_excluded"
    thigh = PlannedSite("vastus_lateralis", "left", "trigger_point")
    check_needling(**ask(sites=[thigh], acknowledged=acknowledged))


def test_a_pregnant_patients_screening_expires_after_28_days(screen, patient, ask):
    screening = screen(patient, pregnancy_trimester=2)
    check_needling(**ask(at=screening.performed_at + timedelta(days=27)))
    assert refusal(**ask(at=screening.performed_at + timedelta(days=29))) == "screening_expired"


def test_lymphedema_of_the_hand_closes_the_whole_arm_on_that_side(screen, patient, ask):
    screen(patient, lymphedema_regions=[{"region": "forearm_hand", "side": "left"}])
    for muscle in ("deltoid", "biceps_brachii", "wrist_flexors"):
        assert refusal(**ask(sites=[PlannedSite(muscle, "left", "trigger_point")])) == (
            "region_excluded"
        )
    check_needling(**ask(sites=[PlannedSite("biceps_brachii", "right", "trigger_point")]))


def test_a_birth_date_corrected_to_under_18_needs_the_guardian_before_the_next_needle(
    screen, patient, ask, therapist
):
    """The screening named no guardian, as for the adult the patient was thought to be."""
    screen(patient)
    patient.date_of_birth = date.today() - timedelta(days=5000)  # 13 when screened
    patient.save()
    assert refusal(**ask()) == "guardian_consent_required"
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers={},
        guardian_name="Mary Smith",
        guardian_consent=True,
    )
    check_needling(**ask())
