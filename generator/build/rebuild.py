"""What a rebuild may skip: the no-op check and the signature of every page.

Two questions, both answered from the persistent cache (``cache.py``):

* Did any input change since the last build? ``snapshot`` takes the size, mtime, ctime
  and inode of every file of the content folder and the theme; when they match the last
  build's (and the output folder is the one that build wrote) there is nothing to do.
  A file whose mtime or ctime was too close to the last snapshot is never trusted
  ("racy", as git calls it; ``cache.settled``): the build then runs and compares contents.
* Which pages must be rendered again? A page's *signature* is a digest of everything it
  is made from: its template (with what it extends, includes and imports:
  ``template_digests``), the site-wide facts every page may show (``global_digest``), and
  the route's ``deps`` resolved to digests (``render/signatures.py``). A page whose
  signature is the one recorded for the file in the previous output is kept as it is.
  A build that writes nothing (``confsite check``) renders only the pages whose
  signature differs from its previous run's: the others rendered without error then.

``confsite check`` keeps a cache of its own (``check_cache``): with nothing changed
since its last run (the same snapshot), its report is that run's (``checked``).
"""
from __future__ import annotations

import os
import time
from itertools import compress
from operator import attrgetter, itemgetter, not_
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..cache.cache import BuildCache, code_version, settled
from ..core.bundle import bundled_templates
from ..core.config import SiteConfig
from ..core.hashing import digest
from ..output.write import MARKER, read_manifest
from .permalinks import MANIFEST
from ..render.signatures import Signer, signer_of, site_facts, site_media

if TYPE_CHECKING:       # imported lazily: a no-op build never needs Jinja or the model
    import jinja2

    from ..render.route_type import Route
    from ..site.sitemodel import Site
    from ..render.theme import Asset


# -- the no-op check --------------------------------------------------------------------

def _stats(root: Path, label: str) -> Iterable[tuple[str, str, int, int]]:
    """Every file under *root*: its name when it lies at the top ("" deeper), its stat
    line (``label:path:size:ctime:mtime:inode``), its mtime and its ctime."""
    top = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        # The folder inside *root*, as os.path.relpath would give it (without its cost a file).
        inside = os.path.relpath(dirpath, top)
        at_top = inside == os.curdir
        prefix = f"{label}:" if at_top else f"{label}:{inside}{os.sep}"
        for name in sorted(filenames):
            try:
                st = os.stat(os.path.join(dirpath, name))
            except OSError:
                continue
            mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
            yield (name if at_top else ""), f"{prefix}{name}:{st.st_size}:{ctime}:{mtime}:{st.st_ino}", mtime, ctime


OWN_FILES = {MANIFEST}   # content files a build itself writes (permalinks.record)


def snapshot(config: SiteConfig, options: str) -> dict:
    """The stat of every input: ``files`` (a digest), ``own`` (the files a build writes
    itself, e.g. the manifest of published addresses), ``trusted`` (no file was saved
    so recently that a second save in the same clock tick could go unseen) and ``lines``
    (each file's stat, ``label:path:size:ctime:mtime:inode``: what changed, file by file)."""
    taken = time.time_ns()
    lines = [code_version(), options, repr(config)]
    own = []
    trusted = True
    for root, label in ((config.content_dir, "content"), (bundled_templates(), "theme")):
        for name, line, mtime, ctime in _stats(root, label):
            if label == "content" and name in OWN_FILES:
                own.append(line)
                continue
            lines.append(line)
            if trusted and not settled(mtime, ctime, taken):
                trusted = False
    return {"files": digest("\n".join(lines)), "own": own, "trusted": trusted, "lines": lines[3:]}


def after_own_write(snap: dict, config: SiteConfig) -> dict:
    """The snapshot once the build has written its own files into the content folder."""
    own = []
    for name in sorted(OWN_FILES):
        try:
            st = os.stat(config.content_dir / name)
        except OSError:
            continue
        own.append(f"content:{name}:{st.st_size}:{st.st_ctime_ns}:{st.st_mtime_ns}:{st.st_ino}")
    return {**snap, "own": own}


