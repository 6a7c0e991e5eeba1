"""The forms of the administrator's pages: staff, hours, rooms, the clinic, message texts and
holds. The rules stay in `clinic` and `aftercare`; these turn what was typed into their
arguments."""

from typing import Any, cast

from django import forms

from aftercare import texts
from clinic.hours import DAYS, hours_problem
from core.errors import RuleViolation
from web.forms import DayField

WEEKDAYS = list(enumerate(DAYS))


class ClockInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class ClinicSettingsForm(forms.Form):
    name = forms.CharField(label="Clinic name", max_length=200)
    quiet_hours_start = forms.TimeField(
        label="Quiet hours from",
        widget=ClockInput(),
        help_text="Aftercare that may wait is not sent between these local times.",
    )
    quiet_hours_end = forms.TimeField(label="Quiet hours until", widget=ClockInput())
    phone = forms.CharField(
        label="Clinic phone (+44...)",
        max_length=16,
        required=False,
        help_text="Shown on the patients' aftercare page, to call the clinic.",
    )
    waitlist_offer_minutes = forms.IntegerField(
        label="A waitlist offer stands for (minutes)",
        help_text="Unanswered this long, the freed slot is offered to the next patient waiting.",
    )


class StaffDetailsForm(forms.Form):
    """Who a member of staff is and until when they are certified to needle (screening and
    needling are refused after that date): kept up to date here."""

    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Mobile (+44...)", max_length=16, required=False)
    dn_certified_until = DayField(label="Dry-needling certified until", required=False)


class TherapistForm(StaffDetailsForm):
    field_order = ["username", *StaffDetailsForm.base_fields, "password"]
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="They change it after signing in.",
    )


class HoursRow(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", choices=[("", "—"), *WEEKDAYS], coerce=int, empty_value=None, required=False
    )
    start = forms.TimeField(label="From", widget=ClockInput(), required=False)
    end = forms.TimeField(label="Until", widget=ClockInput(), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        filled = [data.get(name) is not None for name in ("weekday", "start", "end")]
        if any(filled) and not all(filled):
            self.add_error(None, "Give the day, the start and the end, or leave the row empty.")
        elif all(filled) and (problem := hours_problem([data])):  # by the row's end
            self.add_error("end", problem)
        return data

    def block(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        return (
            None
            if data.get("weekday") is None
            else {k: data[k] for k in ("weekday", "start", "end")}
        )


class BaseHoursFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        problem = hours_problem(self.blocks())
        if problem:
            raise forms.ValidationError(problem)

    def blocks(self) -> list[dict[str, Any]]:
        return [block for form in self.forms if (block := form.block())]


# formset_factory returns a subclass of `formset`; its stubs say only "some BaseFormSet".
HoursFormSet = cast(
    type[BaseHoursFormSet],
    forms.formset_factory(HoursRow, formset=BaseHoursFormSet, extra=3, max_num=28),
)


class RoomForm(forms.Form):
    name = forms.CharField(label="New room", max_length=100)


class MessageTextForm(forms.Form):
    """A clinic's own words for one kind of message in one language; only plain placeholders
    of the kind, and a body that fits in one SMS (`aftercare.texts.field_checks`, which the
    service asks again)."""

    subject = forms.CharField(label="Subject (email)", max_length=200)
    body = forms.CharField(label="Text", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, kind: str, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind, self.language = kind, language

    def _checked(self, name: str) -> str:
        source: str = self.cleaned_data[name]
        try:
            texts.field_checks(self.kind, self.language)[name](source)
        except RuleViolation as refusal:
            raise forms.ValidationError(refusal.detail, code=refusal.code) from refusal
        return source

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body(self) -> str:
        return self._checked("body")


class ReleaseForm(forms.Form):
    note = forms.CharField(
        label="Why treatment may go on",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,  # the service asks for it and says why
    )
