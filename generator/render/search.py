"""The search index: the site model → small static files the search page reads on demand.

Readers type with or without diacritics, so every word is indexed by its key (folded:
lowercase, accents removed, đ → d; with Vietnamese spelling variants merged, see
:mod:`generator.core.searchwords`) and the browser keys the query the same way. Nothing here
runs at read time on a server: the search page's script (``templates/static/search.js``)
downloads only the pieces one query needs, and ranks (docs/search.md gives the order).

Layout, under the search page's URL (``tim-kiem/idx/``)::

    manifest.json          {"n": articles, "g": GROUP, "keys": [shard prefixes, sorted],
                            "t": shard hashes, "f": {facet: hash}, "d": group hashes,
                            "x": lexicon hash, "v": FORMAT}
    t/<h>.json             a shard: {term: [title ids, facts ids, summary ids, body ids, forms?],
                            "term term": [the same four, for two words side by side]}
                           forms (only where a term is written more than one way, or
                           otherwise than its key): [commonest exact form, ids of the
                           articles without it, other form, ids with it, ...]
    x.<h>.json             {"v": the words of the index, most frequent first (for the
                            unfinished last word and typos), "e": clusters and units}
    f/<facet>.<h>.json     ids of the articles of one cluster (c-<slug>), year (y-2020)
                           or kind (k-tong-ket, k-news)
    d/<g>.<h>.json         what results show (url, title, date, cluster, kind, texts): a list
                           of the records of ids g*GROUP .. g*GROUP+GROUP-1

``<h>`` is the hash of the file's own bytes (:func:`content_hash`: HASH_CHARS base-32
characters), so a name always holds the same bytes and browsers may cache every file
but the manifest for good. The manifest, fetched afresh on a reader's first query,
names exactly the files of one build, so a rebuilt site never mixes old and new pieces.
To stay small, it gives the hashes of shards and of record groups as one string each,
HASH_CHARS characters per file, in the order of ``keys`` and of group numbers.

An article's id is its position in ``site.articles`` (0 = newest), so ties in ranking
go to the newest. Id lists are sorted and written as gaps in a compact base-32 code
(see :func:`encode_ids`). A term lands in the shard of the longest listed prefix of
it; shards split by one more letter while they are larger than ``SHARD_BYTES`` (up to
MAX_PREFIX letters, PAIR_PREFIX for pairs), so a query costs a few small files whatever
the size of the archive.

Editing one article changes the bytes, and so the names, of a few files only: the
group holding its record, the shards of the terms and pairs it gains or loses, and the
lexicon when it gains or loses a word or a word's count of articles doubles or halves. Only these are
written by a rebuild and uploaded by a publish. A shard's name is its hash alone, not
its position in ``keys``: a word new to the site often makes a shard of its own, and
numbered names would then change for every shard after it. Adding or removing an
article moves the ids of all older ones, and so still renames nearly every file.

:func:`search_files` is a pure function of the model: the same site gives the same bytes.
What it takes from each article (terms by field, result record) depends on that article
and its cluster only, so a build with a cache (table ``search``) computes it for new and
edited articles alone; the rest is assembling postings, encoding and sharding.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import defaultdict, deque
from itertools import chain, repeat
from operator import sub
from typing import Iterable

from ..cache.cache import BuildCache
from ..core.hashing import digest
from ..core.urls import search_index
from .i18n import short_date
from ..content.model import KINDS, Article
from ..site.sitemodel import Site
from ..core.slugs import fold
from ..core import searchwords
from ..core.searchwords import KIND_WORDS

SHARD_BYTES = 16_000      # a shard is split further while larger than this
MAX_PREFIX = 6            # ... and while its prefix is shorter than this
BODY_CHARS = 2_000        # text kept per article for excerpts (the index itself reads it all)
GROUP = 4                 # result records a file holds: fewer files, a page of results stays small
HASH_CHARS = 8            # base-32 characters of a file's content hash in its name (40 bits)
PAIR_PREFIX = 12          # a shard of word pairs may split until its prefix is this long
FIELDS = ("title", "facts", "summary", "body")      # best first
FORMAT = 3                # of the index files (the manifest's "v"; search.js reads this one)

_WORD = re.compile(r"[^\W_]+")
_FINAL = "0123456789abcdefghijklmnopqrstuv"          # last base-32 digit of a number
_MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_"           # any earlier digit


def terms(text: str) -> list[str]:
    """The words of *text* as the index stores them: folded, split on anything but letters and digits."""
    return _WORD.findall(fold(text))


def _number(n: int) -> str:
    digits = []
    while True:
        digits.append(n & 31)
        n >>= 5
        if not n:
            break
    return "".join(_MORE[d] for d in reversed(digits[1:])) + _FINAL[digits[0]]


class _Codes(dict):
    """The code of each gap, made on first use (a gap is at most the number of articles)."""

    def __missing__(self, gap: int) -> str:
        code = self[gap] = _number(gap)
        return code


_CODE = _Codes().__getitem__


_ONE_DIGIT = bytes.maketrans(bytes(range(32)), _FINAL.encode("ascii"))


def _encode_sorted(ids: list[int]) -> str:
    gaps = list(map(sub, ids, chain((-1,), ids)))
    if not gaps or max(gaps) < 32:      # a digit each (the long lists of common words): at once
        return bytes(gaps).translate(_ONE_DIGIT).decode("ascii")
    return "".join(map(_CODE, gaps))


def encode_ids(ids: Iterable[int]) -> str:
    """Sorted ids as gaps (first id + 1, then differences), each in base 32, most significant first."""
    return _encode_sorted(sorted(ids))


def decode_ids(text: str) -> list[int]:
    """The inverse of :func:`encode_ids` (the browser has its own copy)."""
    ids, value, prev = [], 0, -1
    for ch in text:
        if ch in _MORE:
            value = value * 32 + _MORE.index(ch)
        else:
            prev += value * 32 + _FINAL.index(ch)
            ids.append(prev)
            value = 0
    return ids


def front_matter_text(a: Article, cluster_name: str) -> list[str]:
    """What the front-matter says of an article: cluster, units, people, awards, places, tags."""
    parts = [cluster_name, a.host, a.location]
    for p in a.attendees:
        parts += [p.name, p.role, p.organization]
    for w in a.awards:
        parts += [w.award, *w.recipients, w.conferred_by]
    parts += [s.unit for s in a.scores]
    for lead in (a.in_office, a.elected):
        if lead:
            parts += [lead.chair or "", lead.vice_chair or ""]
    parts += list(a.tags)
    return [p for p in dict.fromkeys(parts) if p]


def kind_key(a: Article) -> str:
    return a.kind or "news"


def search_kinds(site: Site) -> list[str]:
    """The kinds the kind filter offers: those some article has, in the contract's order."""
    present = {kind_key(a) for a in site.articles}
    return [k for k in (*KINDS, "news") if k in present]


