"""JupyterLab and Chromium plumbing for the notebook tour: start Lab, Run All, measure each output.

:func:`measure_outputs` works on both a live Lab page and nbconvert's HTML (both use the
``jp-CodeCell`` / ``jp-OutputArea-output`` classes). For each figure cell (source starting
``# tour: <tag>``) it reports whether a figure is drawn, the figure's right edge against the
output column's, the iframe's height against its content's, and the text labels shown.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

#: An iframe fits its figure when frame and content heights differ by at most this many px.
FIT_PX = 12
NBCONVERT_CELLS = ".jp-CodeCell"
#: Lab at this viewport with the file browser open leaves an output column of about 950 px.
VIEWPORT = (1280, 900)

MEASURE_JS = r"""
(sel) => {
  const out = {};
  for (const cell of document.querySelectorAll(sel)) {
    const ed = cell.querySelector('.jp-InputArea-editor');
    const m = ed && ed.innerText.match(/# tour: (\S+)/);
    if (!m) continue;
    const areas = [...cell.querySelectorAll('.jp-OutputArea-output')];
    const area = areas[areas.length - 1];
    const r = {drawn: false, right: 0, column_right: 0, column_width: 0, labels: null};
    out[m[1]] = r;
    if (!area) continue;
    const col = area.getBoundingClientRect();
    r.column_right = col.right; r.column_width = col.width;
    // JupyterLab's plotly renderer draws into the output node itself (and keeps a hidden <img> of the last PNG beside it)
    const plot = area.matches('.js-plotly-plot') ? area : area.querySelector('.js-plotly-plot');
    const img = [...area.querySelectorAll('img')].find(i => getComputedStyle(i).display !== 'none'), frame = area.querySelector('iframe');
    if (plot) {
      const svgs = [...plot.querySelectorAll('.main-svg')];
      r.right = Math.max(...svgs.map(s => s.getBoundingClientRect().right), 0);
      const cb = [...plot.querySelectorAll('.colorbar')].map(c => c.getBoundingClientRect().right);
      if (cb.length) r.right = Math.max(r.right, ...cb);
      r.drawn = svgs.length > 0 && plot.querySelectorAll('.trace, .hm, .heatmaplayer image, .point, .bars path').length > 0;
      r.labels = [...plot.querySelectorAll('.xtick text, .ytick text')].map(t => t.textContent.replace(/\u200b/g, '').trim());
    } else if (img) {
      const b = img.getBoundingClientRect();
      r.right = b.right; r.drawn = img.complete && img.naturalWidth > 0 && b.height > 50;
    } else if (frame) {
      const b = frame.getBoundingClientRect();
      r.frame_h = b.height; r.right = b.right;
      const doc = frame.contentDocument, win = frame.contentWindow;
      if (doc && doc.body) {
        const root = doc.querySelector('.vizkit-figure');
        const pad = parseFloat(getComputedStyle(doc.body).paddingBottom) || 0;
        r.content_h = root ? root.getBoundingClientRect().bottom + pad : doc.documentElement.scrollHeight;
        r.right = b.left + Math.max(doc.documentElement.scrollWidth, root ? root.getBoundingClientRect().right : 0);
        const bokeh = win.Bokeh && win.Bokeh.documents && win.Bokeh.documents.length > 0;
        r.drawn = b.height > 50 && (bokeh || (root && root.innerText.trim().length > 0) || !!doc.querySelector('canvas, svg'));
        r.labels = null;  // canvas (bokeh) or React (CircuitsVis) text: not read yet
      }
    }
  }
  return out;
}
"""


def measure_outputs(page, cell_selector: str) -> dict[str, dict]:
    """``{tag: measurements}`` of every figure cell on ``page`` (see the module docstring)."""
    return page.evaluate(MEASURE_JS, cell_selector)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(root: Path, pythonpath: Path):
    """JupyterLab on 127.0.0.1 (free port, random token) serving ``root``; yields ``(base_url, token)``.

    Settings, runtime and config live under ``root/.jupyter-*``; windowing is off so every
    cell's output is in the DOM. The whole process group is killed on exit.
    """
    token = secrets.token_hex(16)
    port = _free_port()
    settings = root / ".jupyter-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(os.environ, PYTHONPATH=str(pythonpath), JUPYTERLAB_SETTINGS_DIR=str(root / ".jupyter-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".jupyter-workspaces"), JUPYTER_RUNTIME_DIR=str(root / ".jupyter-runtime"),
               JUPYTER_CONFIG_DIR=str(root / ".jupyter-config"))
    log = open(root / ".jupyter-lab.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False", "--allow-root"],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: see {root / '.jupyter-lab.log'}") from None
                time.sleep(0.5)
        yield base, token
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _open(browser, url: str, errors: list[str]):
    context = browser.new_context(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="load", timeout=60_000)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
    return page


def _saved_outputs(path: Path) -> bool:
    """Whether ``path`` (a notebook on disk) has an output in every code cell: Lab's save has landed."""
    try:
        cells = json.loads(path.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return False
    code = [c for c in cells if c["cell_type"] == "code"]
    return bool(code) and all(c.get("outputs") for c in code)


_ERRORS_JS = ("[...document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')]"
              ".map(o => o.innerText).filter(t => /Traceback|Error:/.test(t) && !/Warning/.test(t))")


def _wait_run_all(page, timeout_s: float) -> list[str]:
    """Wait until every cell is numbered, or a traceback shows (Run All stops at a failing cell); the tracebacks."""
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.innerText);"
        f" return {_ERRORS_JS}.length > 0 || (p.length > 0 && p.every(t => /\\[\\d+\\]/.test(t))); }}",
        timeout=timeout_s * 1000, polling=1000)
    return page.evaluate(f"() => {_ERRORS_JS}")


