"""Who may see a page, and what it may see: the staff app's tenancy, like the API's.

Every query is scoped to the signed-in person's clinic, so another clinic's object is a 404;
patient data shown is recorded in the audit trail, and writes are attributed to the writer.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Manager, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, resolve_url
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from audit import trail
from clinic.models import Clinic, Staff


class PageRequest(HttpRequest):
    """A request as the middleware hands it to a page: django-htmx has said whether htmx sent
    it (a live part of a page) or the browser did (a whole page)."""

    htmx: HtmxDetails


def member(request: HttpRequest) -> Staff:
    """The signed-in person on a `staff_page`, which lets no one else in."""
    # `login_required` has let in only a signed-in user, and the user model is Staff.
    return cast(Staff, request.user)


def clinic_of(request: HttpRequest) -> Clinic:
    """The clinic of the person on a `staff_page` (read once, when the page set its clock)."""
    clinic = member(request).clinic
    if clinic is None:  # a platform superuser: `staff_page` has answered 404 already
        raise Http404
    return clinic


def staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for a signed-in member of a clinic, shown on the clinic's wall clock."""

    @wraps(view)
    def signed_in_page(request: PageRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.htmx and not request.user.is_authenticated:
            # A live check after the sign-in lapsed: the whole page goes to sign in again.
            return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
        return page(request, *args, **kwargs)

    @login_required
    def page(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if member(request).clinic_id is None:  # a platform superuser belongs to no clinic
            raise Http404
        trail.attribute_staff_writes(request)
        with timezone.override(ZoneInfo(clinic_of(request).timezone)):
            return view(request, *args, **kwargs)

    return signed_in_page


def admin_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for the clinic's administrators: running the clinic and comparing colleagues.
    Another member of the clinic is refused (403), as the API refuses them."""

    @staff_page
    @wraps(view)
    def administered_page(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not member(request).is_clinic_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return administered_page


def of_clinic[M: Model](
    request: HttpRequest, queryset: QuerySet[M] | Manager[M], **lookup: object
) -> M:
    """One object of the caller's clinic; any other is not found."""
    return get_object_or_404(queryset.filter(clinic_id=clinic_of(request).id), **lookup)


def record_reads(request: HttpRequest, records: Iterable[Model]) -> None:
    """Note in the audit trail the patient data this page shows (one INSERT)."""
    trail.record_reads(request, trail.staff(request.user), records)
