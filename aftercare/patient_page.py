"""`/p/<token>/`: the patient's aftercare page for one session, with a side-effect report form
and, for a session of a course, a re-rating of pain (NPRS) and of the baseline's activities
(PSFS). In the patient's language.

No account: the signed token is the key, it opens one session only, and it expires after 14
days; anything else is a plain 404 that reveals nothing.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftercare import links, plan, texts
from audit import trail
from httpapi.throttling import PatientPageThrottle, too_many
from outcomes.selectors import baseline_activities
from outcomes.services import record_patient_rerating
from sessions.models import NeedlingSession, Reporter, Severity, SideEffectKind
from sessions.models.records import RED_FLAG_KINDS
from sessions.records.services import report_side_effect
from sessions.scheduling.selectors import next_booked

EMERGENCY = _(
    "If this is happening now, call emergency services at once: do not wait for the clinic."
)
# What the page answers once a report is in: the red flags send the patient to emergency care
# at once; any other serious report has reached the clinic, which now holds further treatment.
URGENT, SERIOUS, RECEIVED, RERATED = "urgent", "serious", "1", "rerated"
RATING = [(n, str(n)) for n in range(11)]


class SideEffectReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened?"), choices=SideEffectKind.choices)
    severity = forms.ChoiceField(label=_("How bad is it?"), choices=Severity.choices)
    notes = forms.CharField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = _("Chest pain or breathlessness?") + f" {EMERGENCY}"


# A rating the course refuses (outcomes.rules.rating_time: the course's first session has not
# begun) is the clinic's words for staff; the patient is told in theirs what to do.
NOT_RECORDED = _("Your ratings could not be recorded just now: please try again later.")


class RerateForm(forms.Form):
    """NPRS, and one 0-10 rating per activity of the course's baseline PSFS."""

    nprs = forms.TypedChoiceField(
        label=_("Your pain now, from 0 (none) to 10 (the worst imaginable)"),
        choices=RATING,
        coerce=int,
    )

    def __init__(self, data: QueryDict | None, *, activities: list[str]) -> None:
        super().__init__(data, prefix="rerate")
        self.activities = activities
        for index, activity in enumerate(activities):
            self.fields[f"activity_{index}"] = forms.TypedChoiceField(
                label=_("How well can you do this now, from 0 (not at all) to 10 (as before): %s")
                % activity,
                choices=RATING,
                coerce=int,
            )

    def psfs_items(self) -> list[dict]:
        return [
            {"activity": activity, "score": self.cleaned_data[f"activity_{index}"]}
            for index, activity in enumerate(self.activities)
        ]


def _session(token: str) -> NeedlingSession:
    session = links.PATIENT_PAGE.opened(
        token,
        NeedlingSession.objects.select_related("patient", "patient__clinic", "course").filter(
            ended_at__isnull=False
        ),
    )
    if session is None:
        raise Http404
    return session


def patient_page(request, token: str):
    if refused := too_many(request, PatientPageThrottle()):
        return refused
    session = _session(token)
    with texts.as_the_patient_reads(session.patient):
        return _page(request, session)


def _page(request: HttpRequest, session: NeedlingSession) -> HttpResponse:
    if session.ended_at is None:  # _session serves only ended sessions
        raise Http404
    reader = trail.patient_link(session.id)
    # Which form was sent; a report from a page of before the re-rating names none.
    posted = request.POST.get("form", "report") if request.method == "POST" else None
    report = SideEffectReportForm(request.POST if posted == "report" else None)
    course = session.course
    rerate = (
        RerateForm(
            request.POST if posted == "rerate" else None,
            activities=baseline_activities(course),
        )
        if course is not None
        else None
    )
    if posted == "report" and report.is_valid():
        trail.attribute_writes(request, reader)
        effect = report_side_effect(
            session=session, reported_by=Reporter.PATIENT, **report.cleaned_data
        )
        return redirect(f"{request.path}?reported={_answer(effect.kind, effect.serious)}")
    if posted == "rerate" and course is not None and rerate is not None and rerate.is_valid():
        trail.attribute_writes(request, reader)
        try:
            record_patient_rerating(
                course=course, nprs=rerate.cleaned_data["nprs"], psfs=rerate.psfs_items()
            )
        except ValidationError:
            rerate.add_error(None, NOT_RECORDED)
        else:
            return redirect(f"{request.path}?reported={RERATED}{links.RERATE_FORM}")
    trail.record_reads(request, reader, [session])
    patient = session.patient
    next_visit = next_booked(patient, timezone.now())
    return render(
        request,
        "aftercare/patient_page.html",
        {
            "clinic": patient.clinic,
            "patient": patient,
            "session_day": session.ended_at,
            "heat_time": plan.heat_time(session.ended_at),
            "heat_advised": session.heat_advised,
            "next_visit": next_visit.starts_at if next_visit else None,
            "form": report,
            "rerate": rerate,
            "reported": request.GET.get("reported"),
            "emergency": EMERGENCY,
        },
    )


def _answer(kind: str, serious: bool) -> str:
    if kind in RED_FLAG_KINDS:
        return URGENT
    return SERIOUS if serious else RECEIVED
