from rest_framework.routers import SimpleRouter

from sessions.records import views

router = SimpleRouter()
router.register("sessions", views.SessionViewSet, basename="session")
router.register("side-effects", views.SideEffectViewSet, basename="side-effect")
urlpatterns = router.urls
