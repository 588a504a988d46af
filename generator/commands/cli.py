"""The ``confsite`` command: the only module that prints."""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

from ..build import pipeline
from ..core.errors import BuildFailed, Problem, Severity
from ..core.messages import ENGLISH, LANGUAGES, N_, Num, Translator, choose_language, utf8_console
from .progress import CACHED_STAGES, STAGES, Progress
from .textcli import argparse_in


def _say(tr: Translator, message: str, **kw) -> None:
    print(tr(message), **kw)


def _problems(problems: list[Problem], limit: int = 200, tr: Translator = ENGLISH) -> int:
    """Print problems, errors last so they stay on screen; return the number of errors."""
    ordered = sorted(set(problems), key=lambda p: (p.severity is Severity.ERROR, p.path, p.line or 0, p.field, p.message))
    errors = [p for p in ordered if p.severity is Severity.ERROR]
    warnings = [p for p in ordered if p.severity is Severity.WARNING]
    for p in warnings[:limit]:
        print(p.format(tr), file=sys.stderr)
    if len(warnings) > limit:
        _say(tr, N_("… and {n} more warnings", n=len(warnings) - limit), file=sys.stderr)
    for p in errors[:limit]:
        print(p.format(tr), file=sys.stderr)
    if len(errors) > limit:
        _say(tr, N_("… and {n} more errors (fix these first; raise limits.max_errors in site.yaml to see more)",
                    n=len(errors) - limit), file=sys.stderr)
    return len(errors)


def cmd_build(args: argparse.Namespace) -> int:
    tr = getattr(args, "tr", ENGLISH)
    started = time.perf_counter()
    limit = 200
    try:
        config = pipeline.configure(Path(args.content), Path(args.output), base_url=args.base_url, drafts=args.drafts)
        limit = config.limits.max_errors
        stages = STAGES if args.no_cache else CACHED_STAGES
        with Progress(sys.stderr, stages=stages, tr=tr) as progress:
            result = pipeline.build(config, progress=progress, allow_removed=args.allow_removed,
                                    cache=not args.no_cache, jobs=args.jobs)
    except BuildFailed as exc:
        count = _problems(exc.problems, limit, tr)
        _say(tr, N_("build failed: {count} error(s); {output}/ was not changed", count=count, output=args.output),
             file=sys.stderr)
        return 1
    _problems(result.warnings, limit, tr)
    w = result.written
    pages = result.page_count
    changed = N_(", {written} written, {unchanged} unchanged", written=w.written, unchanged=w.unchanged) if w else ""
    if result.noop:
        changed += N_(" (nothing changed since the last build)")
    _say(tr, N_("built {articles} articles, {pages} pages into {output}/{changed}, {warnings} warning(s) in {seconds} s",
                articles=result.article_count, pages=pages, output=args.output, changed=changed,
                warnings=len(result.warnings), seconds=Num(time.perf_counter() - started)))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    tr = getattr(args, "tr", ENGLISH)
    limit = 200
    try:
        config = pipeline.configure(Path(args.content), Path(args.content) / ".confsite-check",
                                    drafts=True, require_base_url=True)
    except BuildFailed as exc:
        return _check_report({"errors": list(exc.problems)}, limit, tr)
    limit = config.limits.max_errors
    return _check_report(_checked(config, tr), limit, tr)


def _checked(config, tr: Translator) -> dict:
    """What a check reports: from its cache when no input changed since the last check
    (``rebuild.checked``), else from a build that writes nothing and reuses, through the
    same cache, every file, front-matter, body and page that did not change."""
    from ..build import rebuild
    from ..site import spellings
    from .advice import advise

    store = rebuild.check_cache(config)
    snap = rebuild.snapshot(config, "check")
    report = rebuild.checked(store, snap)
    if report is not None:
        return report
    try:
        with Progress(sys.stderr, stages=STAGES[:-1], tr=tr) as progress:
            result = pipeline.build(config, write=False, progress=progress, cache=store, index=False)
    except BuildFailed as exc:
        report = {"errors": list(exc.problems)}
    else:
        site = result.site
        drafts = {a.display for a in (*site.articles, *site.pages) if a.draft}
        report = {"warnings": list(result.warnings), "advice": list(advise(site, store)), "spellings": spellings.lines(site),
                  "articles": len(site.articles), "drafts": drafts}
    rebuild.remember_check(store, snap, report)
    store.save()
    return report


