"""The ``confsite`` command: the only module that prints."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import pipeline
from .errors import BuildFailed, Problem, Severity


def _problems(problems: list[Problem], limit: int = 200) -> int:
    """Print problems, errors last so they stay on screen; return the number of errors."""
    ordered = sorted(set(problems), key=lambda p: (p.severity is Severity.ERROR, p.path, p.line or 0, p.field, p.message))
    errors = [p for p in ordered if p.severity is Severity.ERROR]
    warnings = [p for p in ordered if p.severity is Severity.WARNING]
    for p in warnings[:limit]:
        print(p.format(), file=sys.stderr)
    if len(warnings) > limit:
        print(f"… and {len(warnings) - limit} more warnings", file=sys.stderr)
    for p in errors[:limit]:
        print(p.format(), file=sys.stderr)
    if len(errors) > limit:
        print(f"… and {len(errors) - limit} more errors (fix these first; "
              "raise limits.max_errors in site.yaml to see more)", file=sys.stderr)
    return len(errors)


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    limit = 200
    try:
        config = pipeline.configure(Path(args.content), Path(args.output), base_url=args.base_url, drafts=args.drafts)
        limit = config.limits.max_errors
        result = pipeline.build(config, cache=not args.no_cache, jobs=args.jobs)
    except BuildFailed as exc:
        count = _problems(exc.problems, limit)
        print(f"build failed: {count} error(s); {args.output}/ was not changed", file=sys.stderr)
        return 1
    _problems(result.warnings, limit)
    w = result.written
    pages = result.page_count
    changed = f", {w.written} written, {w.unchanged} unchanged" if w else ""
    if result.noop:
        changed += " (nothing changed since the last build)"
    print(f"built {result.article_count} articles, {pages} pages into {args.output}/{changed}, "
          f"{len(result.warnings)} warning(s) in {time.perf_counter() - started:.2f} s")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="confsite", description="Build the conference-report site from Markdown.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site into the output folder")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--output", default="site", help="output folder (default: site)")
    b.add_argument("--base-url", help="the site's public address; overrides site.yaml")
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.add_argument("--no-cache", action="store_true",
                   help="build everything afresh, without reading or writing the build cache")
    b.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="render with N processes (default: one per processor core)")
    b.set_defaults(func=cmd_build)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted; the output folder was not changed", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
