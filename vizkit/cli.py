"""The ``vizkit`` command: ``vizkit export`` writes gallery examples to files, ``vizkit gallery`` serves them.

Examples
--------
::

    vizkit export --all --formats png,pdf --backends plotly,matplotlib --theme paper --out figures/
    vizkit export induction_attention --formats svg --out figures/
    vizkit export --list
    vizkit gallery --port 5006 --show
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
from pathlib import Path

from .errors import VizkitError

IMAGE_FORMATS = ("png", "svg", "pdf")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0: everything written)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except VizkitError as exc:
        print(f"vizkit {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"vizkit {args.command}: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vizkit", description="Plotting toolkit for mechanistic interpretability.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ex = sub.add_parser("export", help="export gallery examples to PNG/SVG/PDF/HTML/JSON files",
                        description="Export gallery examples, one file per example, backend and format: "
                                    "OUT/{example}.{backend}.{format} (the backend-neutral JSON spec: OUT/{example}.json).")
    ex.add_argument("examples", nargs="*", metavar="EXAMPLE", help="example names (the file names without .py)")
    ex.add_argument("--all", action="store_true", help="export every example")
    ex.add_argument("--list", action="store_true", help="list the examples and exit")
    ex.add_argument("--formats", default="png,svg,pdf", type=_csv, help="comma-separated: png,svg,pdf,html,json (default: png,svg,pdf)")
    ex.add_argument("--backends", default=None, type=_csv,
                    help="comma-separated backend names, or 'all' (default: the backend in force, normally plotly)")
    ex.add_argument("--out", type=Path, help="output folder (created if missing)")
    ex.add_argument("--theme", default=None, help="default, paper or dark (default: the theme in force)")
    ex.add_argument("--scale", type=float, default=None, help="PNG pixels per CSS pixel (e.g. 2 for print)")
    ex.add_argument("--timeout", type=float, default=60.0, help="seconds per file before a stuck browser is stopped")
    ex.add_argument("--examples-dir", type=Path, default=None, help="a folder of example .py files (default: gallery/examples)")
    ex.add_argument("--quiet", action="store_true", help="no progress bar")
    ex.set_defaults(run=_export)

    gal = sub.add_parser("gallery", help="serve the example gallery (Panel app) on 127.0.0.1")
    gal.add_argument("--port", type=int, default=5006, help="port (default 5006; 0 picks a free one)")
    gal.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    gal.add_argument("--show", action="store_true", help="open the gallery in a web browser")
    gal.add_argument("--examples-dir", type=Path, default=None, help="serve a folder of example .py files (default: gallery/examples)")
    gal.set_defaults(run=_gallery)
    return parser


def _csv(text: str) -> list[str]:
    return [part.strip().lower() for part in text.split(",") if part.strip()]


# ---------------------------------------------------------------------------------------------
# The gallery: found by name, never imported by the library below this module

#: The gallery's import name (the repository folder ``gallery/``, installed under vizkit's own name).
GALLERY = "vizkit_gallery"


def find_gallery(submodule: str = ""):
    """The gallery package, or one of its modules (``find_gallery("server")``).

    In a source checkout (this ``vizkit`` beside ``pyproject.toml`` and ``gallery/``), the checkout's
    own ``gallery/`` folder is imported as ``vizkit_gallery``, so the gallery always matches the
    library it runs on; otherwise the installed ``vizkit_gallery``.

    Raises
    ------
    VizkitError
        If no gallery can be imported.
    """
    if GALLERY not in sys.modules:
        _import_source_checkout_gallery()
    name = f"{GALLERY}.{submodule}" if submodule else GALLERY
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name not in (GALLERY, name):
            raise  # something the gallery needs is missing (Panel, ...): say exactly that
        raise VizkitError(f"the gallery is not importable (no module {GALLERY!r}): reinstall vizkit "
                          "(pip install 'vizkit[gallery]'), or run from the vizkit repository") from exc


def _import_source_checkout_gallery() -> None:
    root = Path(__file__).resolve().parents[1]
    folder = root / "gallery"
    if not ((root / "pyproject.toml").is_file() and (folder / "__init__.py").is_file()):
        return
    spec = importlib.util.spec_from_file_location(GALLERY, folder / "__init__.py", submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[GALLERY] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[GALLERY]
        raise


def _gallery(args) -> int:
    if args.examples_dir is not None and not args.examples_dir.is_dir():
        raise VizkitError(f"--examples-dir {str(args.examples_dir)!r} is not a folder")
    server = find_gallery("server")
    server.serve(port=args.port, address=args.address, show=args.show, examples_dir=args.examples_dir)
    return 0


# ---------------------------------------------------------------------------------------------
# vizkit export


def example_files(examples_dir: Path | None = None) -> dict[str, Path]:
    """``{name: path}`` of the gallery examples (``*.py`` files not starting with ``_``), sorted by name."""
    return find_gallery("discovery").example_files(examples_dir)


def load_example(name: str, path: Path):
    """Import the example module at ``path`` (as ``vizkit_gallery.examples.NAME`` when it is the gallery's own)."""
    return find_gallery("discovery").load_example(name, path)


def _backend_names(requested: list[str] | None) -> list[str]:
    from . import backends
    from ._config import get_backend

    if not requested:
        return [get_backend()]
    if requested == ["all"]:
        out = []
        for name in backends.names():
            try:
                backends.load(name)
            except VizkitError:
                continue  # registered but not installed or not written
            out.append(name)
        return out
    names = [backends.check_backend_name(n) for n in requested]
    for n in names:
        backends.load(n)  # a clear BackendError now rather than one per file
    return list(dict.fromkeys(names))


def _plan(fig, name: str, backend_names: list[str], formats: list[str]):
    """``(backend, fmt, filename)`` to write and ``(backend, reason)`` skipped for one built figure."""
    from . import backends

    jobs, skipped = [], []
    if "json" in formats:
        jobs.append((None, "json", f"{name}.json"))
    for b in backend_names:
        if not backends.supports(b, fig.kind):
            skipped.append((b, f"the {b} backend does not draw {fig.kind!r} figures"))
            continue
        module = backends.load(b)
        for fmt in formats:
            if fmt == "json":
                continue
            if fmt not in module.FORMATS:
                skipped.append((b, f"the {b} backend cannot write {fmt.upper()}"))
                continue
            jobs.append((b, fmt, f"{name}.{b}.{fmt}"))
    return jobs, skipped


def _progress(total: int, quiet: bool):
    """A tqdm bar on stderr, or a plain line per file when tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        return tqdm(total=total, file=sys.stderr, unit="file", disable=quiet, dynamic_ncols=True)

    class _Lines:
        n = 0

        def set_postfix_str(self, text):
            self.text = text

        def update(self, k=1):
            self.n += k
            if k and not quiet:
                print(f"[{self.n}/{total}] {getattr(self, 'text', '')}", file=sys.stderr)

        def close(self):
            pass

    return _Lines()


def _export(args) -> int:
    files = example_files(args.examples_dir)
    if args.list:
        print("\n".join(files))
        return 0
    names, backend_names = _check_export_args(args, files)
    args.out.mkdir(parents=True, exist_ok=True)
    per_example = len(backend_names) * len([f for f in args.formats if f != "json"]) + ("json" in args.formats)
    bar = _progress(len(names) * per_example, args.quiet)
    written, skipped, failed = [], [], []
    started = time.monotonic()
    try:
        for name in names:
            bar.set_postfix_str(name)
            try:
                fig = _build(name, files[name])
                jobs, skips = _plan(fig, name, backend_names, args.formats)
            except Exception as exc:  # a broken example must not stop the others
                failed.append((name, "build", _describe(exc)))
                bar.update(per_example)
                continue
            skipped += [(name, b, why) for b, why in skips]
            bar.update(per_example - len(jobs))
            for backend, fmt, filename in jobs:
                bar.set_postfix_str(filename)
                try:
                    _save(fig, args.out / filename, backend, fmt, args)
                    written.append(filename)
                except Exception as exc:
                    failed.append((name, filename, _describe(exc)))
                bar.update(1)
    finally:
        bar.close()
    for name, backend, why in skipped:
        print(f"skipped {name} with {backend}: {why}", file=sys.stderr)
    for name, what, why in failed:
        print(f"FAILED {name} ({what}): {why}", file=sys.stderr)
    print(f"vizkit export: {len(written)} file(s) written to {os.fspath(args.out)}, {len(skipped)} skipped, "
          f"{len(failed)} failed, in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


def _check_export_args(args, files: dict) -> tuple[list[str], list[str]]:
    """The example names and backend names to export, or a VizkitError saying what was expected."""
    from .export import FORMATS
    from .spec.theme import check_theme_name

    if args.all == bool(args.examples):
        raise VizkitError("name the examples to export, or pass --all (see `vizkit export --list`)")
    unknown = [e for e in args.examples if e not in files]
    if unknown:
        raise VizkitError(f"unknown example(s) {unknown}; expected names among {sorted(files)}")
    if not args.formats or any(f not in FORMATS for f in args.formats):
        raise VizkitError(f"--formats takes a comma-separated list among {list(FORMATS)}; got {args.formats}")
    if args.out is None:
        raise VizkitError("pass --out DIR, the folder to write the files to")
    if args.theme is not None:
        check_theme_name(args.theme)
    if args.scale is not None and not args.scale > 0:
        raise VizkitError(f"--scale must be a positive number; got {args.scale}")
    return (list(files) if args.all else list(dict.fromkeys(args.examples))), _backend_names(args.backends)


def _build(name: str, path: Path):
    from .spec import Figure

    fig = load_example(name, path).build()
    if not isinstance(fig, Figure):
        raise VizkitError(f"build() returned {type(fig).__name__}; expected a vizkit.Figure")
    return fig


def _save(fig, path: Path, backend: str | None, fmt: str, args) -> None:
    """One file, written atomically by vizkit.export.save (nothing is left behind on failure)."""
    from .export import save

    options = {}
    if fmt in IMAGE_FORMATS:
        options["timeout"] = args.timeout
        if args.scale is not None:
            options["scale"] = args.scale
    save(fig, path, backend=backend, theme=args.theme if fmt != "json" else None, **options)


def _describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, VizkitError) else f"{type(exc).__name__}: {exc}"
