"""Render: site model + templates → every output file, in memory.

The Jinja environment autoescapes HTML and XML and fails on undefined variables.
Templates receive the model (``site``, and a route's own context), never loaders.
"""
from __future__ import annotations

from functools import partial
from itertools import compress
from operator import attrgetter, not_
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from . import i18n, outputs, qr
from ..cache import parallel
from ..cache.cache import BuildCache
from ..core.hashing import digest
from ..core.config import SiteConfig
from ..output.rendered import Rendered
from .route_type import Route
from .routes import routes
from .search import index_url, search_output
from .signatures import site_media
from ..site.sitemodel import Site
from ..core.bundle import bundled_templates
from .theme import Asset, assets


class RenderError(Exception):
    """A template failed; names the template file and line when Jinja tells them."""

    def __init__(self, template: str, line: int | None, url: str, message: str):
        super().__init__(f"{template}:{line}: while making /{url}: {message}")
        self.template = template
        self.line = line
        self.url = url
        self.message = message


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


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined that words its failure itself, not in Jinja's words (which change
    between versions): what the template asked for and of what."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        name, owner = self._undefined_name, self._undefined_obj
        if owner is jinja2.utils.missing:
            return f"no value named {name!r} reaches this template"
        kind = type(owner).__name__
        if not isinstance(name, str):
            return f"{kind} has no item {name!r}"
        return f"{kind} has no value named {name!r}"


def environment(config: SiteConfig, theme_assets: dict[str, Asset], cache: BuildCache | None = None) -> jinja2.Environment:
    cache = cache if cache is not None else BuildCache(None)
    env = jinja2.Environment(
        # "base.html" is the editor's when content/templates has one; "theme/base.html" is
        # always the bundled one, so an override can extend it and replace one block.
        loader=jinja2.ChoiceLoader([
            jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(str(bundled_templates()))}),
            jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        ]),
        bytecode_cache=_bytecode_cache(cache),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=_Undefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build makes a new environment: templates are read once, not checked for
        # changes on every page (four file stats an article page).
        auto_reload=False,
    )
    catalog = i18n.translations(config.language)
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    env.globals["gettext"] = env.globals["_"] = _remembered_gettext(catalog)
    base = config.base_path

    made: dict[str, str] = {}       # the same few hundred addresses are linked from every page

    def url(path: str) -> str:
        found = made.get(path)
        if found is None:
            found = made[path] = base + quote(path.lstrip("/"), safe="/#?=&%")
        return found

    def asset(name: str) -> str:
        if name not in theme_assets:
            raise jinja2.TemplateError(f"no static file {name!r} in the theme")
        return url(theme_assets[name].url)

    env.globals.update(
        url=url,
        absolute=lambda path: config.absolute(quote(path.lstrip("/"), safe="/#?=&%")),
        asset=asset,
        config=config,
        qr_svg=lambda target, label: Markup(cache.memoized("qr", digest("svg", target, str(label)),
                                                           lambda: qr.svg(target, str(label)))),
    )
    env.filters.update(
        long_date=lambda d: i18n.long_date(d, config.language),
        short_date=lambda d: i18n.short_date(d, config.language),
        number=lambda v: i18n.number(v, config.language),
        iso=i18n.iso_datetime,
    )
    return env


def _remembered_gettext(catalog) -> Callable:
    """Jinja's new-style ``_()`` (the translation, escaped text in HTML, ``%(name)s``
    filled in) with each translation looked up once: pages call it dozens of times."""
    seen: dict[str, str] = {}
    plain: dict[tuple[str, bool], str] = {}     # the finished text of a call without values

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, **variables) -> str:
        escaped = context.eval_ctx.autoescape
        if not variables:
            done = plain.get((message, escaped))
            if done is not None:
                return done
        text = seen.get(message)
        if text is None:
            text = seen[message] = catalog.gettext(message)
        if escaped:
            text = Markup(text)
        if not variables:
            done = plain[(message, escaped)] = text % variables
            return done
        return text % variables

    return gettext


Reuse = Callable[[jinja2.Environment, dict[str, Asset], list[Route]], dict[str, str]]
PARALLEL_FROM = 64        # fewer pages than this render faster in one process


class _Layered(jinja2.BytecodeCache):
    """Compiled templates from memory first, then from the build cache on disk."""

    def __init__(self, memory: jinja2.BytecodeCache, disk: jinja2.BytecodeCache):
        self.memory = memory
        self.disk = disk

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.memory.load_bytecode(bucket)
        if bucket.code is None:
            self.disk.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.memory.dump_bytecode(bucket)
        self.disk.dump_bytecode(bucket)


def _bytecode_cache(cache: BuildCache) -> jinja2.BytecodeCache:
    """Compiled templates kept in memory and, with the build cache on, in its folder
    (Jinja checks every entry against the template's source)."""
    if cache.folder is None:
        return _COMPILED
    folder = cache.folder / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _COMPILED
    return _Layered(_COMPILED, jinja2.FileSystemBytecodeCache(str(folder)))


