from django.urls import include, path

urlpatterns = [
    path("", include("sessions.scheduling.urls")),
    path("", include("sessions.records.urls")),
]
