"""The build, as one readable flow: load → validate → site model → render → write.

Each stage is a function of the previous one's result. ``build`` stops after the
model when there are errors, so a failed build never touches the output folder.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import permalinks
from .config import SiteConfig, load_config
from .errors import BuildFailed, Problem, Severity
from .load import load
from .render import RenderError, Rendered, render_site
from .site import Site, build_site
from .validate import validate
from .write import WriteError, WriteStats, write_site


@dataclass
class BuildResult:
    site: Site
    rendered: Rendered
    written: WriteStats | None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.site.problems if p.severity is Severity.WARNING]


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


def model(config: SiteConfig, timings: dict[str, float] | None = None, progress: Progress | None = None) -> Site:
    """Load, validate and build the site model; :class:`BuildFailed` when content has errors."""
    timings = timings if timings is not None else {}
    with _timed(timings, "load", progress):
        loaded = load(config)
    with _timed(timings, "validate", progress):
        content = validate(loaded, config)
    with _timed(timings, "model", progress):
        site = build_site(content, config)
    errors = [p for p in site.problems if p.severity is Severity.ERROR]
    if errors:
        raise BuildFailed(list(site.problems))
    return site


def build(config: SiteConfig, *, write: bool = True, progress: Progress | None = None,
          allow_removed: bool = False) -> BuildResult:
    """Build the site; a written production build also records its addresses in the
    manifest of published URLs, after checking that none published before is lost."""
    timings: dict[str, float] = {}
    site = model(config, timings, progress)
    lost = permalinks.check(site, allow_removed=allow_removed)
    if lost:
        raise BuildFailed(lost)
    with _timed(timings, "render", progress):
        try:
            rendered = render_site(site)
        except RenderError as exc:
            raise BuildFailed([Problem(exc.template, exc.line, "template", f"while making /{exc.url}: {exc.message}",
                                       "fix the template; the site was not changed")]) from exc
    written = None
    if write:
        with _timed(timings, "write", progress):
            try:
                written = write_site(rendered, config.output_dir, protected=(config.content_dir,))
            except WriteError as exc:
                raise BuildFailed([Problem(str(config.output_dir), None, "", exc.message, exc.hint)]) from exc
        if not config.drafts:
            permalinks.record(site)
    return BuildResult(site, rendered, written, timings)


def configure(content: Path, output: Path, *, base_url: str | None = None, drafts: bool = False,
              require_base_url: bool = True) -> SiteConfig:
    return load_config(content, output, base_url=base_url, drafts=drafts, require_base_url=require_base_url)
