"""Kill saving processes with SIGKILL at random moments and report what each kill left on disk.

Run by ``tests/export/test_saving.py`` as ``python _kill_saver.py FOLDER FORMAT KILLS SEED``. It
builds a large figure in two versions (A and B), renders both once (so each save spends its time in
the write, where a kill matters, not in the renderer), writes A to ``FOLDER/fig.FORMAT``, then
``KILLS`` times forks a child that calls ``fig.save`` over and over (B, A, B, ...; the renderer
answers from the cached bytes) and SIGKILLs it after a random delay. After each kill it records the
destination's digest and the temporaries left, makes one more save (this process, alive), and
records the folder again. It prints one JSON object; the test asserts on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sys
import time

import numpy as np


def main(folder: str, fmt: str, kills: int, seed: int) -> dict:
    import vizkit as vk
    import vizkit.export as export
    from vizkit.export import browser

    rng = np.random.default_rng(seed)
    versions = [vk.imshow(rng.random((400, 400)), title=f"Version {name}") for name in "AB"]
    rendered = {id(fig): export.to_bytes(fig, fmt) for fig in versions}
    browser.close()  # no browser thread or process is inherited by the children
    real_to_bytes = export.to_bytes
    export.to_bytes = lambda fig, f, *a, **k: rendered[id(fig)] if f == fmt else real_to_bytes(fig, f, *a, **k)

    dest = os.path.join(folder, f"fig.{fmt}")
    versions[0].save(dest)
    started = time.perf_counter()
    for _ in range(5):
        versions[1].save(dest)
    one_save = (time.perf_counter() - started) / 5

    def names():
        return sorted(os.listdir(folder))

    pick = random.Random(seed)
    report = {"one_save_s": one_save, "sizes": [len(b) for b in rendered.values()],
              "digests": sorted(hashlib.sha256(b).hexdigest() for b in rendered.values()), "kills": []}
    loop_started = time.perf_counter()
    for _ in range(kills):
        child = os.fork()
        if child == 0:  # the saver: save forever, until killed
            try:
                i = 1
                while True:
                    versions[i % 2].save(dest)
                    i += 1
            finally:
                os._exit(1)
        time.sleep(pick.uniform(0, 3 * one_save))
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        with open(dest, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        left = names()
        versions[0].save(dest)  # the next save
        report["kills"].append({"killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
                                "digest": digest, "left_by_kill": left, "after_next_save": names()})
    report["kill_loop_s"] = time.perf_counter() - loop_started
    return report


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
