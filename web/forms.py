"""The staff app's forms. They turn what was typed into the services' keyword arguments; the
rules themselves stay in the services and pure functions they call."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from aftercare.plan import HEAT_AFTER
from clinic.models import Patient, Room, Staff
from core import moments
from outcomes.rules import MOST_PSFS_ITEMS, rerated_activities_problem
from reports.window import Window
from screening.entry_window import LONGEST_LATE_ENTRY
from screening.vocabulary import (
    ExclusionSide,
    Manipulation,
    Precaution,
    Region,
    SiteSide,
    Technique,
    muscle_by_code,
)
from sessions.models import Depth, Severity, SideEffectKind, Waveform
from sessions.models.records import (
    MOST_NEEDLES,
    MOST_NEEDLES_AT_A_SITE,
    MOST_PAIRS,
    MOST_SITES,
    STIMULATION_RANGES,
)
from sessions.models.scheduling import (
    COURSE_SESSIONS,
    DEFAULT_MAX_GAP_DAYS,
    DEFAULT_MIN_GAP_DAYS,
    DEFAULT_MINUTES,
    DEFAULT_SESSIONS,
    GAP_DAYS,
    SESSION_MINUTES,
)
from sessions.records.current_path import Electrode, pair_problem
from sessions.records.rules import depth_problem, side_problem
from sessions.scheduling.services import check_appointment_times, check_course_shape, course_start
from web.selectors import found_patients

MUSCLE_BY_NAME = {muscle.name.lower(): muscle.code for muscle in muscle_by_code.values()}
MUSCLE_NAMES = sorted(muscle.name for muscle in muscle_by_code.values())


def _choices(options: type[models.Choices], blank: str = "") -> list[tuple[str, str]]:
    return ([("", blank)] if blank else []) + list(options.choices)


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value


class MomentField(forms.DateTimeField):
    """A moment typed on the clinic's clock, one the clinic works with (core.moments)."""

    widget = MomentInput
    default_validators = [moments.validate_moment]


class DayField(forms.DateField):
    """A day of the calendar, one the clinic works with (core.moments)."""

    widget = forms.DateInput(attrs={"type": "date"})
    default_validators = [moments.validate_day]


def typed_moment(typed: str, *, missing: str) -> datetime:
    """A moment typed outside a form (a calendar slot, a move), or a ValidationError saying
    why not: `missing` when nothing was typed."""
    return MomentField(error_messages={"required": missing}).clean(typed)


