"""Run every benchmark; each prints `figure: NAME = VALUE UNIT` lines.

Usage: ``python -m bench`` (all) or ``python -m bench acd_route`` (some).
Each module measures its baseline in the same run, so ratios are meaningful
on a machine whose speed drifts.
"""

from __future__ import annotations

import importlib
import sys
import time

MODULES = ("acd_route", "ewt_sim", "voice", "voice_latency")


def main(argv: list[str]) -> int:
    chosen = argv or list(MODULES)
    unknown = [name for name in chosen if name not in MODULES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(MODULES)}",
              file=sys.stderr)
        return 2
    for name in chosen:
        started = time.monotonic()
        print(f"# bench.{name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
        print(f"# bench.{name} took {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
