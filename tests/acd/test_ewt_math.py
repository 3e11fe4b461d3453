"""The gamma quantiles behind the announced minutes."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccctl.acd.ewt_math import digamma, gamma_p, gamma_quantile, trigamma


def _erlang_cdf(k: int, x: float) -> float:
    """P(Erlang(k, 1) <= x) = 1 - e^-x sum_{i<k} x^i / i!  (closed form, integer shape)."""
    return 1.0 - math.exp(-x) * math.fsum(x**i / math.factorial(i) for i in range(k))


def _erlang_quantile(k: int, q: float) -> float:
    low, high = 0.0, 10.0 * k + 50.0
    for _ in range(200):
        mid = (low + high) / 2.0
        low, high = (mid, high) if _erlang_cdf(k, mid) < q else (low, mid)
    return (low + high) / 2.0


@pytest.mark.parametrize("k", [1, 2, 5, 19, 20, 60])
@pytest.mark.parametrize("q", [0.1, 0.5, 0.8, 0.95])
def test_given_an_erlang_wait_then_the_quantile_is_within_a_second_per_hour(
    k: int, q: float
) -> None:
    assert gamma_quantile(float(k), q) == pytest.approx(_erlang_quantile(k, q), rel=2.5e-4)


@given(
    shape=st.floats(min_value=0.05, max_value=5000.0),
    q=st.floats(min_value=0.05, max_value=0.95),
)
def test_given_any_shape_then_cdf_and_quantile_are_inverse(shape: float, q: float) -> None:
    x = gamma_quantile(shape, q)
    if shape < 20.0:  # Newton's method: exact
        assert gamma_p(shape, x) == pytest.approx(q, abs=1e-8)
    else:  # Wilson-Hilferty: the probability is a little off, the time is not
        density = math.exp((shape - 1) * math.log(x) - x - math.lgamma(shape))
        assert abs(gamma_p(shape, x) - q) / density <= 2.5e-4 * x


def test_given_an_exponential_then_the_quantile_is_minus_log_of_the_tail() -> None:
    assert gamma_quantile(1.0, 0.8) == pytest.approx(math.log(5.0), rel=1e-9)


@pytest.mark.parametrize("b", [0.3, 1.0, 7.5, 120.0, 1e6])
def test_given_digamma_differences_then_they_equal_the_harmonic_sums(b: float) -> None:
    m = 40
    assert digamma(b + m) - digamma(b) == pytest.approx(
        math.fsum(1 / (b + j) for j in range(m)), rel=1e-10
    )
    assert trigamma(b) - trigamma(b + m) == pytest.approx(
        math.fsum(1 / (b + j) ** 2 for j in range(m)), rel=1e-8
    )
