"""The persistent build cache: results of pure steps, kept between builds.

The cache lives in a git-ignored folder beside the output (``.confsite-cache/<output>/``
unless ``SiteConfig.cache_dir`` names another). It holds named *tables*, each a dict
pickled to one file and loaded on first use. Every key is a content digest of what the
value was computed from, so a stale entry is never found, only unused. A table that
cannot be read (corrupt, truncated, written by another version) is treated as empty and
rebuilt: the cache can speed a build up but never change or break its output. A process
that builds again (``confsite serve``) keeps the tables it read or wrote and reads a file
again only when another process has replaced it.

Tables in use: ``state`` (input snapshot and last build), ``fields`` (front-matter read,
by the file's digest), ``bodies`` (rendered Markdown), ``routes`` (signature of every page written),
and any pure function of the model via :meth:`BuildCache.memoized` (e.g. QR codes by URL,
what the search index takes from each article), and ``search-index`` (the last search
index made, to patch).

The cache is an object, made by the pipeline for one build and handed to the stages that
use it (validate, render, the search index, the data exports, page signatures); no
module holds a current cache.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

from ..core.bundle import bundled_templates
from ..core.config import SiteConfig

FORMAT = 2
WHOLE = ("state", "routes", "routes-changes")    # tables read and written whole; the others are sharded
# Tables split by the first two characters of the key (256 shards), not one (16): a
# rebuild reads a few scattered entries of them (the search entries of the articles that
# share a results file with an edited one, an edited article's QR code).
WIDE = frozenset({"search", "qr"})
_HEX = frozenset("0123456789abcdef")
T = TypeVar("T")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of the generator's own code, catalogues and bundled theme: a new confsite starts a
    new cache. Every subpackage counts, so a change anywhere in ``generator/`` (or in the
    templates installed with it) invalidates what an older build cached."""
    root = Path(__file__).resolve().parents[1]
    theme = bundled_templates()
    h = hashlib.blake2b(digest_size=16)
    h.update(str(FORMAT).encode())
    files = [(p.relative_to(root).as_posix(), p) for p in [*root.rglob("*.py"), *root.rglob("*.po")]]
    files += [("theme/" + p.relative_to(theme).as_posix(), p) for p in theme.rglob("*") if p.is_file()]
    for name, path in sorted(files):
        if "__pycache__" in name:
            continue
        h.update(name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


RACY_NS = 100_000_000       # a file changed this close to a read may change again unseen
COARSE_NS = 2_000_000_000   # ... or this close, where the file system keeps whole seconds (FAT: two)


def settled(mtime_ns: int, ctime_ns: int, now_ns: int) -> bool:
    """Whether a file whose stat shows these times, read at *now_ns* (the wall clock), may
    be trusted unchanged later on for as long as its stat stays the same: not when it
    was changed so recently that a second change within the same tick of the file
    system's clock would leave the stat as it is ("racy clean", as git calls it). Times
    in whole seconds suggest a file system that keeps no finer ones: then more margin."""
    newest = max(mtime_ns, ctime_ns)
    margin = COARSE_NS if mtime_ns % 1_000_000_000 == 0 and ctime_ns % 1_000_000_000 == 0 else RACY_NS
    return newest < now_ns - margin


def default_dir(config: SiteConfig) -> Path:
    if config.cache_dir is not None:
        return Path(config.cache_dir)
    output = Path(os.path.abspath(config.output_dir))
    return output.parent / ".confsite-cache" / output.name


class BuildCache:
    """Tables of cached results; ``BuildCache(None)`` is a cache that never reads or writes."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._tables: dict[str, dict] = {}
        self._dirty: set[str] = set()
        self._shards: dict[tuple[str, str], dict] = {}
        self._dirty_shards: set[tuple[str, str]] = set()
        self._used: dict[str, set[str]] = {}
        self._recorded: dict[str, dict] | None = None
        self.spent: dict[str, float] = {}      # seconds spent computing misses, by table
        self.uncached: dict[str, float] = {}   # seconds spent in memoized() without a cache
        self._models: dict[str, tuple[object, Any]] = {}

    @classmethod
    def for_config(cls, config: SiteConfig, enabled: bool = True) -> BuildCache:
        return cls(default_dir(config) if enabled else None)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _path(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{name}.pickle"

    # Tables other than WHOLE are split in SHARDS files by the first character of the
    # key (a hex digest; two characters for WIDE tables): a build reads only the shards it looks into and rewrites only
    # those it changed, not the whole table for one edited article.

    def _shard_of(self, name: str, key: str) -> tuple[str, str]:
        first = key[:2] if name in WIDE else key[:1]
        return name, (first if first and _HEX.issuperset(first) else "x")

    def _shard(self, name: str, key: str) -> dict:
        where = self._shard_of(name, key)
        table = self._shards.get(where)
        if table is None:
            table = self._shards[where] = self._read(f"{where[0]}/{where[1]}") if self.enabled else {}
        return table

    def table(self, name: str) -> dict:
        """A whole table (``state``, ``routes``): read at once, replaced at once."""
        assert name in WHOLE, name
        if name not in self._tables:
            self._tables[name] = self._read(name) if self.enabled else {}
        return self._tables[name]

    def _read(self, name: str) -> dict:
        path = self._path(name)
        try:
            seen = _identity(path)
        except OSError:
            return {}
        known = _READ.get(str(path))
        if known is not None and known[0] == seen:      # read (or written) before by this process
            return dict(known[1])
        try:
            with path.open("rb") as f:
                data = pickle.load(f)
        except Exception:       # vanished, corrupt, truncated or foreign: start this table afresh
            return {}
        if not isinstance(data, dict) or data.get("version") != code_version() or not isinstance(data.get("items"), dict):
            return {}
        _READ[str(path)] = (seen, data["items"])
        return dict(data["items"])

    def replace(self, name: str, items: dict) -> None:
        assert name in WHOLE, name
        self._tables[name] = items
        self._dirty.add(name)

    def get(self, name: str, key: str) -> Any:
        """The entry *key* of table *name*, or None; noted as used by this build."""
        self.used(name, key)
        return self._shard(name, key).get(key)

    def peek(self, name: str, key: str) -> Any:
        """The entry *key* of table *name*, or None, without noting it as used (what the
        previous build computed, read to be replaced)."""
        return self._shard(name, key).get(key) if self.enabled else None

    def put(self, name: str, key: str, value: Any) -> None:
        self._shard(name, key)[key] = value
        self._dirty_shards.add(self._shard_of(name, key))
        if self._recorded is not None:
            self._recorded.setdefault(name, {})[key] = value

    def used(self, name: str, key: str) -> None:
        """Note that this build needed *key*; entries no build needed are dropped on save."""
        self._used.setdefault(name, set()).add(key)

    def memo(self, name: str, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, remembered under *key* in table *name* (for pure functions only)."""
        table = self._shard(name, key)
        self.used(name, key)
        try:
            return table[key]
        except KeyError:
            start = time.perf_counter()
            value = compute()
            self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - start
            self.put(name, key, value)
            return value

    def memoized(self, name: str, key: str, compute: Callable[[], T]) -> T:
        """For pure functions of the model called while rendering (QR codes by URL, search
        records, the data exports): ``compute()`` once per *key* across builds when the
        cache is on, every time when it is off. The time spent computing is reported as the
        stage *name* of the build's timings."""
        if self.enabled:
            return self.memo(name, key, compute)
        start = time.perf_counter()
        value = compute()
        self.uncached[name] = self.uncached.get(name, 0.0) + time.perf_counter() - start
        return value

    def of_model(self, name: str, site: object, make: Callable[[], T]) -> T:
        """``make()`` once per site model: what several stages of one build need (the page
        signer, the data exports). Held as long as this cache, i.e. for one build (a
        process that builds again must not carry a large model into the next build)."""
        held = self._models.get(name)
        if held is None or held[0] is not site:
            held = self._models[name] = (site, make())
        return held[1]

    def forget_models(self) -> None:
        """Let go of what :meth:`of_model` holds, once the build is done. The model's cached
        bodies hold this cache (to read their HTML later): kept, the two would make a
        cycle that only the cycle collector could free."""
        self._models.clear()

    def take_uncached_times(self) -> dict[str, float]:
        out, self.uncached = self.uncached, {}
        return out

    # A forked worker records what it computed and hands it back to the parent.

    def start_recording(self) -> None:
        self._recorded = {}
        self.spent = {}
        self.uncached = {}

    def recorded(self) -> dict:
        out = {"items": self._recorded or {}, "used": self._used, "spent": self.spent, "uncached": self.uncached}
        self._recorded, self._used, self.spent, self.uncached = {}, {}, {}, {}
        return out

    def merge(self, recorded: dict) -> None:
        for name, items in recorded.get("items", {}).items():
            for key, value in items.items():
                self.put(name, key, value)
        for name, keys in recorded.get("used", {}).items():
            self._used.setdefault(name, set()).update(keys)
        for name, seconds in recorded.get("spent", {}).items():
            self.spent[name] = self.spent.get(name, 0.0) + seconds
        for name, seconds in recorded.get("uncached", {}).items():
            self.uncached[name] = self.uncached.get(name, 0.0) + seconds

    def save(self) -> None:
        """Write the changed tables and shards, without the entries this build did not need."""
        if not self.enabled:
            return
        assert self.folder is not None
        for name in sorted(self._dirty):
            self._write(name, self._tables.get(name, {}), self._used.get(name))
        for name, shard in sorted(self._dirty_shards):
            self._write(f"{name}/{shard}", self._shards.get((name, shard), {}), self._used.get(name))
        self._dirty.clear()
        self._dirty_shards.clear()

    def _write(self, name: str, items: dict, keep: set[str] | None) -> None:
        assert self.folder is not None
        if keep is not None:
            items = {k: v for k, v in items.items() if k in keep}
        tmp = None
        try:
            folder = self._path(name).parent
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{Path(name).name}.", dir=folder)
            with os.fdopen(fd, "wb") as f:
                pickle.dump({"version": code_version(), "items": items}, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(name))
            _READ[str(self._path(name))] = (_identity(self._path(name)), dict(items))
        except Exception:   # a cache that cannot be written only makes the next build slower
            if tmp:
                Path(tmp).unlink(missing_ok=True)


# Tables as this process last read or wrote them, by file, with the file's identity then:
# `confsite serve` builds again and again, and need not unpickle what it already holds.
# Entries are never wrong, only unused (every key is a digest of what its value is made
# from); a file changed by another process has another identity and is read again.
_READ: dict[str, tuple[tuple[int, int, int], dict]] = {}


def _identity(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns
