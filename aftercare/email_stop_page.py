"""`/p/email-stop/<token>/`: a patient stops their clinic's emails, from a link in one.

No account: the signed token opens the email it came in (links.EMAIL_STOP), and through it
one patient of one clinic; anything else is a plain 404. The page asks first (a link
opened by a mail scanner stops nothing); its button, or a mail program's one-click stop
(RFC 8058: a POST the email's List-Unsubscribe-Post header announces), withdraws the
patient's email consent.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from aftercare import links, outbox, texts
from aftercare.models import Notification
from audit import trail
from httpapi.throttling import PatientPageThrottle, too_many


# A mail program's one-click stop comes without the page's cookie; the signed token is the
# proof that the request comes from the email, as a CSRF token would be.
@csrf_exempt
def email_stop_page(request: HttpRequest, token: str) -> HttpResponse:
    if refused := too_many(request, PatientPageThrottle()):
        return refused
    email = links.EMAIL_STOP.opened(token, Notification.objects.select_related("patient__clinic"))
    if email is None:
        raise Http404
    patient = email.patient
    reader = trail.patient_link(email.id)
    if request.method == "POST":  # answered in place: RFC 8058 forbids a redirect
        trail.attribute_writes(request, reader)
        outbox.withdraw_email_consent(patient)
    else:
        trail.record_reads(request, reader, [patient])
    with texts.as_the_patient_reads(patient):
        return render(
            request,
            "aftercare/email_stop_page.html",
            {"clinic": patient.clinic, "stopped": not patient.email_consent},
        )
