"""Build the vizkit documentation site with MkDocs Material, offline (``make docs``, after gen_docs.py).

    python scripts/build_site.py [--out site/]

Steps, each failing the build loudly:

1. Stage ``docs/`` (the guide, the generated API reference, backend matrix and gallery, the
   notebooks, and whatever other pages exist: migrating, benchmarks, scale) plus the site-only
   pages of ``docs/site/pages`` into a temporary folder. Links that leave ``docs/`` (the gallery's
   ``../gallery/examples/x.py`` sources) are copied in under ``source/`` and pointed there.
2. Split the gallery page into one page per category.
3. Run every ``python`` snippet of ``getting_started.md`` (:mod:`site_snippets`).
4. Build the figure catalogue: every figure kind, live, from the shipped models (:mod:`site_catalogue`).
5. ``mkdocs build --strict`` with ``docs/site/mkdocs.yml`` and a nav of the pages that exist; a
   broken link or anchor is an error.
6. Check the built site asks nothing of the network: no ``src``/``href`` of a script, style sheet,
   image, font or frame points at ``http(s)://`` or ``//``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SITE_CONFIG = DOCS / "site"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import site_catalogue  # noqa: E402
import site_snippets  # noqa: E402

#: The site's navigation, in reading order: (title, page or [(title, page), ...]). Pages that do
#: not exist (yet) are left out, so the site builds before and after the branches that add them.
NAV: list = [
    ("Home", "index.md"),
    ("Getting started", "getting_started.md"),
    ("Guide", "guide.md"),
    ("Figure catalogue", "figures.md"),
    ("Gallery", "GALLERY"),                 # replaced by the overview and one page per category
    ("API reference", "api.md"),
    ("Backends", "backends.md"),
    ("Scale", "scale.md"),
    ("Benchmarks", "benchmarks.md"),
    ("Migrating", "migrating.md"),
]
_OUTSIDE_LINK = re.compile(r"\[([^\]]*)\]\((\.\./[^)\s#]+)(#[^)\s]*)?\)")
_REMOTE_ASSET = re.compile(r"""<(script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']\s*(https?:)?//""",
                           re.IGNORECASE)
_CSS_REMOTE = re.compile(r"""@import\s+(url\()?["']?\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//""", re.IGNORECASE)


class SiteError(RuntimeError):
    """The site cannot be built as documented (a missing page, a broken link, a network asset)."""


# ---------------------------------------------------------------------------------------------
# Staging


def stage(src: Path) -> None:
    """Copy ``docs/`` (without ``docs/site``) and the site-only pages into ``src``."""
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("site", "__pycache__", ".ipynb_checkpoints"))
    for page in (SITE_CONFIG / "pages").iterdir():
        shutil.copy2(page, src / page.name)
    shutil.copytree(SITE_CONFIG / "assets", src / "assets")
    for page in src.glob("*.md"):
        page.write_text(_bring_in_outside_links(page.read_text(encoding="utf-8"), src), encoding="utf-8")


def _bring_in_outside_links(text: str, src: Path) -> str:
    """Point links out of ``docs/`` (``../gallery/x.py``) at copies under ``source/`` in the site.

    A file is copied in as it is (served as a download). A folder, or a Markdown file outside
    ``docs/`` (the README: its own links would not resolve in the site), cannot be: the link
    becomes its text and the repository path in code.
    """

    def replace(match: re.Match) -> str:
        label, link, anchor = match.group(1), match.group(2), match.group(3) or ""
        target = (DOCS / link).resolve()
        if ROOT not in target.parents or not target.exists():
            raise SiteError(f"a docs page links to {link!r}, which is not in the repository; "
                            "fix the link in the page (or the generator that writes it)")
        relative = target.relative_to(ROOT).as_posix()
        if target.is_dir() or target.suffix == ".md":
            return f"{label} (`{relative}{'/' if target.is_dir() else ''}` in the repository)"
        copy = src / "source" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, copy)
        return f"[{label}](source/{relative}{anchor})"

    return _OUTSIDE_LINK.sub(replace, text)


