"""Logging a session: the form, its live rule check, and the save that calls the same
services as the API (`log_session`, then `sign_session` when asked)."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone

from clinic.holds import care_refusal
from clinic.models import Patient, Staff
from core.errors import RuleViolation
from core.forms import show_invalid
from outcomes.selectors import baseline_activities
from outcomes.services import record_ratings_at_session
from screening.models import ruling_screening
from screening.rules import PlannedSite
from screening.services import check_needling
from sessions.models import Appointment, NeedlingSession
from sessions.records.rules import SiteFacts, session_warnings
from sessions.records.services import correct_session, log_session, sign_session
from web.access import clinic_of, member, of_clinic, record_reads, staff_page
from web.errors import show_on
from web.forms import (
    MUSCLE_NAMES,
    ElectricalForm,
    RatingsForm,
    SessionForm,
    SiteForms,
    SiteFormSet,
    StimulationFormSet,
    StimulationPairs,
)
from web.submissions import once_per_submission

# The session form's three parts as first shown, and the session they were copied from.
type FirstShown = tuple[SessionForm, SiteForms, StimulationPairs, NeedlingSession | None]


def _bound(data: QueryDict) -> tuple[SessionForm, SiteForms, StimulationPairs]:
    return (
        SessionForm(data),
        SiteFormSet(data, prefix="sites"),
        StimulationFormSet(data, prefix="estim"),
    )


def _all_valid(form: SessionForm, sites: SiteForms, stimulation: StimulationPairs) -> bool:
    """Every field valid, and each electrical pair allowed on the sites as planned."""
    valid = [form.is_valid(), sites.is_valid(), stimulation.is_valid()]
    if all(valid):
        stimulation.check_pairs([site.planned() for site in sites])
    return all(valid) and stimulation.is_valid()


def _copied_from(
    session: NeedlingSession | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sites and stimulation of an earlier session, as the form's initial values: every pair
    of it (a draft saved again keeps them all)."""
    if session is None:
        return [{}], []
    sites = list(session.sites.select_related("muscle").order_by("position"))
    initial_sites = [
        {
            "muscle": site.muscle.name,
            **{
                name: getattr(site, name)
                for name in SiteFormSet.form.base_fields
                if name != "muscle"
            },
        }
        for site in sites
    ]
    stimulation = [
        {
            "used": True,
            "first_site": block.site_a.position + 1,
            "second_site": block.site_b.position + 1,
            **{
                name: getattr(block, name)
                for name in ElectricalForm.base_fields
                if name not in ("used", "first_site", "second_site")
            },
        }
        for block in session.electrical.select_related("site_a", "site_b").order_by("id")
    ]
    return initial_sites, stimulation


def _first_shown(
    fields: dict[str, Any], source: NeedlingSession | None, copied_from: NeedlingSession | None
) -> FirstShown:
    """The three parts unbound: `fields` and the sites and stimulation of `source`."""
    sites, stimulation = _copied_from(source)
    return (
        SessionForm(initial=fields),
        SiteFormSet(initial=sites, prefix="sites"),
        StimulationFormSet(initial=stimulation, prefix="estim"),
        copied_from,
    )


def _initial(patient: Patient, appointment: Appointment | None, copy: bool) -> FirstShown:
    last = None
    if copy:
        last = NeedlingSession.objects.filter(patient=patient).order_by("-started_at").first()
    moment: dict[str, object] = {"started_at": timezone.now()}
    if appointment is not None:
        moment = {"started_at": appointment.starts_at, "ended_at": appointment.ends_at}
    if last is not None:  # the same box of needles, most likely
        moment |= {"needle_lot": last.needle_lot, "needle_expiry": last.needle_expiry}
    return _first_shown(moment, last, copied_from=last)


