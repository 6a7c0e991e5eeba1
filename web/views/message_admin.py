"""The clinic's message texts with a live preview, and the log of what was sent or failed,
for its administrators (`aftercare.message_texts`, `aftercare.texts`)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aftercare import texts
from aftercare.message_texts import may_have_own_text, set_own_text, texts_in, use_default_text
from aftercare.models import Channel, Notification, Status
from core.errors import RuleViolation
from web.access import admin_page, clinic_of, record_reads
from web.admin_forms import MessageTextForm
from web.errors import show_on

LOG_LENGTH = 100
# What a preview fills the placeholders with: a made-up patient, never a real one.
EXAMPLE = {
    "given_name": "Ada",
    "heat_time": "15:40",
    "link": "https://clinic.example/c/preview",
    "appointment_time": "Tuesday 10:00",
    "therapist": "Nora Quinn",
    "sessions_left": "3",
}


def _language(code: str) -> str:
    if code not in texts.LANGUAGES:
        raise Http404
    return code


def _own_text(language: str, kind: str) -> tuple[str, str]:
    """The language and kind of a text the clinic may word, else 404."""
    if not may_have_own_text(language, kind):
        raise Http404
    return language, kind


def _preview(request: HttpRequest, form: MessageTextForm, kind: str, language: str) -> dict:
    """The message as the patient would get it by SMS: the typed text filled in, with what
    every message of its kind adds (the patient page's link, the red-flag advice, how to
    answer a reminder)."""
    values = EXAMPLE | {"clinic": clinic_of(request).name}
    own = (form.cleaned_data["subject"], form.cleaned_data["body"])
    words = texts.words(kind, language, values, own=own, channel=Channel.SMS)
    return {"subject": words.subject, "body": words.text}


@admin_page
def message_texts(request: HttpRequest) -> HttpResponse:
    language = _language(request.GET.get("language", texts.DEFAULT_LANGUAGE))
    own = texts_in(clinic_of(request).id, language)
    entries = [
        (
            text,
            MessageTextForm(
                initial={"subject": text.subject, "body": text.body},
                kind=text.kind,
                language=language,
                prefix=text.kind,
            ),
        )
        for text in own
    ]
    return render(
        request,
        "web/admin/message_texts.html",
        {"language": language, "languages": settings.LANGUAGES, "entries": entries},
    )


@admin_page
def message_text(request: HttpRequest, language: str, kind: str) -> HttpResponse:
    """Save the clinic's own text for this kind, or go back to the built-in one."""
    language, kind = _own_text(language, kind)
    if request.method != "POST":
        return _back_to_texts(language)
    clinic_id = clinic_of(request).id
    if "use_default" in request.POST:
        use_default_text(clinic_id=clinic_id, language=language, kind=kind)
        messages.success(request, "The built-in text is used again.")
        return _back_to_texts(language)
    form = MessageTextForm(request.POST, kind=kind, language=language, prefix=kind)
    if form.is_valid():
        try:
            set_own_text(clinic_id=clinic_id, language=language, kind=kind, **form.cleaned_data)
        except RuleViolation as refusal:
            show_on(form, refusal)
        else:
            messages.success(request, "The clinic's own text is saved.")
            return _back_to_texts(language)
    [text] = [text for text in texts_in(clinic_id, language) if text.kind == kind]
    return render(
        request,
        "web/admin/message_texts.html",
        {"language": language, "languages": settings.LANGUAGES, "entries": [(text, form)]},
    )


def _back_to_texts(language: str) -> HttpResponse:
    response = redirect("web:message-texts")
    response["Location"] += f"?language={language}"
    return response


@admin_page
def preview_text(request: HttpRequest, language: str, kind: str) -> HttpResponse:
    """What a patient would read, as the text is typed; or why it would be refused."""
    language, kind = _own_text(language, kind)
    form = MessageTextForm(request.POST, kind=kind, language=language, prefix=kind)
    preview = _preview(request, form, kind, language) if form.is_valid() else None
    return render(request, "web/admin/_text_preview.html", {"form": form, "preview": preview})


@admin_page
def message_log(request: HttpRequest) -> HttpResponse:
    """The latest messages, the failed ones with the reason the provider or the plan gave."""
    status = request.GET.get("status", "")
    log = Notification.objects.filter(clinic_id=clinic_of(request).id).select_related(
        "patient", "staff"
    )
    if status in Status.values:
        log = log.filter(status=status)
    shown = list(log.order_by("-send_at", "-created_at")[:LOG_LENGTH])
    record_reads(request, shown)
    return render(
        request,
        "web/admin/message_log.html",
        {"log": shown, "status": status, "statuses": Status.choices},
    )
