"""The site model kept between builds, for edits of documents' text alone.

Loading every document and making the model again from the cache was most of a
one-article rebuild on a large archive (about 2 of its 4 seconds at 10,000 articles),
though the commonest edit, a sentence corrected in a report, changes nothing the model
makes of the other documents. So a build that wrote the site keeps its model in the
cache folder (``model.pickle``: bodies stand there as their cache keys), with the site's
routes (which pages there are and what each is made from: an edit of text changes
none), its documents' digests (the page signer's) and the stat of every input file it
was made from. The next build takes it instead of loading and validating everything
when:

* the code, the settings and the set of input files are the same, and the only files
  changed are documents (``.md``), a few of them;
* each of those, validated on its own against the kept model, has no problem (nor had
  one), and differs from the document kept only in its text: every field, its address
  and its media as they were (``signatures.card`` and the body's media).

Then the kept documents take the new bodies (and the signer their new digests), and
the build goes on as after a whole model (signatures tell which pages to make again).
Such a build writes only its edits beside the kept model (``model-edits.pickle``), not
the whole model again. Anything else, and anything unexpected in the kept file, is a
whole model made as usual: the result is the same either way
(``tests/test_kept_model.py``, and ``make bench``'s one-edit build compared with a
clean build).
"""
from __future__ import annotations

import copyreg
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from ..cache.cache import BuildCache, code_version
from ..content.lazy import LazyBody
from ..content.load import MARKDOWN_SUFFIXES, MediaFile, read_document
from ..content.model import Article, Body, Page
from ..content.validate import cached_body, validate_document
from ..core.config import SiteConfig
from ..core.errors import BuildFailed, Problem
from ..core.hashing import digest
from ..core.messages import N_
from ..core.slugs import nfc
from ..render.route_type import Route
from ..render.signatures import Signer, card, signer_of
from ..site.sitemodel import Site

FILE = "model.pickle"
EDITS = "model-edits.pickle"
MOST_EDITS = 20         # more documents changed: a whole model, made by the workers, is as quick
MOST_KEPT_EDITS = 200   # more documents edited since the model was kept: keep the whole model again


class _Stub:
    """A body the cache holds, as the kept model's file has it: its key, not its text."""

    __slots__ = ("media", "fingerprint", "key", "source")

    def __init__(self, media: tuple[str, ...], fingerprint: str, key: str, source: str):
        self.media, self.fingerprint, self.key, self.source = media, fingerprint, key, source


def _reduce(body: LazyBody):
    if body.key and body.source:
        return _Stub, (body.media, body.fingerprint, body.key, body.source)
    return body.__reduce__()


def _bound(stub: _Stub, cache: BuildCache, config: SiteConfig, media: dict[str, MediaFile],
           documents: dict[str, str]) -> LazyBody:
    """The body *stub* stands for, read from *cache* when a page shows it."""
    key, source = stub.key, stub.source
    cache.used("bodies", key)           # kept by this build's cache, as validate does

    def again() -> tuple[Body]:
        """Gone from the cache: made again from its file, as validate would."""
        raw, _ = read_document(config, source)
        doc, _ = validate_document(raw, config, media, documents) if raw is not None else (None, ())
        if doc is None:     # the file was broken while the site was being built
            raise BuildFailed([Problem(config.display(source), None, "", N_("changed while the site was being built"),
                                       N_("build again (or build with --no-cache)"))])
        return (doc.body,)
    return LazyBody(stub.media, stub.fingerprint, partial(cached_body, cache, key, again), key=key, source=source)


@dataclass
class Restored:
    """The kept model, brought up to date: what a build made of it."""

    site: Site
    media: dict[str, MediaFile]
    token: str                              # names the kept model's file (see :func:`save`)
    edits: dict[str, tuple[Body, str]]      # document → its new body and file digest, since the model was kept
    routes: list[Route]                     # the site's routes: an edit of text changes none
    signer: Signer                          # the documents' digests, the edited ones made again


def _paths(cache: BuildCache) -> tuple[Path, Path] | None:
    if not cache.enabled or cache.folder is None:
        return None
    return cache.folder / FILE, cache.folder / EDITS


