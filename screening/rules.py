"""The screening rules of domain.md, as one pure function: answers in, assessment out.

No database and no clock: `assess` is given the moment of the screening, so the table can be
tested row by row and read as the specification.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from screening.vocabulary import ExclusionSide, Outcome, Region, Technique, muscle_by_code

VALIDITY = timedelta(days=90)
# The trimester precaution must follow the pregnancy, so its screening is renewed monthly.
PREGNANCY_VALIDITY = timedelta(days=28)
PREGNANCY_REGIONS = (Region.ABDOMEN, Region.LUMBAR, Region.PELVIS_GLUTEAL)
# Listed under hip_thigh, but reached through the abdomen and groin.
PREGNANCY_MUSCLES = ("iliopsoas",)
# Lymphedema takes the whole limb on its side: naming one part of it excludes all of it.
LIMBS = (
    frozenset({Region.SHOULDER, Region.UPPER_ARM, Region.FOREARM_HAND}),
    frozenset({Region.HIP_THIGH, Region.KNEE_LEG, Region.ANKLE_FOOT}),
)
ADULT_AGE = 18


@dataclass(frozen=True)
class PlannedSite:
    """A site the therapist means to needle."""

    muscle: str  # muscle code
    side: str  # left | right | bilateral | midline
    technique: str


@dataclass(frozen=True)
class SiteRef:
    region: str
    side: str  # ExclusionSide


@dataclass(frozen=True)
class Answers:
    needle_phobia: bool = False
    understands_procedure: bool = True
    willing: bool = True
    acute_medical_condition: bool = False
    active_blood_infection: bool = False
    lymphedema_regions: tuple[SiteRef, ...] = ()
    implanted_device_regions: tuple[SiteRef, ...] = ()
    local_infection_regions: tuple[SiteRef, ...] = ()
    pregnancy_trimester: int | None = None
    diabetes: bool = False
    bleeding_disorder: bool = False
    anticoagulants: bool = False
    immunocompromised: bool = False
    metal_allergy: bool = False
    vascular_disease: bool = False
    epilepsy: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    kind: str  # "absolute" | "relative"
    message: str


@dataclass(frozen=True)
class Assessment:
    outcome: str
    findings: tuple[Finding, ...]
    excluded_regions: tuple[SiteRef, ...]
    excluded_muscles: tuple[str, ...]
    excluded_techniques: tuple[str, ...]
    precautions: tuple[str, ...]
    valid_until: datetime


# Absolute contraindications that rule out needling anywhere: (code, applies, message).
_GLOBAL_ABSOLUTES = (
    ("needle_phobia", lambda a: a.needle_phobia, "Needle phobia."),
    (
        "does_not_understand",
        lambda a: not a.understands_procedure,
        "The patient does not understand the treatment.",
    ),
    ("unwilling", lambda a: not a.willing, "The patient is unwilling to be needled."),
    (
        "acute_medical_condition",
        lambda a: a.acute_medical_condition,
        "Acute medical condition or emergency.",
    ),
    (
        "active_blood_infection",
        lambda a: a.active_blood_infection,
        "Blood-borne infection: no treatment until it has subsided.",
    ),
)

# Absolute contraindications over a region: (code, answer holding the regions, message).
_REGIONAL_ABSOLUTES = (
    ("lymphedema", "lymphedema_regions", "Lymphedema: infection risk; never needled there."),
    (
        "implanted_device",
        "implanted_device_regions",
        "Implanted device (e.g. pacemaker): never needled there, no electrical stimulation.",
    ),
    ("local_infection", "local_infection_regions", "Local infection: never needled there."),
)

# Relative contraindications: each becomes a precaution acknowledged at every session.
_RELATIVES = (
    ("diabetes", "Diabetes: healing and infection risk."),
    ("bleeding_disorder", "Abnormal bleeding tendency or clotting disorder."),
    ("anticoagulants", "Anticoagulant or antithrombotic drugs: bleeding risk."),
    ("immunocompromised", "Immunocompromised: infection risk."),
    ("metal_allergy", "Allergy to metal."),
    ("vascular_disease", "Vascular disease."),
    ("epilepsy", "Epilepsy."),
)


def assess(answers: Answers, performed_at: datetime) -> Assessment:
    findings: list[Finding] = []
    excluded: list[SiteRef] = []
    muscles: list[str] = []
    techniques: list[str] = []
    precautions: list[str] = []

    for code, applies, message in _GLOBAL_ABSOLUTES:
        if applies(answers):
            findings.append(Finding(code, "absolute", message))
    blocked_everywhere = bool(findings)

    for code, field, message in _REGIONAL_ABSOLUTES:
        regions = getattr(answers, field)
        if regions:
            findings.append(Finding(code, "absolute", message))
            excluded.extend(regions)
    for ref in answers.lymphedema_regions:
        excluded.extend(whole_limb(ref))
    if answers.implanted_device_regions:
        techniques.append(Technique.ELECTRICAL.value)

    trimester = answers.pregnancy_trimester
    if trimester is not None:
        findings.append(
            Finding(
                "pregnancy_regions",
                "absolute",
                "Pregnancy: no needling in or around the abdomen, lower back or pelvis, "
                "nor of the iliopsoas.",
            )
        )
        excluded.extend(
            SiteRef(region.value, ExclusionSide.ANY.value) for region in PREGNANCY_REGIONS
        )
        muscles.extend(PREGNANCY_MUSCLES)
        if trimester in (1, 3):
            findings.append(Finding("pregnancy", "relative", f"Pregnancy, trimester {trimester}."))
            precautions.append("pregnancy")

    for code, message in _RELATIVES:
        if getattr(answers, code):
            findings.append(Finding(code, "relative", message))
            precautions.append(code)

    if blocked_everywhere:
        outcome = Outcome.NOT_CLEARED
    elif precautions or excluded or muscles or techniques:
        outcome = Outcome.CLEARED_WITH_PRECAUTIONS
    else:
        outcome = Outcome.CLEARED
    return Assessment(
        outcome=outcome,
        findings=tuple(findings),
        excluded_regions=tuple(dict.fromkeys(excluded)),  # deduplicated, first order kept
        excluded_muscles=tuple(muscles),
        excluded_techniques=tuple(techniques),
        precautions=tuple(precautions),
        valid_until=performed_at + (PREGNANCY_VALIDITY if trimester else VALIDITY),
    )


def whole_limb(ref: SiteRef) -> tuple[SiteRef, ...]:
    """Every region of the limb `ref` lies in, on its side; a region outside a limb alone."""
    for limb in LIMBS:
        if ref.region in limb:
            return tuple(SiteRef(region.value, ref.side) for region in Region if region in limb)
    return (ref,)


def is_minor(date_of_birth: date, on: date) -> bool:
    """Is someone born on `date_of_birth` under 18 on `on`? (Born on 29 February: 1 March.)"""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years < ADULT_AGE


class Person(Protocol):
    """Whose age the guardian rule counts (a Patient row has it)."""

    date_of_birth: date | None
    timezone: str  # where the patient lives: their age is counted on their own calendar


def screening_day(patient: Person, performed_at: datetime) -> date:
    """The day of a screening on the patient's own calendar: the day their age is taken on."""
    return performed_at.astimezone(ZoneInfo(patient.timezone)).date()


