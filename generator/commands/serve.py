"""``confsite serve``: a live preview for editors.

The site is built with drafts into a private folder and served under the path of
``base_url``; a watcher rebuilds through :mod:`generator.pipeline` after every change
to the content folder (its ``site.yaml`` and ``templates/`` included) or the bundled
theme, then tells open pages to reload through livereload's websocket. When a change
breaks the build, the last good site stays served and every page shows the errors in
an overlay (:mod:`generator.overlay`) until the file is fixed.
"""
from __future__ import annotations

import gc
import json
import logging
import mimetypes
import os
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web

from . import overlay
from ..build import pipeline, quick
from ..core.config import SiteConfig, with_overrides
from ..core.errors import BuildFailed, Problem, Severity
from ..core.messages import ENGLISH, N_, Num, Translator
from ..core.bundle import bundled_templates

Log = Callable[[str], None]
POLL_SECONDS = 0.1          # how often the watcher looks at the files
SETTLE_SECONDS = 0.05        # a change must hold still this long (editors save in pieces)
BUILD_NICENESS = 10          # added to the priority of the whole builds after a change (Linux)


@dataclass
class State:
    """What the server shows: the last good site, and the errors of the latest build."""

    base_path: str = "/"
    problems: list[Problem] = field(default_factory=list)
    builds: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def failing(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def free_port(host: str, preferred: int) -> int:
    """*preferred* when it can be bound on *host*, else any free port."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError(f"no free port on {host}")


def snapshot(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """Path → (mtime, size) of every file the build reads; editor swap files left out."""
    seen: dict[str, tuple[int, int]] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            for name in files:
                if _ignored(name):
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue    # removed while we looked
                seen[path] = (st.st_mtime_ns, st.st_size)
    return seen


class Preview:
    """Builds into a private folder and rebuilds on request; never raises for content."""

    def __init__(self, content: Path, host: str, port: int, livereload_port: int, log: Log,
                 tr: Translator = ENGLISH):
        self.content = content
        self.tr = tr
        self.host = host
        self.port = port
        self.livereload_port = livereload_port
        self.log = log
        self.workdir = Path(tempfile.mkdtemp(prefix="confsite-serve-"))
        self.output = self.workdir / "site"
        self.state = State()
        self.last: quick.LastBuild | None = None     # the last good build, for the quick path
        # Pages made by the quick path (output path → (edit number, bytes)), shown instead
        # of the output's until a whole build begun after that edit is done.
        self.quick_pages: dict[str, tuple[int, bytes]] = {}
        # The problems the quick path found in an edited file (its display path → (edit
        # number, problems)): a whole build begun before that edit knows an older file,
        # so these stand in for what it says of that file.
        self.quick_problems: dict[str, tuple[int, list[Problem]]] = {}
        self.edits = 0
        # In the server's loop only: how many times open pages were told to reload, and
        # for each page (output path) that count when it was last served. A page loaded
        # before a reload and connected after it missed it (see Browser.on_message).
        self.reloads = 0
        self.seen: dict[str, int] = {}

    def config(self) -> SiteConfig:
        production = pipeline.configure(self.content, self.output, drafts=True, require_base_url=False)
        path = production.base_path
        local = f"http://{self.host}:{self.port}{path}"
        return with_overrides(production, base_url=local, livereload_port=self.livereload_port,
                              portal_url=production.base_url)

    def quick(self, paths: list[str]) -> tuple[list[str], bool]:
        """What the quick path (``build/quick.py``) made of this change: the output paths of
        the pages it made, and whether the problems shown changed (the edited file's own,
        replaced). Nothing when only a whole build can tell. Counts the change as an edit."""
        with self.state.lock:
            self.edits += 1
            edit, last = self.edits, self.last
        told = None
        if last is not None:
            try:
                told = quick.own_page(last, paths)
            except Exception:       # whatever it is, the whole build that follows reports it
                told = None
        if told is None:
            with self.state.lock:   # only a whole build can tell now, the next one
                self.quick_problems.clear()
            return [], False
        with self.state.lock:
            before = self.state.problems
            self.quick_problems[told.display] = (edit, list(told.problems))
            self.state.problems = [p for p in before if p.path != told.display] + list(told.problems)
            for path, data in told.pages.items():
                self.quick_pages[path] = (edit, data)
            return list(told.pages), self.state.problems != before

    def served(self, path: str) -> bytes | None:
        """What a request for the output path *path* gets now (None: nothing)."""
        with self.state.lock:
            made = self.quick_pages.get(path)
        if made is not None:
            return made[1]
        try:
            return (self.output / path).read_bytes()
        except OSError:
            return None

    def page_of(self, url: str) -> str | None:
        """The output path of the page a browser shows at *url*; None when not one of ours."""
        path = unquote(urlsplit(url).path)
        with self.state.lock:
            base = self.state.base_path
        if not path.startswith(base):
            return None
        return _output_path(path[len(base):])

    def rebuild(self) -> bool:
        started = time.perf_counter()
        with self.state.lock:
            edit = self.edits           # the edits this build sees
        try:
            config = self.config()
            # A renamed article is the editor's work in progress here; `build` and `check` guard old URLs.
            result = pipeline.build(config, allow_removed=True)
        except BuildFailed as exc:
            self._failed(exc.problems, edit)
            return False
        except Exception as exc:  # a half-saved file must never stop the preview
            self.log(traceback.format_exc().rstrip())
            self._failed([Problem(self._shown(), None, "", N_("the build stopped unexpectedly: {error}", error=repr(exc)),
                                  N_("save the file again; if this stays, report it with the text above"))], edit)
            return False
        with self.state.lock:
            self.state.base_path = config.base_path
            self.state.problems = self._with_later_edits(list(result.warnings), edit)
            self.state.builds += 1
            if not result.noop and result.media is not None:
                self.last = quick.LastBuild(config, result.site, result.media)
            self.quick_pages = {k: v for k, v in self.quick_pages.items() if v[0] > edit}
        # The model just made is kept until the next build: once what the build left in
        # cycles is collected, it is set aside from the cycle collector, or the quick
        # path's next allocations would walk its millions of objects (half a second at
        # 10,000 articles). The model has no cycles: the one it replaces is freed by
        # reference counting, frozen or not (tests/test_serve_quick.py).
        gc.collect()
        gc.freeze()
        pages = sum(1 for p in result.rendered.made if p.endswith(".html"))
        self.log(N_("built {articles} articles, {pages} pages, {warnings} warning(s) in {seconds} s",
                    articles=len(result.site.articles), pages=pages, warnings=len(result.warnings),
                    seconds=Num(time.perf_counter() - started)))
        return True

    def _with_later_edits(self, problems: list[Problem], edit: int) -> list[Problem]:
        """A whole build's *problems*, which saw the files as they were at edit number
        *edit*, with what the quick path found in files edited since (the lock held)."""
        self.quick_problems = {k: v for k, v in self.quick_problems.items() if v[0] > edit}
        later = self.quick_problems
        return [p for p in problems if p.path not in later] + [p for _, found in later.values() for p in found]

    def _failed(self, problems: list[Problem], edit: int) -> None:
        with self.state.lock:
            self.state.problems = self._with_later_edits(list(problems), edit)
            self.state.builds += 1
        errors = [p for p in problems if p.severity is Severity.ERROR]
        for p in errors[:20]:
            self.log(p.format(self.tr))
        self.log(N_("build failed: {count} error(s); still serving the last good site, "
                    "the errors are shown on every page", count=len(errors)))

    def _shown(self) -> str:
        return self.content.as_posix()

    def watched(self) -> list[Path]:
        return [self.content, bundled_templates()]

    def close(self) -> None:
        self.last = None
        gc.unfreeze()       # what the builds set aside goes back to the cycle collector
        shutil.rmtree(self.workdir, ignore_errors=True)


def _output_path(rel: str) -> str:
    """The output file of a site-relative address: a folder's is its index.html."""
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith(("~", ".swp", ".tmp"))


class Inotify:
    """The kernel's notices of changes below some folders (Linux's inotify, through the C
    library): a save is seen at once, without looking at every file of a large archive
    ten times a second. :meth:`start` returns None where it cannot be had (another
    system, or the limit of watches reached): then the watcher polls."""

    # inotify(7): modify, attrib, close_write, moved_from, moved_to, create, delete, delete_self, move_self
    EVENTS = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
    IN_ISDIR, IN_Q_OVERFLOW, IN_IGNORED = 0x40000000, 0x4000, 0x8000
    HEADER = struct.Struct("iIII")      # wd, mask, cookie, len

    def __init__(self, libc, fd: int):
        self.libc = libc
        self.fd = fd
        self.folders: dict[int, str] = {}

    @classmethod
    def start(cls, roots: list[Path]) -> Inotify | None:
        if not sys.platform.startswith("linux"):
            return None
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            return None
        if fd < 0:
            return None
        watcher = cls(libc, fd)
        for root in roots:
            if not watcher.add_tree(str(root)):
                watcher.close()
                return None
        return watcher

    def add_tree(self, root: str) -> bool:
        for folder, dirs, _ in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder), self.EVENTS)
            if wd < 0:
                return os.path.isdir(folder) is False      # gone meanwhile: fine; else out of watches
            self.folders[wd] = folder
        return True

    def wait(self, timeout: float) -> list[str] | None:
        """Paths changed within *timeout* seconds ([] for a change seen without a path), or None."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        paths: list[str] = []
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            at = 0
            while at + self.HEADER.size <= len(data):
                wd, mask, _, size = self.HEADER.unpack_from(data, at)
                name = data[at + self.HEADER.size:at + self.HEADER.size + size].rstrip(b"\0").decode("utf-8", "replace")
                at += self.HEADER.size + size
                folder = self.folders.get(wd)
                if mask & self.IN_IGNORED:
                    self.folders.pop(wd, None)
                    continue
                if mask & self.IN_Q_OVERFLOW or folder is None:
                    paths.append("")
                    continue
                if name and _ignored(name):
                    continue
                path = os.path.join(folder, name) if name else folder
                if mask & self.IN_ISDIR and mask & (0x100 | 0x80):    # a new folder: watch it too
                    self.add_tree(path)
                paths.append(path)
        return paths

    def close(self) -> None:
        os.close(self.fd)


class Watcher(threading.Thread):
    """Watches the folders (inotify where there is one, else polling); calls *changed*
    once a burst of edits has settled."""

    def __init__(self, roots: Callable[[], list[Path]], changed: Callable[[list[str]], None]):
        super().__init__(daemon=True, name="confsite-watch")
        self.roots = roots
        self.changed = changed
        self.stopping = threading.Event()
        self.ready = threading.Event()      # set once a change would be seen

    def run(self) -> None:
        notices = Inotify.start(self.roots())
        if notices is not None:
            self.ready.set()
            try:
                self._notified(notices)
            finally:
                notices.close()
            return
        self._poll()

    def _notified(self, notices: Inotify) -> None:
        while not self.stopping.is_set():
            paths = notices.wait(POLL_SECONDS)
            if paths is None:
                continue
            while not self.stopping.is_set():       # wait until the saving is over
                more = notices.wait(SETTLE_SECONDS)
                if more is None:
                    break
                paths += more
            if self.stopping.is_set():
                return
            found = sorted({p for p in paths if p})
            if paths:
                self.changed(found or [str(r) for r in self.roots()])

    def _poll(self) -> None:
        before = snapshot(self.roots())
        self.ready.set()
        while not self.stopping.wait(POLL_SECONDS):
            now = snapshot(self.roots())
            if now == before:
                continue
            while not self.stopping.wait(SETTLE_SECONDS):   # wait until the saving is over
                later = snapshot(self.roots())
                if later == now:
                    break
                now = later
            paths = sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))
            before = now
            self.changed(paths)


class Builder(threading.Thread):
    """Builds the whole site after changes, one build at a time, in its own thread: the
    watcher goes on seeing edits (and the quick path showing them) meanwhile. Changes
    made during a build are built together by the next one."""

    def __init__(self, build: Callable[[list[str]], None]):
        super().__init__(daemon=True, name="confsite-build")
        self.build = build
        self.pending: list[str] = []
        self.lock = threading.Lock()
        self.wanted = threading.Event()
        self.stopping = threading.Event()

    def want(self, paths: list[str]) -> None:
        with self.lock:
            self.pending += paths
        self.wanted.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wanted.set()

    def run(self) -> None:
        # A build yields the cores to what the editor waits for (the quick path, pages
        # asked for): this thread, and the workers it forks, run at a lower priority.
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BUILD_NICENESS)
        except (AttributeError, OSError):       # not Linux, or not allowed: as it is
            pass
        while True:
            self.wanted.wait()
            if self.stopping.is_set():
                return
            with self.lock:
                paths, self.pending = sorted(set(self.pending)), []
                self.wanted.clear()
            self.build(paths)


def _document(path: str) -> bool:
    """Whether *path* is a Markdown document (an edit of one shows on its pages alone)."""
    return os.path.splitext(path)[1].lower() in (".md", ".markdown")


RELOAD = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": True}


def reload_browsers(preview: Preview, which: Callable[[str | None], bool]) -> None:
    """Tell each open page for which *which(its output path)* holds to reload (in the loop's thread)."""
    preview.reloads += 1
    for browser in Browser.showing():
        if which(browser.page):
            browser.reload()


class Browser(LiveReloadHandler):
    """An open page's livereload connection, knowing which page it is (livereload.js
    says so in its ``info`` message), so that only the pages a change touched reload."""

    page: str | None = None         # the page's output path; None until known, or not ours

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def on_message(self, message) -> None:
        super().on_message(message)
        try:
            said = json.loads(message)
        except ValueError:
            return
        if isinstance(said, dict) and said.get("command") == "info" and isinstance(said.get("url"), str):
            self.page = self.preview.page_of(said["url"])
            # Loaded before the last reload was sent, connected after it: it shows what was.
            seen = self.preview.seen.get(self.page) if self.page is not None else None
            if seen is not None and seen < self.preview.reloads:
                self.reload()

    def reload(self) -> None:
        try:
            self.write_message(RELOAD)
        except Exception:       # a page closed meanwhile
            LiveReloadHandler.waiters.discard(self)

    @staticmethod
    def showing() -> list[Browser]:
        return [w for w in LiveReloadHandler.waiters.copy() if isinstance(w, Browser)]


def serve(content: Path, host: str = "127.0.0.1", port: int = 8000, livereload_port: int = 35729,
          open_browser: bool = False, log: Log = print, tr: Translator = ENGLISH) -> int:
    """Run the preview until interrupted; returns the exit status."""
    from tornado import ioloop

    livereload_port = free_port(host, livereload_port)
    preview = Preview(content, host, port, livereload_port, log, tr)
    try:
        try:
            preview.config()
        except BuildFailed as exc:   # site.yaml itself is broken: say so before serving
            for p in exc.problems:
                log(p.format(tr))
            return 1
        preview.rebuild()
        loop = ioloop.IOLoop.current()
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
        # add_callback from the loop's own thread does not wake a sleeping loop; a signal must
        signal.signal(signal.SIGTERM, lambda *_: loop.asyncio_loop.call_soon_threadsafe(loop.stop))

        class _Watcher:          # LiveReloadHandler asks its watcher nothing once started
            filepath = None
            _tasks = {"confsite": True}

        LiveReloadHandler.watcher = _Watcher()
        LiveReloadHandler.live_css = False
        LiveReloadHandler._last_reload_time = time.time()

        def on_change(paths: list[str]) -> None:
            shown = ", ".join(_relative(p, content) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
            log(N_("changed: {files}", files=shown))
            made, problems = preview.quick(paths)
            if problems:    # the overlay shows the edited file's errors, or no longer does
                loop.add_callback(reload_browsers, preview, lambda page: True)
            elif made:      # the edited page at once, to the browsers that show it
                loop.add_callback(reload_browsers, preview, lambda page: page is None or page in made)
            builder.want(paths)

        def built(paths: list[str]) -> None:
            """A whole build after *paths* changed: browsers whose page is now another reload."""
            with preview.state.lock:
                problems = list(preview.state.problems)
            shown = {b.page: preview.served(b.page) for b in Browser.showing() if b.page is not None}
            preview.rebuild()
            with preview.state.lock:
                everything = preview.state.problems != problems or not all(_document(p) for p in paths)
            loop.add_callback(reload_browsers, preview, lambda page: everything or page not in shown
                              or preview.served(page) != shown[page])

        site_app = web.Application([
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/.*", SiteHandler, {"preview": preview}),
        ])
        live_app = web.Application([(r"/livereload", Browser, {"preview": preview})])
        builder = Builder(built)
        builder.start()
        # Watching before serving: an edit made as soon as a page is open is seen.
        watcher = Watcher(preview.watched, on_change)
        watcher.start()
        watcher.ready.wait(60)
        try:
            site_server = site_app.listen(port, address=host)
            live_server = live_app.listen(livereload_port, address=host)
        except OSError as exc:
            watcher.stopping.set()
            builder.stop()
            log(N_("cannot listen on {host}:{port}: {error}; choose another --port", host=host, port=port,
                   error=exc.strerror))
            return 1
        url = f"http://{host}:{port}{preview.state.base_path}"
        log(N_("serving {url} (drafts included; Ctrl+C to stop)", url=url))
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        try:
            loop.start()
        except KeyboardInterrupt:
            log(N_("stopped"))
        finally:
            watcher.stopping.set()
            builder.stop()
            site_server.stop()
            live_server.stop()
        return 0
    finally:
        preview.close()


def _relative(path: str, content: Path) -> str:
    try:
        return Path(path).resolve().relative_to(content.resolve().parent).as_posix()
    except ValueError:
        return Path(path).name


class SiteHandler(web.RequestHandler):
    """Serves the last good site under the base path, with the error overlay when failing."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def get(self) -> None:
        state = self.preview.state
        with state.lock:
            base, problems, failing = state.base_path, list(state.problems), state.failing
        path = unquote(urlsplit(self.request.uri or "/").path)
        if path == overlay.STYLE_URL:
            self.set_header("Content-Type", "text/css; charset=utf-8")
            self.finish(overlay.CSS)
            return
        if path + "/" == base:
            self.redirect(base)
            return
        if not path.startswith(base):
            self.redirect(base) if path == "/" else self._missing(base, problems, failing)
            return
        rel = path[len(base):]
        self.preview.seen[_output_path(rel)] = self.preview.reloads     # what it shows is as of now
        with state.lock:
            made = self.preview.quick_pages.get(_output_path(rel))
        if made is not None:        # the quick path's page, until the whole build has it
            self._send_html(made[1], problems if failing else [])
            return
        file = self._resolve(rel)
        if file is None:
            self._missing(base, problems, failing)
            return
        self._send(file, problems if failing else [])

    def _resolve(self, rel: str) -> Path | None:
        root = self.preview.output.resolve()
        candidate = (root / rel.lstrip("/")).resolve()
        if not candidate.is_relative_to(root):
            return None
        if candidate.is_dir():
            if not rel.endswith("/") and rel:
                return None
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _missing(self, base: str, problems: list[Problem], failing: bool) -> None:
        self.set_status(404)
        page = self.preview.output / "404.html"
        if page.is_file():
            self._send(page, problems if failing else [], status=404)
        else:
            shown = problems if failing else []
            self._send_html(overlay.placeholder(shown, self.preview.livereload_port, self.preview.tr), shown)

    def _send(self, file: Path, problems: list[Problem], status: int = 200) -> None:
        try:
            data = file.read_bytes()
        except OSError:          # swapped away mid-request: the next reload has the new one
            self.set_status(503)
            self.finish(self.preview.tr(N_("rebuilding, reload the page")))
            return
        self.set_status(status)
        if file.suffix == ".html":
            self._send_html(data, problems)
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/xml", "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.set_header("Content-Type", kind)
        self.finish(data)

    def _send_html(self, data: bytes, problems: list[Problem]) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(overlay.inject(data, problems, self.preview.content, self.preview.tr) if problems else data)
