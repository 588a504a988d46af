"""The build, as one readable flow: load → validate → site model → render → write.

Each stage is a function of the previous one's result. ``build`` stops after the
model when there are errors, so a failed build never touches the output folder.

With the persistent cache (``cache.py``, on unless ``cache=False``) a build first asks
whether anything changed at all (``rebuild.unchanged``: then it is done), reuses parsed
documents and rendered Markdown by content digest, and renders only the pages whose
signature changed (``render/signatures.py``); the output is byte-identical to a clean build.
"""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from . import rebuild
from ..cache.cache import BuildCache
from ..core.config import SiteConfig, load_config
from ..core.errors import BuildFailed, Problem, Severity, WorkerDied
from ..core.messages import N_
from ..output.rendered import Rendered
from ..output.write import WriteError, WriteStats, output_lock, read_manifest, staged

if TYPE_CHECKING:       # the stages are imported when a build needs them: a no-op build does not
    from ..content.load import LoadedContent, MediaFile
    from ..site.sitemodel import Site

MEMO_STAGES = ("qr",)      # memoized() tables whose compute time is reported as a stage


@dataclass
class BuildResult:
    """What a build did. After a no-op build (nothing changed) ``site`` is built on first use."""

    config: SiteConfig
    rendered: Rendered
    written: WriteStats | None
    timings: dict[str, float] = field(default_factory=dict)
    noop: bool = False
    _site: Site | None = None
    _summary: dict | None = None
    media: dict[str, MediaFile] | None = None     # the content's media files (None after a no-op build)

    @property
    def site(self) -> Site:
        if self._site is None:
            self._site = model(self.config)
        return self._site

    @property
    def warnings(self) -> list[Problem]:
        if self._site is None and self._summary is not None:
            return list(self._summary["warnings"])
        return [p for p in self.site.problems if p.severity is Severity.WARNING]

    @property
    def article_count(self) -> int:
        if self._site is None and self._summary is not None:
            return int(self._summary["articles"])
        return len(self.site.articles)

    @property
    def page_count(self) -> int:
        return sum(1 for p in self.rendered.paths if p.endswith(".html"))


Progress = Callable[[str], None]


def _timed(timings: dict[str, float], name: str, progress: Progress | None):
    class _T:
        def __enter__(self):
            if progress:
                progress(name)
            self.start = time.perf_counter()

        def __exit__(self, *exc):
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - self.start
    return _T()


def model(config: SiteConfig, timings: dict[str, float] | None = None, progress: Progress | None = None,
          cache: BuildCache | None = None, jobs: int | None = None) -> Site:
    """Load, validate and build the site model; :class:`BuildFailed` when content has errors."""
    return _loaded_model(config, timings, progress, cache, jobs)[1]


def _loaded_model(config: SiteConfig, timings: dict[str, float] | None, progress: Progress | None,
                  cache: BuildCache | None, jobs: int | None) -> tuple[LoadedContent, Site]:
    from ..content.load import load
    from ..site.site import build_site
    from ..content.validate import validate

    timings = timings if timings is not None else {}
    with _timed(timings, "load", progress):
        loaded = load(config, cache)
    with _timed(timings, "validate", progress):
        content = validate(loaded, config, cache, jobs)
    with _timed(timings, "model", progress):
        site = build_site(content, config)
    errors = [p for p in site.problems if p.severity is Severity.ERROR]
    if errors:
        raise BuildFailed(list(site.problems))
    return loaded, site


def _previous_manifest(output: Path) -> dict[str, str]:
    return read_manifest(output) or {}


