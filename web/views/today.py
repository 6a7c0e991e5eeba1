"""The therapist's day: today's appointments in order, with what to know before each."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from web.access import member, record_reads, staff_page
from web.selectors import day_of


@staff_page
def today(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    items = day_of(member(request), day)
    record_reads(request, [item.appointment for item in items])
    return render(request, "web/today.html", {"day": day, "items": items})
