"""How many queries one request runs: every list and page must cost the same whatever its
length, nothing fetched row by row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(client, path: str, data=None, method: str = "get") -> int:
    """The queries one request runs; it must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data or {})
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)
