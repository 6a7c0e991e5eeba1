from django.urls import path
from rest_framework.routers import SimpleRouter

from aftercare import views

router = SimpleRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("inbound-sms", views.InboundSmsViewSet, basename="inbound-sms")
router.register("waitlist", views.WaitlistViewSet, basename="waitlist")
texts = views.MessageTextViewSet
urlpatterns = [
    *router.urls,
    path("message-texts/", texts.as_view({"get": "list"}), name="message-text-list"),
    path(
        "message-texts/<str:language>/<str:kind>/",
        texts.as_view({"put": "update", "delete": "destroy"}),
        name="message-text-detail",
    ),
]