def _form_page(
    request: HttpRequest,
    patient: Patient,
    write: Callable[..., NeedlingSession],
    initial: Callable[[], FirstShown],
    ratings: RatingsForm | None = None,
    **context: object,
) -> HttpResponse:
    """The session form: shown with `initial`, or saved through `write` (a session service
    taking the sites, the stimulation and the form's fields) with the course's `ratings` if
    asked for, and signed when asked. Its precautions and body chart are those of the
    screening the service checks the session against: the one ruling when it started."""
    section_errors: dict[str, str] = {}
    copied_from = None
    if request.method == "POST":
        form, sites, stimulation = _bound(request.POST)
    else:
        form, sites, stimulation, copied_from = initial()
    screening = ruling_screening(patient.screenings.all(), _started_at(form))
    record_reads(request, [patient, *([screening] if screening else [])])
    if request.method == "POST":
        ratings_valid = ratings is None or ratings.is_valid()
        if _all_valid(form, sites, stimulation) and ratings_valid:
            try:
                with transaction.atomic():
                    session = write(
                        sites=[site.planned() for site in sites],
                        electrical=stimulation.blocks(),
                        **form.cleaned_data,
                    )
                    if ratings is not None:
                        record_ratings_at_session(
                            session=session, recorded_by=member(request), **ratings.ratings()
                        )
                    if "sign" in request.POST:
                        sign_session(session, actor=member(request))
                return redirect("web:session", session_id=session.pk)
            except RuleViolation as error:
                section_errors = show_on(form, error, sections=("sites",))
            except ValidationError as refusal:  # a field the service refuses (e.g. the end)
                show_invalid(form, refusal)
    return render(
        request,
        "web/session_form.html",
        {
            "patient": patient,
            "screening": screening,
            "form": form,
            "sites": sites,
            "stimulation": stimulation,
            "section_errors": section_errors,
            "copied_from": copied_from,
            "muscle_names": MUSCLE_NAMES,
            "ratings": ratings,
            **context,
        },
    )


def _started_at(form: SessionForm) -> datetime:
    """When the session on the form started: as typed, when it is a valid moment; as first
    shown, before anything was typed; else now. The screening ruling then is the one the
    session service checks (check_needling), so the form asks for its precautions."""
    if form.is_bound:
        form.is_valid()  # cleans what was typed, field by field
        return form.cleaned_data.get("started_at") or timezone.now()
    return form.initial.get("started_at") or timezone.now()


@staff_page
@once_per_submission
def new_session(
    request: HttpRequest, patient_id: UUID, appointment_id: UUID | None = None
) -> HttpResponse:
    patient = of_clinic(request, Patient.objects, pk=patient_id)
    appointment = None
    if appointment_id is not None:
        appointment = of_clinic(
            request,
            Appointment.objects.select_related("course", "needling_session"),
            pk=appointment_id,
            patient=patient,
        )
        logged = getattr(appointment, "needling_session", None)
        if logged is not None:  # one session per appointment: open the one already logged
            if request.method == "POST":  # from another device: say so, and keep their words
                _not_saved(request, "A session is already logged for this appointment")
            return redirect("web:session", session_id=logged.pk)
    course = appointment.course if appointment is not None else None
    return _form_page(
        request,
        patient,
        write=partial(
            log_session,
            clinic=clinic_of(request),
            actor=member(request),
            patient=patient,
            appointment=appointment,
        ),
        initial=lambda: _initial(patient, appointment, copy="copy" in request.GET),
        # A session of a course rates its outcomes: the first one its baseline.
        ratings=RatingsForm(
            request.POST if request.method == "POST" else None,
            activities=baseline_activities(course),
        )
        if course is not None
        else None,
        appointment=appointment,
    )


def _not_saved(request: HttpRequest, why: str) -> None:
    """Tell the person whose form was not saved why, with the notes they typed, to add as an
    addendum: nothing they wrote is lost without a word."""
    notes = request.POST.get("notes", "").strip()
    kept = f" Your notes, to add as an addendum: {notes}" if notes else ""
    messages.error(request, f"{why}: what you sent was not saved.{kept}")


