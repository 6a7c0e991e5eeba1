"""`/p/<token>/`: the patient's aftercare page for one session, with a side-effect report form.

No account: the signed token is the key, it opens one session only, and it expires after 14
days; anything else is a plain 404 that reveals nothing.
"""

from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from aftercare import links, plan
from audit import trail
from httpapi.throttling import PatientPageThrottle
from sessions.models import AppointmentStatus, NeedlingSession, Reporter, Severity, SideEffectKind
from sessions.models.records import RED_FLAG_KINDS
from sessions.records.services import report_side_effect

EMERGENCY = "If this is happening now, call emergency services at once: do not wait for the clinic."
# What the page answers once a report is in: the red flags send the patient to emergency care
# at once; any other serious report has reached the clinic, which now holds further treatment.
URGENT, SERIOUS, RECEIVED = "urgent", "serious", "1"


class SideEffectReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened?",
        choices=SideEffectKind.choices,
        help_text=f"Chest pain or breathlessness? {EMERGENCY}",
    )
    severity = forms.ChoiceField(label="How bad is it?", choices=Severity.choices)
    notes = forms.CharField(
        label="Anything else we should know?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _session(token: str) -> NeedlingSession:
    session_id = links.session_id_from(token)
    session = (
        NeedlingSession.objects.select_related("patient", "patient__clinic")
        .filter(pk=session_id, ended_at__isnull=False)
        .first()
        if session_id
        else None
    )
    if session is None:
        raise Http404
    return session


def patient_page(request, token: str):
    throttle = PatientPageThrottle()
    if not throttle.allow_request(request, None):
        return HttpResponse(
            "Too many requests. Please try again in a minute.",
            status=429,
            content_type="text/plain",
            headers={"Retry-After": str(int(throttle.wait() or 60))},
        )
    session = _session(token)
    reader = trail.patient_link(session.id)
    form = SideEffectReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        trail.attribute_writes(request, reader)
        report = report_side_effect(
            session=session, reported_by=Reporter.PATIENT, **form.cleaned_data
        )
        return redirect(f"{request.path}?reported={_answer(report.kind, report.serious)}")
    trail.record_reads(request, reader, [session])
    patient = session.patient
    tz = ZoneInfo(patient.timezone)
    next_visit = (
        patient.appointments.filter(status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    return render(
        request,
        "aftercare/patient_page.html",
        {
            "clinic": patient.clinic,
            "patient": patient,
            "session_day": session.ended_at.astimezone(tz),
            "heat_time": plan.heat_time(session.ended_at).astimezone(tz),
            "heat_advised": session.heat_advised,
            "next_visit": next_visit.starts_at.astimezone(tz) if next_visit else None,
            "form": form,
            "reported": request.GET.get("reported"),
            "emergency": EMERGENCY,
        },
    )


def _answer(kind: str, serious: bool) -> str:
    if kind in RED_FLAG_KINDS:
        return URGENT
    return SERIOUS if serious else RECEIVED
