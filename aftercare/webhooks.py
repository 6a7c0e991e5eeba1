"""SMS provider webhooks: delivery receipts and the patients' own messages (STOP/START, replies:
aftercare/inbound.py). Both are signed by the provider (Twilio's X-Twilio-Signature); an
unsigned or badly signed request changes nothing, and nor does a signed one that leaves out
what it is about (a receipt's message id, a message's number)."""

from django.conf import settings
from django.db import transaction
from django.db.models import Field
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from aftercare import inbound
from aftercare.channels import LONGEST_SMS
from aftercare.models import InboundSms, Notification, Status

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


def _posted(request, name: str, column: Field | None = None) -> str:
    """A field as a record can hold it: no NUL (PostgreSQL's text refuses it), and no longer
    than the `column` it is stored in, if that has a length."""
    value = request.POST.get(name, "").replace("\x00", "")
    most = getattr(column, "max_length", None)
    return value[:most] if most else value


def _unnamed(name: str) -> HttpResponseBadRequest:
    """A blank id or number would name every message never handed to the provider (their id
    is blank), or every patient without a phone: nothing is read for it."""
    return HttpResponseBadRequest(f"No {name}.")


@csrf_exempt
@require_POST
def delivery_receipt(request):
    if not _signed(request):
        return HttpResponseForbidden("Bad signature.")
    provider_id = _posted(request, "MessageSid", Notification._meta.get_field("provider_id"))
    if not provider_id.strip():
        return _unnamed("MessageSid")
    status = RECEIPTS.get(request.POST.get("MessageStatus", ""))
    if status is not None:
        # Sent (or still marked sending) is the only state a receipt may move on from.
        Notification.objects.filter(
            provider_id=provider_id,
            status__in=[Status.SENDING, Status.SENT],
        ).update(
            status=status,
            last_error=_posted(request, "ErrorCode"),
            updated_at=timezone.now(),
        )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
@transaction.atomic
def inbound_sms(request):
    if not _signed(request):
        return HttpResponseForbidden("Bad signature.")
    from_number = _posted(request, "From", InboundSms._meta.get_field("from_number"))
    if not from_number.strip():
        return _unnamed("From")
    inbound.receive(
        from_number=from_number,
        body=_posted(request, "Body")[:LONGEST_SMS],
        provider_id=_posted(request, "MessageSid", InboundSms._meta.get_field("provider_id")),
    )
    # Answers go through the outbox (once, and on record), never in this response.
    return HttpResponse(EMPTY_REPLY, content_type="text/xml")