@contextmanager
def _no_cycle_collection():
    """A build makes millions of objects that live until it ends; Python's cycle collector
    would walk all of them again and again (a third of a large build's time, measured),
    and in forked render workers its walks would copy the shared model page by page."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def build(config: SiteConfig, *, write: bool = True, progress: Progress | None = None,
          allow_removed: bool = False, cache: bool | BuildCache = True, jobs: int | None = None,
          index: bool = True) -> BuildResult:
    with _no_cycle_collection():
        try:
            return _build(config, write=write, progress=progress, allow_removed=allow_removed, cache=cache, jobs=jobs,
                          index=index)
        except WorkerDied as exc:
            raise BuildFailed([Problem(str(config.content_dir), None, "", exc.args[0] if exc.args else str(exc),
                                       N_("build again with --jobs 1 to see which file causes it; "
                                          "the site was not changed"))]) from exc


def _build(config: SiteConfig, *, write: bool, progress: Progress | None, allow_removed: bool,
           cache: bool | BuildCache, jobs: int | None, index: bool = True) -> BuildResult:
    """Build the site; a written production build also records its addresses in the
    manifest of published URLs, after checking that none published before is lost.

    ``cache=False`` (and ``write=False``) neither reads nor writes the build cache; *jobs*
    is the number of render processes (None: one per core). A cache given as an object
    is used even without writing (``confsite check`` keeps one of its own); ``index=False``
    makes no search index (check)."""
    timings: dict[str, float] = {}
    # Only a build that writes its output folder keeps a cache beside it: `check` and
    # `publish` (which writes releases itself) leave no folder behind.
    store = cache if isinstance(cache, BuildCache) else BuildCache.for_config(config, enabled=cache and write)
    output = Path(config.output_dir)
    options = f"jobs-independent;write={write}"
    snap = None
    if store.enabled and write:
        with _timed(timings, "check", progress):
            snap = rebuild.snapshot(config, options)
            last = rebuild.unchanged(store, snap, output)
        if last is not None:
            # Nothing changed, unless another build is about to swap in something else.
            try:
                with output_lock(output):
                    pass
            except WriteError as exc:
                raise BuildFailed([Problem(str(config.output_dir), None, "", exc.message, exc.hint)]) from exc
            rendered = Rendered({}, {}, _previous_manifest(output))
            return BuildResult(config, rendered, WriteStats(0, len(rendered.kept), 0), timings, True, None, last)
    from . import kept, permalinks

    restored = None
    if snap is not None:
        with _timed(timings, "model", None):
            restored = kept.restore(store, snap, config)
    listed = None       # the site's routes, when the kept model has them
    if restored is not None:
        site, media, listed = restored.site, restored.media, restored.routes
    else:
        loaded, site = _loaded_model(config, timings, progress, store, jobs)
        media = loaded.media
        del loaded          # its documents' text is not needed any more: not kept through the render
    lost = permalinks.check(site, allow_removed=allow_removed)
    if lost:
        raise BuildFailed(lost)
    # Names this list of routes: the kept model's, or a new one made with this model.
    listing = restored.token if restored is not None else os.urandom(8).hex()
    def page_reuse(previous_files: dict[str, str] | None = None) -> rebuild.PageReuse:
        return rebuild.PageReuse(site, store, output if write else None, enabled=store.enabled, listing=listing,
                                 previous_files=previous_files)
    written = manifest = None
    try:
        if write:
            # The output is locked and a staging folder made before rendering, so that the
            # render workers place each page there themselves: no page travels back.
            with staged(config.output_dir, protected=(config.content_dir,)) as staging:
                reuse = page_reuse(staging.previous)     # the manifest the staging folder read
                rendered, listed = _render(site, reuse, jobs, store, timings, progress, staging.put, index, listed)
                with _timed(timings, "write", progress):
                    written = staging.finish(rendered)
                manifest = staging.manifest
        else:
            reuse = page_reuse()
            rendered, listed = _render(site, reuse, jobs, store, timings, progress, None, index, listed)
    except WriteError as exc:
        raise BuildFailed([Problem(str(config.output_dir), None, "", exc.message, exc.hint)]) from exc
    if not (write and store.enabled):
        listed = None       # kept with the model only: not held through the rest of the build
    if write:
        if (not config.drafts and permalinks.records(config.output_dir, config.content_dir)
                and permalinks.record(site) and snap is not None):
            snap = rebuild.after_own_write(snap, config)
        if store.enabled:
            with _timed(timings, "cache", progress):
                reuse.remember(output, manifest)
                if snap is not None:
                    warnings = tuple(p for p in site.problems if p.severity is Severity.WARNING)
                    rebuild.remember(store, snap, output, {"articles": len(site.articles), "warnings": warnings})
                    kept.save(store, snap, site, media, restored, listed, listing)
                store.save()
    elif store.enabled:
        reuse.remember(None)
        store.save()
    store.forget_models()
    return BuildResult(config, rendered, written, timings, False, site, media=media)


def _render(site: Site, reuse: rebuild.PageReuse, jobs: int | None, store: BuildCache, timings: dict[str, float],
            progress: Progress | None, place: Callable[[str, bytes], str] | None, index: bool,
            listed: list | None) -> tuple[Rendered, list]:
    """The site rendered, and its routes (*listed*, or listed here)."""
    from ..render.render import RenderError, render_site
    from ..render.routes import routes

    with _timed(timings, "render", progress):
        try:
            listed = listed if listed is not None else routes(site, store)
            rendered = render_site(site, reuse=reuse, jobs=jobs, cache=store, place=place, index=index,
                                   previous=reuse.previous_files, listed=listed)
        except RenderError as exc:
            raise BuildFailed([Problem(exc.template, exc.line, "template",
                                       N_("while making /{url}: {error}", url=exc.url, error=exc.message),
                                       N_("fix the template; the site was not changed"))]) from exc
    spent = store.take_uncached_times()
    for name, seconds in store.spent.items():
        spent[name] = spent.get(name, 0.0) + seconds
    for name in MEMO_STAGES:
        if name in spent:
            timings[name] = spent[name]
    return rendered, listed


def configure(content: Path, output: Path, *, base_url: str | None = None, drafts: bool = False,
              require_base_url: bool = True) -> SiteConfig:
    return load_config(content, output, base_url=base_url, drafts=drafts, require_base_url=require_base_url)
