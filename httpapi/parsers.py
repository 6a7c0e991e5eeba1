"""The API's JSON parser: DRF's, refusing bodies nested deeper than any request needs and
strings no UTF-8 text can hold."""

import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The deepest request body (a session: its sites, their fields) is 3 levels; a body nested
# far deeper is a mistake or an attack, and Python's json runs out of stack on one 1,000 deep.
MAX_DEPTH = 32
# json reads a valid pair (\ud83d\ude00) as one character, so a surrogate left in a string
# stands alone: no UTF-8 encodes it, so PostgreSQL could not store it and an error answer
# repeating the value could not be written (a 500).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def nesting_depth(data: object) -> int:
    """How deeply lists and objects nest in parsed JSON (a scalar: 0), without recursion."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in value)
    return deepest


def holds_lone_surrogate(data: object) -> bool:
    """Does a key or a value of parsed JSON hold a lone surrogate? Recursive: asked only of
    data no deeper than MAX_DEPTH."""
    if isinstance(data, str):
        return LONE_SURROGATE.search(data) is not None
    if isinstance(data, dict):
        return any(holds_lone_surrogate(part) for pair in data.items() for part in pair)
    if isinstance(data, list):
        return any(holds_lone_surrogate(item) for item in data)
    return False


class ClinicJSONParser(JSONParser):
    """A body nested deeper than MAX_DEPTH, or holding a lone surrogate in a key or a value,
    is a 400 parse error: never a RecursionError, nor an answer that cannot be encoded."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if nesting_depth(data) > MAX_DEPTH:
            raise too_deep
        if holds_lone_surrogate(data):
            raise ParseError("JSON parse error - a string holds a lone surrogate (U+D800-U+DFFF).")
        return data
