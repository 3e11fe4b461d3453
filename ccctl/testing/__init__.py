"""Test kit shared by the test suite, the benchmarks and `make run` checks: SIPp drivers."""