def output_stamp(output: Path) -> str | None:
    """Identity of the output folder's manifest: changes whenever anything rewrites the site."""
    try:
        st = os.stat(output / MARKER)
        top = os.stat(output)
    except OSError:
        return None
    return f"{top.st_ino}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def unchanged(cache: BuildCache, snap: dict, output: Path) -> dict | None:
    """The last build's summary when nothing changed since it, else None."""
    state = cache.table("state")
    last = state.get("last")
    if not isinstance(last, dict) or not snap["trusted"] or last.get("snapshot") != (snap["files"], snap["own"]):
        return None
    stamp = output_stamp(output)
    if stamp is None or last.get("output") != stamp:
        return None
    return last


def remember(cache: BuildCache, snap: dict, output: Path, summary: dict) -> None:
    cache.replace("state", {"last": {**summary, "snapshot": (snap["files"], snap["own"]) if snap["trusted"] else None,
                                     "output": output_stamp(output)}})


# -- signatures of pages ----------------------------------------------------------------

def template_digests(env: jinja2.Environment, names: Iterable[str], cache: BuildCache) -> dict[str, str]:
    """Digest of each template with every template it extends, includes or imports."""
    import jinja2

    sources: dict[str, str] = {}
    refs: dict[str, set[str] | None] = {}

    def visit(name: str) -> None:
        if name in sources:
            return
        assert env.loader is not None
        source, _, _ = env.loader.get_source(env, name)
        sources[name] = source
        found = cache.memoized("template-refs", digest(source), lambda: _references(env, source))
        refs[name] = None if None in found else {str(f) for f in found}
        for f in refs[name] or ():
            try:
                visit(f)
            except jinja2.TemplateNotFound:
                sources[f] = ""
                refs[f] = set()

    out: dict[str, str] = {}
    everything: str | None = None
    for name in sorted(set(names)):
        try:
            visit(name)
        except jinja2.TemplateNotFound:
            out[name] = "missing"
            continue
        closure, todo, dynamic = set(), [name], False
        while todo:
            n = todo.pop()
            if n in closure:
                continue
            closure.add(n)
            if refs.get(n) is None:
                dynamic = True
            todo.extend(refs.get(n) or ())
        if dynamic:     # a template chosen at run time: depend on the whole theme
            if everything is None:
                everything = _all_templates(env)
            out[name] = everything
        else:
            out[name] = digest(*(f"{n}\0{sources.get(n, '')}" for n in sorted(closure)))
    return out


def _references(env: jinja2.Environment, source: str) -> list[str | None]:
    """Templates a template's source names (None: one chosen at run time)."""
    import jinja2
    from jinja2 import meta

    try:
        return list(meta.find_referenced_templates(env.parse(source)))
    except jinja2.TemplateSyntaxError:
        return [None]


def _all_templates(env: jinja2.Environment) -> str:
    assert env.loader is not None
    parts = []
    for name in sorted(env.loader.list_templates()):
        parts.append(name + "\0" + env.loader.get_source(env, name)[0])
    return digest(*parts)


def global_digest(site: Site, theme_assets: dict[str, Asset], cache: BuildCache) -> str:
    """Facts any page may show: settings, the site's address book, the menu, the theme's files."""
    parts = site_facts(site)
    parts += [f"{name}:{a.url}" for name, a in sorted(theme_assets.items())]
    # Media files: pages show an image's size and its variants (images.prepare).
    for rel in site_media(site, cache):
        try:
            st = os.stat(site.config.content_dir / rel)
            parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}")
        except OSError:
            parts.append(f"{rel}:missing")
    return digest(*parts)


def check_cache(config: SiteConfig) -> BuildCache:
    """The cache of ``confsite check``: beside the content folder, as a build's is beside
    its output (``.confsite-cache/check``), never inside it (that would be an input)."""
    return BuildCache(Path(os.path.abspath(config.content_dir)).parent / ".confsite-cache" / "check")


