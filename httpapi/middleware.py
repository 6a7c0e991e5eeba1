"""Rules every response and every request meet, whatever view answers."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and its older equivalents) on every answer, errors included,
    but the static assets: the API, the patient links and the staff app's pages hold patient
    data or the key to it, and a shared clinic tablet's browser must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.assets = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(self.assets):
            add_never_cache_headers(response)
        return response


class RefuseNulMiddleware:
    """A NUL character in a query parameter or a cookie is a 400 (`bad_request`) before any
    view sees it, and in the path a 404 (no page has one): PostgreSQL cannot hold one in text,
    so a filter, a search, the admin's search box, a secret in a path or the sign-in cookie
    (looked up on every request, a quoted cookie may spell a NUL as \\000) would otherwise fail
    with a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("No page has a NUL character in its address.")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequest("A query parameter holds a NUL character.")
        if any("\x00" in name + value for name, value in request.COOKIES.items()):
            raise BadRequest("A cookie holds a NUL character.")
        return self.get_response(request)
