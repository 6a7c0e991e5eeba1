"""The service's pages as the URL resolver routes them, for tests that must check them all
(a page added later is checked without anyone remembering to)."""

from django.urls import URLResolver, get_resolver
from rest_framework.mixins import ListModelMixin


def list_endpoints() -> list[str]:
    """The path of every list the URL resolver routes (no path parameters), whatever app it
    belongs to."""

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
                continue
            actions = getattr(entry.callback, "actions", None)
            view = getattr(entry.callback, "cls", None)
            if (actions or {}).get("get") == "list" or (
                actions is None and view and issubclass(view, ListModelMixin)
            ):
                yield prefix + str(entry.pattern)

    routes = walk(get_resolver().url_patterns, "/")
    return sorted({r.replace("^", "").replace("$", "") for r in routes if "(?P<" not in r})
