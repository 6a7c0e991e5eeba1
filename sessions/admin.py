"""Admin pages of the sessions app live beside their code; importing them registers them."""

from sessions.records import admin as records_admin  # noqa: F401
from sessions.scheduling import admin as scheduling_admin  # noqa: F401
