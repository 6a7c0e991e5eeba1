"""The pure arithmetic of rates: proportions, Wilson intervals, funnel-plot limits."""

from math import sqrt

import pytest

from reports.rates import (
    control_limits,
    funnel_curve,
    funnel_signal,
    proportion,
    wilson_interval,
)

Z = 1.96


def wilson_by_hand(count, total):
    """Wilson's interval in its other textbook form: (2np + z² ± z√(z² + 4np(1-p))) / 2(n + z²)."""
    p = count / total
    centre = 2 * total * p + Z * Z
    spread = Z * sqrt(Z * Z + 4 * total * p * (1 - p))
    return (centre - spread) / (2 * (total + Z * Z)), (centre + spread) / (2 * (total + Z * Z))


@pytest.mark.parametrize(
    ("count", "total"), [(3, 20), (0, 20), (20, 20), (1, 7629), (1463, 7629), (7, 50)]
)
def test_wilson_interval_matches_the_textbook(count, total):
    low, high = wilson_interval(count, total)
    expected_low, expected_high = wilson_by_hand(count, total)
    assert low == pytest.approx(max(0.0, expected_low), abs=1e-4)
    assert high == pytest.approx(min(1.0, expected_high), abs=1e-4)
    assert 0 <= low <= count / total <= high <= 1


def test_three_in_twenty_is_fifteen_percent_between_about_five_and_thirty_six():
    assert proportion(3, 20) == 0.15
    low, high = wilson_interval(3, 20)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3604)


def test_nothing_is_known_of_no_sessions():
    assert proportion(0, 0) == 0.0
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert control_limits(0.2, 0) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("rate", "total", "low", "high"),
    [
        (0.15, 15, 0.0, 0.15 + Z * sqrt(0.15 * 0.85 / 15)),
        (0.2, 400, 0.2 - Z * 0.02, 0.2 + Z * 0.02),
        (0.5, 100, 0.5 - Z * 0.05, 0.5 + Z * 0.05),
    ],
)
def test_control_limits_narrow_as_sessions_grow(rate, total, low, high):
    assert control_limits(rate, total) == pytest.approx((low, high), abs=1e-4)


@pytest.mark.parametrize(
    ("count", "total", "rate", "signal"),
    [
        (10, 20, 0.1, "above"),  # 50% against a clinic at 10%: limits up to 23%
        (0, 400, 0.1, "below"),  # none in 400 against 10%: limits from 7%
        (2, 20, 0.1, "within"),
        (0, 5, 0.1, "within"),  # too few sessions to tell
    ],
)
def test_a_therapist_is_flagged_only_outside_the_limits(count, total, rate, signal):
    assert funnel_signal(count, total, rate) == signal


def test_the_funnel_runs_from_one_session_to_the_busiest_therapists():
    curve = funnel_curve(0.15, 400, points=5)
    assert [point["sessions"] for point in curve] == [1, 4, 20, 89, 400]
    assert curve[-1]["limits95"] == pytest.approx(list(control_limits(0.15, 400)))
    widths = [high - low for low, high in (point["limits95"] for point in curve)]
    assert widths == sorted(widths, reverse=True)
    assert funnel_curve(0.15, 0) == []
