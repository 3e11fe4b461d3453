"""Test kit shared by the test suite, the benchmarks and `make run` checks: SIPp drivers and
the RTP streams (pcap files) SIPp replays to press keys as RFC 4733 events."""
