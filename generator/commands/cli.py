"""The ``confsite`` command: the only module that prints."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ..build import pipeline
from ..core.errors import BuildFailed, Problem, Severity
from .progress import STAGES, Progress


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
        with Progress(sys.stderr) as progress:
            result = pipeline.build(config, progress=progress, allow_removed=args.allow_removed,
                                    cache=not args.no_cache, jobs=args.jobs)
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


def cmd_check(args: argparse.Namespace) -> int:
    from .advice import advise

    limit = 200
    try:
        config = pipeline.configure(Path(args.content), Path(args.content) / ".confsite-check",
                                    drafts=True, require_base_url=True)
        limit = config.limits.max_errors
        with Progress(sys.stderr, stages=STAGES[:-1]) as progress:
            result = pipeline.build(config, write=False, progress=progress)
    except BuildFailed as exc:
        count = _problems(exc.problems, limit)
        print(f"check failed: {count} error(s); nothing was written", file=sys.stderr)
        return 1
    advice = advise(result.site)
    _problems([*result.warnings, *advice], limit)
    # `build` shows the build's warnings for published articles only; say where the rest come from.
    drafts = {a.display for a in (*result.site.articles, *result.site.pages) if a.draft}
    shown = set(result.warnings)
    in_drafts = sum(p.path in drafts for p in shown)
    total = len(shown | set(advice))
    split = ""
    if total:
        split = (f": {len(shown) - in_drafts} that confsite build also gives, {in_drafts} in drafts (build leaves "
                 f"drafts out), {total - len(shown)} advice that only check gives")
    print(f"check passed: {len(result.site.articles)} articles (drafts included), no errors, {total} warning(s){split}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..content.model import ArticleDate
    from .newpost import new_article

    date = None
    if args.date:
        try:
            if len(args.date.strip()) == 7:         # 2024-12: only the month is known
                year, month = args.date.strip().split("-")
                date = ArticleDate(int(year), int(month))
                dt.date(date.year, date.month, 1)
            else:
                date = dt.date.fromisoformat(args.date)
        except ValueError:
            print(f"--date: {args.date!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-12-20, or YYYY-MM "
                  "when only the month is known", file=sys.stderr)
            return 1
    warnings: list[Problem] = []
    try:
        path = new_article(Path(args.content), args.title, cluster=args.cluster, date=date, warnings=warnings)
    except BuildFailed as exc:
        _problems(exc.problems)
        return 1
    _problems(warnings)
    print(f"wrote {path.as_posix()}: fill in the fields, then run confsite serve to see it")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importer.cli import run_import

    return run_import(args, _problems)


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    return serve(Path(args.content), host=args.host, port=args.port, livereload_port=args.livereload_port,
                 open_browser=args.open, log=log)


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import PublishError, publish, rollback
    from .remote import parse_destination

    try:
        remote = parse_destination(args.dest)
    except PublishError as exc:
        print(f"publish failed: {exc.message}; {exc.hint}", file=sys.stderr)
        return 1
    if remote is not None:
        return _publish_remote(args, remote)
    if args.dry_run:
        print("publish failed: --dry-run lists what would travel to a server; "
              "give the destination as user@host:/folder", file=sys.stderr)
        return 1
    dest = Path(args.dest)
    try:
        if args.rollback:
            old, new = rollback(dest)
            print(f"rolled back {dest}/current from {old} to {new}")
            return 0
        started = time.perf_counter()
        result = publish(Path(args.content), dest, base_url=args.base_url, keep=args.keep,
                         allow_removed=args.allow_removed)
    except BuildFailed as exc:
        count = _problems(exc.problems)
        print(f"publish failed: {count} error(s); {dest}/current was not changed", file=sys.stderr)
        return 1
    except PublishError as exc:
        _problems(exc.problems)
        what = "rollback" if args.rollback else "publish failed"
        print(f"{what}: {exc.message}" + (f"; {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 1
    removed = f", removed {len(result.removed)} old release(s)" if result.removed else ""
    print(f"published {result.files} files as {dest}/releases/{result.release}; {dest}/current points at it"
          f"{removed} in {time.perf_counter() - started:.2f} s")
    return 0


def _publish_remote(args: argparse.Namespace, remote) -> int:
    from .publish import PublishError
    from .remote import publish_remote, rollback_remote

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    ssh_config = Path(args.ssh_config) if args.ssh_config else None
    try:
        if args.rollback:
            old, new = rollback_remote(remote, ssh_config=ssh_config, wait=args.wait, log=log)
            print(f"rolled back {remote}/current from {old} to {new}")
            return 0
        started = time.perf_counter()
        result = publish_remote(Path(args.content), remote, ssh_config=ssh_config, base_url=args.base_url,
                                keep=args.keep, wait=args.wait, dry_run=args.dry_run,
                                allow_removed=args.allow_removed, log=log)
    except BuildFailed as exc:
        count = _problems(exc.problems)
        print(f"publish failed: {count} error(s); {remote}/current was not changed", file=sys.stderr)
        return 1
    except PublishError as exc:
        _problems(exc.problems)
        what = "rollback" if args.rollback else "publish failed"
        print(f"{what}: {exc.message}" + (f"; {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 1
    t = result.transfer
    share = f"{100 * t.bytes_sent / t.site_bytes:.2f}%" if t and t.site_bytes else "–"
    if args.dry_run:
        for name in t.sent:
            print(f"would send: {name}")
        for name in t.removed:
            print(f"would remove: {name}")
        print(f"dry run: {len(t.sent)} file(s) would be sent ({t.changed_bytes:,} bytes before rsync's "
              f"differences and compression), {len(t.removed)} removed; {remote}/current was not changed")
        return 0
    removed = f", removed {len(result.removed)} old release(s)" if result.removed else ""
    print(f"published {result.files} files as {remote}/releases/{result.release}; {remote}/current points at it"
          f"{removed}; sent {t.bytes_sent:,} bytes for a site of {t.site_bytes:,} bytes ({share}) "
          f"in {time.perf_counter() - started:.2f} s")
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
                   help="build with N processes (default: one per processor core)")
    b.add_argument("--allow-removed", action="store_true",
                   help="accept that addresses published before are gone (see content/.published-urls)")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("serve", help="preview the site with drafts, rebuilt and reloaded after every change")
    s.add_argument("--content", default="content", help="content folder (default: content)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port of the preview (default: 8000)")
    s.add_argument("--livereload-port", type=int, default=35729,
                   help="port of the reload websocket (default: 35729, or a free one when taken)")
    s.add_argument("--open", action="store_true", help="open the preview in a web browser")
    s.set_defaults(func=cmd_serve)
    c = sub.add_parser("check", help="check every file (drafts included) without writing a site")
    c.add_argument("--content", default="content", help="content folder (default: content)")
    c.set_defaults(func=cmd_check)
    n = sub.add_parser("new", help="start a new report with a front-matter skeleton")
    n.add_argument("title", help='the headline, e.g. "Hội nghị tổng kết công tác thi đua năm 2024"')
    n.add_argument("--cluster", help="the cluster's name or slug as in clusters.yaml")
    n.add_argument("--date", help="the conference date, YYYY-MM-DD, or YYYY-MM when only the month is known "
                   "(default: today)")
    n.add_argument("--content", default="content", help="content folder (default: content)")
    n.set_defaults(func=cmd_new)
    i = sub.add_parser("import", help="draft articles from Word files, saved web pages, text files or an RSS feed")
    i.add_argument("paths", nargs="+", metavar="PATH", help=".docx, .html, .txt or feed .xml files, or folders of them")
    i.add_argument("--into", help="folder for the drafts (default: CONTENT/reports)")
    i.add_argument("--cluster", help="the cluster's name or slug as in clusters.yaml, for every imported report")
    i.add_argument("--content", default="content", help="content folder (default: content)")
    i.add_argument("--jobs", type=int, default=None, metavar="N", help="read with N processes (default: one per core)")
    i.set_defaults(func=cmd_import)
    p = sub.add_parser("publish", help="build for production and switch DEST/current to the new release")
    p.add_argument("dest", help="the folder the web server serves current/ from: a local folder, "
                                "user@host:/folder or ssh://user@host:port/folder (see docs/publishing-ssh.md)")
    p.add_argument("--content", default="content", help="content folder (default: content)")
    p.add_argument("--base-url", help="the site's public address; overrides site.yaml")
    p.add_argument("--keep", type=int, default=5, help="releases to keep (default: 5)")
    p.add_argument("--rollback", action="store_true", help="switch current back to the previous release")
    p.add_argument("--dry-run", action="store_true",
                   help="to a server: build and list what would be sent and removed, change nothing")
    p.add_argument("--ssh-config", metavar="FILE", help="to a server: the ssh configuration file to use "
                   "(default: the user's ~/.ssh/config)")
    p.add_argument("--wait", type=float, default=60, metavar="SECONDS",
                   help="to a server: how long to wait for another publish to finish (default: 60)")
    p.add_argument("--allow-removed", action="store_true",
                   help="accept that addresses published before are gone (see content/.published-urls)")
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


def run() -> None:
    """The console script: ``main``, then exit without tearing the build's objects down
    one by one (half a second for a large archive; the operating system frees them at once)."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
