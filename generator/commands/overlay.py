"""The error overlay of ``confsite serve``: build errors laid over the last good page.

Plain HTML and a stylesheet from the preview server's own origin, so the theme's
Content-Security-Policy (``style-src 'self'``, no inline code) is kept as it is.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from ..core.errors import Problem, Severity

STYLE_URL = "/__confsite/overlay.css"
CONTEXT_LINES = 2
MAX_SHOWN = 50

CSS = """\
.confsite-errors{position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;
background:rgba(20,20,24,.94);color:#f4f4f4;font:16px/1.5 system-ui,sans-serif}
.confsite-errors h2{margin:0 0 .5rem;color:#ff8a80;font-size:1.3rem}
.confsite-errors ol{padding-left:1.2rem}
.confsite-errors li{margin:1rem 0}
.confsite-errors .where{font-family:ui-monospace,monospace;color:#ffd54f;margin:0}
.confsite-errors .message{margin:.2rem 0}
.confsite-errors pre{background:#000;color:#ddd;padding:.5rem .75rem;overflow:auto;font-size:14px}
.confsite-errors pre b{color:#ff8a80}
"""

_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head>", re.IGNORECASE)


def _source(problem: Problem, content: Path) -> Path | None:
    for candidate in (Path(problem.path), content.parent / problem.path, content / problem.path):
        if candidate.is_file():
            return candidate
    return None


def excerpt(problem: Problem, content: Path) -> str:
    """The lines around the problem's line, numbered, the offending one marked with ``>``."""
    if not problem.line:
        return ""
    path = _source(problem, content)
    if path is None:
        return ""
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    first = max(1, problem.line - CONTEXT_LINES)
    last = min(len(lines), problem.line + CONTEXT_LINES)
    out = []
    for n in range(first, last + 1):
        text = html.escape(f"{'>' if n == problem.line else ' '} {n:>4} | {lines[n - 1]}")
        out.append(f"<b>{text}</b>" if n == problem.line else text)
    return "\n".join(out)


def markup(problems: list[Problem], content: Path) -> str:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    errors.sort(key=lambda p: (p.path, p.line or 0, p.field, p.message))
    items = []
    for p in errors[:MAX_SHOWN]:
        where = f"{p.path}:{p.line}" if p.line else p.path
        if p.field:
            where += f" · {p.field}"
        message = p.message + (f"; {p.hint}" if p.hint else "")
        code = excerpt(p, content)
        items.append(
            f'<li><p class="where">{html.escape(where)}</p><p class="message">{html.escape(message)}</p>'
            + (f"<pre>{code}</pre>" if code else "") + "</li>")
    more = f"<p>… and {len(errors) - MAX_SHOWN} more.</p>" if len(errors) > MAX_SHOWN else ""
    return (
        '<section id="confsite-errors" class="confsite-errors" role="alert" aria-labelledby="confsite-errors-title">'
        f'<h2 id="confsite-errors-title">The site could not be rebuilt: {len(errors)} error(s)</h2>'
        "<p>Underneath is the last version that built. Fix the file and save it: "
        "this page reloads by itself.</p>"
        f"<ol>{''.join(items)}</ol>{more}</section>"
    )


def inject(page: bytes, problems: list[Problem], content: Path) -> bytes:
    """*page* with the overlay's stylesheet in its head and the overlay first in its body."""
    link = f'<link rel="stylesheet" href="{STYLE_URL}">'.encode()
    block = markup(problems, content).encode("utf-8")
    page, found = _HEAD_END.subn(lambda m: link + m.group(0), page, count=1)
    if not found:
        page = link + page
    page, found = _BODY.subn(lambda m: m.group(0) + block, page, count=1)
    return page if found else page + block


def placeholder(problems: list[Problem], livereload_port: int) -> bytes:
    """A page to carry the overlay when there is no page to show (e.g. the first build failed)."""
    head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>confsite preview</title>'
            f'<script src="/livereload.js?port={livereload_port}" defer></script></head>')
    text = "The site has not been built yet." if problems else "No page here."
    return f"{head}<body><main><p>{text}</p></main></body></html>".encode()
