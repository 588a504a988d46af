"""Helpers that drive the real external tools used by the test suite.

Every helper fails the calling test loudly (``pytest.fail``) with the package to
install when its tool is missing — never skips — so that CI cannot go green
without the toolchain. Debian packages are installed by ``.ci/run``; npm
packages by ``make npm`` (``npm ci`` from the committed lock file).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_SBIN = ("/usr/local/sbin", "/usr/sbin", "/sbin")


# --------------------------------------------------------------------------
# Finding tools


def require_binary(name: str, package: str) -> str:
    """Absolute path of ``name``, or fail the test naming the Debian package."""
    path = shutil.which(name) or shutil.which(name, path=os.pathsep.join(_SBIN))
    if path is None:
        pytest.fail(
            f"`{name}` not found: install the Debian package `{package}` "
            f"(`apt-get install -y --no-install-recommends {package}`, or run `bash .ci/run` as root)",
            pytrace=False,
        )
    return path


def require_file(path: Path, how: str) -> Path:
    if not path.is_file():
        pytest.fail(f"{path} is missing: {how}", pytrace=False)
    return path


def _run(cmd: list[str], *, ok: Iterable[int] = (0,), **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """Run a tool; fail the test with its stderr on an unexpected exit status."""
    proc = subprocess.run(cmd, capture_output=True, stdin=kwargs.pop("stdin", subprocess.DEVNULL), **kwargs)
    if proc.returncode not in tuple(ok):
        pytest.fail(
            f"{' '.join(map(str, cmd))} exited with {proc.returncode}:\n"
            f"{proc.stderr.decode(errors='replace')[-4000:]}",
            pytrace=False,
        )
    return proc


# --------------------------------------------------------------------------
# QR codes: SVG -> PNG -> zbar; PDF -> PNG


def svg_to_png(svg: bytes | str | os.PathLike[str], out_png: str | os.PathLike[str], scale: float = 4) -> Path:
    """Render an SVG (bytes/markup, or a path to a file) to ``out_png`` on a white background.

    ``scale`` is rsvg-convert's zoom factor (a 1-unit QR module becomes ``scale`` pixels).
    """
    exe = require_binary("rsvg-convert", "librsvg2-bin")
    out = Path(out_png)
    cmd = [exe, "-b", "white", "-z", str(scale), "-f", "png", "-o", str(out)]
    if isinstance(svg, bytes) or (isinstance(svg, str) and svg.lstrip().startswith("<")):
        data = svg if isinstance(svg, bytes) else svg.encode("utf-8")
        _run(cmd, input=data, stdin=None)
    else:
        _run([*cmd, os.fspath(svg)])
    return out


def zbar_decode(png_path: str | os.PathLike[str]) -> list[str]:
    """The data of every barcode zbar finds in a raster image ([] when none)."""
    exe = require_binary("zbarimg", "zbar-tools")
    # Exit status 4: the image was read but no symbol was found.
    proc = _run([exe, "--quiet", "--raw", "--nodbus", os.fspath(png_path)], ok=(0, 4))
    return proc.stdout.decode("utf-8", errors="replace").splitlines()


def pdf_to_png(pdf: str | os.PathLike[str], out_dir: str | os.PathLike[str], dpi: int = 150) -> list[Path]:
    """Rasterise every page of ``pdf`` into ``out_dir``; returns the PNGs in page order."""
    exe = require_binary("pdftoppm", "poppler-utils")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(pdf).stem or "page"
    _run([exe, "-png", "-r", str(dpi), os.fspath(pdf), str(out / stem)])
    # pdftoppm zero-pads page numbers to a common width, so name order is page order.
    return sorted(out.glob(f"{stem}-*.png"))


# --------------------------------------------------------------------------
# HTML validation (W3C Nu validator from npm vnu-jar, on Debian's Java)


def vnu_validate(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *extra_args: str,
    skip_non_html: bool = True,
) -> list[dict[str, Any]]:
    """Validate HTML files and/or directories; returns vnu's error messages ([] when valid).

    Each message is vnu's JSON: ``type`` ("error" or "non-document-error"), ``url``,
    ``lastLine``, ``firstColumn``, ``message``, ``extract``…  Directories are walked
    by vnu. Without ``--skip-non-html`` vnu parses *every* file in a directory as
    HTML (style.css gets "Expected <!DOCTYPE html>"), so it is passed by default:
    only *.html, *.htm, *.xhtml, *.xht are checked. ``extra_args`` go to vnu as-is
    (e.g. ``"--also-check-css"``, ``"--filterpattern", ".*rocket.*"``).
    """
    java = require_binary("java", "default-jre-headless")
    jar = require_file(VNU_JAR, "run `make npm` (npm ci installs vnu-jar)")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    targets = [os.fspath(p) for p in paths]
    if not targets:
        raise ValueError("vnu_validate: no paths given")
    cmd = [java, "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always"]
    if skip_non_html:
        cmd.append("--skip-non-html")
    cmd += [*extra_args, *targets]
    proc = _run(cmd)
    err = proc.stderr.decode("utf-8", errors="replace")
    try:
        report = json.loads(err)
    except json.JSONDecodeError:
        pytest.fail(f"vnu printed no JSON report:\n{err[-4000:]}", pytrace=False)
    return list(report.get("messages", []))


# --------------------------------------------------------------------------
# Browser (Debian chromium through Playwright) and axe-core


def launch_chromium(playwright: Any, **kwargs: Any) -> Any:
    """Launch Debian's chromium headless with Playwright (``playwright`` is a sync or async Playwright)."""
    exe = require_binary("chromium", "chromium")
    args = [*CHROMIUM_ARGS, *kwargs.pop("args", [])]
    return playwright.chromium.launch(executable_path=exe, args=args, headless=True, **kwargs)