_STARTED_JS = ("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
               ".some(e => /\\[(\\*|\\d+)\\]/.test(e.innerText))")


_DIALOG = ".jp-Dialog"


def _answer_dialogs(page, seen: list[str]) -> None:
    """Answer any JupyterLab dialog in the way: its default (accept) button, or Escape where it has none.

    A loaded machine can put one up before Run All (a fresh-clone CI saw a modal ``jp-Dialog`` take every click on
    the menu bar for 30 s): the kernel chooser, whose default is the notebook's own kernel, or "Server Connection
    Error" when the server answered a request late, whose only button dismisses it. Each dialog's text goes into
    ``seen`` so that a run that still fails says what Lab asked."""
    for _ in range(5):
        dialog = page.locator(_DIALOG)
        if dialog.count() == 0:
            return
        seen.append(" ".join(dialog.first.inner_text(timeout=5_000).split())[:300])
        accept = page.locator(f"{_DIALOG} .jp-Dialog-button.jp-mod-accept")
        if accept.count():
            accept.first.click(timeout=5_000)
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(500)


def _start_run_all(page, attempts: int = 3) -> None:
    """Run > Run All Cells from JupyterLab's menu bar, until a cell shows it is queued or ran (``[*]``, ``[1]``).

    On a loaded machine a keystroke sent to a half-built Lab is lost (the command palette typed before it opened left
    every cell unrun, seen in a fresh-clone CI): each click waits for its element, and the start is checked. A dialog
    in the way is answered first (:func:`_answer_dialogs`), and named in the error if Run All never starts."""
    seen: list[str] = []
    for attempt in range(attempts):
        try:
            _answer_dialogs(page, seen)
            page.keyboard.press("Escape")  # a notification or an open menu closes
            page.locator(".lm-MenuBar-item", has_text="Run").first.click(timeout=15_000)
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click(timeout=15_000)
            page.wait_for_function(_STARTED_JS, timeout=30_000, polling=500)
            return
        except Exception as exc:
            if attempt == attempts - 1:
                raise RuntimeError(f"JupyterLab's Run All did not start after {attempts} tries; "
                                   f"dialogs answered on the way: {seen or 'none'}") from exc


