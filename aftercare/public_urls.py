"""Pages and webhooks without staff sign-in: each checks its own kind of proof."""

from django.urls import path

from aftercare import email_stop_page, offer_page, patient_page, webhooks

urlpatterns = [
    path("p/offer/<str:token>/", offer_page.offer_page, name="waitlist-offer"),
    path("p/email-stop/<str:token>/", email_stop_page.email_stop_page, name="email-stop"),
    path("p/<str:token>/", patient_page.patient_page, name="patient-page"),
    path("hooks/sms/status/", webhooks.delivery_receipt, name="sms-status"),
    path("hooks/sms/inbound/", webhooks.inbound_sms, name="sms-inbound"),
]