def render_site(site: Site, *, only: Callable[[Route], bool] | None = None, reuse: Reuse | None = None,
                jobs: int | None = 1, cache: BuildCache | None = None,
                place: Callable[[str, bytes], str] | None = None, index: bool = True,
                previous: dict[str, str] | None = None, listed: list[Route] | None = None) -> Rendered:
    """Render every route of *site* (or those *only* accepts) and list the files to copy.

    *reuse* names the routes whose previous output still stands (output path → digest);
    they are not rendered. *jobs* > 1 renders in that many forked processes (None: one
    per core); the output is the same, in the same order, whatever the number. *cache*
    is the build's cache (None: nothing is remembered). *place(path, bytes)*, where given,
    takes each page as soon as it is rendered (in the worker that rendered it) and returns
    its digest: the pages then never travel back to this process. ``index=False`` leaves
    the search index out (``confsite check``: it cannot fail, and nobody reads it there).
    *previous* is the manifest of the output built before (path → digest): the files of
    the search index it holds already (their names are their bytes) are kept, not made.
    *listed* are the site's routes when the caller has them (``routes(site, cache)``).
    """
    cache = cache if cache is not None else BuildCache(None)
    config = site.config
    theme_assets = assets(template_dirs(config))
    env = environment(config, theme_assets, cache)
    env.globals["site"] = site
    env.globals["search_index"] = index_url(site)
    files: dict[str, bytes] = {a.url: a.data for a in theme_assets.values()}
    # The search index depends on every article (never left stale). With a second core
    # it is made in a forked process from here on, alongside what this process prepares
    # and the render workers; otherwise here, after the pages.
    want_index = index

    previous = previous or {}

    def index_files() -> tuple[dict[str, bytes | str], list[str]]:
        """The index's files but those *previous* holds, with *place* placed where they
        are made (digests come back); and the paths of those kept."""
        made, same = search_output(site, cache, previous)
        return (made if place is None else {path: place(path, data) for path, data in made.items()}), same

    index_job = parallel.fork_call(index_files, jobs, cache) if want_index else None
    try:
        files.update(outputs.install(env, site, cache))
        listed = listed if listed is not None else routes(site, cache)
        todo = listed if only is None else [r for r in listed if only(r)]
        kept = reuse(env, theme_assets, todo) if reuse is not None else {}
        # (in C: a rebuild keeps all but a few of some 40,000 routes)
        todo = list(compress(todo, map(not_, map(kept.__contains__, map(attrgetter("output"), todo)))))
        index: dict[str, bytes | str] = {}

        def make_index() -> None:
            if want_index:
                made, same = index_job.get() if index_job is not None else index_files()
                index.update(made)
                kept.update((path, previous[path]) for path in same)

        pages = _render_all(env, todo, jobs, cache, meanwhile=make_index, place=place)
    finally:
        if index_job is not None:
            index_job.cancel()
    placed: dict[str, str] = {}
    for output, data in [*((r.output, p) for r, p in zip(todo, pages)), *index.items()]:
        if isinstance(data, str):
            placed[output] = data
        else:
            files[output] = data
    copies = {rel: config.content_dir / rel for rel in site_media(site, cache)}
    for made in (*files, *placed):      # kept: the others
        kept.pop(made, None)
    return Rendered(files, copies, kept, placed)


def render_pages(site: Site, todo: list[Route], cache: BuildCache | None = None,
                 media: set[str] | None = None) -> dict[str, bytes]:
    """Just the pages of *todo* (output path → bytes), in this process, made as
    :func:`render_site` makes them; no other file. *media*: the media files those pages
    show, when known (the others are not looked at). ``confsite serve`` shows an edited
    document's own page with it while the whole site is built again."""
    cache = cache if cache is not None else BuildCache(None)
    env = environment(site.config, assets(template_dirs(site.config)), cache)
    env.globals["site"] = site
    env.globals["search_index"] = index_url(site)
    outputs.install_helpers(env, site, media)
    return {route.output: render_route(env, route, cache) for route in todo}


def _render_all(env: jinja2.Environment, todo: list[Route], jobs: int | None, cache: BuildCache,
                meanwhile: Callable[[], None] = lambda: None,
                place: Callable[[str, bytes], str] | None = None) -> list[bytes | str]:
    """Every route of *todo* rendered, in order, in forked workers when there are enough
    (the model comes with the fork); ``meanwhile()`` runs in this process meanwhile.
    With *place*, a page is handed to it where it was rendered, and its digest comes back."""
    for name in sorted({r.template for r in todo}):   # compile once, before any fork
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass                                       # reported by the route that uses it

    def one(route: Route) -> bytes | str | tuple[str, int | None, str, str]:
        try:
            data = render_route(env, route, cache)
        except RenderError as exc:      # its parts travel back from a worker; raised below
            return exc.template, exc.line, exc.url, exc.message
        return place(route.output, data) if place is not None else data

    pages = parallel.fork_map(one, todo, jobs, serial_below=PARALLEL_FROM, meanwhile=meanwhile, cache=cache)
    for page in pages:
        if isinstance(page, tuple):
            raise RenderError(*page)
    return pages  # type: ignore[return-value]


def render_route(env: jinja2.Environment, route: Route, cache: BuildCache | None = None) -> bytes:
    if route.produce is not None:
        return _produce(route, cache if cache is not None else BuildCache(None))
    try:
        template = env.get_template(route.template)
        text = template.render(route=route, **route.context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(_shown(exc.filename) or route.template, exc.lineno, route.url, exc.message or str(exc)) from exc
    except jinja2.TemplateError as exc:
        where, line = _template_frame(exc)
        raise RenderError(where or route.template, line, route.url, str(exc)) from exc
    return text.encode("utf-8")


def _produce(route: Route, cache: BuildCache) -> bytes:
    """A file made by a function (a QR code): remembered in the build cache by the
    function and its arguments, which are all it depends on."""
    fn = route.produce
    assert fn is not None
    if isinstance(fn, partial) and not fn.keywords:
        stage = fn.func.__module__.rsplit(".", 1)[-1]     # e.g. "qr": reported as that stage
        key = digest(fn.func.__module__, fn.func.__qualname__, repr(fn.args))
        return cache.memoized(stage, key, fn)
    return fn()


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
