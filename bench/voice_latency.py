"""Voice latencies on the real sandbox: ccctl against app_queue, measured in the same run.

As in bench/voice.py, "ccctl" is the daemon running and "app_queue" the daemon
stopped (the generated dialplan then falls back to app_queue with the same
agents); one Asterisk and one configuration per figure. The two modes
alternate, each in turn first, 3 times (this machine's speed drifts). A run's
p50 and p95 are percentiles of its samples (linear interpolation between the
closest ranks, bench/latency.py); each figure is the median over the 3 runs.
Every time is Asterisk's own: the ``Timestamp`` header of AMI events
(``timestampevents = yes`` in the generated manager.conf), the time the manager
raised the event. A bench-only AMI user reads them (classes ``call``,
``dialplan``, ``dtmf``; the daemon's own user may read neither of the last two:
see manager.conf.j2). Pairing the events is bench/latency.py.

``voice.keypress_to_prompt_p50_ms`` / ``_p95_ms`` (ccctl), the same with
``.app_queue``, and ``voice.keypress_to_prompt_p50_ratio`` / ``_p95_ratio``
(ccctl ÷ app_queue). The example contact center (config/example, its prompts
built, opening hours open all day today). 20 SIPp callers, 2 new calls/s, dial
the main number, wait out the greeting, press 1 in the language menu
(Swedish), then 2 (huvudmeny → bygga-bo) and * (bygga-bo → huvudmeny) in turn,
12 keys 1 s apart, as SIP INFO, and hang up 2 s after the last: 13 keys a call,
all 20 in the menus at once at the end. Measured, per key: from the ``DTMFEnd``
event with ``Direction: Received`` on the caller's channel while the dialplan
application running there takes digits (``Read``; a SIP INFO key is one END
frame, raised as the INFO arrives; a key while a ``Playback`` runs is ignored)
to the next ``Newexten`` event on that channel that starts a prompt
application (``Read`` of the next menu, ``Playback`` or ``Background``): the
application starting, just before it opens its sound file. Today both modes
walk the same dialplan menus (the daemon only answers the A-number lookup over
FastAGI, before the greeting), so the two should agree; a prompt played over
ARI raises no ``Newexten``, and would show as unmatched keys, not as a figure.

``voice.queued_to_ringing_p50_ms`` / ``_p95_ms`` (ccctl), the same with
``.app_queue``, and ``voice.queued_to_ringing_p50_ratio`` / ``_p95_ratio``. One
queue, 30 agents on one SIPp phone that rings 100 ms, answers and hangs up
after 1 s, so agents are always free; 100 callers at 5 calls/s. Measured, per
caller: from the ``Newexten`` event that starts ``Stasis(app,queue,…)`` (ccctl:
the caller entering ccctl's queue) or ``Queue`` (app_queue; its caller first
passes a ``Stasis`` that fails at once, which is not counted) to the first
``Newstate`` ``Ringing`` event of the agent channel placed for that caller
(Asterisk has the agent phone's 180 Ringing). Agent channels are told apart
by ``Linkedid`` (app_queue) or by name (ccctl's ``<caller id>-to-…``).

Beside each pair: ``voice.<figure>_daemon_peak_rss_mb`` (the daemon's VmHWM,
the highest over its runs) and ``voice.<figure>_asterisk_peak_rss_mb``
(Asterisk's VmHWM after the last run).

``--quick`` (``python -m bench.voice_latency --quick``): one repeat of a few
calls, a smoke test of the whole path in under a minute; its figures mean little.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.latency import Event, Pairing, figure_line, keypress_to_prompt, percentile
from bench.latency import queued_to_ringing as pair_queued_to_ringing
from bench.voice import NUMBER, Bench, set_mode
from ccctl.ami import AmiClient, Credentials
from ccctl.ami.protocol import Message
from ccctl.menus.plan import asterisk_times
from ccctl.pbx import service
from ccctl.pbx.image import default_cache_dir
from ccctl.testing import sipp
from ccctl.testing.ports import free_port

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "example"
MODES = ("ccctl", "app_queue")
OBSERVER = "ccctl-bench-observer"


@dataclass(frozen=True)
class Size:
    repeats: int = 3
    ivr_calls: int = 20
    ivr_rate: float = 2.0
    keys: int = 12  # after the language choice
    key_gap_s: float = 1.0
    agents: int = 30
    ring_ms: int = 100
    talk_ms: int = 1000
    queue_calls: int = 100
    queue_rate: float = 5.0


FULL = Size()
QUICK = Size(repeats=1, ivr_calls=2, keys=4, queue_calls=10)


class Observer:
    """A read-only AMI user for this bench alone, and the events it records."""

    def __init__(self) -> None:
        self.secret = secrets.token_hex(32)

    def manager_conf(self) -> str:
        return (f"\n[{OBSERVER}]\nsecret = {self.secret}\n"
                "deny = 0.0.0.0/0.0.0.0\npermit = 127.0.0.1/255.255.255.255\n"
                "read = call,dialplan,dtmf\n")

    def credentials(self, bench: Bench) -> Credentials:
        ami = service.sandbox_credentials(bench.rendered)
        return Credentials(ami.host, ami.port, OBSERVER, self.secret)

    def record(self, bench: Bench, call: sipp.Call) -> tuple[sipp.SippResult, list[Event]]:
        """Run ``call`` to its end while recording events (and a second after)."""
        return asyncio.run(self._record(self.credentials(bench), call))

    @staticmethod
    async def _record(credentials: Credentials, call: sipp.Call
                      ) -> tuple[sipp.SippResult, list[Event]]:
        events: list[Event] = []

        def keep(message: Message) -> None:
            event = Event.from_message(message)
            if event is not None:
                events.append(event)

        async with AmiClient(credentials, on_event=keep):
            running = sipp.Running(call)
            result = await asyncio.to_thread(running.wait)
            await asyncio.sleep(1.0)  # the last calls' events may still be on their way
        return result, events


class Figures:
    """Per mode, each run's p50 and p95; the peak memory seen."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in MODES}
        self.daemon_peak_mb = 0.0
        self.asterisk_peak_mb = 0.0

    def add(self, mode: str, pairing: Pairing, result: sipp.SippResult) -> None:
        samples = pairing.samples_ms
        print(f"#   {mode:9} {self.name}: {len(samples)} samples, {pairing.unmatched} unmatched; "
              f"SIPp {result.successful} ok, {result.failed} failed, "
              f"{result.retransmissions} retransmissions", flush=True)
        if not samples:
            raise RuntimeError(f"{self.name}: no samples in mode {mode} (SIPp: "
                               f"{result.errors[-500:]}); are AMI events timestamped "
                               "(manager.conf timestampevents = yes)?")
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        print(f"#   {mode:9} {self.name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
              f"max {max(samples):.2f} ms", flush=True)
        self.runs[mode].append((p50, p95))

    def memory(self, bench: Bench) -> None:
        if bench.daemon is not None:
            self.daemon_peak_mb = max(self.daemon_peak_mb,
                                      bench.rss_mb(bench.daemon.pid, "VmHWM"))
        pid = bench.box.pid()
        if pid:
            self.asterisk_peak_mb = max(self.asterisk_peak_mb, bench.rss_mb(pid, "VmHWM"))

    def lines(self) -> Iterable[str]:
        median = {mode: (statistics.median(p for p, _ in runs),
                         statistics.median(p for _, p in runs))
                  for mode, runs in self.runs.items()}
        base = f"voice.{self.name}"
        for mode, suffix in (("ccctl", ""), ("app_queue", ".app_queue")):
            yield figure_line(f"{base}_p50_ms{suffix}", median[mode][0], "ms", digits=2)
            yield figure_line(f"{base}_p95_ms{suffix}", median[mode][1], "ms", digits=2)
        for index, p in ((0, "p50"), (1, "p95")):
            ratio = median["ccctl"][index] / max(median["app_queue"][index], 0.001)
            yield figure_line(f"{base}_{p}_ratio", ratio, "x", digits=2)
        yield figure_line(f"{base}_daemon_peak_rss_mb", self.daemon_peak_mb, "MB")
        yield figure_line(f"{base}_asterisk_peak_rss_mb", self.asterisk_peak_mb, "MB")


