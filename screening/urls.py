from rest_framework.routers import SimpleRouter

from screening import views

router = SimpleRouter()
router.register("screenings", views.ScreeningViewSet, basename="screening")
router.register("muscles", views.MuscleViewSet, basename="muscle")
urlpatterns = router.urls
