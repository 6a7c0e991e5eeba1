"""domain.md's screening table, row by row, as the specification of `assess`."""

from datetime import UTC, date, datetime, timedelta

import pytest

from screening.rules import (
    Answers,
    SiteRef,
    assess,
    is_minor,
    missing_precautions,
    site_is_excluded,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LEFT_NECK = SiteRef("neck", "left")
PREGNANT_BACK = (
    SiteRef("abdomen", "any"),
    SiteRef("lumbar", "any"),
    SiteRef("pelvis_gluteal", "any"),
)


# answer → (finding code, finding kind, outcome, excluded regions, excluded techniques, precautions)
TABLE = [
    ({}, None, None, "cleared", (), (), ()),
    ({"needle_phobia": True}, "needle_phobia", "absolute", "not_cleared", (), (), ()),
    (
        {"understands_procedure": False},
        "does_not_understand",
        "absolute",
        "not_cleared",
        (),
        (),
        (),
    ),
    ({"willing": False}, "unwilling", "absolute", "not_cleared", (), (), ()),
    (
        {"acute_medical_condition": True},
        "acute_medical_condition",
        "absolute",
        "not_cleared",
        (),
        (),
        (),
    ),
    (
        {"active_blood_infection": True},
        "active_blood_infection",
        "absolute",
        "not_cleared",
        (),
        (),
        (),
    ),
    (
        {"lymphedema_regions": (LEFT_NECK,)},
        "lymphedema",
        "absolute",
        "cleared_with_precautions",
        (LEFT_NECK,),
        (),
        (),
    ),
    (
        {"implanted_device_regions": (SiteRef("thorax", "left"),)},
        "implanted_device",
        "absolute",
        "cleared_with_precautions",
        (SiteRef("thorax", "left"),),
        ("electrical",),
        (),
    ),
    (
        {"local_infection_regions": (SiteRef("knee_leg", "any"),)},
        "local_infection",
        "absolute",
        "cleared_with_precautions",
        (SiteRef("knee_leg", "any"),),
        (),
        (),
    ),
    (
        {"pregnancy_trimester": 1},
        "pregnancy",
        "relative",
        "cleared_with_precautions",
        PREGNANT_BACK,
        (),
        ("pregnancy",),
    ),
    (
        {"pregnancy_trimester": 2},
        "pregnancy_regions",
        "absolute",
        "cleared_with_precautions",
        PREGNANT_BACK,
        (),
        (),
    ),
    (
        {"pregnancy_trimester": 3},
        "pregnancy",
        "relative",
        "cleared_with_precautions",
        PREGNANT_BACK,
        (),
        ("pregnancy",),
    ),
    *[
        ({answer: True}, answer, "relative", "cleared_with_precautions", (), (), (answer,))
        for answer in (
            "diabetes",
            "bleeding_disorder",
            "anticoagulants",
            "immunocompromised",
            "metal_allergy",
            "vascular_disease",
            "epilepsy",
        )
    ],
]


@pytest.mark.parametrize(
    "answers, code, kind, outcome, regions, techniques, precautions",
    TABLE,
    ids=[next(iter(row[0]), "nothing") for row in TABLE],
)
def test_each_row_of_the_table(answers, code, kind, outcome, regions, techniques, precautions):
    assessment = assess(Answers(**answers), NOW)
    assert assessment.outcome == outcome
    if code:
        assert (code, kind) in {(f.code, f.kind) for f in assessment.findings}
    else:
        assert assessment.findings == ()
    assert assessment.excluded_regions == regions
    assert assessment.excluded_techniques == techniques
    assert assessment.precautions == precautions


def test_a_screening_is_valid_for_exactly_90_days():
    assert assess(Answers(), NOW).valid_until == NOW + timedelta(days=90)


def test_every_finding_explains_itself():
    everything = Answers(
        needle_phobia=True, lymphedema_regions=(LEFT_NECK,), pregnancy_trimester=1, diabetes=True
    )
    assert all(finding.message for finding in assess(everything, NOW).findings)


def test_an_absolute_contraindication_outweighs_precautions():
    assessment = assess(Answers(needle_phobia=True, diabetes=True), NOW)
    assert assessment.outcome == "not_cleared"
    assert assessment.precautions == ("diabetes",)


def test_third_trimester_with_anticoagulants_and_a_device_over_the_chest():
    assessment = assess(
        Answers(
            pregnancy_trimester=3,
            anticoagulants=True,
            implanted_device_regions=(SiteRef("thorax", "left"),),
        ),
        NOW,
    )
    assert assessment.outcome == "cleared_with_precautions"
    assert assessment.precautions == ("pregnancy", "anticoagulants")
    assert assessment.excluded_techniques == ("electrical",)
    assert set(assessment.excluded_regions) == {SiteRef("thorax", "left"), *PREGNANT_BACK}


def test_a_region_named_twice_is_excluded_once():
    assessment = assess(
        Answers(lymphedema_regions=(LEFT_NECK,), local_infection_regions=(LEFT_NECK,)), NOW
    )
    assert assessment.excluded_regions == (LEFT_NECK,)


# (side of the exclusion, side of the site, blocked?)
SIDES = [
    ("any", "left", True),
    ("any", "right", True),
    ("any", "bilateral", True),
    ("any", "midline", True),
    ("left", "left", True),
    ("left", "right", False),
    ("left", "bilateral", True),
    ("left", "midline", True),
    ("right", "left", False),
    ("right", "right", True),
    ("right", "bilateral", True),
    ("right", "midline", True),
]


@pytest.mark.parametrize("excluded, site, blocked", SIDES)
def test_side_semantics(excluded, site, blocked):
    assert site_is_excluded([SiteRef("neck", excluded)], "neck", site) is blocked


def test_an_exclusion_blocks_only_its_own_region():
    assert not site_is_excluded([SiteRef("neck", "any")], "shoulder", "left")


def test_missing_precautions_are_listed_in_order():
    assert missing_precautions(["epilepsy", "diabetes", "anticoagulants"], ["diabetes"]) == [
        "anticoagulants",
        "epilepsy",
    ]
    assert missing_precautions(["diabetes"], ["diabetes", "epilepsy"]) == []


@pytest.mark.parametrize("trimester", [1, 2, 3])
def test_pregnancy_excludes_the_iliopsoas_and_is_screened_again_after_28_days(trimester):
    assessment = assess(Answers(pregnancy_trimester=trimester), NOW)
    assert assessment.excluded_muscles == ("iliopsoas",)
    assert assessment.valid_until == NOW + timedelta(days=28)


def test_without_pregnancy_no_muscle_is_excluded_by_name():
    assert assess(Answers(diabetes=True), NOW).excluded_muscles == ()


# lymphedema named in → regions excluded (domain.md: the whole limb or quadrant on that side)
WHOLE_LIMB = [
    (
        SiteRef("forearm_hand", "left"),
        {SiteRef(r, "left") for r in ("shoulder", "upper_arm", "forearm_hand")},
    ),
    (
        SiteRef("shoulder", "any"),
        {SiteRef(r, "any") for r in ("shoulder", "upper_arm", "forearm_hand")},
    ),
    (
        SiteRef("knee_leg", "right"),
        {SiteRef(r, "right") for r in ("hip_thigh", "knee_leg", "ankle_foot")},
    ),
    (SiteRef("thorax", "left"), {SiteRef("thorax", "left")}),
    (SiteRef("neck", "right"), {SiteRef("neck", "right")}),
    (SiteRef("pelvis_gluteal", "left"), {SiteRef("pelvis_gluteal", "left")}),
]


@pytest.mark.parametrize("named, excluded", WHOLE_LIMB)
def test_lymphedema_takes_the_whole_limb_on_its_side(named, excluded):
    assert set(assess(Answers(lymphedema_regions=(named,)), NOW).excluded_regions) == excluded


def test_lymphedema_of_the_arm_and_chest_takes_the_upper_quadrant():
    named = (SiteRef("upper_arm", "right"), SiteRef("thorax", "right"))
    assert set(assess(Answers(lymphedema_regions=named), NOW).excluded_regions) == {
        SiteRef(r, "right") for r in ("shoulder", "upper_arm", "forearm_hand", "thorax")
    }


def test_other_regional_findings_exclude_only_what_is_named():
    infected = SiteRef("forearm_hand", "left")
    assert assess(Answers(local_infection_regions=(infected,)), NOW).excluded_regions == (infected,)


# (date of birth, screening date, under 18?)
AGES = [
    (date(2008, 11, 30), date(2026, 11, 29), True),  # the day before the 18th birthday
    (date(2008, 11, 30), date(2026, 11, 30), False),  # the 18th birthday
    (date(2008, 2, 29), date(2026, 2, 28), True),  # born on 29 February: adult on 1 March
    (date(2008, 2, 29), date(2026, 3, 1), False),
    (date(2020, 6, 1), date(2026, 11, 30), True),
    (date(1950, 1, 1), date(2026, 11, 30), False),
]


@pytest.mark.parametrize("born, on, minor", AGES)
def test_under_18_on_the_screening_date(born, on, minor):
    assert is_minor(born, on) is minor