def _check_report(report: dict, limit: int, tr: Translator) -> int:
    """Print a check's report (see :func:`_checked`); the exit status."""
    if "errors" in report:
        count = _problems(report["errors"], limit, tr)
        _say(tr, N_("check failed: {count} error(s); nothing was written", count=count), file=sys.stderr)
        return 1
    warnings, advice = report["warnings"], report["advice"]
    _problems([*warnings, *advice], limit, tr)
    for line in report["spellings"]:
        _say(tr, line)
    # `build` shows the build's warnings for published articles only; say where the rest come from.
    shown = set(warnings)
    in_drafts = sum(p.path in report["drafts"] for p in shown)
    total = len(shown | set(advice))
    split = ""
    if total:
        split = N_(": {build} that confsite build also gives, {drafts} in drafts (build leaves drafts out), "
                   "{advice} advice that only check gives", build=len(shown) - in_drafts, drafts=in_drafts,
                   advice=total - len(shown))
    _say(tr, N_("check passed: {articles} articles (drafts included), no errors, {warnings} warning(s){split}",
                articles=report["articles"], warnings=total, split=split))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    tr = getattr(args, "tr", ENGLISH)
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
            _say(tr, N_("--date: {value} is not a date; write it as YYYY-MM-DD, e.g. 2024-12-20, or YYYY-MM "
                        "when only the month is known", value=repr(args.date)), file=sys.stderr)
            return 1
    warnings: list[Problem] = []
    try:
        path = new_article(Path(args.content), args.title, cluster=args.cluster, date=date, warnings=warnings,
                           language=tr.language)
    except BuildFailed as exc:
        _problems(exc.problems, tr=tr)
        return 1
    _problems(warnings, tr=tr)
    _say(tr, N_("wrote {path}: fill in the fields, then run confsite serve to see it", path=path.as_posix()))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    tr = getattr(args, "tr", ENGLISH)
    from .importer.cli import run_import

    return run_import(args, lambda problems: _problems(problems, tr=tr), tr)


def cmd_serve(args: argparse.Namespace) -> int:
    tr = getattr(args, "tr", ENGLISH)
    from .serve import serve

    def log(line: str) -> None:
        print(tr(line), file=sys.stderr, flush=True)

    return serve(Path(args.content), host=args.host, port=args.port, livereload_port=args.livereload_port,
                 open_browser=args.open, log=log, tr=tr)


def cmd_publish(args: argparse.Namespace) -> int:
    tr = getattr(args, "tr", ENGLISH)
    from .publish import PublishError, publish, rollback
    from .remote import parse_destination

    try:
        remote = parse_destination(args.dest)
    except PublishError as exc:
        _say(tr, N_("publish failed: {message}", message=exc.message) + "; " + exc.hint, file=sys.stderr)
        return 1
    if remote is not None:
        return _publish_remote(args, remote, tr)
    if args.dry_run:
        _say(tr, N_("publish failed: --dry-run lists what would travel to a server; "
                    "give the destination as user@host:/folder"), file=sys.stderr)
        return 1
    dest = Path(args.dest)
    try:
        if args.rollback:
            old, new = rollback(dest)
            _say(tr, N_("rolled back {dest}/current from {old} to {new}", dest=dest, old=old, new=new))
            return 0
        started = time.perf_counter()
        result = publish(Path(args.content), dest, base_url=args.base_url, keep=args.keep,
                         allow_removed=args.allow_removed)
    except (BuildFailed, PublishError) as exc:
        return _publish_failed(exc, args, dest, tr)
    removed = N_(", removed {n} old release(s)", n=len(result.removed)) if result.removed else ""
    _say(tr, N_("published {files} files as {dest}/releases/{release}; {dest}/current points at it{removed} in {seconds} s",
                files=result.files, dest=dest, release=result.release, removed=removed,
                seconds=Num(time.perf_counter() - started)))
    return 0


