from django.urls import path
from rest_framework.routers import SimpleRouter

from clinic import audit_log, views

router = SimpleRouter()
router.register("therapists", views.TherapistViewSet, basename="therapist")
router.register("rooms", views.RoomViewSet, basename="room")
router.register("patients", views.PatientViewSet, basename="patient")
router.register("audit", audit_log.AuditEntryViewSet, basename="audit-entry")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("me/", views.MeView.as_view(), name="me"),
    path("clinic/", views.ClinicView.as_view(), name="clinic"),
    *router.urls,
]
