"""Saving keeps files safe: permissions and symlinks kept, no partial file or leftover temporary after a kill,
and a folder that cannot be written is a clear ``ExportError`` naming the destination."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import vizkit as vk
from vizkit.errors import ExportError
from vizkit.export import atomic

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


@pytest.fixture
def fig():
    return vk.imshow(np.arange(12.0).reshape(3, 4), title="Saved figure")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _hidden(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.startswith("."))


# ---------------------------------------------------------------------------------------------
# permissions


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_overwriting_keeps_the_files_permissions(tmp_path, fig, mode):
    target = tmp_path / "fig.json"
    target.write_text("old")
    target.chmod(mode)
    fig.save(target)
    assert _mode(target) == mode
    assert json.loads(target.read_text())["title"] == "Saved figure"


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_umasks_mode(tmp_path, fig, umask):
    old = os.umask(umask)
    try:
        fig.save(tmp_path / "fig.json")
        with open(tmp_path / "plain.txt", "w") as fh:  # what any program makes here
            fh.write("x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "fig.json") == 0o666 & ~umask == _mode(tmp_path / "plain.txt")


# ---------------------------------------------------------------------------------------------
# symlinks


def test_saving_over_a_symlink_writes_through_to_its_target(tmp_path, fig):
    real = tmp_path / "store" / "fig.json"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "fig.json"
    link.symlink_to(real)
    fig.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text())["title"] == "Saved figure"
    assert _mode(real) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["fig.json", "store"] and os.listdir(real.parent) == ["fig.json"]


def test_a_chain_of_relative_symlinks_and_a_dangling_one(tmp_path, fig):
    (tmp_path / "out").mkdir()
    (tmp_path / "b.json").symlink_to("out/real.json")  # dangling until the save
    (tmp_path / "a.json").symlink_to("b.json")
    fig.save(tmp_path / "a.json")
    assert (tmp_path / "a.json").is_symlink() and (tmp_path / "b.json").is_symlink()
    assert json.loads((tmp_path / "out" / "real.json").read_text())["title"] == "Saved figure"


def test_a_symlink_into_a_missing_folder_names_both(tmp_path, fig):
    link = tmp_path / "fig.json"
    link.symlink_to(tmp_path / "gone" / "fig.json")
    with pytest.raises(ExportError, match=r"cannot write '.*fig\.json': the folder '.*gone' \(where the symlink"):
        fig.save(link)
    assert link.is_symlink()


# ---------------------------------------------------------------------------------------------
# stale temporaries


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_next_save_removes_temporaries_of_dead_writers_only(tmp_path, fig):
    target = tmp_path / "fig.json"
    host = atomic._HOST
    dead = tmp_path / f".fig.json.vk-{host}-{_dead_pid()}-0badc0de.tmp"
    alive_writer = subprocess.Popen(["sleep", "30"])
    try:
        alive = tmp_path / f".fig.json.vk-{host}-{alive_writer.pid}-12345678.tmp"
        other_host = tmp_path / f".fig.json.vk-ffffff-{_dead_pid()}-12345678.tmp"
        old_other_host = tmp_path / ".fig.json.vk-eeeeee-1-12345678.tmp"
        other_file = tmp_path / f".other.json.vk-{host}-{_dead_pid()}-12345678.tmp"
        not_ours = tmp_path / ".fig.json.notes.tmp"
        for p in (dead, alive, other_host, old_other_host, other_file, not_ours):
            p.write_bytes(b"partial")
        long_ago = time.time() - atomic.STALE_AFTER - 60
        os.utime(old_other_host, (long_ago, long_ago))
        fig.save(target)
        left = set(_hidden(tmp_path))
        assert dead.name not in left and old_other_host.name not in left
        # a live writer's, another host's recent one, another file's and a name we did not make stay
        assert left == {alive.name, other_host.name, other_file.name, not_ours.name}
        # once the writer has gone, the next save removes its temporary too
        alive_writer.kill()
        alive_writer.wait()
        fig.save(target)
        assert alive.name not in set(_hidden(tmp_path))
    finally:
        alive_writer.kill()
        alive_writer.wait()


def test_the_temporary_names_its_writer(tmp_path, monkeypatch, fig):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    fig.save(tmp_path / "fig.json")
    assert len(seen) == 1 and seen[0].startswith(f".fig.json.vk-{atomic._HOST}-{os.getpid()}-") and seen[0].endswith(".tmp")
    assert atomic._temp_pattern("fig.json").match(seen[0])


@pytest.mark.parametrize("fmt, kills", [("html", 40), ("json", 40), ("png", 40)])
def test_sigkill_at_random_moments_never_leaves_a_partial_file_or_a_temporary(tmp_path, fmt, kills):
    """A child saving a large figure is SIGKILLed at random moments; each time the destination is one of the two
    complete versions, and the next save leaves no temporary behind. (Rendering the two versions and starting
    the browser for PNG come first and are not timed; the kills take 1-3 s on an idle machine, 30 s at load 30.)"""
    out = subprocess.run([sys.executable, str(HERE / "_kill_saver.py"), str(tmp_path), fmt, str(kills), "7"],
                         capture_output=True, text=True, timeout=240, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert min(report["sizes"]) > (100_000 if fmt == "png" else 1_000_000), report["sizes"]  # a large figure
    assert len(report["kills"]) == kills
    for i, kill in enumerate(report["kills"]):
        assert kill["killed"], f"kill {i}: the child was not killed by SIGKILL"
        assert kill["digest"] in report["digests"], f"kill {i}: the destination is neither version (a partial file)"
        assert kill["after_next_save"] == [f"fig.{fmt}"], f"kill {i}: left {kill['after_next_save']}"
    interrupted = sum(len(k["left_by_kill"]) > 1 for k in report["kills"])
    assert interrupted >= 3, f"only {interrupted} of {kills} kills landed inside a write: the test did not test it"
    assert report["kill_loop_s"] < 60, f"{kills} kills took {report['kill_loop_s']:.1f} s"


# ---------------------------------------------------------------------------------------------
# folders that cannot be written


@contextlib.contextmanager
def _immutable(folder: Path):
    """``folder`` made unwritable even for root with ``chattr +i``; skips where that is not possible."""
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_read_only_folder_names_the_destination_and_the_reason(tmp_path, fig):
    """A real read-only folder: ``chattr +i`` (chmod does not stop root), or chmod 555 for another user."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "fig.json").write_text("previous")
    guard = _immutable(folder) if os.geteuid() == 0 else contextlib.nullcontext(folder.chmod(0o555))
    try:
        with guard, pytest.raises(ExportError) as caught:
            fig.save(folder / "fig.json")
    finally:
        folder.chmod(0o755)
    message = str(caught.value)
    assert f"cannot write {str(folder / 'fig.json')!r}" in message
    assert "not permitted" in message or "denied" in message
    assert "not writable" in message and ".tmp" not in message and ".fig.json" not in message
    assert isinstance(caught.value, OSError) and caught.value.errno in (errno.EPERM, errno.EACCES)
    assert os.listdir(folder) == ["fig.json"] and (folder / "fig.json").read_text() == "previous"


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.ENOSPC])
def test_a_refused_temporary_is_an_export_error_naming_the_destination(tmp_path, fig, monkeypatch, code):
    """Any file system: ``os.open`` of the temporary refused (as on a read-only mount or a full disk)."""
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ExportError, match=rf"cannot write '{tmp_path}/fig\.html': {os.strerror(code)} \(") as caught:
        fig.save(tmp_path / "fig.html")
    assert ".tmp" not in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_a_missing_folder_names_the_destination(tmp_path, fig):
    with pytest.raises(ExportError, match=rf"cannot write '{tmp_path}/no/such/fig\.png': the folder .* does not exist"):
        fig.save(tmp_path / "no" / "such" / "fig.png")
    assert os.listdir(tmp_path) == []


def test_a_folder_as_destination_is_an_export_error(tmp_path, fig):
    (tmp_path / "fig.json").mkdir()
    with pytest.raises(ExportError, match=r"cannot write '.*fig\.json': .*give a file name"):
        fig.save(tmp_path / "fig.json")
    assert os.listdir(tmp_path) == ["fig.json"]
