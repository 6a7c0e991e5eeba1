"""Pure arithmetic of rates per session: the proportion, its Wilson 95% interval, and the
funnel plot's control limits for a unit of a given size."""

from math import sqrt

# The 97.5th percentile of the standard normal distribution: two-sided 95%.
Z95 = 1.959963984540054


def proportion(count: int, total: int) -> float:
    return count / total if total else 0.0


def wilson_interval(count: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for `count` successes in `total` trials (Wilson 1927). Unlike the
    normal approximation it stays inside [0, 1] and is sound for rare events and small counts.
    With no trials nothing is known: [0, 1]."""
    if total == 0:
        return 0.0, 1.0
    p = count / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half_width = z * sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def control_limits(rate: float, total: int, z: float = Z95) -> tuple[float, float]:
    """Where a unit of `total` sessions would fall 95% of the time if its true rate were the
    clinic's `rate`: rate ± z·sqrt(rate(1 - rate) / total), kept inside [0, 1] (Spiegelhalter 2005,
    funnel plots for institutional comparison)."""
    if total == 0:
        return 0.0, 1.0
    half_width = z * sqrt(rate * (1 - rate) / total)
    return max(0.0, rate - half_width), min(1.0, rate + half_width)


def funnel_signal(count: int, total: int, rate: float) -> str:
    """ "above" or "below" the clinic's 95% control limits, else "within"."""
    low, high = control_limits(rate, total)
    own = proportion(count, total)
    if own > high:
        return "above"
    if own < low:
        return "below"
    return "within"


def funnel_curve(rate: float, largest: int, points: int = 20) -> list[dict[str, int | list[float]]]:
    """The funnel itself, for drawing: the control limits at session counts from 1 to
    `largest`, spaced evenly on a log scale (funnel plots widen fast at small counts)."""
    if largest < 1:
        return []
    counts = sorted({max(1, round(largest ** (k / (points - 1)))) for k in range(points)})
    return [{"sessions": n, "limits95": list(control_limits(rate, n))} for n in counts]
