"""Render: site model + templates → every output file, in memory.

The Jinja environment autoescapes HTML and XML and fails on undefined variables.
Templates receive the model (``site``, and a route's own context), never loaders.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from . import i18n, outputs, qr
from .config import SiteConfig
from .routes import Route, routes
from .search import index_url, search_files
from .site import Site
from .theme import Asset, assets, bundled_templates


class RenderError(Exception):
    """A template failed; names the template file and line when Jinja tells them."""

    def __init__(self, template: str, line: int | None, url: str, message: str):
        super().__init__(f"{template}:{line}: while making /{url}: {message}")
        self.template = template
        self.line = line
        self.url = url
        self.message = message


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]                          # output path → bytes
    copies: dict[str, Path] = field(default_factory=dict)  # output path → file to copy (media)


def template_dirs(config: SiteConfig) -> tuple[Path, ...]:
    return (*config.template_dirs, bundled_templates())


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory between builds of one process (``confsite serve``).

    Jinja checks each entry against the template's source, so an edited template is
    compiled again; compiling, not rendering, is most of a small site's render time.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def environment(config: SiteConfig, theme_assets: dict[str, Asset]) -> jinja2.Environment:
    env = jinja2.Environment(
        # "base.html" is the editor's when content/templates has one; "theme/base.html" is
        # always the bundled one, so an override can extend it and replace one block.
        loader=jinja2.ChoiceLoader([
            jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(str(bundled_templates()))}),
            jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        ]),
        bytecode_cache=_COMPILED,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(i18n.translations(config.language), newstyle=True)  # type: ignore[attr-defined]
    base = config.base_path

    def url(path: str) -> str:
        return base + quote(path.lstrip("/"), safe="/#?=&%")

    def asset(name: str) -> str:
        if name not in theme_assets:
            raise jinja2.TemplateError(f"no static file {name!r} in the theme")
        return url(theme_assets[name].url)

    env.globals.update(
        url=url,
        absolute=lambda path: config.absolute(quote(path.lstrip("/"), safe="/#?=&%")),
        asset=asset,
        config=config,
        qr_svg=lambda target, label: Markup(qr.svg(target, str(label))),
    )
    env.filters.update(
        long_date=lambda d: i18n.long_date(d, config.language),
        short_date=lambda d: i18n.short_date(d, config.language),
        number=lambda v: i18n.number(v, config.language),
        iso=i18n.iso_datetime,
    )
    return env


def render_site(site: Site, *, only: Callable[[Route], bool] | None = None) -> Rendered:
    """Render every route of *site* (or those *only* accepts) and list the files to copy."""
    config = site.config
    theme_assets = assets(template_dirs(config))
    env = environment(config, theme_assets)
    env.globals["site"] = site
    env.globals["search_index"] = index_url(site)
    files: dict[str, bytes] = {a.url: a.data for a in theme_assets.values()}
    files.update(outputs.install(env, site))
    for route in routes(site):
        if only is not None and not only(route):
            continue
        files[route.output] = route.produce() if route.produce is not None else render_route(env, route)
    files.update(search_files(site))       # depends on every article: never left stale
    media = {rel for a in site.articles for rel in a.media} | {rel for p in site.pages for rel in p.body.media}
    copies = {rel: config.content_dir / rel for rel in sorted(media)}
    return Rendered(files, copies)


def render_route(env: jinja2.Environment, route: Route) -> bytes:
    try:
        template = env.get_template(route.template)
        text = template.render(route=route, **route.context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(_shown(exc.filename) or route.template, exc.lineno, route.url, exc.message or str(exc)) from exc
    except jinja2.TemplateError as exc:
        where, line = _template_frame(exc)
        raise RenderError(where or route.template, line, route.url, str(exc)) from exc
    return text.encode("utf-8")


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line of a rendering error (Jinja rewrites tracebacks)."""
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return _shown(frame.filename), frame.lineno
    return None, None


def _shown(filename: str | None) -> str | None:
    if not filename:
        return None
    path = Path(filename)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def context_keys(route: Route) -> list[str]:
    return sorted(route.context)

