"""The quick path of ``confsite serve``: an edit of one document, shown at once.

After every change the preview builds the whole site again (``pipeline.build``), which
takes seconds on a large archive. Most edits touch one document, and the page the
editor looks at is that document's own: its route depends on that document alone and
on the site-wide facts (``routes.py``). :func:`own_page` makes that page from the last
good build, through the same stages (load the file → validate it → render its route),
in milliseconds; the preview shows it until the whole build is done.

* An edit of the body alone: no other page shows a body (the search index and feeds
  wait for the whole build), and the page is the bytes the whole build makes.
* An edit of fields that listings show (a title, scores, awards), with the document's
  address, cluster and media unchanged: the page is made with the site-wide facts of
  the last build. It is the whole build's page unless the edit changes those facts
  (e.g. names a unit the archive did not know); then the whole build's page follows,
  and so do the listings: the preview reloads every open page whose bytes changed.
* An edit that leaves the document with errors: they are told at once (the whole build
  fails with them too).

Anything else (several files, a new or removed document, a moved one, warnings) is left
to the whole build. ``tests/test_serve_quick.py`` holds the pages to the whole build's.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..content.load import MARKDOWN_SUFFIXES, MediaFile, listing, read_document
from ..content.validate import validate_document
from ..core.config import SiteConfig
from ..core.errors import Problem, Severity
from ..core.slugs import nfc
from ..render.render import render_pages
from ..render.routes import document_route
from ..content.model import Article, Page
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
    """The edited document's errors, or its page when it has no problems and its edit
    leaves its address, cluster and media as they were; None when only the whole build
    can tell (more than one file, not a document of the last build, warnings)."""
    if len(changed) != 1:
        return None
    rel = content_path(last.config, changed[0])
    if rel is None or PurePosixPath(rel).suffix.lower() not in MARKDOWN_SUFFIXES or not os.path.isfile(changed[0]):
        return None         # not a document, or removed: the whole build removes its pages
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
        # A link to a document or file made since the last build is no error: say nothing then.
        return edit if listing(last.config) == (set(documents), set(last.media)) else None
    if problems or doc is None or type(doc) is not type(old) or any(p.path == old.display for p in site.problems):
        return None         # warnings, new or gone: the whole build says which
    if _place(doc) != _place(old):
        return None         # other pages link to it, list it or hold its media where it was
    return Edit(old.display, (), render_pages(site, [document_route(site, doc)], media=_place(doc)[-1]))


def _place(doc: Article | Page) -> tuple:
    """What other pages and files make of a document besides what they show of it: its
    address and other addresses, its cluster, whether it is published, its media."""
    media = set(doc.body.media) | {i.src for i in getattr(doc, "images", ())}
    return (doc.url, doc.slug, getattr(doc, "cluster", None), getattr(doc, "id", None), doc.aliases, doc.draft,
            media)


def content_path(config: SiteConfig, path: str) -> str | None:
    """*path* as a path inside the content folder (POSIX, NFC), None when outside it."""
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(config.content_dir))
    if rel == "." or rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
        return None
    return nfc(PurePosixPath(*rel.split(os.sep)).as_posix())