def guardian_missing(
    patient: Person, performed_at: datetime, guardian_name: str, guardian_consent: bool
) -> bool:
    """Is a patient under 18 on the screening date screened without a parent or legal guardian
    named and consenting (domain.md)? Asked when a screening is recorded and of the screening
    ruling each session, since a date of birth corrected later can make the patient a minor on
    that day. Without a date of birth (registered before it was required) nothing is known of
    the age: the screening service asks for it at the next screening."""
    if patient.date_of_birth is None:
        return False
    minor = is_minor(patient.date_of_birth, screening_day(patient, performed_at))
    return minor and not (guardian_name.strip() and guardian_consent)


def site_is_excluded(exclusions: Iterable[SiteRef], region: str, side: str) -> bool:
    """Does an exclusion cover a site of `region` on `side` (left/right/bilateral/midline)?

    An exclusion of either side covers a bilateral or midline site, which touches both.
    """
    for exclusion in exclusions:
        if exclusion.region != region:
            continue
        if exclusion.side == ExclusionSide.ANY or side not in ("left", "right"):
            return True
        if exclusion.side == side:
            return True
    return False


class Standing(Protocol):
    """What says whether a screening still lets needling go ahead (a Screening row has it)."""

    valid_until: datetime
    outcome: str
    performed_at: datetime
    guardian_name: str
    guardian_consent: bool


def expired(screening: Standing, at: datetime) -> bool:
    """A screening is valid through `valid_until` (rules.assess sets it); after it, screen again."""
    return screening.valid_until < at


def screening_hold_up(screening: Standing, at: datetime, patient: Person) -> str | None:
    """Why the screening ruling at `at` (screening.models.ruling_screening) stops needling
    `patient` then, as the refusal's code, or None: it has expired, it lacks the consent of the
    guardian of a patient under 18 that day (guardian_missing), or it did not clear the patient.
    A screening that stands still closes sites and asks for precautions."""
    if expired(screening, at):
        return "screening_expired"
    if guardian_missing(
        patient, screening.performed_at, screening.guardian_name, screening.guardian_consent
    ):
        return "guardian_consent_required"
    if screening.outcome == Outcome.NOT_CLEARED:
        return "not_cleared"
    return None


class Exclusions(Protocol):
    """What a screening closes (a Screening row has all of it)."""

    excluded_regions: list[dict[str, str]]  # [{"region", "side"}]
    excluded_muscles: list[str]  # muscle codes, closed on every side (iliopsoas in pregnancy)
    excluded_techniques: list[str]


@dataclass(frozen=True)
class SiteRefusal:
    """Why a screening closes a planned site: the error code, and what it excludes in words."""

    code: str
    excluded: str


def site_refusal(
    screening: Exclusions, muscle: str, side: str, technique: str
) -> SiteRefusal | None:
    """The screening's exclusions against one planned site, in the order needling is checked:
    a muscle closed by name (whatever its region), its region on that side, the technique."""
    if muscle in screening.excluded_muscles:
        return SiteRefusal("region_excluded", f"the muscle {muscle.replace('_', ' ')}")
    region = muscle_by_code[muscle].region
    if site_is_excluded([SiteRef(**ref) for ref in screening.excluded_regions], region, side):
        return SiteRefusal("region_excluded", f"the {region.replace('_', ' ')} ({side})")
    if technique in screening.excluded_techniques:
        return SiteRefusal("technique_excluded", f"the {technique} technique")
    return None


def missing_precautions(required: Iterable[str], acknowledged: Iterable[str]) -> list[str]:
    return sorted(set(required) - set(acknowledged))
