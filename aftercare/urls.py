from rest_framework.routers import SimpleRouter

from aftercare import views

router = SimpleRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")
urlpatterns = router.urls
