"""`/p/offer/<token>/`: a waitlist offer, taken with one button.

No account: the signed token opens one offer only; anything else is a plain 404. Taking it
books through the booking service (aftercare/waitlist.py); a slot already taken, or an offer
that lapsed, answers that the slot is gone, and books nothing.
"""

from django.http import Http404
from django.shortcuts import redirect, render

from aftercare import links, texts, waitlist
from aftercare.models import OfferStatus, WaitlistOffer
from audit import trail
from core.errors import RuleViolation
from httpapi.throttling import PatientPageThrottle, too_many

TAKEN, GONE = "taken", "gone"


def _offer(token: str) -> WaitlistOffer:
    offer = links.WAITLIST_OFFER.opened(
        token, WaitlistOffer.objects.select_related("entry__patient__clinic", "freed__therapist")
    )
    if offer is None:
        raise Http404
    return offer


def offer_page(request, token: str):
    if refused := too_many(request, PatientPageThrottle()):
        return refused
    offer = _offer(token)
    patient = offer.entry.patient
    reader = trail.patient_link(offer.id)
    if request.method == "POST":
        trail.attribute_writes(request, reader)
        try:
            waitlist.accept_offer(offer.id)
        except RuleViolation:  # taken (by this patient's other click too), lapsed, or on hold
            offer.refresh_from_db(fields=["status"])
            answer = TAKEN if offer.status == OfferStatus.ACCEPTED else GONE
            return redirect(f"{request.path}?answer={answer}")
        return redirect(f"{request.path}?answer={TAKEN}")
    trail.record_reads(request, reader, [patient])
    answer = request.GET.get("answer")
    if answer is None and offer.status != OfferStatus.OFFERED:
        answer = TAKEN if offer.status == OfferStatus.ACCEPTED else GONE
    with texts.as_the_patient_reads(patient):
        return render(
            request,
            "aftercare/offer_page.html",
            {
                "clinic": patient.clinic,
                "patient": patient,
                "starts_at": offer.freed.starts_at,
                "therapist": offer.freed.therapist.name_for_patients(patient.clinic),
                "expires_at": offer.expires_at,
                "answer": answer,
            },
        )
