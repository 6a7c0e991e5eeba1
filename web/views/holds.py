"""Clinical holds for administrators: who is held and why, and the release with a note
(`clinic.holds.release_hold`, the one rule of it)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic.holds import release_hold
from clinic.models import ClinicalHold
from core.errors import RuleViolation
from core.forms import show_invalid
from web.access import admin_page, clinic_of, member, of_clinic, record_reads
from web.admin_forms import ReleaseForm

RECENTLY_RELEASED = 20
HOLDS = ClinicalHold.objects.select_related("patient", "released_by")


def _holds_page(
    request: HttpRequest, refused: ClinicalHold | None = None, form: ReleaseForm | None = None
) -> HttpResponse:
    mine = HOLDS.filter(clinic_id=clinic_of(request).id)
    held = list(mine.filter(released_at__isnull=True).order_by("started_at"))
    released = list(
        mine.filter(released_at__isnull=False).order_by("-released_at")[:RECENTLY_RELEASED]
    )
    record_reads(request, [hold.patient for hold in held + released])
    forms = {
        hold.pk: form if hold == refused else ReleaseForm(prefix=str(hold.pk)) for hold in held
    }
    return render(
        request,
        "web/admin/holds.html",
        {"held": [(hold, forms[hold.pk]) for hold in held], "released": released},
    )


@admin_page
def holds(request: HttpRequest) -> HttpResponse:
    return _holds_page(request)


@admin_page
def release(request: HttpRequest, hold_id: UUID) -> HttpResponse:
    hold = of_clinic(request, HOLDS, pk=hold_id)
    if request.method != "POST":
        return redirect("web:holds")
    form = ReleaseForm(request.POST, prefix=str(hold.pk))
    if form.is_valid():
        try:
            release_hold(
                hold.patient, by=member(request), note=form.cleaned_data["note"], seen=hold
            )
        except ValidationError as refusal:
            show_invalid(form, refusal)
        except RuleViolation as refusal:  # released meanwhile: its form is no longer shown
            messages.error(request, refusal.detail)
            return redirect("web:holds")
        else:
            messages.success(request, f"{hold.patient}'s hold is released.")
            return redirect("web:holds")
    return _holds_page(request, refused=hold, form=form)