def _dump(path: Path, *parts: object) -> None:
    """*parts* pickled one after the other into *path*, replaced at once."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            writer = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            writer.dispatch_table = {**copyreg.dispatch_table, LazyBody: _reduce}
            for part in parts:
                writer.dump(part)
        os.replace(tmp, path)
    except Exception:       # a model that cannot be kept only makes the next build slower
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        path.unlink(missing_ok=True)


def save(cache: BuildCache, snap: dict, site: Site, media: dict[str, MediaFile], restored: Restored | None,
         routes: list[Route], token: str) -> None:
    """Keep *site*, made from the inputs *snap* saw, for the next build, with its *routes*
    and the *token* that names them (the page signatures recorded them under it); or
    forget the kept one, when *snap* cannot be trusted. A model brought up to date from the kept one
    writes only its edits (a few bodies, ``model-edits.pickle``) beside it: pickling the
    whole model again would cost what keeping it saves."""
    paths = _paths(cache)
    if paths is None:
        return
    model, edits = paths
    if not snap.get("trusted") or "lines" not in snap:
        model.unlink(missing_ok=True)
        edits.unlink(missing_ok=True)
        return
    if restored is not None and len(restored.edits) <= MOST_KEPT_EDITS:
        _dump(edits, {"base": restored.token, "lines": snap["lines"], "edits": restored.edits})
        return
    edits.unlink(missing_ok=True)
    # What it was made from first: the next build reads on only when that matches.
    _dump(model, {"version": code_version(), "config": repr(site.config), "lines": snap["lines"],
                  "token": token},
          (media, site, routes, signer_of(site, cache).state()))


def _changed(before: list[str], now: list[str]) -> list[str] | None:
    """The content paths of the documents whose stat changed; None when anything else did."""
    def by_file(lines: list[str]) -> dict[str, str]:
        return {line.rsplit(":", 4)[0]: line for line in lines}

    old, new = by_file(before), by_file(now)
    if old.keys() != new.keys():
        return None
    changed = []
    for name, line in new.items():
        if old[name] != line:
            label, _, rel = name.partition(":")
            if label != "content" or PurePosixPath(rel).suffix.lower() not in MARKDOWN_SUFFIXES:
                return None
            changed.append(nfc(PurePosixPath(*rel.split(os.sep)).as_posix()))
    return changed if len(changed) <= MOST_EDITS else None


def _read_edits(path: Path, token: str) -> dict | None:
    try:
        with path.open("rb") as f:
            found = pickle.load(f)
    except Exception:
        return None
    return found if isinstance(found, dict) and found.get("base") == token else None


def restore(cache: BuildCache, snap: dict, config: SiteConfig) -> Restored | None:
    """The kept model with the edited documents' new text, and the content's media; None
    when the model must be made whole (see the module's notes)."""
    paths = _paths(cache)
    if paths is None or "lines" not in snap:
        return None
    try:
        with paths[0].open("rb") as f:
            reader = pickle.Unpickler(f)
            made_from = reader.load()
            if (not isinstance(made_from, dict) or made_from.get("version") != code_version()
                    or made_from.get("config") != repr(config)):
                return None
            since = _read_edits(paths[1], made_from["token"]) or {"lines": made_from["lines"], "edits": {}}
            changed = _changed(since["lines"], snap["lines"])
            if changed is None:
                return None
            media, site, routes, signed = reader.load()
    except Exception:       # none kept, or truncated, foreign, from other code
        return None
    if not isinstance(site, Site) or not isinstance(media, dict) or not isinstance(routes, list):
        return None
    documents = {d.source: d for d in (*site.articles, *site.pages)}
    addresses = {k: d.url for k, d in documents.items()}
    for d in documents.values():
        if isinstance(d.body, _Stub):
            object.__setattr__(d, "body", _bound(d.body, cache, config, media, addresses))
    edits: dict[str, tuple[Body, str]] = dict(since["edits"])
    for rel in changed:
        old = documents.get(rel)
        if old is None or any(p.path == old.display for p in site.problems):
            return None
        raw, problems = read_document(config, rel)
        if problems or raw is None:
            return None
        doc, problems = validate_document(raw, config, media, addresses)
        if problems or doc is None or type(doc) is not type(old) or not _same_but_text(doc, old):
            return None
        edits[rel] = (doc.body, doc.digest)
    for rel, (body, file_digest) in edits.items():
        # The kept model is this build's own copy: its documents take the new text in place,
        # so every part of the model that holds them holds the new one.
        doc = documents.get(rel)
        if doc is None:
            return None
        object.__setattr__(doc, "body", body)
        object.__setattr__(doc, "digest", file_digest)
    # The page signer: the kept model's, with the digests of the documents edited since.
    signer = Signer.restored({**signed, "all": {}})
    if not set(edits) <= signer.cards.keys():
        return None
    signer.full = {**signer.full, **{rel: digest(signer.cards[rel], body.fingerprint) for rel, (body, _) in edits.items()}}
    cache.of_model("signer", site, lambda: signer)
    return Restored(site, media, made_from["token"], edits, routes, signer)


def _same_but_text(doc: Article | Page, old: Article | Page) -> bool:
    return (doc.source == old.source and doc.display == old.display and card(doc) == card(old)
            and tuple(doc.body.media) == tuple(old.body.media))
