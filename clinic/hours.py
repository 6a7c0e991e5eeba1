"""Pure rules of a staff member's weekly working hours, asked by the API and the staff app."""

import itertools
from collections.abc import Iterable


def first_overlap(blocks: Iterable[dict]) -> dict | None:
    """The first block ({weekday, start, end}) that starts before the one before it ends."""
    ordered = sorted(blocks, key=lambda b: (b["weekday"], b["start"]))
    for earlier, later in itertools.pairwise(ordered):
        if earlier["weekday"] == later["weekday"] and later["start"] < earlier["end"]:
            return later
    return None


def overlap_problem(blocks: Iterable[dict]) -> str | None:
    overlap = first_overlap(blocks)
    if overlap is None:
        return None
    return f"Blocks overlap on weekday {overlap['weekday']} at {overlap['start']:%H:%M}."
