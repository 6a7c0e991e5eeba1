"""Working hours: each block ends after it starts, and blocks of one day do not overlap (the
staff service, the admin and the staff app ask the same pure rule)."""

from datetime import time

import pytest

from clinic.hours import hours_problem


def block(weekday: int, start: int, end: int) -> dict:
    return {"weekday": weekday, "start": time(start), "end": time(end)}


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([], None),
        ([block(0, 9, 13), block(0, 14, 18)], None),
        ([block(0, 9, 13), block(0, 13, 18)], None),  # end to start is not an overlap
        ([block(0, 9, 13), block(1, 10, 12)], None),  # another day
        ([block(0, 9, 13), block(0, 12, 18)], "Blocks overlap on Monday at 12:00."),
        ([block(2, 12, 18), block(2, 9, 17)], "Blocks overlap on Wednesday at 12:00."),  # any order
        ([block(4, 8, 18), block(4, 10, 11)], "Blocks overlap on Friday at 10:00."),  # inside
        ([block(3, 13, 9)], "The block on Thursday at 13:00 must end after it starts."),
        ([block(3, 9, 9)], "The block on Thursday at 09:00 must end after it starts."),
    ],
)
def test_each_block_ends_after_it_starts_and_none_of_a_day_overlap(blocks, problem):
    assert hours_problem(blocks) == problem
