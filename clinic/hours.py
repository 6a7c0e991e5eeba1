"""Pure rules of a staff member's weekly working hours, asked by the staff service, the
Django admin and the staff app's forms."""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Weekdays as stored (Monday=0), by name: a person reads "Tuesday", not "weekday 1".
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _first_overlap(blocks: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first block ({weekday, start, end}) that starts before the one before it ends."""
    ordered = sorted(blocks, key=lambda b: (b["weekday"], b["start"]))
    for earlier, later in itertools.pairwise(ordered):
        if earlier["weekday"] == later["weekday"] and later["start"] < earlier["end"]:
            return later
    return None


def hours_problem(blocks: Sequence[Mapping[str, Any]]) -> str | None:
    """What is wrong with a week of blocks, if anything: a block that does not end after it
    starts (the database refuses one too), or two blocks of one day that overlap."""
    for block in blocks:
        if block["end"] <= block["start"]:
            return (
                f"The block on {DAYS[block['weekday']]} at {block['start']:%H:%M} "
                "must end after it starts."
            )
    overlap = _first_overlap(blocks)
    if overlap is None:
        return None
    return f"Blocks overlap on {DAYS[overlap['weekday']]} at {overlap['start']:%H:%M}."
