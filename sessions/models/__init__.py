"""The sessions app's models: scheduling (courses, appointments) and the clinical record."""

from sessions.models.records import *  # noqa: F403
from sessions.models.scheduling import *  # noqa: F403
