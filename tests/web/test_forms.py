"""The staff app's forms call the same services as the API: what the services refuse is shown
next to the field it concerns, and nothing is saved."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from clinic.holds import place_on_hold
from clinic.models import Patient
from screening.models import Screening
from screening.services import record_screening
from sessions.models import NeedlingSession, SideEffect
from sessions.models.records import MOST_NEEDLES
from sessions.records.services import log_session
from tests import bodies
from tests.bodies import site, stimulation, typed

pytestmark = pytest.mark.django_db


def finished_session(**fields) -> dict:
    """A session begun 40 minutes ago and ended 5 minutes ago, its two needles counted out."""
    now = timezone.now()
    ended = typed(now - timedelta(minutes=5))
    return bodies.session_form(
        now - timedelta(minutes=40), **{"ended_at": ended, "needles_removed": 2, **fields}
    )


def test_the_screening_preview_shows_the_outcome_before_anything_is_saved(signed_in, patient):
    response = signed_in.post(
        f"/patients/{patient.pk}/screening/preview/",
        {
            "consent_given": "on",
            "understands_procedure": "on",
            "willing": "on",
            "implanted_device_regions": ["thorax:left"],
            "epilepsy": "on",
        },
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "Cleared with precautions" in page
    assert "Do not needle: Thorax (left)" in page
    assert "Techniques excluded: electrical" in page
    assert "Precautions: epilepsy" in page
    assert not Screening.objects.exists()


def test_a_screening_without_consent_is_refused_by_the_consent_box(signed_in, patient):
    response = signed_in.post(
        f"/patients/{patient.pk}/screening/", {"understands_procedure": "on", "willing": "on"}
    )
    page = response.content.decode()
    assert "The patient has not consented to dry needling" in page
    assert page.index("consents to dry needling") < page.index("has not consented")
    assert not Screening.objects.exists()


def test_a_screening_is_saved_and_shown_on_the_card(signed_in, patient):
    response = signed_in.post(
        f"/patients/{patient.pk}/screening/",
        {
            "consent_given": "on",
            "understands_procedure": "on",
            "willing": "on",
            "needle_phobia": "on",
        },
        follow=True,
    )
    assert "Not cleared" in response.content.decode()
    assert Screening.objects.get().outcome == "not_cleared"


CLEARED = {"consent_given": "on", "understands_procedure": "on", "willing": "on"}


def test_a_paper_screening_is_dated_when_it_was_done(signed_in, patient):
    done = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)
    signed_in.post(f"/patients/{patient.pk}/screening/", CLEARED | {"performed_at": typed(done)})
    assert Screening.objects.get().performed_at == done


@pytest.mark.parametrize(
    ("days_ago", "refusal"),
    [(8, "more than 7 days ago: too late to enter"), (-1, "It is in the future")],
)
def test_a_screening_dated_outside_the_entry_window_is_refused_by_its_date(
    signed_in, patient, days_ago, refusal
):
    done = timezone.now() - timedelta(days=days_ago)
    response = signed_in.post(
        f"/patients/{patient.pk}/screening/", CLEARED | {"performed_at": typed(done)}
    )
    page = response.content.decode()
    assert refusal in page
    assert page.index("Screened at") < page.index(refusal) < page.index("consents to dry")
    assert not Screening.objects.exists()


def test_a_minor_is_screened_only_with_a_named_guardian_who_consents(
    signed_in, clinic, make_patient
):
    child = make_patient(clinic, date_of_birth=timezone.localdate() - timedelta(days=365 * 12))
    refused = signed_in.post(f"/patients/{child.pk}/screening/", CLEARED).content.decode()
    assert "name the parent or guardian" in refused
    assert refused.index("guardian consents") < refused.index("name the parent or guardian")
    assert not Screening.objects.exists()

    guardian = {"guardian_name": "Grace Hopper", "guardian_consent": "on"}
    signed_in.post(f"/patients/{child.pk}/screening/", CLEARED | guardian)
    screening = Screening.objects.get()
    assert (screening.guardian_name, screening.guardian_consent) == ("Grace Hopper", True)


def test_a_patient_without_a_date_of_birth_is_not_screened_and_told_why(signed_in, patient):
    Patient.objects.filter(pk=patient.pk).update(date_of_birth=None)  # recorded before required
    response = signed_in.post(f"/patients/{patient.pk}/screening/", CLEARED)
    assert "date of birth" in response.content.decode()
    assert not Screening.objects.exists()


def test_an_unacknowledged_precaution_is_shown_by_the_boxes_and_the_input_kept(
    signed_in, patient, screen
):
    screen(patient, diabetes=True)
    response = signed_in.post(
        f"/patients/{patient.pk}/session/", finished_session(pain_before="6", notes="Calf")
    )
    page = response.content.decode()
    assert "Acknowledge these precautions of the screening: diabetes" in page
    assert 'value="Gastrocnemius"' in page and 'value="6"' in page and "Calf" in page
    assert not NeedlingSession.objects.exists()


def test_a_session_entered_late_shows_the_screening_ruling_when_it_started(
    signed_in, patient, screen, therapist
):
    """Screened three days ago with diabetes and a left-sided infection over the chest, and an
    hour ago with neither: the session of two days ago is checked against the first, so the
    form asks for its precaution and shades its exclusion, and can then be saved."""
    screen(patient, diabetes=True, local_infection_regions=[{"region": "thorax", "side": "left"}])
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers={},
        performed_at=timezone.now() - timedelta(hours=1),
    )
    started = timezone.now() - timedelta(days=2)
    form = bodies.session_form(started, ended_at=typed(started + timedelta(minutes=30)))

    page = signed_in.post(f"/patients/{patient.pk}/session/", form).content.decode()
    assert "Acknowledge these precautions of the screening: diabetes" in page
    assert 'value="diabetes"' in page  # the box to tick
    assert "Thorax, front, excluded by the screening (left)" in page

    signed_in.post(
        f"/patients/{patient.pk}/session/", {**form, "precautions_acknowledged": "diabetes"}
    )
    assert NeedlingSession.objects.get().precautions_acknowledged == ["diabetes"]


def test_a_rule_the_table_does_not_name_is_shown_at_the_top_of_the_form(signed_in, patient):
    response = signed_in.post(f"/patients/{patient.pk}/session/", finished_session())
    assert 'id="form-error"' in response.content.decode()
    assert "The patient has no screening before this session." in response.content.decode()


def test_a_session_is_saved_and_signed_in_one_step(signed_in, patient, screen):
    screen(patient)
    form = finished_session(sign="", heat_advised="on")
    response = signed_in.post(f"/patients/{patient.pk}/session/", form, follow=True)
    assert "Signed by Nora Quinn" in response.content.decode()
    session = NeedlingSession.objects.get()
    assert (session.status, session.heat_advised) == ("signed", True)


def test_a_session_that_cannot_be_signed_is_not_saved_either(signed_in, patient, screen):
    screen(patient)
    response = signed_in.post(
        f"/patients/{patient.pk}/session/", finished_session(ended_at="", sign="")
    )
    assert "Record when the session ended before signing it." in response.content.decode()
    assert not NeedlingSession.objects.exists()


def test_a_session_without_a_site_is_refused_not_saved(signed_in, patient, screen):
    screen(patient)
    form = finished_session(**{"sites-TOTAL_FORMS": 0})
    response = signed_in.post(f"/patients/{patient.pk}/session/", form)
    assert "Record at least 1 needle site." in response.content.decode()
    assert not NeedlingSession.objects.exists()


def test_a_site_row_added_and_left_blank_is_asked_for_by_its_fields_not_skipped(
    signed_in, patient, screen
):
    screen(patient)
    blank_row = {  # as "Add site" adds it: the technique, depth and needles it starts with
        "sites-TOTAL_FORMS": 2,
        "sites-1-technique": "trigger_point",
        "sites-1-depth": "deep",
        "sites-1-needle_count": "1",
    }
    response = signed_in.post(f"/patients/{patient.pk}/session/", finished_session(**blank_row))
    page = response.content.decode()
    assert page.index('for="id_sites-1-muscle"') < page.index(
        "Choose a muscle from the list, or remove this site."
    )
    assert "Choose a side." in page
    assert not NeedlingSession.objects.exists()
    check = signed_in.post(
        f"/patients/{patient.pk}/session/check/",
        finished_session(**blank_row),
        headers={"HX-Request": "true"},
    )
    assert check.status_code == 200  # the live check reads the filled sites only


def test_a_session_of_more_sites_than_the_api_takes_is_refused_not_saved(
    signed_in, patient, screen
):
    screen(patient)
    site_fields = {
        f"sites-{n}-{name}": value
        for n in range(61)
        for name, value in (
            ("muscle", "Gastrocnemius"),
            ("side", "left"),
            ("technique", "trigger_point"),
            ("depth", "deep"),
            ("needle_count", 1),
        )
    }
    form = finished_session(**site_fields, **{"sites-TOTAL_FORMS": 61, "needles_removed": 61})
    response = signed_in.post(f"/patients/{patient.pk}/session/", form)
    assert "At most 60 needle sites in one session." in response.content.decode()
    assert not NeedlingSession.objects.exists()


def test_the_form_counts_as_many_needles_as_the_api_and_no_more(signed_in, patient, screen):
    screen(patient)
    many = finished_session(needles_removed=MOST_NEEDLES)
    assert signed_in.post(f"/patients/{patient.pk}/session/", many).status_code == 302
    too_many = finished_session(needles_removed=MOST_NEEDLES + 1)
    page = signed_in.post(f"/patients/{patient.pk}/session/", too_many).content.decode()
    assert f"Ensure this value is less than or equal to {MOST_NEEDLES}." in page


def test_a_session_that_ends_before_it_starts_is_refused_at_its_end(signed_in, patient, screen):
    screen(patient)
    started = timezone.now() - timedelta(minutes=40)
    response = signed_in.post(
        f"/patients/{patient.pk}/session/",
        finished_session(started_at=typed(started), ended_at=typed(started - timedelta(minutes=5))),
    )
    assert response.status_code == 200
    assert "Must be after started_at." in response.content.decode()
    assert not NeedlingSession.objects.exists()


# Current between the form's sites 1 and 2: 2 Hz, 250 µs, 4 mA, biphasic, 15 minutes.
ESTIM = {
    "estim-TOTAL_FORMS": 1,
    "estim-0-used": "on",
    "estim-0-first_site": 1,
    "estim-0-second_site": 2,
    "estim-0-frequency_hz": "2",
    "estim-0-pulse_width_us": 250,
    "estim-0-intensity_ma": "4",
    "estim-0-waveform": "biphasic",
    "estim-0-duration_minutes": 15,
}


def test_electrical_stimulation_joins_two_numbered_sites(signed_in, patient, screen):
    screen(patient)
    electrical = {
        "sites-1-" + k[len("sites-0-") :]: v
        for k, v in finished_session().items()
        if k.startswith("sites-0-")
    }
    data = finished_session(**electrical) | {
        "sites-TOTAL_FORMS": 2,
        "sites-0-technique": "electrical",
        "sites-1-technique": "electrical",
        "sites-1-muscle": "Soleus",
        **ESTIM,
    }
    signed_in.post(f"/patients/{patient.pk}/session/", data)
    block = NeedlingSession.objects.get().electrical.get()
    assert (block.site_a.muscle_id, block.site_b.muscle_id) == ("gastrocnemius", "soleus")


def test_copy_last_session_fills_in_its_sites_and_stimulation(
    signed_in, clinic, patient, therapist, screen
):
    screen(patient)
    log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now() - timedelta(days=2),
        sites=[
            site(technique="electrical"),
            site(muscle="soleus", side="right", technique="electrical"),
        ],
        electrical=[stimulation(duration_minutes=12)],
    )
    page = signed_in.get(f"/patients/{patient.pk}/session/?copy=last").content.decode()
    assert 'value="Gastrocnemius"' in page and 'value="Soleus"' in page
    assert 'name="estim-0-duration_minutes" value="12"' in page


def test_a_draft_of_two_pairs_saved_again_in_the_form_keeps_both(
    signed_in, clinic, patient, therapist, screen
):
    screen(patient)
    draft = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now() - timedelta(minutes=40),
        sites=[
            site(technique="electrical"),
            site(muscle="soleus", technique="electrical"),
            site(muscle="tibialis_anterior", technique="electrical"),
        ],
        electrical=[stimulation(), stimulation(1, 2, duration_minutes=12)],
    )
    path = f"/sessions/{draft.pk}/edit/"
    page = signed_in.get(path)
    form = page.context["form"]
    data = {
        name: value
        for part in (form, page.context["sites"], page.context["stimulation"])
        for name, value in _as_posted(part).items()
    }
    answer = signed_in.post(path, data | {"notes": "Calf taut bands both released."})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    pairs = draft.electrical.order_by("id")
    assert [(p.site_a.position, p.site_b.position, p.duration_minutes) for p in pairs] == [
        (0, 1, 15),
        (1, 2, 12),
    ]


def _as_posted(part) -> dict:
    """A form or formset as the page would post it, unchanged."""
    forms = getattr(part, "forms", [part])
    data = dict(part.management_form.initial) if hasattr(part, "management_form") else {}
    data = {f"{part.prefix}-{name}": value for name, value in data.items()}
    for form in forms:
        for field in form:
            value = field.value()
            if value not in (None, False):
                data[field.html_name] = "on" if value is True else value
    return data


def test_the_live_check_names_warnings_as_sites_change(signed_in, patient, screen):
    screen(patient)
    response = signed_in.post(
        f"/patients/{patient.pk}/session/check/",
        finished_session(**{"sites-0-muscle": "Scalenes", "sites-0-needle_count": 30}),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "The screening allows these sites" in page
    assert "Deep needling of scalenes (left)" in page
    assert "30 needles in one session" in page


def test_the_live_check_says_a_patient_on_hold_cannot_be_needled(signed_in, patient, screen):
    screen(patient)
    place_on_hold(patient, reason="Serious side effect reported by the therapist.")
    page = signed_in.post(f"/patients/{patient.pk}/session/check/", finished_session()).content
    assert "Not allowed: Ada Lovelace is on clinical hold" in page.decode()
    assert "The screening allows these sites" not in page.decode()


def test_the_live_check_of_a_colleagues_draft_asks_about_its_own_therapist(
    admin_in, admin, clinic, patient, therapist, screen
):
    # An administrator who does not needle goes on with a therapist's draft: the save checks
    # the draft's therapist, and so does the check shown while they type.
    screen(patient)
    admin.dn_certified_until = None
    admin.save(update_fields=["dn_certified_until"])
    draft = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now() - timedelta(minutes=40),
        sites=[site()],
    )
    page = admin_in.get(f"/sessions/{draft.pk}/edit/").content.decode()
    assert f'hx-post="/sessions/{draft.pk}/check/"' in page
    hx = {"HX-Request": "true"}
    check = admin_in.post(f"/sessions/{draft.pk}/check/", finished_session(), headers=hx)
    assert "The screening allows these sites" in check.content.decode()
    own = admin_in.post(f"/patients/{patient.pk}/session/check/", finished_session(), headers=hx)
    assert "certification does not cover" in own.content.decode()


def test_a_side_effect_is_recorded_from_the_note(signed_in, clinic, patient, therapist, screen):
    screen(patient)
    session = log_session(
        clinic=clinic, actor=therapist, patient=patient, started_at=timezone.now(), sites=[site()]
    )
    response = signed_in.post(
        f"/sessions/{session.pk}/side-effect/",
        {"kind": "bruising", "severity": "mild", "notes": "Left calf"},
        follow=True,
    )
    assert "Bruising, mild: Left calf" in response.content.decode()
    assert SideEffect.objects.get().reported_by == "therapist"


def test_a_side_effect_resolved_before_its_onset_is_refused_by_its_field(
    signed_in, clinic, patient, therapist, screen
):
    screen(patient)
    started_at = timezone.now() - timedelta(hours=2)
    session = log_session(
        clinic=clinic, actor=therapist, patient=patient, started_at=started_at, sites=[site()]
    )
    onset = timezone.now() - timedelta(hours=1)
    response = signed_in.post(
        f"/sessions/{session.pk}/side-effect/",
        {
            "kind": "bruising",
            "severity": "mild",
            "onset_at": typed(onset),
            "resolved_at": typed(onset - timedelta(hours=1)),
        },
    )
    assert response.status_code == 200  # the form again, not a server error
    assert "Must not be before onset_at." in response.content.decode()
    assert not SideEffect.objects.exists()


def test_a_superficial_site_deeper_than_10_mm_is_refused_by_its_depth(signed_in, patient, screen):
    screen(patient)
    data = finished_session(
        **{
            "sites-0-technique": "superficial",
            "sites-0-depth": "superficial",
            "sites-0-depth_mm": "15",
        }
    )
    check = signed_in.post(f"/patients/{patient.pk}/session/check/", data).content.decode()
    assert "Site 1: Depth mm: Superficial needling goes at most 10 mm deep." in check

    page = signed_in.post(f"/patients/{patient.pk}/session/", data).content.decode()
    assert "Superficial needling goes at most 10 mm deep." in page
    assert not NeedlingSession.objects.exists()


def test_a_midline_site_of_a_paired_muscle_is_refused_by_its_side(signed_in, patient, screen):
    screen(patient)
    data = finished_session(**{"sites-0-side": "midline"})
    check = signed_in.post(f"/patients/{patient.pk}/session/check/", data).content.decode()
    assert "Site 1: Side: The gastrocnemius is paired: name its side" in check

    page = signed_in.post(f"/patients/{patient.pk}/session/", data).content.decode()
    assert "The gastrocnemius is paired: name its side (left or right), or bilateral." in page
    assert not NeedlingSession.objects.exists()


def test_current_across_the_chest_is_refused_by_the_pair(signed_in, patient, screen):
    screen(patient)
    data = finished_session(
        **{
            "sites-TOTAL_FORMS": 2,
            "sites-0-muscle": "Pectoralis major",
            "sites-0-technique": "electrical",
            "sites-1-muscle": "Pectoralis major",
            "sites-1-side": "right",
            "sites-1-technique": "electrical",
            "sites-1-depth": "deep",
            "sites-1-needle_count": 1,
            **ESTIM,
        }
    )
    check = signed_in.post(f"/patients/{patient.pk}/session/check/", data).content.decode()
    assert "Electrical stimulation: Pair 1: Current must not run" in check

    page = signed_in.post(f"/patients/{patient.pk}/session/", data).content.decode()
    assert "Current must not run across the body" in page
    assert not NeedlingSession.objects.exists()


def test_a_draft_is_taken_up_again_and_corrected(signed_in, clinic, patient, therapist, screen):
    screen(patient)
    draft = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now() - timedelta(minutes=30),
        pain_before=5,
        sites=[site()],
    )
    page = signed_in.get(f"/sessions/{draft.pk}/edit/").content.decode()
    assert 'value="Gastrocnemius"' in page and 'name="pain_before" value="5"' in page

    signed_in.post(
        f"/sessions/{draft.pk}/edit/",
        finished_session(pain_before="6", **{"sites-0-muscle": "Soleus"}),
    )
    draft.refresh_from_db()
    assert draft.pain_before == 6
    assert [s.muscle_id for s in draft.sites.all()] == ["soleus"]


def test_a_week_old_draft_is_completed_without_its_times_being_judged_again(
    signed_in, clinic, patient, therapist, screen
):
    screening = screen(patient)
    draft = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now().replace(second=17) - timedelta(hours=1),
        ended_at=timezone.now() - timedelta(minutes=30),
        sites=[site()],
    )
    # Eight days on, the therapist comes back to count the needles removed.
    Screening.objects.filter(pk=screening.pk).update(
        performed_at=F("performed_at") - timedelta(days=8)
    )
    NeedlingSession.objects.filter(pk=draft.pk).update(
        started_at=F("started_at") - timedelta(days=8), ended_at=F("ended_at") - timedelta(days=8)
    )
    draft.refresh_from_db()
    on_the_clinics_clock = {
        name: typed(getattr(draft, name)) for name in ("started_at", "ended_at")
    }
    answer = signed_in.post(
        f"/sessions/{draft.pk}/edit/", finished_session(needles_removed=2, **on_the_clinics_clock)
    )
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.needles_removed == 2 and draft.started_at.second == 17  # the times as stored


def test_a_signed_session_is_not_edited(signed_in, clinic, patient, therapist, screen):
    screen(patient)
    session = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        started_at=timezone.now() - timedelta(minutes=30),
        ended_at=timezone.now(),
        sites=[site()],
        needles_removed=2,
    )
    signed_in.post(f"/sessions/{session.pk}/sign/")
    response = signed_in.post(f"/sessions/{session.pk}/edit/", finished_session(pain_before="1"))
    assert response["Location"] == f"/sessions/{session.pk}/"
    session.refresh_from_db()
    assert (session.status, session.pain_before) == ("signed", None)