def checked(cache: BuildCache, snap: dict) -> dict | None:
    """The report of the last check when no input changed since it, else None."""
    last = cache.table("state").get("check")
    if not isinstance(last, dict) or not snap["trusted"] or last.get("snapshot") != (snap["files"], snap["own"]):
        return None
    return last.get("report")


def remember_check(cache: BuildCache, snap: dict, report: dict) -> None:
    state = dict(cache.table("state"))
    state["check"] = {"snapshot": (snap["files"], snap["own"]) if snap["trusted"] else None, "report": report}
    cache.replace("state", state)


SIGNED = "\0signer"     # the routes table's record of what the signatures were made from (never an output path)
LISTING = "\0listing"   # ... of the list of routes signed (a token, and how many: see PageReuse)
OUTPUT = "\0output"     # ... and of the output folder the files were recorded in (output_stamp)
BASE = "\0base"         # names a routes table written whole ("routes-changes" are made on one)
CHANGES = "\0changes"   # in a table as read: the changes made on it since (see _routes_table)
MOST_CHANGES = 2000     # entries changed since the table was written whole: write it whole again


def _routes_table(cache: BuildCache) -> dict:
    """The routes table as the last build left it: the table written whole, with the
    entries changed since (table ``routes-changes``, when made on this very table)."""
    table = cache.table("routes")
    changes = cache.table("routes-changes")
    if not table or changes.get("base") != table.get(BASE) or not isinstance(changes.get("entries"), dict):
        return table
    entries = changes["entries"]
    return {**table, **entries, CHANGES: entries}


def _write_routes_table(cache: BuildCache, table: dict) -> None:
    """*table* written whole, under a new base (the changes made on the old one go)."""
    table[BASE] = os.urandom(8).hex()
    cache.replace("routes", table)
    cache.replace("routes-changes", {})


def _remember_changes(cache: BuildCache, base: str, entries: dict) -> None:
    if len(entries) > MOST_CHANGES:
        table = {k: v for k, v in _routes_table(cache).items() if k != CHANGES}
        table.update(entries)
        _write_routes_table(cache, table)
    else:
        cache.replace("routes-changes", {"base": base, "entries": entries})