def _settled(page, cell_selector: str, *, quiet_s: float = 2.0, timeout_s: float = 30) -> dict[str, dict]:
    """The outputs' measurements once they stop changing (the same for ``quiet_s``), or as they are at ``timeout_s``.

    After a window resize each frame re-fits through a chain of observers (Lab's column, the frame's zoom, the
    backend's own relayout, the frame's fit); on a loaded machine that chain can take seconds (a fresh-clone CI
    measured frames still at the previous width's height after a fixed 2.5 s wait). A frame that never comes back
    stays wrong here too: the wait ends on a steady state, not on the one the test expects."""
    last, since = measure_outputs(page, cell_selector), time.monotonic()
    deadline = since + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        now = measure_outputs(page, cell_selector)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            break
    return last


def run_all_and_save(browser, base_and_token, notebook: Path, *, timeout_s: float = 420) -> dict:
    """Run All on ``notebook`` (in the server's root), measure, resize the window twice, measure, then save it.

    Returns ``{"errors", "column_width", "run", "resized"}``; ``notebook`` on disk then holds the outputs
    exactly as JupyterLab saves them (its plotly renderer adds a PNG of each plot, for instance).
    """
    base, token = base_and_token
    errors: list[str] = []
    page = _open(browser, f"{base}/lab/tree/{notebook.name}?token={token}", errors)
    page.wait_for_timeout(2000)
    try:
        _start_run_all(page)
        failed = _wait_run_all(page, timeout_s)
    except Exception:
        page.screenshot(path=str(Path(os.environ.get("VIZKIT_TOUR_SHOTS", "/tmp")) / "vizkit-lab-tour-stuck.png"))
        page.context.close()
        raise
    if failed:
        page.context.close()
        raise RuntimeError(f"a tour cell failed in JupyterLab: {failed[0][-2000:]}")
    run = _settled(page, ".jp-Notebook .jp-CodeCell")
    for width in (1000, 1500, VIEWPORT[0]):
        page.set_viewport_size({"width": width, "height": VIEWPORT[1]})
        page.wait_for_timeout(1000)
    resized = _settled(page, ".jp-Notebook .jp-CodeCell")
    page.screenshot(path=str(Path(os.environ.get("VIZKIT_TOUR_SHOTS", "/tmp")) / "vizkit-lab-tour.png"), full_page=False)
    page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").first.click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 60
    while not _saved_outputs(notebook):
        if time.monotonic() > deadline:
            raise RuntimeError(f"JupyterLab did not save {notebook} with its outputs")
        page.wait_for_timeout(500)
    page.context.close()
    widths = [m["column_width"] for m in run.values() if m["column_width"]]
    return {"errors": errors, "column_width": round(max(widths)) if widths else 0, "run": run, "resized": resized}


def untrusted_copy(executed: Path, out: Path) -> Path:
    """``executed`` as another user's notebook: any change to the content breaks Lab's signature, so it opens untrusted."""
    nb = json.loads(executed.read_text())
    nb["metadata"]["vizkit_tour"] = "a copy opened untrusted"
    out.write_text(json.dumps(nb, indent=1))
    return out


def open_and_measure(browser, base_and_token, name: str) -> tuple[dict, list[str], bool]:
    """Open notebook ``name`` (already executed) without running it; ``(measurements, page errors, trusted?)``."""
    base, token = base_and_token
    errors: list[str] = []
    page = _open(browser, f"{base}/lab/tree/{name}?reset&token={token}", errors)  # reset: not the tour tab the workspace kept
    page.wait_for_timeout(3000)
    # Off-screen images load lazily: bring every output into view once before measuring.
    page.evaluate("async () => { for (const o of document.querySelectorAll('.jp-OutputArea-output')) {"
                  " o.scrollIntoView(); await new Promise(r => setTimeout(r, 60)); } }")
    page.wait_for_timeout(1000)
    shown = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
    found = measure_outputs(page, f"{shown} .jp-CodeCell")
    trusted = page.locator(f"{shown} .jp-OutputArea-output script").count() > 0 or page.locator(
        f"{shown} .jp-OutputArea-output iframe").count() > 0
    page.context.close()
    return found, errors, trusted
