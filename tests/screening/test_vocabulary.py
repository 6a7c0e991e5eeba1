"""The muscle vocabulary matches domain.md and is in every fresh database."""

import pytest

from screening.models import Muscle
from screening.vocabulary import MUSCLES, PNEUMOTHORAX_RISK_NOTE, Region, muscle_by_code

DOMAIN_TABLE = {
    "head": "masseter temporalis frontalis pterygoid_lateral",
    "neck": "upper_trapezius sternocleidomastoid splenius_capitis splenius_cervicis suboccipitals "
    "deep_cervical_extensors levator_scapulae scalenes",
    "shoulder": "supraspinatus infraspinatus teres_minor teres_major deltoid subscapularis",
    "upper_back": "middle_trapezius lower_trapezius rhomboids thoracic_erector_spinae",
    "thorax": "pectoralis_major pectoralis_minor serratus_anterior intercostals",
    "upper_arm": "biceps_brachii triceps_brachii brachialis",
    "forearm_hand": "wrist_extensors wrist_flexors brachioradialis pronator_teres "
    "first_dorsal_interosseous",
    "abdomen": "rectus_abdominis external_oblique",
    "lumbar": "quadratus_lumborum lumbar_multifidus lumbar_erector_spinae",
    "pelvis_gluteal": "gluteus_maximus gluteus_medius gluteus_minimus piriformis",
    "hip_thigh": "tensor_fasciae_latae rectus_femoris vastus_lateralis vastus_medialis hamstrings "
    "adductor_longus iliopsoas",
    "knee_leg": "gastrocnemius soleus tibialis_anterior fibularis_longus popliteus knee_periosteum",
    "ankle_foot": "plantar_fascia flexor_digitorum_brevis abductor_hallucis quadratus_plantae",
}
OVER_THE_LUNG = {  # domain.md's list with version 2's additions
    "upper_trapezius",
    "levator_scapulae",
    "supraspinatus",
    "subscapularis",
    "scalenes",
    "rhomboids",
    "middle_trapezius",
    "lower_trapezius",
    "thoracic_erector_spinae",
    "pectoralis_major",
    "pectoralis_minor",
    "serratus_anterior",
    "intercostals",
}


def test_every_muscle_of_domain_md_is_in_its_region():
    expected = {code: region for region, codes in DOMAIN_TABLE.items() for code in codes.split()}
    assert {m.code: m.region for m in MUSCLES} == expected
    assert set(DOMAIN_TABLE) == set(Region.values)


def test_the_pneumothorax_note_is_on_exactly_the_muscles_over_the_lung():
    assert {m.code for m in MUSCLES if m.risk_note == PNEUMOTHORAX_RISK_NOTE} == OVER_THE_LUNG
    assert {m.code for m in MUSCLES if m.risk_note} == OVER_THE_LUNG


def test_codes_are_unique_and_every_muscle_is_paired():
    assert len(muscle_by_code) == len(MUSCLES)
    assert all(m.lateral and m.name for m in MUSCLES)


@pytest.mark.django_db
def test_a_fresh_database_holds_the_whole_vocabulary():
    assert {(m.code, m.region, m.risk_note) for m in Muscle.objects.all()} == {
        (m.code, m.region, m.risk_note) for m in MUSCLES
    }