class PageReuse:
    """Which pages the previous output still holds: called by render with the routes to
    make, it signs each (``render/signatures.py`` with the template digests and the
    site-wide digest) and names those whose signature, and file in the output, are the
    ones the previous build recorded; they are not rendered again. After the write,
    :meth:`remember` records this build's signatures. The one place of the reuse logic.

    A route whose deps are one token (an article's page and QR codes, a redirect) keeps
    its previous signature without signing again when it has the same URL, template and
    token as then and the signer of then (recorded with the signatures) gives that
    token, that template and the site the same digests: its signature would be the same.

    *listing* names the list of routes signed (the kept model's token: ``build/kept.py``).
    When the previous build signed the same list, and its output is as it left it, every
    route has the deps it had then and its file is the one recorded: a route none of whose
    deps changed keeps its signature and its file without being looked at one by one, and
    only the routes that show what changed are signed again (a text edit: a handful)."""

    def __init__(self, site: Site, cache: BuildCache, output: Path | None, *, enabled: bool,
                 listing: str | None = None, previous_files: dict[str, str] | None = None):
        self.site = site
        self.cache = cache
        self.enabled = enabled
        self.output = output        # None: nothing is written (check): a page is its signature
        self.signatures: dict[str, str] = {}
        self.carried: dict[str, tuple] = {}     # the previous table's entries of routes not looked at
        self.shapes: dict[str, tuple[str, str, bool] | None] = {}
        self.signer: Signer | None = None
        self.listing = listing
        self.previous = _routes_table(cache) if enabled else {}
        # The output's manifest (path → digest), when the caller has read it already.
        if not self.previous or output is None:
            previous_files = {}
        elif previous_files is None:
            previous_files = read_manifest(output) or {}
        self.previous_files = previous_files

    def __call__(self, env: jinja2.Environment, theme_assets: dict[str, Asset], todo: list[Route]) -> dict[str, str]:
        if not self.enabled:
            return {}
        signer = self.signer = signer_of(self.site, self.cache).for_pages(
            template_digests(env, {r.template for r in todo}, self.cache), global_digest(self.site, theme_assets, self.cache))
        before_state = self.previous.get(SIGNED)
        try:
            then = Signer.restored(before_state) if isinstance(before_state, dict) else None
        except (KeyError, TypeError, ValueError):
            then = None
        found = signer.changes(then) if then is not None else None
        templates, tokens = found if found is not None else (set(), set())
        everything: dict[str, bool] = {}      # "*" and "cards": the same digest as then? (asked once)

        def same_everything(token: str) -> bool:
            if token not in everything:
                everything[token] = then is not None and signer.same_token(then, token)
            return everything[token]
        kept: dict[str, str] = {}
        previous, previous_files = self.previous, self.previous_files
        signatures, shapes, sign, checked = self.signatures, self.shapes, signer.sign, self.output is not None
        if (found is not None and not templates and checked and self.listing is not None
                and previous.get(LISTING) == (self.listing, len(todo))
                and previous.get(OUTPUT) == output_stamp(self.output) and BASE in previous):
            # The routes the previous build signed, and its output as it left it: a route
            # whose deps are all as they were keeps its signature and its file. Only the
            # others (a text edit: a handful) are looked at one by one below.
            changed = {*tokens, *(t for t in ("*", "cards") if not same_everything(t))}
            # (map and compress keep the walk over every route in C: it is most of the work)
            looked = list(compress(todo, map(not_, map(changed.isdisjoint, map(attrgetter("deps"), todo)))))
            carried = dict(previous)
            for k in (*(r.output for r in looked), SIGNED, LISTING, OUTPUT, BASE, CHANGES):
                carried.pop(k, None)
            files = dict(zip(carried, map(itemgetter(1), carried.values())))
            if None not in files.values():      # else: every route is looked at
                todo, self.carried = looked, carried
                kept.update(files)
        for r in todo:
            output = r.output
            before = previous.get(output)
            shape = None
            deps = r.deps
            if len(deps) == 1:
                token, = deps
                template = r.template
                shape = (template, token, r.url == output)
            # A one-token route signed by an unchanged signer as it was: its signature stands.
            if (shape is not None and found is not None and before is not None and len(before) == 3
                    and before[2] == shape and template not in templates and token not in tokens
                    and (token != "*" and token != "cards" or same_everything(token))):
                sig = before[0]
            else:
                sig = sign(r)
            signatures[output] = sig
            shapes[output] = shape
            # Kept only when the file in the output is the very one this signature made.
            if before is None:
                continue
            if not checked:
                if (before[0], before[1]) == (sig, None):
                    kept[output] = ""
            elif before[0] == sig and before[1] == previous_files.get(output):
                kept[output] = before[1]
        return kept

    def remember(self, output: Path | None, manifest: dict[str, str] | None = None) -> None:
        """Record each page's signature with the file the output now holds for it
        (*manifest*: the output's, when the caller has it)."""
        now = manifest if manifest is not None else (read_manifest(output) or {}) if output is not None else {}
        shapes = self.shapes
        made = {k: (v, now.get(k), shapes.get(k)) for k, v in self.signatures.items()}
        routes = len(self.carried) + len(made)
        if self.signer is not None:
            made[SIGNED] = self.signer.state()
        if self.listing is not None:
            made[LISTING] = (self.listing, routes)
        if output is not None:
            made[OUTPUT] = output_stamp(output)
        if self.carried:
            # The routes not looked at are as the table has them: only what this build
            # signed is written, beside the table (which a large site's builds read whole).
            changes = self.previous.get(CHANGES)
            _remember_changes(self.cache, self.previous[BASE], {**(changes or {}), **made})
        else:
            _write_routes_table(self.cache, made)
