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
        result = pipeline.build(config)
    except BuildFailed as exc:
        count = _problems(exc.problems, limit)
        print(f"build failed: {count} error(s); {args.output}/ was not changed", file=sys.stderr)
        return 1
    _problems(result.warnings, limit)
    w = result.written
    pages = sum(1 for p in result.rendered.files if p.endswith(".html"))
    changed = f", {w.written} written, {w.unchanged} unchanged" if w else ""
    print(f"built {len(result.site.articles)} articles, {pages} pages into {args.output}/{changed}, "
          f"{len(result.warnings)} warning(s) in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import PublishError, publish, rollback

    dest = Path(args.dest)
    try:
        if args.rollback:
            old, new = rollback(dest)
            print(f"rolled back {dest}/current from {old} to {new}")
            return 0
        started = time.perf_counter()
        result = publish(Path(args.content), dest, base_url=args.base_url, keep=args.keep)
    except BuildFailed as exc:
        count = _problems(exc.problems)
        print(f"publish failed: {count} error(s); {dest}/current was not changed", file=sys.stderr)
        return 1
    except PublishError as exc:
        _problems(exc.problems)
        print(f"publish failed: {exc.message}" + (f"; {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 1
    removed = f", removed {len(result.removed)} old release(s)" if result.removed else ""
    print(f"published {result.files} files as {dest}/releases/{result.release}; {dest}/current points at it"
          f"{removed} in {time.perf_counter() - started:.2f} s")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="confsite", description="Build the conference-report site from Markdown.")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site into the output folder")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--output", default="site", help="output folder (default: site)")
    b.add_argument("--base-url", help="the site's public address; overrides site.yaml")
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.set_defaults(func=cmd_build)
    p = sub.add_parser("publish", help="build for production and switch DEST/current to the new release")
    p.add_argument("dest", help="the folder the web server serves current/ from")
    p.add_argument("--content", default="content", help="content folder (default: content)")
    p.add_argument("--base-url", help="the site's public address; overrides site.yaml")
    p.add_argument("--keep", type=int, default=5, help="releases to keep (default: 5)")
    p.add_argument("--rollback", action="store_true", help="switch current back to the previous release")
    p.set_defaults(func=cmd_publish)
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
