"""Reports for the clinic's administrators: side effects against the published rates, and each
therapist against the clinic (`reports.adverse_events`, the same report as the API's)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.adverse_events import adverse_event_report
from reports.window import Window
from sessions.models import NeedlingSession
from web.access import admin_page, clinic_of
from web.charts import funnel_chart
from web.forms import ReportWindowForm


@admin_page
def adverse_events(request: HttpRequest) -> HttpResponse:
    form = ReportWindowForm(request.GET)
    if not form.is_valid():  # the days refused by their field: no figures for other days
        return render(request, "web/adverse_events.html", {"form": form})
    sessions = NeedlingSession.objects.filter(clinic_id=clinic_of(request).id)
    report = adverse_event_report(sessions, Window(**form.moments()))
    return render(
        request,
        "web/adverse_events.html",
        {"form": form, "report": report, "funnel": funnel_chart(report)},
    )
