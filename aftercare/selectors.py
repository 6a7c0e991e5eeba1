"""Reads of aftercare for the API and the staff app (its inbox of patients' SMS)."""

from uuid import UUID

from django.db.models import QuerySet

from aftercare.models import InboundSms, ReplyAction


def inbound_sms() -> QuerySet[InboundSms]:
    """Every SMS received, whatever was done with it, newest first (scope it to a clinic
    before showing it)."""
    return InboundSms.objects.order_by("-received_at", "-id")


# What a person must act on: a message no rule acted on, and red-flag words (the patient was
# told to seek urgent care; someone should call them).
FOR_A_PERSON = (ReplyAction.KEPT, ReplyAction.RED_FLAG)


def inbox(clinic_id: UUID, *, for_a_person: bool = True) -> QuerySet[InboundSms]:
    """What staff should read (or every message), newest first, with their patients."""
    messages = inbound_sms().filter(clinic_id=clinic_id).select_related("patient")
    return messages.filter(action__in=FOR_A_PERSON) if for_a_person else messages