def _publish_remote(args: argparse.Namespace, remote, tr: Translator) -> int:
    from .publish import PublishError
    from .remote import publish_remote, rollback_remote

    def log(line: str) -> None:
        print(tr(line), file=sys.stderr, flush=True)

    ssh_config = Path(args.ssh_config) if args.ssh_config else None
    try:
        if args.rollback:
            old, new = rollback_remote(remote, ssh_config=ssh_config, wait=args.wait, log=log)
            _say(tr, N_("rolled back {dest}/current from {old} to {new}", dest=remote, old=old, new=new))
            return 0
        started = time.perf_counter()
        result = publish_remote(Path(args.content), remote, ssh_config=ssh_config, base_url=args.base_url,
                                keep=args.keep, wait=args.wait, dry_run=args.dry_run,
                                allow_removed=args.allow_removed, log=log)
    except (BuildFailed, PublishError) as exc:
        return _publish_failed(exc, args, remote, tr)
    t = result.transfer
    share = N_("{percent}%", percent=Num(100 * t.bytes_sent / t.site_bytes)) if t and t.site_bytes else "–"
    if args.dry_run:
        for name in t.sent:
            _say(tr, N_("would send: {name}", name=name))
        for name in t.removed:
            _say(tr, N_("would remove: {name}", name=name))
        _say(tr, N_("dry run: {sent} file(s) would be sent ({size} bytes before rsync's differences and compression), "
                    "{removed} removed; {dest}/current was not changed", sent=len(t.sent),
                    size=_bytes(t.changed_bytes, tr), removed=len(t.removed), dest=remote))
        return 0
    removed = N_(", removed {n} old release(s)", n=len(result.removed)) if result.removed else ""
    _say(tr, N_("published {files} files as {dest}/releases/{release}; {dest}/current points at it{removed}; sent "
                "{sent} bytes for a site of {size} bytes ({share}) in {seconds} s", files=result.files, dest=remote,
                release=result.release, removed=removed, sent=_bytes(t.bytes_sent, tr), size=_bytes(t.site_bytes, tr),
                share=share, seconds=Num(time.perf_counter() - started)))
    return 0


def _publish_failed(exc: Exception, args: argparse.Namespace, dest, tr: Translator) -> int:
    """Print why a publish or rollback (local or over SSH) stopped; the exit status."""
    if isinstance(exc, BuildFailed):
        count = _problems(exc.problems, tr=tr)
        _say(tr, N_("publish failed: {count} error(s); {dest}/current was not changed", count=count, dest=dest),
             file=sys.stderr)
        return 1
    _problems(exc.problems, tr=tr)
    message = N_("rollback: {message}", message=exc.message) if args.rollback else \
        N_("publish failed: {message}", message=exc.message)
    _say(tr, message + (("; " + exc.hint) if exc.hint else ""), file=sys.stderr)
    return 1


def _bytes(n: int, tr: Translator) -> str:
    """A byte count with thousands grouped as the language writes them: 1,234,567 or 1.234.567."""
    shown = f"{n:,}"
    return shown.replace(",", ".") if tr.language == "vi" else shown