def new_context(browser: Any, **kwargs: Any) -> Any:
    """A browser context that lets axe be injected into pages with a strict CSP."""
    kwargs.setdefault("bypass_csp", True)
    return browser.new_context(**kwargs)


def run_axe(page: Any, options: dict[str, Any] | None = None, context: Any = None) -> list[dict[str, Any]]:
    """Run axe-core on the page's current document; returns the violations.

    The page's browser context must have ``bypass_csp=True`` (see ``new_context``) for
    pages that send a Content-Security-Policy. ``options`` are axe.run options
    (e.g. ``{"runOnly": ["wcag2a", "wcag2aa"]}``); ``context`` an axe context (a selector).
    """
    axe = require_file(AXE_JS, "run `make npm` (npm ci installs axe-core)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        try:
            page.add_script_tag(path=str(axe))
        except Exception as exc:
            if "Content Security Policy" not in str(exc):
                raise
            pytest.fail(
                "the page's Content-Security-Policy blocked axe-core: open the page in a context made "
                "with tools.new_context(browser) / browser.new_context(bypass_csp=True) "
                "(the `page` fixture does this)",
                pytrace=False,
            )
    opts = {"resultTypes": ["violations"], **(options or {})}
    return page.evaluate(
        "async ([ctx, opts]) => (await axe.run(ctx || document, opts)).violations",
        [context, opts],
    )


# --------------------------------------------------------------------------
# Serving a built site


def _normalise_prefix(url_prefix: str) -> str:
    prefix = "/" + url_prefix.strip("/")
    return prefix if prefix == "/" else prefix + "/"


class _QuietThreadingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Browsers drop connections mid-response; that is not a test failure.
        pass


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".woff2": "font/woff2",
        ".txt": "text/plain; charset=utf-8",
        ".pdf": "application/pdf",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        self.server.log.append(format % args)  # type: ignore[attr-defined]

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self) -> Any:
        path = urllib.parse.urlsplit(self.path).path
        if self.prefix != "/" and path == self.prefix[:-1]:
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if not path.startswith(self.prefix):
            self.send_error(404, f"outside {self.prefix}")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        path = urllib.parse.urlsplit(path).path
        return super().translate_path("/" + path[len(self.prefix):])


