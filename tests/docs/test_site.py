"""The documentation site: it builds offline, every link and anchor resolves, every page opens in
headless Chromium without errors or failed requests, and every embedded figure is drawn at a real size.

The site is built once per module with ``scripts/build_site.py`` (what ``make docs`` runs), which
also runs the getting-started snippets and the figure catalogue on the shipped models.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
#: The pages every build must have (other pages, e.g. migrating or benchmarks, appear when their docs do).
REQUIRED_PAGES = ("index.html", "getting_started.html", "guide.html", "figures.html", "gallery.html", "api.html",
                  "backends.html")
#: What a figure must at least measure (CSS px) to count as drawn, not an empty or collapsed frame.
MIN_FIGURE = (200, 100)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("mkdocs", reason="the site needs the docs extra: pip install mkdocs mkdocs-material")
    out = tmp_path_factory.mktemp("site") / "site"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_site.py"), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"build_site.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*.html") if p.name != "404.html")


# ---------------------------------------------------------------------------------------------
# Links and anchors


class _Links(HTMLParser):
    """Every id/name in a page, and every href/src it points at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.targets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) is not None:
                self.targets.append((tag, attrs[key]))


@functools.cache
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def broken_links(site: Path) -> list[str]:
    """``page: link`` for every internal link, asset or anchor of the site's pages that does not resolve."""
    broken = []
    for page in _pages(site):
        for tag, target in _parse(page).targets:
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                continue  # external links (http, mailto): not the site's to check offline
            path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file() or site.resolve() not in path.parents:
                broken.append(f"{page.name}: <{tag}> {target} (no file {path})")
            elif parts.fragment and path.suffix == ".html" and unquote(parts.fragment) not in _parse(path).ids:
                broken.append(f"{page.name}: <{tag}> {target} (no anchor #{parts.fragment} in {path.name})")
    return broken


def test_the_site_has_every_section(site):
    missing = [name for name in REQUIRED_PAGES if not (site / name).is_file()]
    assert not missing, f"pages missing from the built site: {missing}"
    gallery_pages = list(site.glob("gallery-*.html"))
    assert len(gallery_pages) >= 5, f"the gallery should be one page per category; got {[p.name for p in gallery_pages]}"
    catalogue = (site / "figures.html").read_text(encoding="utf-8")
    for kind in ("attention", "patching", "loss_curves", "tokens", "head_scores", "logit_lens", "dla",
                 "imshow", "line", "scatter", "bar", "hist"):
        assert f'src="figures/{kind}-plotly.html"' in catalogue, f"the catalogue has no live {kind} figure"
    api = (site / "api.html").read_text(encoding="utf-8")
    assert "vk.attention" in api and "Parameters" in api, "the API reference lost its docstrings"


def test_every_internal_link_and_anchor_resolves(site):
    checked = sum(1 for p in _pages(site) for _, t in _parse(p).targets if not urlsplit(t).scheme)
    assert checked > 200, f"only {checked} internal links found: the checker is not reading the pages"
    broken = broken_links(site)
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:30])


def test_the_link_checker_finds_a_broken_anchor_and_a_missing_file(tmp_path):
    (tmp_path / "a.html").write_text('<h2 id="here">x</h2><a href="b.html#nowhere">b</a><a href="c.html">c</a>'
                                     '<a href="#here">ok</a><a href="https://example.org">out</a>')
    (tmp_path / "b.html").write_text('<h2 id="somewhere">y</h2>')
    broken = broken_links(tmp_path)
    assert len(broken) == 2 and "#nowhere" in broken[0] and "c.html" in broken[1], broken


def test_nothing_is_loaded_from_the_network(site):
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_site

    assert build_site.check_offline(site) > len(_pages(site))
    fake = site.parent / "fake"
    fake.mkdir()
    (fake / "p.html").write_text('<html><script src="https://unpkg.com/x"></script></html>')
    with pytest.raises(build_site.SiteError, match="unpkg.com"):
        build_site.check_offline(fake)


# ---------------------------------------------------------------------------------------------
# In Chromium


