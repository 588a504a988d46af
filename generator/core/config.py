"""One frozen :class:`SiteConfig`, read once from ``site.yaml`` and passed down."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import yamldoc
from .encoding import NotUtf8, decode
from .errors import BuildFailed, Report, suggestion
from .urls import DEFAULT_URLS, PLACEHOLDERS, UrlLayout

@dataclass(frozen=True)
class Limits:
    max_markdown_bytes: int = 1_000_000
    max_image_bytes: int = 20_000_000
    max_errors: int = 200


@dataclass(frozen=True)
class SiteConfig:
    content_dir: Path
    output_dir: Path
    title: str
    base_url: str                  # absolute, ends with "/"
    language: str = "vi"
    description: str = ""
    urls: UrlLayout = field(default_factory=UrlLayout)
    per_page: int = 20
    limits: Limits = field(default_factory=Limits)
    drafts: bool = False
    qr_encodes: str = "canonical"   # or "short": the /p/<id>/ URL where an id is set
    display_root: str = "content"
    cache_dir: Path | None = None
    livereload_port: int = 0        # `confsite serve` only: pages load livereload.js and may open this websocket
    release: str = ""              # publish: a marker of the content, shown in every page's <meta>
    portal_url: str = ""           # `confsite serve` only: site.yaml's base_url, which QR codes always encode

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. ``/tin/``: every internal link starts with it."""
        return urlsplit(self.base_url).path or "/"

    def display(self, rel: str) -> str:
        return f"{self.display_root}/{rel}" if self.display_root not in ("", ".") else rel

    def absolute(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def published(self, path: str) -> str:
        """*path* on the portal: what a printed QR code must lead to, even in the preview."""
        return (self.portal_url or self.base_url) + path.lstrip("/")

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """An editor's ``content/templates`` first, then the bundled theme."""
        own = self.content_dir / "templates"
        return (own,) if own.is_dir() else ()

    @classmethod
    def for_test(cls, content_dir: Path, output_dir: Path, **kw: Any) -> SiteConfig:
        return cls(content_dir=content_dir, output_dir=output_dir, title=kw.pop("title", "Thử nghiệm"),
                   base_url=kw.pop("base_url", "https://example.gov.vn/tin/"), **kw)


KNOWN_KEYS = {"title", "base_url", "language", "description", "urls", "per_page", "limits", "qr"}
LIMIT_KEYS = {"max_markdown_kb": 1024, "max_image_mb": 1_000_000, "max_errors": 1}


def load_config(content_dir: Path, output_dir: Path, *, base_url: str | None = None, drafts: bool = False,
                display_root: str | None = None, require_base_url: bool = True,
                cache_dir: Path | None = None) -> SiteConfig:
    """Read ``site.yaml``; raise :class:`BuildFailed` with every problem it has."""
    report = Report()
    shown = display_root if display_root is not None else _shown(content_dir)
    display = f"{shown}/site.yaml" if shown not in ("", ".") else "site.yaml"
    path = content_dir / "site.yaml"
    if not content_dir.is_dir():
        raise BuildFailed([_problem(shown or str(content_dir), None, "", "the content folder does not exist",
                                    "give the folder that holds site.yaml with --content")])
    if not path.is_file():
        raise BuildFailed([_problem(display, None, "file", "site.yaml is missing",
                                    "create it with at least: title: Tên trang")])
    try:
        located = yamldoc.parse(decode(path.read_bytes()))
    except NotUtf8 as exc:
        raise BuildFailed([_problem(display, exc.line, "file", exc.message, exc.hint(display))]) from None
    except yamldoc.YamlProblem as exc:
        raise BuildFailed([_problem(display, exc.line, "", exc.message, exc.hint)]) from None
    data = located.value if located.value is not None else {}
    if not isinstance(data, dict):
        raise BuildFailed([_problem(display, 1, "", "site.yaml is not a list of settings",
                                    "write one setting a line, e.g. title: Tên trang")])

    def err(key: str, message: str, hint: str, *sub: Any) -> None:
        report.error(display, located.line(key, *sub), key, message, hint)

    for key in sorted(set(data) - KNOWN_KEYS):
        report.error(display, located.line(key), key, "unknown setting",
                     suggestion(key, KNOWN_KEYS) or "known settings: " + ", ".join(sorted(KNOWN_KEYS)))

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        err("title", "missing" if title is None else f"{title!r} is not text", "write title: Tên trang")
        title = ""

    url = base_url if base_url is not None else data.get("base_url")
    if url is None:
        if require_base_url:
            err("base_url", "missing", "write base_url: https://snv.example.gov.vn/tin/ (QR codes and "
                "canonical links are made from it)")
        url = "http://127.0.0.1:8000/"
    elif not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        err("base_url", f"{url!r} is not a web address", "write the full address, e.g. https://snv.example.gov.vn/tin/")
        url = "http://127.0.0.1:8000/"
    url = url if url.endswith("/") else url + "/"

    language = data.get("language", "vi")
    if language != "vi":
        err("language", f"{language!r} is not supported", "write language: vi")
        language = "vi"
    description = data.get("description", "")
    if not isinstance(description, str):
        err("description", f"{description!r} is not text", "write one sentence")
        description = ""

    urls = dict(DEFAULT_URLS)
    given = data.get("urls", {})
    if not isinstance(given, dict):
        err("urls", "is not a mapping", "write e.g. urls: {article: 'tin/{slug}/'}")
        given = {}
    for kind, pattern in given.items():
        if kind not in DEFAULT_URLS:
            err("urls", f"unknown page kind {kind!r}", suggestion(kind, DEFAULT_URLS) or
                "known kinds: " + ", ".join(DEFAULT_URLS), kind)
            continue
        problem = _check_pattern(kind, pattern)
        if problem:
            err("urls", problem, f"write e.g. {kind}: '{DEFAULT_URLS[kind]}'", kind)
        else:
            urls[kind] = pattern

    per_page = data.get("per_page", 20)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= 1000:
        err("per_page", f"{per_page!r} is not a number from 1 to 1000", "write per_page: 20")
        per_page = 20

    limits = Limits()
    raw_limits = data.get("limits", {})
    if not isinstance(raw_limits, dict):
        err("limits", "is not a mapping", "write e.g. limits: {max_markdown_kb: 1000}")
        raw_limits = {}
    values = {}
    for key, value in raw_limits.items():
        if key not in LIMIT_KEYS:
            err("limits", f"unknown limit {key!r}", suggestion(key, LIMIT_KEYS) or "known: " + ", ".join(LIMIT_KEYS), key)
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= LIMIT_KEYS[key] * 1000:
            err("limits", f"{key}: {value!r} is not a positive whole number", f"write e.g. {key}: 100", key)
        else:
            values[key] = value
    if values:
        limits = Limits(max_markdown_bytes=values.get("max_markdown_kb", limits.max_markdown_bytes // 1000) * 1000,
                        max_image_bytes=values.get("max_image_mb", limits.max_image_bytes // 1_000_000) * 1_000_000,
                        max_errors=values.get("max_errors", limits.max_errors))

    qr_encodes = "canonical"
    qr = data.get("qr", {})
    if not isinstance(qr, dict) or qr.get("encode", "canonical") not in ("canonical", "short") or set(qr) - {"encode"}:
        err("qr", f"{qr!r} is not understood", "write qr: {encode: canonical} or qr: {encode: short}")
    else:
        qr_encodes = qr.get("encode", "canonical")

    if report.errors:
        raise BuildFailed(report.problems)
    return SiteConfig(content_dir=content_dir, output_dir=output_dir, title=title.strip(), base_url=url,
                      language=language, description=description.strip(), urls=UrlLayout(urls),
                      per_page=per_page, limits=limits, drafts=drafts, qr_encodes=qr_encodes,
                      display_root=shown, cache_dir=cache_dir)


def with_overrides(config: SiteConfig, **kw: Any) -> SiteConfig:
    return replace(config, **kw)


def _check_pattern(kind: str, pattern: Any) -> str:
    if not isinstance(pattern, str) or not pattern:
        return f"{pattern!r} is not a URL pattern"
    if pattern.startswith("/") or ".." in pattern or "\\" in pattern or "//" in pattern:
        return f"{pattern!r} must be a relative path without .. (the site's address is added in front)"
    if not pattern.endswith("/"):
        return f"{pattern!r} must end with /"
    need = PLACEHOLDERS.get(kind)
    if need and need not in pattern:
        return f"{pattern!r} does not contain {need}"
    try:
        pattern.format(slug="x", year=2020, id="x")
    except (KeyError, IndexError, ValueError):
        return f"{pattern!r} has an unknown {{placeholder}}"
    return ""


def _shown(content_dir: Path) -> str:
    try:
        return content_dir.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return content_dir.as_posix()


def _problem(path: str, line: int | None, field_: str, message: str, hint: str):
    from .errors import Problem

    return Problem(path, line, field_, message, hint)
