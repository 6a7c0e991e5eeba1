"""Patients' SMS for staff to read: those no rule acted on and red-flag words, or every one
with what it did (`aftercare.selectors.inbox`). A confirmation, cancellation or soreness
score has acted already; what is left here is for a person to answer."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aftercare import selectors
from web.access import clinic_of, record_reads, staff_page

INBOX_LENGTH = 100
EVERY_MESSAGE = "all"


@staff_page
def inbox(request: HttpRequest) -> HttpResponse:
    everything = request.GET.get("show") == EVERY_MESSAGE
    texts = selectors.inbox(clinic_of(request).id, for_a_person=not everything)
    shown = list(texts[:INBOX_LENGTH])
    record_reads(request, shown)
    return render(
        request,
        "web/inbox.html",
        {"texts": shown, "everything": everything, "every_message": EVERY_MESSAGE},
    )