def interleaved(bench: Bench, figures: Figures, repeats: int,
                run: Callable[[], tuple[sipp.SippResult, Pairing]]) -> None:
    for repeat in range(repeats):
        for mode in MODES if repeat % 2 == 0 else MODES[::-1]:
            set_mode(bench, mode)
            result, pairing = run()
            figures.add(mode, pairing, result)
            figures.memory(bench)
    set_mode(bench, "app_queue")


# -- keypress → prompt in the example's menus ----------------------------------

def example_config(workdir: Path) -> Path:
    """The example contact center with free loopback ports."""
    config_dir = workdir / "config"
    shutil.copytree(EXAMPLE, config_dir)
    (config_dir / "bench.yaml").write_text(
        "pbx:\n"
        f"  sip: {{bind: 127.0.0.1, port: {free_port(socket.SOCK_DGRAM)}}}\n"
        f"  http: {{bind: 127.0.0.1, port: {free_port()}}}\n"
        f"  ami: {{bind: 127.0.0.1, port: {free_port()}}}\n"
        f"  agi: {{bind: 127.0.0.1, port: {free_port()}}}\n"
        "  rtp_start: 36000\n  rtp_end: 37999\n")
    main = config_dir / "ccctl.yaml"
    text = main.read_text()
    if "include:\n" not in text:
        raise RuntimeError(f"{main} has no include: list to add the bench's ports to")
    main.write_text(text.replace("include:\n", "include:\n  - bench.yaml\n", 1))
    return main