@pytest.fixture(scope="module")
def served(site):
    """The site over http on 127.0.0.1 (a free port), as a user's ``python -m http.server`` would."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


#: In a figure's document, [width, height] of the union of what is drawn: svg, canvas and img elements
#: and coloured boxes (CircuitsVis' tokens), shadow roots included (bokeh), clipped to the document
#: (plotly keeps an off-screen measuring svg far outside it).
_DRAWN_BOX = """() => {
  const W = Math.max(document.documentElement.scrollWidth, innerWidth);
  const H = Math.max(document.documentElement.scrollHeight, innerHeight);
  let box = null;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      const tag = el.tagName.toLowerCase();
      const bg = getComputedStyle(el).backgroundColor;
      const coloured = bg && bg !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(bg) && el.children.length === 0;
      if (!['svg', 'canvas', 'img'].includes(tag) && !coloured) continue;
      const r = el.getBoundingClientRect();
      const x0 = Math.max(r.left, 0), y0 = Math.max(r.top, 0), x1 = Math.min(r.right, W), y1 = Math.min(r.bottom, H);
      if (x1 - x0 < 1 || y1 - y0 < 1) continue;
      box = box ? [Math.min(box[0], x0), Math.min(box[1], y0), Math.max(box[2], x1), Math.max(box[3], y1)] : [x0, y0, x1, y1];
    }
  };
  walk(document);
  return box ? [box[2] - box[0], box[3] - box[1], box[3], box[2]] : [0, 0, 0, 0];
}"""


def min_size(src: str) -> tuple[int, int]:
    """What a figure must at least measure (CSS px) to count as drawn: token text is one line high."""
    return (200, 14) if Path(src).name.startswith("tokens-") else MIN_FIGURE


def test_every_page_opens_cleanly_and_draws_its_figures(site, served, chromium):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    problems, drawn = [], {}
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    try:
        for path in _pages(site):
            page = context.new_page()
            errors, failed = [], []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.on("requestfailed", lambda req, failed=failed: failed.append(f"{req.url} ({req.failure})"))
            page.on("response", lambda r, failed=failed: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
            page.on("request", lambda req, failed=failed: None if req.url.startswith((served, "data:", "blob:", "about:"))
                    else failed.append(f"{req.url} (leaves the site)"))
            page.goto(f"{served}/{path.name}", wait_until="load", timeout=120_000)
            frames = page.locator("iframe.vizkit-figure").all()
            for frame_el in frames:  # the catalogue's frames load lazily, when scrolled to: start them all loading
                frame_el.scroll_into_view_if_needed()
            for frame_el in frames:
                frame_el.scroll_into_view_if_needed()
                page.wait_for_function("f => f.contentDocument && f.contentDocument.readyState === 'complete' "
                                       "&& f.contentDocument.location.href !== 'about:blank'",
                                       arg=frame_el.element_handle(), timeout=120_000)
                want_w, want_h = min_size(frame_el.get_attribute("src"))
                try:
                    frame_el.element_handle().content_frame().wait_for_function(
                        f"(({_DRAWN_BOX})()[0] >= {want_w}) && (({_DRAWN_BOX})()[1] >= {want_h})", timeout=30_000)
                except PlaywrightTimeout:
                    pass  # reported below with the size it reached
            if frames:
                page.wait_for_timeout(600)  # let fit_figures.js size the frames after the figures lay out (load + 500 ms)
            for frame_el in frames:
                name = frame_el.get_attribute("src")
                want_w, want_h = min_size(name)
                width, height, bottom, right = frame_el.element_handle().content_frame().evaluate(_DRAWN_BOX)
                box = frame_el.bounding_box()
                drawn[name] = (round(width), round(height), round(box["height"]))
                if width < want_w or height < want_h:
                    problems.append(f"{path.name}: figure {name} drawn at {width:.0f}×{height:.0f} px, "
                                    f"expected at least {want_w}×{want_h}")
                elif box["width"] + 1 < right:
                    problems.append(f"{path.name}: figure {name} (drawn out to {right:.0f} px) cut off by its "
                                    f"{box['width']:.0f} px wide frame (its colour bar or last panels are hidden)")
                elif box["height"] + 1 < bottom:
                    problems.append(f"{path.name}: figure {name} (drawn down to {bottom:.0f} px) clipped by its "
                                    f"{box['height']:.0f} px frame")
            for img in page.locator("article img").all():
                img.scroll_into_view_if_needed()
                if not img.evaluate("i => i.complete && i.naturalWidth > 0"):
                    problems.append(f"{path.name}: picture {img.get_attribute('src')} did not load")
            page.wait_for_timeout(200)
            problems += [f"{path.name}: page error {e}" for e in errors]
            problems += [f"{path.name}: failed request {f}" for f in failed]
            page.close()
    finally:
        context.close()
    assert len(drawn) >= 15, f"the catalogue should embed at least 15 live figures; found {sorted(drawn)}"
    print("figure sizes (drawn width, height, frame height):", drawn)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
