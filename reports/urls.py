from django.urls import path

from reports import views

urlpatterns = [
    path(
        "reports/adverse-events/",
        views.AdverseEventReportViewSet.as_view({"get": "report"}),
        name="adverse-event-report",
    ),
    path(
        "export/sessions.csv",
        views.SessionExportViewSet.as_view({"get": "export"}),
        name="session-export",
    ),
    path(
        "patients/<uuid:pk>/fhir/",
        views.PatientFhirViewSet.as_view({"get": "retrieve"}),
        name="patient-fhir",
    ),
    path(
        "sessions/<uuid:pk>/note.pdf",
        views.SessionNoteViewSet.as_view({"get": "retrieve"}),
        name="session-note",
    ),
]