def split_gallery(src: Path) -> list[tuple[str, str]]:
    """Split ``gallery.md`` into an overview and one page per ``##`` category; return their nav.

    Each category page is ``gallery-<slug>.md`` beside the overview (so the pictures' relative
    paths still hold); its examples become ``##`` sections.
    """
    text = (src / "gallery.md").read_text(encoding="utf-8")
    head, *sections = re.split(r"^## ", text, flags=re.MULTILINE)
    if not sections:
        raise SiteError("docs/gallery.md has no '## <category>' sections; run scripts/gen_docs.py")
    nav, listing = [("Overview", "gallery.md")], []
    for section in sections:
        category, _, body = section.partition("\n")
        slug = re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-")
        page = f"gallery-{slug}.md"
        examples = re.findall(r"^### (.+)$", body, flags=re.MULTILINE)
        body = re.sub(r"^### ", "## ", body, flags=re.MULTILINE)
        (src / page).write_text(f"# {category}\n{body}", encoding="utf-8")
        nav.append((category, page))
        listing.append(f"- [{category}]({page}): " + "; ".join(examples))
    (src / "gallery.md").write_text(head.rstrip() + "\n\n" + "\n".join(listing) + "\n", encoding="utf-8")
    return nav


# ---------------------------------------------------------------------------------------------
# MkDocs


def mkdocs_config(src: Path, out: Path, gallery_nav: list[tuple[str, str]]) -> Path:
    """Write the MkDocs config for this build (template + folders + the nav of existing pages)."""
    config = yaml.safe_load((SITE_CONFIG / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = []
    for title, page in NAV:
        if page == "GALLERY":
            nav.append({title: [{t: p} for t, p in gallery_nav]})
        elif (src / page).exists():
            nav.append({title: page})
    config.update(docs_dir=str(src), site_dir=str(out), nav=nav)
    path = src.parent / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run_mkdocs(config: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--config-file", str(config)],
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        raise SiteError("mkdocs build --strict failed (a broken link or anchor, or a page error):\n"
                        + result.stdout[-3000:] + result.stderr[-3000:])


def check_offline(out: Path) -> int:
    """Raise if any built page or style sheet loads an asset from the network; return files checked."""
    offenders, checked = [], 0
    for path in sorted(out.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        checked += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = _REMOTE_ASSET if path.suffix == ".html" else _CSS_REMOTE
        for match in pattern.finditer(text):
            offenders.append(f"{path.relative_to(out)}: {text[match.start():match.end() + 60]!r}")
    if offenders:
        raise SiteError("the built site loads assets from the network (it must work offline):\n" + "\n".join(offenders[:20]))
    return checked


# ---------------------------------------------------------------------------------------------


def build(out: Path) -> dict:
    """Build the whole site into ``out``; return timings and counts."""
    started, report = time.perf_counter(), {}

    def step(name: str) -> None:
        print(f"build_site: {name} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="vizkit-site-") as tmp:
        src = Path(tmp) / "src"
        stage(src)
        gallery_nav = split_gallery(src)
        step("staged docs/; running the getting-started snippets")
        report["snippets"] = site_snippets.run_page(src / "getting_started.md")
        step("building the figure catalogue")
        (src / "figures.md").write_text(site_catalogue.build(src), encoding="utf-8")
        report["figures"] = len(list((src / "figures").glob("*.html")))
        step("mkdocs build")
        run_mkdocs(mkdocs_config(src, out, gallery_nav))
    step("checking for network assets")
    report["files_checked_offline"] = check_offline(out)
    report["pages"] = len(list(out.glob("*.html")))
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="where to write the site (default: site/)")
    args = parser.parse_args(argv)
    try:
        report = build(args.out.resolve())
    except (SiteError, site_snippets.SnippetError) as exc:
        print(f"build_site: {exc}", file=sys.stderr)
        return 1
    print(f"built {report['pages']} pages, {report['figures']} live figures, ran {report['snippets']} snippets, "
          f"checked {report['files_checked_offline']} files for network assets, in {report['seconds']} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
