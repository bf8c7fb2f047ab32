"""Run every contender on every workload, interleaved over repetitions, and collect the measurements.

Order: repetition by repetition; in each, the workloads smallest first and every contender once,
the contender order rotated each repetition (so drift in machine load spreads over all contenders
instead of landing on one). A contender whose build or first paint times out is not repeated on
that workload and not run on the bigger workloads (it is reported as timed out, or as not run
because it timed out on the smaller one): one hopeless contender cannot stall the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.benchmarks.browser_measure import measure
from tests.benchmarks.contenders import contenders
from tests.benchmarks.workloads import materialise, quick, workloads

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Record:
    """One (workload, contender, repetition) measurement; ``status`` ``ok`` | ``timeout`` | ``error`` | ``skipped``."""

    workload: str
    contender: str
    rep: int
    status: str
    html_bytes: int | None = None
    build_s: float | None = None
    paint_s: float | None = None
    library_s: float | None = None
    js_heap_mb: float | None = None
    renderer_peak_mb: float | None = None
    slider_ms: float | None = None
    detail: str = ""
    network_requests: int = 0


@dataclass(frozen=True)
class Settings:
    reps: int
    build_timeout_s: float
    paint_timeout_s: float
    budget_s: float

    @classmethod
    def from_env(cls) -> Settings:
        """Full run: 3 repetitions, 120 s per build, 60 s per first paint, 28 min in all; quick: 60 s, 20 s, 15 min.

        ``VIZKIT_BENCH_REPS``, ``VIZKIT_BENCH_BUILD_TIMEOUT``, ``VIZKIT_BENCH_PAINT_TIMEOUT`` and
        ``VIZKIT_BENCH_BUDGET_MIN`` override them.
        """
        env = os.environ.get
        build, paint, budget = (60, 20, 15) if quick() else (120, 60, 28)
        return cls(int(env("VIZKIT_BENCH_REPS", "3")), float(env("VIZKIT_BENCH_BUILD_TIMEOUT", build)),
                   float(env("VIZKIT_BENCH_PAINT_TIMEOUT", paint)), 60 * float(env("VIZKIT_BENCH_BUDGET_MIN", budget)))


class Worker:
    """The build subprocess (``tests/benchmarks/worker.py``), restarted after a timeout."""

    def __init__(self, log: Path):
        self.proc = None
        self.log = log

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(self.log, "a") as log:  # the libraries' chatter (progress bars, warnings) goes here
            self.proc = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.worker"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=ROOT)
        ready = self.proc.stdout.readline()
        if not ready:
            raise RuntimeError(f"the benchmark's build worker died while importing the libraries: see {self.log}")

    def build(self, contender: str, array: Path, tokens: Path, out: Path, timeout_s: float) -> dict:
        """Ask for one HTML file; ``{"timeout": True}`` if it takes longer than ``timeout_s``."""
        import selectors

        if self.proc is None or self.proc.poll() is not None:
            self.start()
        request = {"contender": contender, "array": str(array), "tokens": str(tokens), "out": str(out)}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=timeout_s):
                self.stop()
                return {"timeout": True}
        line = self.proc.stdout.readline()
        if not line:
            self.stop()
            return {"error": f"the build worker died (out of memory?): see {self.log}"}
        return json.loads(line)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def run(scratch: Path, *, settings: Settings | None = None, log=print) -> list[Record]:
    """Measure every (workload, contender) ``settings.reps`` times; HTML files go to ``scratch`` and are deleted.

    Repetition-major: repetition 1 of every workload, then repetition 2, ... so that if the run's time
    budget runs out, every workload still has its first measurements (the rest are recorded as skipped).
    """
    settings = settings or Settings.from_env()
    started = time.monotonic()
    records: list[Record] = []
    hopeless: dict[str, str] = {}  # contender -> why it is not run on bigger workloads
    gave_up: set[tuple[str, str]] = set()  # (workload, contender) timed out: not repeated
    html_dir = scratch / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    worker = Worker(scratch / "worker.log")
    everyone = contenders()
    inputs = {w.name: materialise(w, scratch / "data") for w in workloads()}
    try:
        for rep in range(settings.reps):
            for w in workloads():
                k = rep % len(everyone)
                for c in everyone[k:] + everyone[:k]:
                    if (w.name, c.name) in gave_up:
                        continue
                    if c.name in hopeless:
                        records.append(Record(w.name, c.name, rep, "skipped", detail=hopeless[c.name]))
                        gave_up.add((w.name, c.name))
                        continue
                    if time.monotonic() - started > settings.budget_s:
                        records.append(Record(w.name, c.name, rep, "skipped",
                                              detail=f"run budget of {settings.budget_s / 60:.0f} min used up"))
                        continue
                    record = _one(worker, w, c, rep, *inputs[w.name], html_dir, settings)
                    records.append(record)
                    log(_line(record))
                    if record.status == "timeout":
                        gave_up.add((w.name, c.name))
                        hopeless[c.name] = f"not run: {record.detail} on {w.label}"
    finally:
        worker.stop()
    return records


def _one(worker, w, c, rep, array, tokens, html_dir, settings) -> Record:
    out = html_dir / f"{w.name}-{c.name.replace(' ', '_')}.html"
    built = worker.build(c.name, array, tokens, out, settings.build_timeout_s)
    if built.get("timeout"):
        return Record(w.name, c.name, rep, "timeout", detail=f"build timed out after {settings.build_timeout_s:.0f} s")
    if "error" in built:
        return Record(w.name, c.name, rep, "error", detail=f"build failed: {built['error']}")
    try:
        seen = measure(out, c.first_view(w), timeout_s=settings.paint_timeout_s, slider=c.slider_kind(w))
    finally:
        out.unlink(missing_ok=True)
    return Record(w.name, c.name, rep, seen.status, html_bytes=built["bytes"], build_s=built["build_s"],
                  paint_s=seen.paint_s, library_s=seen.library_s, js_heap_mb=seen.js_heap_mb, renderer_peak_mb=seen.renderer_peak_mb,
                  slider_ms=seen.slider_ms, detail=seen.detail, network_requests=len(seen.network_requests))


def _line(r: Record) -> str:
    def f(v, fmt):
        return "-" if v is None else format(v, fmt)
    return (f"[bench] {r.workload:<6} {r.contender:<19} rep {r.rep} {r.status:<7} {f(r.html_bytes and r.html_bytes / 1e6, '8.1f')} MB "
            f"build {f(r.build_s, '6.2f')} s paint {f(r.paint_s, '6.2f')} s library {f(r.library_s, '6.2f')} s heap {f(r.js_heap_mb, '6.0f')} MB "
            f"rss {f(r.renderer_peak_mb, '6.0f')} MB slider {f(r.slider_ms, '6.0f')} ms {r.detail}")


def save_records(records: list[Record], path: Path) -> None:
    """The raw measurements as JSON (written atomically), next to the report."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(r) for r in records], indent=1))
    os.replace(tmp, path)
