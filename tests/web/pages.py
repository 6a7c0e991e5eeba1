"""What the tests read from the staff app's pages: which administrator pages there are, what
no page may carry, and each chart's configuration."""

import json
import re
from html.parser import HTMLParser

ADMIN_PAGES = [
    "/clinic/",
    "/clinic/rooms/",
    "/clinic/staff/",
    "/clinic/staff/new/",
    "/clinic/messages/",
    "/clinic/messages/?language=es",
    "/clinic/message-log/",
    "/clinic/message-log/?status=failed",
    "/clinic/holds/",
    "/reports/adverse-events/",
]

# What a strict Content-Security-Policy (no 'unsafe-inline') would block.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


class Canvases(HTMLParser):
    def __init__(self):
        super().__init__()
        self.charts: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "canvas" and "data-chart" in attrs:
            self.charts[attrs["aria-label"]] = json.loads(attrs["data-chart"])


def charts(page: str) -> dict[str, dict]:
    """Each chart's configuration by its label, as the browser's script reads it."""
    parser = Canvases()
    parser.feed(page)
    return parser.charts
