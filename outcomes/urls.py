from django.urls import path
from rest_framework.routers import SimpleRouter

from outcomes import views

router = SimpleRouter()
router.register("outcomes", views.OutcomeMeasureViewSet, basename="outcome")
urlpatterns = [
    *router.urls,
    path(
        "courses/<uuid:pk>/outcomes/",
        views.CourseOutcomesViewSet.as_view({"get": "retrieve"}),
        name="course-outcomes",
    ),
]