@contextlib.contextmanager
def serve_directory(root: str | os.PathLike[str], url_prefix: str = "/") -> Iterator[str]:
    """Serve ``root`` at ``http://127.0.0.1:PORT{url_prefix}`` in a thread; yields that base URL.

    ``/tin`` redirects to ``/tin/``; paths outside the prefix are 404. Responses carry
    ``Cache-Control: no-store`` so rebuilt pages are re-fetched. The access log is in
    ``serve_directory.last_log`` after the block, for debugging.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"serve_directory: {root} is not a directory")
    prefix = _normalise_prefix(url_prefix)
    handler = type("Handler", (_PrefixHandler,), {"prefix": prefix})
    server = _QuietThreadingServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    server.log = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        serve_directory.last_log = server.log  # type: ignore[attr-defined]


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (for servers started in other processes)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0, proc: subprocess.Popen[Any] | None = None) -> None:
    """Wait until something accepts connections on 127.0.0.1:port (fail if ``proc`` exits first)."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on port {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s") from None
            time.sleep(0.05)


_NGINX_CONF = """\
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    types {{ image/webp webp; image/avif avif; font/woff2 woff2; }}
    charset utf-8;
    charset_types text/css text/plain text/xml application/xml application/rss+xml application/atom+xml application/javascript application/json image/svg+xml;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp/client_body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    sendfile on;
    absolute_redirect off;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {docroot};
        index index.html;
{extra}
    }}
}}
"""


@contextlib.contextmanager
def nginx_server(root: str | os.PathLike[str], url_prefix: str = "/", extra_server_config: str = "") -> Iterator[str]:
    """Run Debian's nginx on a free loopback port serving ``root`` under ``url_prefix``.

    Yields the base URL (``http://127.0.0.1:PORT/tin/``). A symlinked ``root`` is
    followed on every request, so switching it switches what is served. Config, pid, logs and temp
    files live in a temporary directory; ``extra_server_config`` is pasted into the
    ``server {}`` block (e.g. ``error_page 404 /tin/404.html;``). nginx is stopped in
    every outcome; its error log is shown if it fails to start.
    """
    exe = require_binary("nginx", "nginx")
    # Not resolved: a symlink such as DEST/current stays a symlink, followed per request.
    root = Path(os.path.abspath(root))
    if not root.is_dir():
        raise FileNotFoundError(f"nginx_server: {root} is not a directory")
    prefix = _normalise_prefix(url_prefix)
    with tempfile.TemporaryDirectory(prefix="confsite-nginx-") as tmp:
        d = Path(tmp)
        (d / "tmp").mkdir()
        if prefix == "/":
            docroot = root
        else:  # htdocs/tin -> root, so /tin/x is served from root/x without alias pitfalls
            link = d / "htdocs" / prefix.strip("/")
            link.parent.mkdir(parents=True)
            link.symlink_to(root, target_is_directory=True)
            docroot = d / "htdocs"
        # As root, nginx would switch its workers to an unprivileged user that cannot
        # read pytest's 0700 temp directories; keep them as root. Unprivileged, nginx
        # ignores the user directive anyway.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        last_error = ""
        for _attempt in range(3):
            port = free_port()
            conf = d / "nginx.conf"
            conf.write_text(
                _NGINX_CONF.format(user=user, dir=d, port=port, docroot=docroot, extra=extra_server_config),
                encoding="utf-8",
            )
            log = d / "error.log"
            proc = subprocess.Popen(
                [exe, "-p", str(d), "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            try:
                try:
                    wait_for_port(port, timeout=10, proc=proc)
                except (RuntimeError, TimeoutError) as exc:
                    stderr = proc.stderr.read().decode(errors="replace") if proc.poll() is not None else ""
                    last_error = f"{exc}\n{stderr}\n{log.read_text(errors='replace') if log.exists() else ''}"
                    if "Address already in use" in last_error:
                        continue  # lost the race for the port; try another
                    pytest.fail(f"nginx did not start:\n{last_error}", pytrace=False)
                yield f"http://127.0.0.1:{port}{prefix}"
                return
            finally:
                stop_process(proc)
        pytest.fail(f"nginx did not start:\n{last_error}", pytrace=False)


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """Stop a process started with start_new_session=True, and its children."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    # Whatever is left of the group (nginx workers, say) goes too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=timeout)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