def content_hash(data: bytes) -> str:
    """What an index file's name says of its bytes: 40 bits of BLAKE2b in base 32 (0-9, a-v).

    Forty bits make it unlikely that a name, over the life of a site, ever stands for two
    contents (a browser holding the older would show it for the newer), while costing
    the manifest no more than HASH_CHARS characters for each of the ~2,700 files of a
    10,000-article site (mostly groups of records).
    """
    return base64.b32hexencode(hashlib.blake2b(data, digest_size=HASH_CHARS * 5 // 8).digest()).decode().lower()


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _dump(value: object) -> bytes:
    return _json(value).encode("utf-8")


def _shards(entries: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Group encoded terms by prefix: a group larger than SHARD_BYTES splits by its next letter."""
    shards: dict[str, dict[str, bytes]] = {}

    def place(prefix: str, names: list[str]) -> None:
        size = sum(len(entries[n]) for n in names)
        longest = PAIR_PREFIX if any(" " in n for n in names) else MAX_PREFIX
        if size <= SHARD_BYTES or len(prefix) >= longest or len(names) == 1:
            shards[prefix] = {n: entries[n] for n in names}
            return
        here = [n for n in names if len(n) == len(prefix)]
        if here:
            shards[prefix] = {n: entries[n] for n in here}
        children: dict[str, list[str]] = defaultdict(list)
        for n in names:
            if len(n) > len(prefix):
                children[n[:len(prefix) + 1]].append(n)
        for child in sorted(children):
            place(child, children[child])

    place("", sorted(entries))
    return shards


def _record(a: Article, cluster: str, slug: str, front: list[str]) -> dict[str, str]:
    """What a result shows of an article."""
    body = " ".join(x for x in (a.summary, a.body.text[:BODY_CHARS + 1]) if x)
    if len(body) > BODY_CHARS:
        body = body[:BODY_CHARS].rsplit(" ", 1)[0] + " …"
    return {"u": a.url, "t": a.title, "d": short_date(a.date), "i": a.date.iso(), "c": cluster, "s": slug,
            "k": kind_key(a), "m": " · ".join(front), "b": body}


def _fields(a: Article, cluster: str, units: tuple[str, ...], front: list[str]) -> tuple[list[str], ...]:
    """The texts of an article by field, best first: title; facts (cluster, front-matter
    (*front*: :func:`front_matter_text`), the registered names of the units it names, the
    words of its kind, its year and period); summary; body."""
    facts = [cluster, *front, *units, KIND_WORDS.get(a.kind or "", ""), str(a.date.year)]
    if a.period is not None:
        facts.append(str(a.period))
    return [a.title], [f for f in facts if f], [a.summary], [a.body.text]


def _article_entry(a: Article, cluster: str, slug: str, words: searchwords.Words,
                   units: tuple[str, ...] = (), terms: list[list[str]] | None = None) -> tuple[str, ...]:
    """What the index takes from one article, each a space-separated string: its word keys
    in the title, the facts, the summary and the body (an article counts once per key, in
    its best field); the pairs of adjacent words in one text ("key+key"); the exact forms
    of its words ("key=form"); then its result record. A pure function of the article,
    its cluster's name and slug and the registered names of the units it names (*units*:
    official and today's names, so a report that writes a unit another way, or under its
    pre-merger name, is found). The words, pairs and forms are also appended to *terms*
    (if given) as lists, for a caller that would split them again at once."""
    terms = terms if terms is not None else []
    seen: set[str] = set()
    seen_pairs: set[tuple[str, str]] = set()
    by_field, pairs_by_field = [], []
    forms: set[str] = set()
    front = front_matter_text(a, "")
    for texts in _fields(a, cluster, units, front):
        # The facts are short texts that many articles share.
        here, pairs, found = words.scan(texts[0]) if len(texts) == 1 else words.scan_shared(texts)
        forms.update(found)
        here = here - seen
        seen.update(here)
        pairs = pairs - seen_pairs
        seen_pairs.update(pairs)
        by_field.append(sorted(here))
        pairs_by_field.append(sorted(map("+".join, pairs)))
    terms += (*by_field, *pairs_by_field, sorted(forms))
    return (*map(" ".join, terms), _json(_record(a, cluster, slug, front)))


def _entry_key(a: Article, cluster: str, slug: str, units: tuple[str, ...] = ()) -> str:
    # The file's digest covers every field read from it (the date too, named here anyway);
    # the URL (its pattern is a setting), the cluster's name and slug (clusters.yaml) and
    # the units' registered names (units.yaml) come from elsewhere. FORMAT changes with
    # what an entry holds.
    d = a.date
    return digest(repr((FORMAT, a.digest, a.source, a.url, d.year, d.month, d.day, d.hour, d.minute, cluster, slug,
                        units)))


def unit_names(site: Site, a: Article) -> tuple[str, ...]:
    """The registry's names (official, and today's after mergers) of the units *a* names."""
    written = [a.host, *(s.unit for s in a.scores), *(r for w in a.awards for r in w.recipients)]
    for lead in (a.elected, a.in_office):
        if lead:
            written += [lead.chair or "", lead.vice_chair or ""]
    names: dict[str, None] = {}
    for name in written:
        unit = site.unit(name) if name else None
        if unit is not None:
            names[unit.ref.name] = None
            if unit.ref.now:
                names[unit.ref.now] = None
    return tuple(names)


_drain = deque(maxlen=0).extend      # runs an iterator to its end, keeping nothing


def _entities(site: Site) -> list[list]:
    """Clusters and units the search page offers above the articles when a query names one:
    [kind ("c" or "u"), URL, name, [names without their generic lead]]. Other names of a
    cluster or unit (its ``aliases``, where the model has them) are matched too."""
    out = []
    for kind, items in (("c", site.clusters), ("u", site.units)):
        for item in items:
            names = (item.name, *getattr(item, "aliases", ()))
            out.append([kind, item.url, item.name, list(dict.fromkeys(searchwords.short_name(n) for n in names))])
    return out


def _exact_forms(forms: dict[str, list[int]], term: str) -> list[str] | None:
    """A term's exact forms for the index: [most common form, ids of the articles without
    it, then each other form and the ids with it]; None when the term itself is its only form."""
    if len(forms) == 1 and term in forms:
        return None
    ranked = sorted(forms, key=lambda f: (-len(forms[f]), f))
    top = set(forms[ranked[0]])
    lacking = sorted(set().union(*(forms[f] for f in ranked[1:])) - top)
    out = [ranked[0], _encode_sorted(lacking)]
    for f in ranked[1:]:
        out += [f, _encode_sorted(forms[f])]
    return out


def index_files(site: Site, cache: BuildCache | None = None) -> dict[str, bytes]:
    """Every file of the index, relative to the index folder."""
    cache = cache if cache is not None else BuildCache(None)
    keyed = cache.enabled       # without a cache, memoized() computes and needs no key
    words = searchwords.Words()
    ids: tuple[defaultdict[str, list[int]], ...] = tuple(defaultdict(list) for _ in range(len(FIELDS)))
    pair_ids: tuple[defaultdict[str, list[int]], ...] = tuple(defaultdict(list) for _ in range(len(FIELDS)))
    form_ids: defaultdict[str, list[int]] = defaultdict(list)     # "key=form" → ids
    # term (pair, "key=form") → ids of the articles with it (in that field), in the entry's order
    adders = [d.__getitem__ for d in (*ids, *pair_ids, form_ids)]
    append = list.append
    facets: defaultdict[str, list[int]] = defaultdict(list)
    records: list[bytes] = []
    for i, a in enumerate(site.articles):
        c = site.cluster_of(a)
        cluster, slug = (c.name, c.slug) if c else ("", "")
        units = unit_names(site, a)
        cache_key = _entry_key(a, cluster, slug, units) if keyed else ""
        made: list[list[str]] = []      # an entry made here has its terms still apart
        entry = cache.memoized("search", cache_key, lambda: _article_entry(a, cluster, slug, words, units, made))
        record = entry[-1]
        # Articles come in id order, so every list of ids is made sorted.
        for add_to, terms in zip(adders, made or map(str.split, entry[:-1])):
            _drain(map(append, map(add_to, terms), repeat(i)))
        records.append(record.encode("utf-8"))
        if slug:
            facets[f"c-{slug}"].append(i)
        facets[f"y-{a.date.year}"].append(i)
        facets[f"k-{kind_key(a)}"].append(i)

    # Each entry is the bytes of '"term":[...]', so a shard is '{' + ','.join(entries) + '}'.
    # Written by hand, as json.dumps would: a term is letters and digits (a pair, two terms
    # and a space) and an id list is ASCII letters, digits, '-' and '_', so neither has
    # anything JSON escapes; exact forms go through json.dumps.
    forms_of: defaultdict[str, dict[str, list[int]]] = defaultdict(dict)
    for kf, with_form in form_ids.items():
        k, f = kf.split("=", 1)
        forms_of[k][f] = with_form
    none: list[int] = []
    entries: dict[str, bytes] = {}
    df: dict[str, int] = {}
    for t in set().union(*(d.keys() for d in ids)):
        lists = [d.pop(t, none) for d in ids]     # each list freed once encoded
        df[t] = sum(map(len, lists))
        items = ['"%s"' % _encode_sorted(x) for x in lists]
        forms = _exact_forms(forms_of.pop(t, {}), t)
        if forms is not None:
            items.append(json.dumps(forms, ensure_ascii=False, separators=(",", ":")))
        entries[t] = ('"%s":[%s]' % (t, ",".join(items))).encode("utf-8")
    for p in set().union(*(d.keys() for d in pair_ids)):
        lists = ['"%s"' % _encode_sorted(d.pop(p, none)) for d in pair_ids]
        entries[p.replace("+", " ")] = ('"%s":[%s]' % (p.replace("+", " "), ",".join(lists))).encode("utf-8")
    # The postings are all in *entries* now: free them before the files are made (at
    # 50,000 articles they take hundreds of megabytes of this process).
    del ids, pair_ids, form_ids, forms_of, adders
    shards = _shards(entries)
    keys = sorted(shards)
    files: dict[str, bytes] = {}

    def add(prefix: str, data: bytes) -> str:
        """Keep *data* as the file <prefix><its hash>.json; return the hash."""
        h = content_hash(data)
        files[f"{prefix}{h}.json"] = data
        return h

    shard_hashes = [add("t/", b"{" + b",".join(shards[key][t] for t in sorted(shards[key])) + b"}")
                    for key in keys]
    facet_hashes = {name: add(f"f/{name}.", _dump(_encode_sorted(facets[name]))) for name in sorted(facets)}
    group_hashes = [add(f"d/{g // GROUP}.", b"[" + b",".join(records[g:g + GROUP]) + b"]")
                    for g in range(0, len(records), GROUP)]
    # The words readers may mean (for prefixes and typos), most frequent first, and the
    # clusters and units a query may name.
    # Ordered by the number of binary digits of their count of articles, then alphabetically,
    # so that an edit seldom reorders it.
    vocabulary = " ".join(sorted((t for t in df if t.isalpha()), key=lambda t: (-df[t].bit_length(), t)))
    lexicon = add("x.", _dump({"v": vocabulary, "e": _entities(site)}))
    files["manifest.json"] = _dump({"d": "".join(group_hashes), "f": facet_hashes, "g": GROUP, "keys": keys,
                                    "n": len(site.articles), "t": "".join(shard_hashes), "x": lexicon,
                                    "v": FORMAT})
    return files


def search_files(site: Site, cache: BuildCache | None = None) -> dict[str, bytes]:
    """The index's files as output paths (under the search page), for the render stage."""
    base = search_index(site.config.urls)
    return {base + path: data for path, data in index_files(site, cache).items()}


def index_url(site: Site) -> str:
    """Site-relative URL of the index folder (the search page gives it to its script)."""
    return search_index(site.config.urls)
