"""The API's JSON parser: DRF's, refusing bodies nested deeper than any request needs."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The deepest request body (a session: its sites, their fields) is 3 levels; a body nested
# far deeper is a mistake or an attack, and Python's json runs out of stack on one 1,000 deep.
MAX_DEPTH = 32


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


class ClinicJSONParser(JSONParser):
    """A body nested deeper than MAX_DEPTH is a 400 parse error, never a RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if nesting_depth(data) > MAX_DEPTH:
            raise too_deep
        return data