@staff_page
@once_per_submission
def edit_session(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """Go on with a draft; a signed session only takes addenda."""
    session = of_clinic(
        request,
        NeedlingSession.objects.select_related("patient", "appointment__course"),
        pk=session_id,
    )
    if session.is_signed:
        if request.method == "POST":  # signed meanwhile, elsewhere
            _not_saved(request, "The session was signed meanwhile")
        return redirect("web:session", session_id=session.pk)

    fields = {name: getattr(session, name) for name in SessionForm.base_fields}
    return _form_page(
        request,
        session.patient,
        write=partial(_correct, session, actor=member(request)),
        initial=lambda: _first_shown(fields, session, copied_from=None),
        appointment=session.appointment,
        draft=session,
    )


def _correct(session: NeedlingSession, *, actor: Staff, **fields: Any) -> NeedlingSession:
    """The form shows times to the minute: a time given back as shown is no change, and the
    stored one keeps its seconds (and, unchanged, is not judged again by correct_session)."""
    for name in ("started_at", "ended_at"):
        stored = getattr(session, name)
        if stored is not None and fields.get(name) == stored.replace(second=0, microsecond=0):
            del fields[name]
    return correct_session(session, actor=actor, **fields)


def _planned_sites(sites: SiteForms) -> list[dict[str, Any]]:
    """The rows complete enough to check; a row still being typed is left out."""
    return [site.planned() for site in sites if site.is_valid()]


def _typed_site_errors(sites: SiteForms) -> list[str]:
    """What is wrong with the rows typed so far; a field still empty is not yet wrong."""
    return [
        f"Site {number}: {site.fields[name].label}: {' '.join(error.messages)}"
        for number, site in enumerate(sites, start=1)
        if site["muscle"].value()
        for name, errors in site.errors.as_data().items()
        if name in site.fields
        for error in errors
        if error.code != "required"
    ]


@staff_page
def check_session(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """The live check of a new session, which the signed-in member logs as themselves."""
    patient = of_clinic(request, Patient.objects, pk=patient_id)
    return _live_check(request, patient, therapist=member(request))


@staff_page
def check_draft(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """The live check of a draft, whoever goes on with it: its own therapist is the one the
    save checks (an administrator may go on with a colleague's draft)."""
    draft = of_clinic(
        request, NeedlingSession.objects.select_related("patient", "therapist"), pk=session_id
    )
    return _live_check(request, draft.patient, therapist=draft.therapist)


def _live_check(request: HttpRequest, patient: Patient, *, therapist: Staff) -> HttpResponse:
    """The screening service and the warning rules on the form as it stands."""
    form, sites, stimulation = _bound(request.POST)
    started_at = _started_at(form)
    every_site_valid = sites.is_valid()
    planned = _planned_sites(sites)
    # A hold or the archive refuses any session, whatever its sites (read, not locked: a check).
    problem: RuleViolation | None = care_refusal(
        patient, clinical_hold=patient.clinical_hold, archived_at=patient.archived_at
    )
    if problem is None:
        try:
            check_needling(
                patient=patient,
                therapist=therapist,
                at=started_at,
                sites=[PlannedSite(s["muscle"], s["side"], s["technique"]) for s in planned],
                precautions_acknowledged=form.cleaned_data.get("precautions_acknowledged", []),
            )
        except RuleViolation as error:
            problem = error
    minutes = []
    if every_site_valid and stimulation.is_valid():  # site numbers mean the rows as typed
        minutes = [block["duration_minutes"] for block in stimulation.blocks()]
        stimulation.check_pairs(planned)
    warnings = session_warnings(
        [
            SiteFacts(s["muscle"], s["side"], s["depth"], s["needle_count"], s.get("depth_mm"))
            for s in planned
        ],
        minutes,
        form.cleaned_data.get("precautions_acknowledged", []),
    )
    return render(
        request,
        "web/_rule_check.html",
        {
            "problem": problem,
            "site_errors": _typed_site_errors(sites),
            "pair_errors": stimulation.pair_errors(),
            "warnings": warnings,
        },
    )