class SessionForm(forms.Form):
    started_at = MomentField(label="Started")
    ended_at = MomentField(label="Ended", required=False)
    pain_before = forms.IntegerField(
        label="Pain before (0-10)", min_value=0, max_value=10, required=False
    )
    pain_after = forms.IntegerField(
        label="Pain after (0-10)", min_value=0, max_value=10, required=False
    )
    precautions_acknowledged = forms.MultipleChoiceField(
        label="Precautions acknowledged",
        choices=Precaution.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    heat_advised = forms.BooleanField(
        label=f"Heat advised (from {HEAT_AFTER.seconds // 60} minutes after)", required=False
    )
    needle_lot = forms.CharField(label="Needle lot", max_length=64, required=False)
    needle_expiry = DayField(label="Needle expiry", required=False)
    needles_removed = forms.IntegerField(
        label="Needles removed",
        min_value=0,
        max_value=MOST_NEEDLES,
        required=False,
        help_text="Every needle inserted, counted out: needed to sign",
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MuscleField(forms.CharField):
    """A muscle typed by its name (the page offers the names as a datalist); its code out."""

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        code = MUSCLE_BY_NAME.get(value.strip().lower()) or (
            value if value in muscle_by_code else None
        )
        if code is None:
            raise forms.ValidationError("Choose a muscle from the list.")
        return code


class SiteForm(forms.Form):
    muscle = MuscleField(
        label="Muscle",
        widget=forms.TextInput(attrs={"list": "muscles", "autocomplete": "off"}),
        error_messages={"required": "Choose a muscle from the list, or remove this site."},
    )
    side = forms.ChoiceField(
        label="Side",
        choices=_choices(SiteSide, "—"),
        error_messages={"required": "Choose a side."},
    )
    technique = forms.ChoiceField(
        label="Technique", choices=Technique.choices, initial=Technique.TRIGGER_POINT
    )
    manipulation = forms.ChoiceField(
        label="Manipulation", choices=_choices(Manipulation, "—"), required=False
    )
    depth = forms.ChoiceField(label="Depth", choices=Depth.choices, initial=Depth.DEEP)
    depth_mm = forms.DecimalField(
        label="Depth mm", min_value=Decimal("0.1"), max_value=200, decimal_places=1, required=False
    )
    needle_length_mm = forms.DecimalField(
        label="Needle length mm", min_value=1, max_value=200, decimal_places=1, required=False
    )
    needle_gauge_mm = forms.DecimalField(
        label="Gauge mm", min_value=Decimal("0.05"), max_value=2, decimal_places=2, required=False
    )
    needle_count = forms.IntegerField(
        label="Needles", min_value=1, max_value=MOST_NEEDLES_AT_A_SITE, initial=1
    )
    twitch_response = forms.BooleanField(label="Twitch", required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("muscle") and data.get("side"):  # a muscle and a side of the lists
            side = side_problem(data["muscle"], data["side"])
            if side:
                self.add_error("side", side)
        problem = depth_problem(data.get("depth", ""), data.get("depth_mm"))
        if problem:
            self.add_error("depth_mm", problem)
        return data

    def planned(self) -> dict[str, Any]:
        """The site as the session services take it."""
        return {name: value for name, value in self.cleaned_data.items() if name != "DELETE"}


class NeedleSites(forms.BaseFormSet):
    """A session's sites, said in the clinic's words rather than Django's "forms"."""

    default_error_messages = {
        "too_few_forms": "Record at least %(num)d needle site.",
        "too_many_forms": "At most %(num)d needle sites in one session.",
    }

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Django lets a row added beyond the first go by unfilled, as if it were not there. A
        # site is numbered by its row (electrical stimulation names sites by number), so a
        # blank row is asked to be filled or removed, never skipped.
        return {**super().get_form_kwargs(index), "empty_permitted": False}


SiteFormSet = forms.formset_factory(
    SiteForm,
    formset=NeedleSites,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MOST_SITES,
    validate_max=True,
)
type SiteForms = forms.BaseFormSet[SiteForm]  # a bound SiteFormSet, as the checker names it


def _stimulation_field(name: str, label: str, decimals: int | None = None) -> forms.Field:
    low, high = STIMULATION_RANGES[name]
    if decimals is None:
        # The integer fields' ranges are whole numbers; the checker types the table as floats.
        return forms.IntegerField(
            label=label, min_value=int(low), max_value=int(high), required=False
        )
    return forms.DecimalField(
        label=label,
        min_value=Decimal(str(low)),
        max_value=Decimal(str(high)),
        decimal_places=decimals,
        required=False,
    )


class ElectricalForm(forms.Form):
    """One pair of electrical sites, named by their numbers on the page."""

    used = forms.BooleanField(label="Electrical stimulation", required=False)
    first_site = forms.IntegerField(label="Between site", min_value=1, required=False)
    second_site = forms.IntegerField(label="and site", min_value=1, required=False)
    frequency_hz = _stimulation_field("frequency_hz", "Frequency Hz", 1)
    pulse_width_us = _stimulation_field("pulse_width_us", "Pulse width µs")
    intensity_ma = _stimulation_field("intensity_ma", "Intensity mA", 1)
    waveform = forms.ChoiceField(label="Waveform", choices=_choices(Waveform, "—"), required=False)
    duration_minutes = _stimulation_field("duration_minutes", "Minutes")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("used"):
            for name, field in self.fields.items():
                if name != "used" and data.get(name) in (None, ""):
                    self.add_error(name, f"{field.label}: required with electrical stimulation.")
        return data

    def check_pair(self, sites: list[dict[str, Any]]) -> None:
        """The pair's rule, on the sites as planned; its refusal goes by the site numbers."""
        electrodes = [Electrode(site["muscle"], site["side"], site["technique"]) for site in sites]
        for block in self.blocks():
            problem = pair_problem(electrodes, *block["site_indexes"])
            if problem:
                self.add_error("first_site", problem)

    def blocks(self) -> list[dict[str, Any]]:
        """The stimulation as the session services take it (sites counted from 0)."""
        data = self.cleaned_data
        if not data.get("used"):
            return []
        pair = [data["first_site"] - 1, data["second_site"] - 1]
        return [
            {"site_indexes": pair}
            | {
                name: data[name]
                for name in self.fields
                if name not in ("used", "first_site", "second_site")
            }
        ]


class StimulationPairs(forms.BaseFormSet):
    """A session's electrical stimulation, pair by pair, each shown with its own box: every
    pair of the record is shown, and one more row to add a pair; a row left unticked is none."""

    default_error_messages = {
        "too_many_forms": "At most %(num)d electrical stimulation pairs in one session.",
    }

    def check_pairs(self, sites: list[dict[str, Any]]) -> None:
        for pair in self.forms:
            pair.check_pair(sites)

    def blocks(self) -> list[dict[str, Any]]:
        return [block for pair in self.forms for block in pair.blocks()]

    def pair_errors(self) -> list[str]:
        """What the current-path rule refused, pair by pair (the live check says so)."""
        return [
            f"Pair {number}: {error}"
            for number, pair in enumerate(self.forms, start=1)
            for error in pair.errors.get("first_site", [])
        ]


# formset_factory returns a subclass of `formset`; its stubs say only "some BaseFormSet".
StimulationFormSet = cast(
    type[StimulationPairs],
    forms.formset_factory(
        ElectricalForm, formset=StimulationPairs, extra=1, max_num=MOST_PAIRS, validate_max=True
    ),
)


class RatingsForm(forms.Form):
    """NPRS and PSFS at a session of a course (`outcomes.services.record_ratings_at_session`).
    The course's first PSFS names its activities (up to five, as the patient names them); every
    later one re-rates the same activities."""

    nprs = forms.IntegerField(
        label="NPRS: pain now (0-10)", min_value=0, max_value=10, required=False
    )

    def __init__(self, data: Any = None, *, activities: list[str]) -> None:
        super().__init__(data, prefix="rating")
        self.activities = activities
        for index in range(len(activities) or MOST_PSFS_ITEMS):
            if activities:
                label = f"PSFS: {activities[index]} (0-10)"
            else:  # the baseline: the patient names the activities
                self.fields[f"activity_{index}"] = forms.CharField(
                    label=f"PSFS activity {index + 1}", max_length=200, required=False
                )
                label = f"Activity {index + 1}, how well now (0-10)"
            self.fields[f"score_{index}"] = forms.IntegerField(
                label=label, min_value=0, max_value=10, required=False
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.activities:  # a re-rating compares like with like: every activity, or none
            rated = self.psfs_items()
            if rated and (problem := rerated_activities_problem(self.activities, rated)):
                self.add_error(None, problem)
            return self.cleaned_data
        for index, activity in enumerate(self._named()):
            score = self.cleaned_data.get(f"score_{index}")
            if activity and score is None:
                self.add_error(f"score_{index}", "Rate the activity, 0 to 10.")
            elif score is not None and not activity:
                self.add_error(f"activity_{index}", "Name the activity this rates.")
        return self.cleaned_data

    def _named(self) -> list[str]:
        if self.activities:
            return self.activities
        return [
            (self.cleaned_data.get(f"activity_{index}") or "").strip()
            for index in range(MOST_PSFS_ITEMS)
        ]

    def psfs_items(self) -> list[dict[str, Any]]:
        rated = [
            (activity, self.cleaned_data.get(f"score_{index}"))
            for index, activity in enumerate(self._named())
        ]
        return [
            {"activity": activity, "score": score}
            for activity, score in rated
            if activity and score is not None
        ]

    def ratings(self) -> dict[str, Any]:
        """The service's arguments: the pain score, and the activities rated."""
        return {"nprs": self.cleaned_data.get("nprs"), "psfs": self.psfs_items()}


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SideEffectForm(forms.Form):
    kind = forms.ChoiceField(label="What happened", choices=SideEffectKind.choices)
    severity = forms.ChoiceField(label="Severity", choices=Severity.choices)
    onset_at = MomentField(label="Onset", required=False)
    resolved_at = MomentField(label="Resolved", required=False)
    notes = forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


REGION_SIDES = [
    (f"{region}:{side}", f"{region_label} ({side_label.lower()})")
    for region, region_label in Region.choices
    for side, side_label in ExclusionSide.choices
]


class RegionsField(forms.MultipleChoiceField):
    def __init__(self, label: str):
        super().__init__(
            label=label,
            choices=REGION_SIDES,
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 4}),
        )

    def clean(self, value: Any) -> list[dict[str, str]]:
        return [
            dict(zip(("region", "side"), ref.split(":"), strict=True))
            for ref in super().clean(value)
        ]


class ScreeningForm(forms.Form):
    """The screening checklist: the answers of the contract, in a clinician's order, after
    when it was done (a paper screening is entered later) and who consented."""

    performed_at = MomentField(
        label="Screened at (blank: now)",
        required=False,
        help_text=f"A paper screening may be entered up to {LONGEST_LATE_ENTRY.days} days later.",
    )
    consent_given = forms.BooleanField(label="The patient consents to dry needling", required=False)
    guardian_name = forms.CharField(
        label="Parent or guardian (under 18s)", max_length=200, required=False
    )
    guardian_consent = forms.BooleanField(label="The parent or guardian consents", required=False)
    understands_procedure = forms.BooleanField(
        label="Understands the procedure", required=False, initial=True
    )
    willing = forms.BooleanField(label="Willing to be needled", required=False, initial=True)
    needle_phobia = forms.BooleanField(label="Needle phobia", required=False)
    acute_medical_condition = forms.BooleanField(
        label="Acute medical condition or emergency", required=False
    )
    active_blood_infection = forms.BooleanField(
        label="Active blood-borne infection", required=False
    )
    lymphedema_regions = RegionsField("Lymphedema in")
    implanted_device_regions = RegionsField("Implanted device (e.g. pacemaker) in")
    local_infection_regions = RegionsField("Local infection in")
    pregnancy_trimester = forms.TypedChoiceField(
        label="Pregnancy",
        choices=[
            ("", "Not pregnant"),
            ("1", "First trimester"),
            ("2", "Second trimester"),
            ("3", "Third trimester"),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    diabetes = forms.BooleanField(label="Diabetes", required=False)
    bleeding_disorder = forms.BooleanField(label="Bleeding disorder", required=False)
    anticoagulants = forms.BooleanField(label="Takes anticoagulants", required=False)
    immunocompromised = forms.BooleanField(label="Immunocompromised", required=False)
    metal_allergy = forms.BooleanField(label="Metal allergy", required=False)
    vascular_disease = forms.BooleanField(label="Vascular disease", required=False)
    epilepsy = forms.BooleanField(label="Epilepsy", required=False)

    # Fields about the screening itself; every other field is an answer of the checklist.
    ABOUT_THE_SCREENING = ("performed_at", "consent_given", "guardian_name", "guardian_consent")

    def answers(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.ABOUT_THE_SCREENING
        }

    def about_the_screening(self) -> dict[str, Any]:
        """When it was done and who consented, as `record_screening` takes them."""
        return {name: self.cleaned_data[name] for name in self.ABOUT_THE_SCREENING}


class PersonChoice(forms.ModelChoiceField):
    """People and rooms by name, never by id."""

    def label_from_instance(self, obj: models.Model) -> str:
        return str(obj)


class WhoAndWhen(forms.Form):
    """Patient, therapist, room and time, chosen among the clinic's (its active therapists)."""

    patient = PersonChoice(label="Patient", queryset=None, widget=forms.RadioSelect)
    therapist = PersonChoice(label="Therapist", queryset=None)
    starts_at = MomentField(label="Starts")
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=SESSION_MINUTES.start,
        max_value=SESSION_MINUTES[-1],
        initial=DEFAULT_MINUTES,
    )
    room = PersonChoice(label="Room", queryset=None, required=False, empty_label="No room")

    def __init__(self, *args: Any, clinic_id: UUID, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        therapists = Staff.objects.filter(clinic_id=clinic_id, is_active=True)
        self._choice("therapist").queryset = therapists.order_by("full_name", "username")
        self.patients = Patient.objects.filter(clinic_id=clinic_id)
        self._choice("patient").queryset = self.patients
        self._choice("room").queryset = Room.objects.filter(clinic_id=clinic_id).order_by("name")

    def _choice(self, name: str) -> PersonChoice:
        # `fields` holds this form's copies of the PersonChoice fields above, typed as Fields.
        return cast(PersonChoice, self.fields[name])

    def found(self, search: str, most: int = 20) -> list[Patient]:
        return found_patients(self.patients, search, most)


class BookingForm(WhoAndWhen):
    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts_at") and data.get("minutes"):
            ends_at = data["starts_at"] + timedelta(minutes=data["minutes"])
            try:
                check_appointment_times(data["starts_at"], ends_at, timezone.now())
            except ValidationError as refusal:
                for field, messages in refusal.message_dict.items():
                    self.add_error("starts_at" if field == "starts_at" else "minutes", messages)
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=500, required=False)


class CourseForm(WhoAndWhen):
    """A course: who, why, how many sessions how far apart; the service finds the dates."""

    indication = forms.CharField(label="Indication", max_length=500)
    planned_sessions = forms.IntegerField(
        label="Sessions",
        min_value=COURSE_SESSIONS.start,
        max_value=COURSE_SESSIONS[-1],
        initial=DEFAULT_SESSIONS,
    )
    min_gap_days = forms.IntegerField(
        label="At least days apart",
        min_value=GAP_DAYS.start,
        max_value=GAP_DAYS[-1],
        initial=DEFAULT_MIN_GAP_DAYS,
    )
    max_gap_days = forms.IntegerField(
        label="At most days apart",
        min_value=GAP_DAYS.start,
        max_value=GAP_DAYS[-1],
        initial=DEFAULT_MAX_GAP_DAYS,
    )

    field_order = ["patient", "therapist", "indication", "planned_sessions", "minutes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].label = "Earliest start"
        self.fields["minutes"].label = "Minutes each"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        shape = ("planned_sessions", "minutes", "min_gap_days", "max_gap_days")
        if all(data.get(name) is not None for name in shape):  # each valid: now as a whole
            try:
                check_course_shape(
                    planned_sessions=data["planned_sessions"],
                    session_minutes=data["minutes"],
                    min_gap_days=data["min_gap_days"],
                    max_gap_days=data["max_gap_days"],
                )
            except ValidationError as refusal:
                for field, messages in refusal.message_dict.items():
                    self.add_error("minutes" if field == "session_minutes" else field, messages)
        return data

    def course(self) -> dict[str, Any]:
        """The course as the scheduling services take it."""
        data = self.cleaned_data
        return {
            "patient": data["patient"],
            "therapist": data["therapist"],
            "room": data["room"],
            "earliest_start": course_start(data["starts_at"], timezone.now()),
            "planned_sessions": data["planned_sessions"],
            "session_minutes": data["minutes"],
            "min_gap_days": data["min_gap_days"],
            "max_gap_days": data["max_gap_days"],
        }


class ReportWindowForm(forms.Form):
    """The days a report covers, on the clinic's calendar; blank ends are open."""

    since = DayField(label="From", required=False)
    until = DayField(label="To (inclusive)", required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if Window(**self.moments()).holds_nothing:
            self.add_error("until", "Must not be before the first day.")
        return self.cleaned_data

    def moments(self) -> dict[str, datetime | None]:
        """Sessions started on or after the first day and before the day after the last."""
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        return {
            "since": _midnight(since) if since else None,
            "until": _midnight(until + timedelta(days=1)) if until else None,
        }


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
