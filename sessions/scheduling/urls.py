from django.urls import path
from rest_framework.routers import SimpleRouter

from sessions.scheduling import views

router = SimpleRouter()
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("courses", views.CourseViewSet, basename="course")
router.register("therapists", views.TherapistScheduleViewSet, basename="therapist-schedule")

# The contract names the feed without a trailing slash, as calendar apps expect of a file.
calendar = views.TherapistScheduleViewSet.as_view(
    {"get": "calendar"}, renderer_classes=[views.ICalendarRenderer]
)
urlpatterns = [
    path("therapists/<uuid:pk>/calendar.ics", calendar, name="therapist-calendar"),
    path("calendar/<str:secret>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    *router.urls,
]
