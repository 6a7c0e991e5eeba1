"""A session's note: what was done, its warnings, sign-off, addenda and side effects."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import RuleViolation
from core.forms import show_invalid
from sessions.models import Addendum, NeedleSite, NeedlingSession
from sessions.records import rules
from sessions.records.selectors import note_warnings
from sessions.records.services import add_addendum, report_side_effect, sign_session
from web.access import member, of_clinic, record_reads, staff_page
from web.errors import show_on
from web.forms import AddendumForm, SideEffectForm
from web.submissions import once_per_submission

NOTE = NeedlingSession.objects.select_related("patient", "therapist").prefetch_related(
    Prefetch("sites", NeedleSite.objects.select_related("muscle").order_by("position")),
    "electrical__site_a__muscle",
    "electrical__site_b__muscle",
    Prefetch("addenda", Addendum.objects.order_by("created_at")),
    "side_effects",
)


def _note(request: HttpRequest, session: NeedlingSession, **context: object) -> HttpResponse:
    sites = list(session.sites.all())
    warnings = note_warnings(session)  # as the printed note has them
    record_reads(request, [session, *session.side_effects.all()])  # its parts go with it
    context.setdefault("addendum_form", AddendumForm())
    reader = member(request)
    # What the services would let the reader do with a draft, offered as they would allow it.
    may = {
        "may_correct": rules.may_record_for(
            actor_id=reader.pk,
            actor_is_admin=reader.is_clinic_admin,
            therapist_id=session.therapist_id,
        ),
        "may_sign": rules.may_sign(actor_id=reader.pk, therapist_id=session.therapist_id),
    }
    return render(
        request,
        "web/session_note.html",
        {
            "session": session,
            "sites": sites,
            "warnings": warnings.as_signed,
            "since_signing": warnings.since_signing,
            **may,
            **context,
        },
    )


@staff_page
def session_note(request: HttpRequest, session_id: UUID) -> HttpResponse:
    return _note(request, of_clinic(request, NOTE, pk=session_id))


@staff_page
def sign(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = of_clinic(request, NOTE, pk=session_id)
    if request.method == "POST":
        try:
            sign_session(session, actor=member(request))
        except RuleViolation as error:
            return _note(request, session, sign_error=error.detail)
    return redirect("web:session", session_id=session.pk)


@staff_page
@once_per_submission
def addendum(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = of_clinic(request, NOTE, pk=session_id)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        add_addendum(session, author=member(request), text=form.cleaned_data["text"])
        return redirect("web:session", session_id=session.pk)
    return _note(request, session, addendum_form=form)


@staff_page
@once_per_submission
def side_effect(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = of_clinic(request, NeedlingSession.objects.select_related("patient"), pk=session_id)
    form = SideEffectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_side_effect(session=session, **form.cleaned_data)
            return redirect("web:session", session_id=session.pk)
        except RuleViolation as error:
            show_on(form, error)
        except ValidationError as refusal:  # a field the service refuses (resolved before onset)
            show_invalid(form, refusal)
    record_reads(request, [session])
    return render(request, "web/side_effect_form.html", {"session": session, "form": form})
