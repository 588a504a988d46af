"""The quick path of ``confsite serve``: an edit of one document's text, shown at once.

After every change the preview builds the whole site again (``pipeline.build``), which
takes seconds on a large archive. Most edits change only the text of one report, and
then the only page that shows anything new is that document's own (``routes.py``: no
other page depends on a document's body; the search index and the feeds do, and wait
for the whole build). :func:`own_page` answers, from the last good build, whether a
change is only that, and if so makes the page through the same stages (load one file →
validate it → render its route) in milliseconds; the preview shows it until the whole
build is done. That build's page is the same bytes (``tests/test_serve.py``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..content.load import MARKDOWN_SUFFIXES, MediaFile, read_document
from ..content.validate import validate_document
from ..core.config import SiteConfig
from ..core.errors import Problem, Severity
from ..core.slugs import nfc
from ..render.render import render_pages
from ..render.routes import document_route
from ..render.signatures import card
from ..site.sitemodel import Site


@dataclass(frozen=True)
class LastBuild:
    """What the quick path needs of the last good build."""

    config: SiteConfig
    site: Site
    media: dict[str, MediaFile]


@dataclass(frozen=True)
class Edit:
    """What the quick path could tell of an edit of one document: its problems (the
    file's own: errors mean the whole build fails too) or, when it has none, its page."""

    display: str                          # the file, as problems name it
    problems: tuple[Problem, ...] = ()
    pages: dict[str, bytes] = field(default_factory=dict)    # output path → bytes

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def own_page(last: LastBuild, changed: list[str]) -> Edit | None:
    """The edited document's errors, or its page when its edit touched its body alone
    and left it without problems; None when only the whole build can tell (more than
    one file, not a document of the last build, a change listings show, warnings)."""
    if len(changed) != 1:
        return None
    rel = content_path(last.config, changed[0])
    if rel is None or PurePosixPath(rel).suffix.lower() not in MARKDOWN_SUFFIXES:
        return None
    site = last.site
    documents = {d.source: d for d in (*site.articles, *site.pages)}
    old = documents.get(rel)
    if old is None:
        return None
    raw, problems = read_document(last.config, rel)
    edit = Edit(old.display, problems)
    if edit.failed or raw is None:
        return edit if edit.failed else None
    doc, problems = validate_document(raw, last.config, last.media, {k: d.url for k, d in documents.items()})
    edit = Edit(old.display, problems)
    if edit.failed:
        return edit
    if problems or doc is None or type(doc) is not type(old) or any(p.path == old.display for p in site.problems):
        return None         # warnings, new or gone: the whole build says which
    if card(doc) != card(old) or doc.body.media != old.body.media:
        return None         # what listings or other pages show of it changed
    return Edit(old.display, (), render_pages(site, [document_route(site, doc)]))


def content_path(config: SiteConfig, path: str) -> str | None:
    """*path* as a path inside the content folder (POSIX, NFC), None when outside it."""
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(config.content_dir))
    if rel == "." or rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
        return None
    return nfc(PurePosixPath(*rel.split(os.sep)).as_posix())
