"""The build worker: a subprocess that turns (contender, workload) into a standalone HTML file.

It runs apart from the harness so a build that hangs can be killed at its timeout and a 300 MB
HTML string does not stay in the harness's memory. Every library is imported and warmed up with a
tiny figure first, so the build time measured is the warm path (array in memory → HTML string),
not import time.

Protocol: one JSON request per stdin line ``{"contender", "array", "tokens", "out"}``; one JSON
reply per stdout line ``{"bytes", "build_s"}`` or ``{"error"}``. Run as
``python -m tests.benchmarks.worker`` with the worktree on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

import numpy as np


def warm_up() -> None:
    """Import every library and draw one tiny figure with each builder."""
    from tests.benchmarks.contenders import BUILDERS
    from tests.benchmarks.workloads import head_pattern, tokens

    tiny = np.stack([head_pattern(8, k, k) for k in range(2)])[None]
    for build in BUILDERS.values():
        build(tiny, tokens(8))


def main() -> int:
    from tests.benchmarks.contenders import BUILDERS

    reply = sys.stdout
    sys.stdout = sys.stderr  # library chatter must not corrupt the protocol
    warm_up()
    print(json.dumps({"ready": True}), file=reply, flush=True)
    cache: dict[str, np.ndarray] = {}
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["array"] not in cache:
                cache.clear()
                cache[request["array"]] = np.load(request["array"])
            pattern = cache[request["array"]]
            with open(request["tokens"]) as f:
                token_strings = json.load(f)
            start = time.perf_counter()
            html = BUILDERS[request["contender"]](pattern, token_strings)
            build_s = time.perf_counter() - start
            data = html.encode("utf-8")
            del html
            tmp = request["out"] + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, request["out"])
            answer = {"bytes": len(data), "build_s": build_s}
            del data
        except Exception as exc:  # reported to the harness, which records the case as failed
            answer = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=5)}
        print(json.dumps(answer), file=reply, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