def parser(tr: Translator = ENGLISH) -> argparse.ArgumentParser:
    t = tr
    ap = argparse.ArgumentParser(prog="confsite", description=t(N_("Build the conference-report site from Markdown.")))
    ap.add_argument("--lang", choices=LANGUAGES, help=t(N_("language of the messages: vi (Vietnamese) or en "
                                                         "(English); see docs/messages.md")))
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help=t(N_("build the site into the output folder")))
    b.add_argument("--content", default="content", help=t(N_("content folder (default: content)")))
    b.add_argument("--output", default="site", help=t(N_("output folder (default: site)")))
    b.add_argument("--base-url", help=t(N_("the site's public address; overrides site.yaml")))
    b.add_argument("--drafts", action="store_true", help=t(N_("include articles marked draft: true")))
    b.add_argument("--no-cache", action="store_true",
                   help=t(N_("build everything afresh, without reading or writing the build cache")))
    b.add_argument("--jobs", type=int, default=None, metavar="N",
                   help=t(N_("build with N processes (default: one per processor core)")))
    b.add_argument("--allow-removed", action="store_true",
                   help=t(N_("accept that addresses published before are gone (see content/.published-urls)")))
    _lang(b, t)
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("serve", help=t(N_("preview the site with drafts, rebuilt and reloaded after every change")))
    s.add_argument("--content", default="content", help=t(N_("content folder (default: content)")))
    s.add_argument("--host", default="127.0.0.1", help=t(N_("address to listen on (default: 127.0.0.1)")))
    s.add_argument("--port", type=int, default=8000, help=t(N_("port of the preview (default: 8000)")))
    s.add_argument("--livereload-port", type=int, default=35729,
                   help=t(N_("port of the reload websocket (default: 35729, or a free one when taken)")))
    s.add_argument("--open", action="store_true", help=t(N_("open the preview in a web browser")))
    _lang(s, t)
    s.set_defaults(func=cmd_serve)
    c = sub.add_parser("check", help=t(N_("check every file (drafts included) without writing a site")))
    c.add_argument("--content", default="content", help=t(N_("content folder (default: content)")))
    _lang(c, t)
    c.set_defaults(func=cmd_check)
    n = sub.add_parser("new", help=t(N_("start a new report with a front-matter skeleton")))
    n.add_argument("title", help=t(N_('the headline, e.g. "Hội nghị tổng kết công tác thi đua năm 2024"')))
    n.add_argument("--cluster", help=t(N_("the cluster's name or slug as in clusters.yaml")))
    n.add_argument("--date", help=t(N_("the conference date, YYYY-MM-DD, or YYYY-MM when only the month is known "
                                       "(default: today)")))
    n.add_argument("--content", default="content", help=t(N_("content folder (default: content)")))
    _lang(n, t)
    n.set_defaults(func=cmd_new)
    i = sub.add_parser("import", help=t(N_("draft articles from Word files, saved web pages, text files or an RSS feed")))
    i.add_argument("paths", nargs="+", metavar="PATH", help=t(N_(".docx, .html, .txt or feed .xml files, or folders "
                                                                 "of them")))
    i.add_argument("--into", help=t(N_("folder for the drafts (default: CONTENT/reports)")))
    i.add_argument("--cluster", help=t(N_("the cluster's name or slug as in clusters.yaml, for every imported report")))
    i.add_argument("--content", default="content", help=t(N_("content folder (default: content)")))
    i.add_argument("--jobs", type=int, default=None, metavar="N", help=t(N_("read with N processes (default: one "
                                                                            "per core)")))
    _lang(i, t)
    i.set_defaults(func=cmd_import)
    p = sub.add_parser("publish", help=t(N_("build for production and switch DEST/current to the new release")))
    p.add_argument("dest", help=t(N_("the folder the web server serves current/ from: a local folder, "
                                     "user@host:/folder or ssh://user@host:port/folder (see docs/publishing-ssh.md)")))
    p.add_argument("--content", default="content", help=t(N_("content folder (default: content)")))
    p.add_argument("--base-url", help=t(N_("the site's public address; overrides site.yaml")))
    p.add_argument("--keep", type=int, default=5, help=t(N_("releases to keep (default: 5)")))
    p.add_argument("--rollback", action="store_true", help=t(N_("switch current back to the previous release")))
    p.add_argument("--dry-run", action="store_true",
                   help=t(N_("to a server: build and list what would be sent and removed, change nothing")))
    p.add_argument("--ssh-config", metavar="FILE", help=t(N_("to a server: the ssh configuration file to use "
                                                             "(default: the user's ~/.ssh/config)")))
    p.add_argument("--wait", type=float, default=60, metavar="SECONDS",
                   help=t(N_("to a server: how long to wait for another publish to finish (default: 60)")))
    p.add_argument("--allow-removed", action="store_true",
                   help=t(N_("accept that addresses published before are gone (see content/.published-urls)")))
    _lang(p, t)
    p.set_defaults(func=cmd_publish)
    return ap


def _lang(p: argparse.ArgumentParser, t: Translator) -> None:
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                   help=t(N_("language of the messages: vi or en (default: Vietnamese)")))


def language(argv: list[str]) -> str:
    """The language chosen by --lang, the environment, the locale or site.yaml (see messages.py)."""
    given, content = None, "content"
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if name in ("--lang", "--content"):
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            if name == "--lang":
                given = value
            else:
                content = value
    return choose_language(given, content=Path(content))


def main(argv: list[str] | None = None, *, exiting: bool = False) -> int:
    """Run one command; *exiting*: the process ends with it (the console script)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    utf8_console(sys.stdout, sys.stderr)
    tr = Translator(language(argv))
    with argparse_in(tr):
        args = parser(tr).parse_args(argv)
    args.tr = tr
    if exiting and args.func in (cmd_build, cmd_check):
        # A build runs without the cycle collector and turns it back on when done; the
        # first collection then walks the whole model once (a quarter of a second at
        # 10,000 articles) for a process about to end. Leave it off.
        gc.disable()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _say(tr, N_("interrupted; the output folder was not changed"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def run() -> None:
    """The console script: ``main``, then exit without tearing the build's objects down
    one by one (half a second for a large archive; the operating system frees them at once)."""
    code = main(exiting=True)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
