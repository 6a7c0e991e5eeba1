"""SMS provider webhooks: delivery receipts and inbound STOP/START. Both are signed by the
provider (Twilio's X-Twilio-Signature); an unsigned or badly signed request changes nothing."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from aftercare import outbox
from aftercare.models import Notification, Status

# Provider status -> ours. Only final receipts move a message on, and only forwards.
RECEIPTS = {"delivered": Status.DELIVERED, "undelivered": Status.FAILED, "failed": Status.FAILED}
EMPTY_REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _signed(request) -> bool:
    if not settings.TWILIO_AUTH_TOKEN:
        return False
    url = f"{settings.PUBLIC_BASE_URL}{request.get_full_path()}"  # Twilio signs the query too
    signature = request.headers.get("X-Twilio-Signature", "")
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(
        url, request.POST.dict(), signature
    )


@csrf_exempt
@require_POST
def delivery_receipt(request):
    if not _signed(request):
        return HttpResponseForbidden("Bad signature.")
    status = RECEIPTS.get(request.POST.get("MessageStatus", ""))
    if status is not None:
        # Sent (or still marked sending) is the only state a receipt may move on from.
        Notification.objects.filter(
            provider_id=request.POST.get("MessageSid", ""),
            status__in=[Status.SENDING, Status.SENT],
        ).update(
            status=status, last_error=request.POST.get("ErrorCode", ""), updated_at=timezone.now()
        )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
@transaction.atomic
def inbound_sms(request):
    if not _signed(request):
        return HttpResponseForbidden("Bad signature.")
    word = request.POST.get("Body", "").strip().upper()
    phone = request.POST.get("From", "")
    if word == "STOP":
        outbox.withdraw_sms_consent(phone)
    elif word == "START":
        outbox.restore_sms_consent(phone)
    return HttpResponse(EMPTY_REPLY, content_type="text/xml")