def open_today(bench: Bench) -> None:
    """Every schedule open all of today (an AstDB exception, as 'ccctl hours sync' writes)."""
    for schedule in bench.rendered.plan.schedules:
        today = dt.datetime.now(ZoneInfo(schedule.timezone)).date()
        bench.box.rx(f"database put ccctl-hours-{schedule.id} {today:%Y-%m-%d} "
                     f"{asterisk_times('00:00-24:00')}")


def greeting_seconds(bench: Bench, prompts: Path) -> float:
    """How long the main number's greeting plays before the language menu listens."""
    route = next(r for r in bench.rendered.plan.inbound_routes if r.number == NUMBER)
    entry = next(e for e in bench.rendered.plan.entry_points if e.id == route.entry_point)
    if not entry.ivr.greeting:
        return 0.0
    with wave.open(str(prompts / route.language / f"{entry.ivr.greeting}.wav"), "rb") as audio:
        frames, rate = audio.getnframes(), audio.getframerate()
    return frames / rate


def keypress(workdir: Path, size: Size) -> Figures:
    figures = Figures("keypress_to_prompt")
    observer = Observer()
    prompts = default_cache_dir() / "bench-prompts"
    bench = Bench(workdir, config=example_config(workdir), prompts=prompts,
                  manager_extra=observer.manager_conf())
    try:
        open_today(bench)
        first = greeting_seconds(bench, prompts) + 2.5  # answer, lookups, margin
        keys = (sipp.Key("1", first),
                *(sipp.Key("2" if i % 2 == 0 else "*", size.key_gap_s) for i in range(size.keys)))
        scenario = sipp.dtmf_scenario(workdir, keys, then_wait=2.0, pbx_hangs_up=False)
        hold_ms = int((first + size.keys * size.key_gap_s + 5) * 1000)
        call = replace(bench.call(size.ivr_rate, size.ivr_calls, hold_ms), scenario=scenario)

        def run() -> tuple[sipp.SippResult, Pairing]:
            result, events = observer.record(bench, call)
            return result, keypress_to_prompt(events)

        interleaved(bench, figures, size.repeats, run)
    finally:
        bench.close()
    return figures


# -- queued → agent ringing --------------------------------------------------------------

def queued_to_ringing(workdir: Path, size: Size) -> Figures:
    figures = Figures("queued_to_ringing")
    observer = Observer()
    bench = Bench(workdir, size.agents, size.ring_ms, size.talk_ms,
                  manager_extra=observer.manager_conf())
    try:
        call = bench.call(size.queue_rate, size.queue_calls, hold_ms=5000)
        app = bench.rendered.plan.stasis_app

        def run() -> tuple[sipp.SippResult, Pairing]:
            result, events = observer.record(bench, call)
            return result, pair_queued_to_ringing(events, app)

        interleaved(bench, figures, size.repeats, run)
    finally:
        bench.close()
    return figures


def main(argv: list[str] | None = None) -> None:
    size = QUICK if "--quick" in (argv or []) else FULL
    workdir = Path(tempfile.mkdtemp(prefix="ccctl-bench-latency-"))
    try:
        (workdir / "ivr").mkdir()
        ivr = keypress(workdir / "ivr", size)
        (workdir / "queue").mkdir()
        queue = queued_to_ringing(workdir / "queue", size)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for line in (*ivr.lines(), *queue.lines()):
        print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
