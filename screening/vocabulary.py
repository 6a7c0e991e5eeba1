"""The clinical vocabulary (domain.md): body regions, techniques, sides, precautions, muscles.

It lives at the lowest layer that needs it: screening excludes regions and techniques, and the
session record names muscles, sides and techniques from the same lists.
"""

from dataclasses import dataclass

from django.db import models


class Region(models.TextChoices):
    HEAD = "head", "Head"
    NECK = "neck", "Neck"
    SHOULDER = "shoulder", "Shoulder"
    UPPER_ARM = "upper_arm", "Upper arm"
    FOREARM_HAND = "forearm_hand", "Forearm and hand"
    THORAX = "thorax", "Thorax"
    UPPER_BACK = "upper_back", "Upper back"
    ABDOMEN = "abdomen", "Abdomen"
    LUMBAR = "lumbar", "Lumbar"
    PELVIS_GLUTEAL = "pelvis_gluteal", "Pelvis and gluteal"
    HIP_THIGH = "hip_thigh", "Hip and thigh"
    KNEE_LEG = "knee_leg", "Knee and leg"
    ANKLE_FOOT = "ankle_foot", "Ankle and foot"


class Technique(models.TextChoices):
    TRIGGER_POINT = "trigger_point", "Trigger point"
    NON_TRIGGER_POINT = "non_trigger_point", "Non-trigger point"
    SUPERFICIAL = "superficial", "Superficial"
    ELECTRICAL = "electrical", "Electrical"
    PERIOSTEAL = "periosteal", "Periosteal"
    TENDON_FENESTRATION = "tendon_fenestration", "Tendon fenestration"


class Manipulation(models.TextChoices):
    IN_AND_OUT = "in_and_out", "In and out"
    PISTONING = "pistoning", "Pistoning"
    SPARROW_PECKING = "sparrow_pecking", "Sparrow pecking"
    STATIC = "static", "Static"
    ROTATION = "rotation", "Rotation"


class SiteSide(models.TextChoices):
    """The side of a needled site."""

    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"
    MIDLINE = "midline", "Midline"


class ExclusionSide(models.TextChoices):
    """The side a screening excludes a region on."""

    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    ANY = "any", "Either side"


class Precaution(models.TextChoices):
    PREGNANCY = "pregnancy", "Pregnancy (first or third trimester)"
    DIABETES = "diabetes", "Diabetes"
    BLEEDING_DISORDER = "bleeding_disorder", "Bleeding disorder"
    ANTICOAGULANTS = "anticoagulants", "Anticoagulants"
    IMMUNOCOMPROMISED = "immunocompromised", "Immunocompromised"
    METAL_ALLERGY = "metal_allergy", "Metal allergy"
    VASCULAR_DISEASE = "vascular_disease", "Vascular disease"
    EPILEPSY = "epilepsy", "Epilepsy"


PNEUMOTHORAX_RISK_NOTE = (
    "pneumothorax: punctured lungs have been reported (iCliniq); needle tangentially or over bone"
)


@dataclass(frozen=True)
class MuscleEntry:
    code: str
    name: str
    region: str
    lateral: bool = True  # every listed muscle is paired: a site names its side
    risk_note: str = ""


def _muscles(region: Region, *names: str, at_risk: frozenset[str] = frozenset()):
    for name in names:
        code = name.lower().replace(" ", "_").replace("-", "_")
        note = PNEUMOTHORAX_RISK_NOTE if code in at_risk else ""
        yield MuscleEntry(code=code, name=name, region=region.value, risk_note=note)


# domain.md's list, with version 2's additions: levator scapulae, supraspinatus, subscapularis.
_OVER_THE_LUNG = frozenset(
    {
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
)

MUSCLES: tuple[MuscleEntry, ...] = tuple(
    entry
    for region, names in [
        (Region.HEAD, ["Masseter", "Temporalis", "Frontalis", "Pterygoid lateral"]),
        (
            Region.NECK,
            [
                "Upper trapezius",
                "Sternocleidomastoid",
                "Splenius capitis",
                "Splenius cervicis",
                "Suboccipitals",
                "Deep cervical extensors",
                "Levator scapulae",
                "Scalenes",
            ],
        ),
        (
            Region.SHOULDER,
            [
                "Supraspinatus",
                "Infraspinatus",
                "Teres minor",
                "Teres major",
                "Deltoid",
                "Subscapularis",
            ],
        ),
        (
            Region.UPPER_BACK,
            ["Middle trapezius", "Lower trapezius", "Rhomboids", "Thoracic erector spinae"],
        ),
        (
            Region.THORAX,
            ["Pectoralis major", "Pectoralis minor", "Serratus anterior", "Intercostals"],
        ),
        (Region.UPPER_ARM, ["Biceps brachii", "Triceps brachii", "Brachialis"]),
        (
            Region.FOREARM_HAND,
            [
                "Wrist extensors",
                "Wrist flexors",
                "Brachioradialis",
                "Pronator teres",
                "First dorsal interosseous",
            ],
        ),
        (Region.ABDOMEN, ["Rectus abdominis", "External oblique"]),
        (Region.LUMBAR, ["Quadratus lumborum", "Lumbar multifidus", "Lumbar erector spinae"]),
        (
            Region.PELVIS_GLUTEAL,
            ["Gluteus maximus", "Gluteus medius", "Gluteus minimus", "Piriformis"],
        ),
        (
            Region.HIP_THIGH,
            [
                "Tensor fasciae latae",
                "Rectus femoris",
                "Vastus lateralis",
                "Vastus medialis",
                "Hamstrings",
                "Adductor longus",
                "Iliopsoas",
            ],
        ),
        (
            Region.KNEE_LEG,
            [
                "Gastrocnemius",
                "Soleus",
                "Tibialis anterior",
                "Fibularis longus",
                "Popliteus",
                "Knee periosteum",
            ],
        ),
        (
            Region.ANKLE_FOOT,
            ["Plantar fascia", "Flexor digitorum brevis", "Abductor hallucis", "Quadratus plantae"],
        ),
    ]
    for entry in _muscles(region, *names, at_risk=_OVER_THE_LUNG)
)

muscle_by_code: dict[str, MuscleEntry] = {muscle.code: muscle for muscle in MUSCLES}


class Outcome(models.TextChoices):
    """What a screening concludes (screening.rules.assess)."""

    CLEARED = "cleared", "Cleared"
    CLEARED_WITH_PRECAUTIONS = "cleared_with_precautions", "Cleared with precautions"
    NOT_CLEARED = "not_cleared", "Not cleared"
