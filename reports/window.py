"""The time window of a report or an export: sessions started in [since, until)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet


@dataclass(frozen=True)
class Window:
    since: datetime | None = None
    until: datetime | None = None

    @property
    def holds_nothing(self) -> bool:
        """It ends where or before it starts: no session can have started in it. The API's
        window of moments and the staff app's of whole days are both refused for it."""
        return self.since is not None and self.until is not None and self.until <= self.since


def in_window(sessions: QuerySet, window: Window) -> QuerySet:
    if window.since is not None:
        sessions = sessions.filter(started_at__gte=window.since)
    if window.until is not None:
        sessions = sessions.filter(started_at__lt=window.until)
    return sessions
