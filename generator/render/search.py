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
edited articles alone. The rest, assembling postings, encoding and sharding, is done
whole only when articles were added or removed (or many changed): otherwise the previous
build's index, kept in the cache (table ``search-index``: each article's entry key, each
term's encoded bytes, exact forms, counts, shards and groups), is patched, the changed
articles' old terms taken out and new ones put in, and only the shards and groups they
touch are made again; files the previous output holds under the same name (a name is
its bytes) are kept there (:func:`search_output`).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from bisect import bisect_left
from collections import defaultdict, deque
from itertools import accumulate, chain, repeat
from operator import sub
from typing import Callable, Iterable

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


def _entry_key(a: Article, cluster: str, slug: str, naming: str) -> str:
    # The file's digest covers every field read from it (the date too, named here anyway);
    # the URL (its pattern is a setting), the cluster's name and slug (clusters.yaml) and
    # the units' names (*naming*: how the site resolves every unit name, units.yaml's
    # included) come from elsewhere. FORMAT changes with what an entry holds.
    d = a.date
    return digest(repr((FORMAT, a.digest, a.source, a.url, d.year, d.month, d.day, d.hour, d.minute, cluster, slug,
                        naming)))


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


STATE = "search-index"      # cache table: the last index made, to patch (:func:`_patched`)
STATE_KEY = "index"


def index_files(site: Site, cache: BuildCache | None = None) -> dict[str, bytes]:
    """Every file of the index, relative to the index folder."""
    return index_output(site, cache)[0]


def index_output(site: Site, cache: BuildCache | None = None,
                 have: frozenset[str] | set[str] = frozenset()) -> tuple[dict[str, bytes], list[str]]:
    """The index's files (relative to the index folder) but those of *have*, and the
    names of *have* that are files of this index too (kept as they are: a name is its bytes).

    With a cache, the index of the previous build is kept in it (table ``search-index``)
    and patched for the articles whose entries changed, when they are few: the result is
    the same bytes as made afresh (:func:`_collect`), which the tests compare."""
    cache = cache if cache is not None else BuildCache(None)
    keyed = cache.enabled       # without a cache, memoized() computes and needs no key
    words = searchwords.Words()
    articles = site.articles
    # Each article's cluster name and slug; its units' names are looked up only for an
    # entry made (a key names them all at once: a rebuild has most entries already).
    info = [(c.name, c.slug) if c else ("", "") for c in map(site.cluster_of, articles)]
    naming = digest(repr(site.unit_naming())) if keyed else ""
    keys = [_entry_key(a, *about, naming) for a, about in zip(articles, info)] if keyed else [""] * len(articles)

    def entry(i: int, made: list[list[str]] | None = None) -> tuple[str, ...]:
        a, (cluster, slug) = articles[i], info[i]
        return cache.memoized("search", keys[i],
                              lambda: _article_entry(a, cluster, slug, words, unit_names(site, a), made))

    facets: defaultdict[str, list[int]] = defaultdict(list)
    for i, (a, about) in enumerate(zip(articles, info)):
        if about[1]:
            facets[f"c-{about[1]}"].append(i)
        facets[f"y-{a.date.year}"].append(i)
        facets[f"k-{kind_key(a)}"].append(i)

    previous = cache.peek(STATE, STATE_KEY) if keyed else None
    patch = _patched(previous, keys, entry, cache) if isinstance(previous, dict) else None
    if patch is not None:
        entries, df, forms, touched, changed_groups, before_shards, before_groups = patch
        records: Callable[[int], bytes] = lambda i: entry(i)[-1].encode("utf-8")
    else:
        entries, df, forms, records_made = _collect(len(articles), entry)
        touched, changed_groups, before_shards, before_groups = set(), set(), {}, []
        records = records_made.__getitem__
    files, kept, shards, groups = _assemble(site, entries, df, facets, records, touched, changed_groups,
                                            before_shards, before_groups, have)
    if keyed:
        cache.used(STATE, STATE_KEY)
        if patch is None or previous.get("keys") != keys:      # type: ignore[union-attr]
            cache.put(STATE, STATE_KEY, {"keys": keys, "entries": entries, "forms": forms, "df": df,
                                         "shards": shards, "groups": groups})
    return files, kept


def _collect(n: int, entry: Callable[..., tuple[str, ...]]
             ) -> tuple[dict[str, bytes], dict[str, int], dict[str, dict[str, str]], list[bytes]]:
    """The index from every article's entry: each term's and pair's bytes in a shard, each
    word's count of articles, the exact forms of the words written more than one way (or
    otherwise than their key: form → encoded ids) and every article's result record."""
    ids: tuple[defaultdict[str, list[int]], ...] = tuple(defaultdict(list) for _ in range(len(FIELDS)))
    pair_ids: tuple[defaultdict[str, list[int]], ...] = tuple(defaultdict(list) for _ in range(len(FIELDS)))
    form_ids: defaultdict[str, list[int]] = defaultdict(list)     # "key=form" → ids
    # term (pair, "key=form") → ids of the articles with it (in that field), in the entry's order
    adders = [d.__getitem__ for d in (*ids, *pair_ids, form_ids)]
    append = list.append
    records: list[bytes] = []
    for i in range(n):
        made: list[list[str]] = []      # an entry made here has its terms still apart
        found = entry(i, made)
        # Articles come in id order, so every list of ids is made sorted.
        for add_to, terms in zip(adders, made or map(str.split, found[:-1])):
            _drain(map(append, map(add_to, terms), repeat(i)))
        records.append(found[-1].encode("utf-8"))

    forms_of: defaultdict[str, dict[str, list[int]]] = defaultdict(dict)
    for kf, with_form in form_ids.items():
        k, f = kf.split("=", 1)
        forms_of[k][f] = with_form
    none: list[int] = []
    entries: dict[str, bytes] = {}
    df: dict[str, int] = {}
    forms: dict[str, dict[str, str]] = {}
    for t in set().union(*(d.keys() for d in ids)):
        lists = [d.pop(t, none) for d in ids]     # each list freed once encoded
        df[t] = sum(map(len, lists))
        of = forms_of.pop(t, {})
        entries[t] = _term_entry(t, lists, of)
        if not _plain(t, of):
            forms[t] = {f: _encode_sorted(x) for f, x in of.items()}
    for p in set().union(*(d.keys() for d in pair_ids)):
        name = p.replace("+", " ")
        entries[name] = _pair_entry(name, [d.pop(p, none) for d in pair_ids])
    # The postings are all in *entries* now: free them (at 50,000 articles they take
    # hundreds of megabytes of this process).
    del ids, pair_ids, form_ids, forms_of, adders
    return entries, df, forms, records


# Each entry is the bytes of '"term":[...]', so a shard is '{' + ','.join(entries) + '}'.
# Written by hand, as json.dumps would: a term is letters and digits (a pair, two terms
# and a space) and an id list is ASCII letters, digits, '-' and '_', so neither has
# anything JSON escapes; exact forms go through json.dumps.

def _term_entry(t: str, lists: list[list[int]], forms: dict[str, list[int]]) -> bytes:
    items = ['"%s"' % _encode_sorted(x) for x in lists]
    exact = _exact_forms(forms, t)
    if exact is not None:
        items.append(json.dumps(exact, ensure_ascii=False, separators=(",", ":")))
    return ('"%s":[%s]' % (t, ",".join(items))).encode("utf-8")


def _pair_entry(name: str, lists: list[list[int]]) -> bytes:
    return ('"%s":[%s]' % (name, ",".join('"%s"' % _encode_sorted(x) for x in lists))).encode("utf-8")


def _plain(t: str, forms: dict[str, list[int]]) -> bool:
    """Whether a term is written only as its key (its entry then lists no forms)."""
    return len(forms) == 1 and t in forms


_FROM_ONE_DIGIT = bytes.maketrans(_FINAL.encode("ascii"), bytes(range(32)))
_FINAL_BYTES = _FINAL.encode("ascii")


def _decode(text: str) -> list[int]:
    """:func:`decode_ids`, at once for a list of one-digit gaps (the long lists)."""
    raw = text.encode("ascii")
    if raw.translate(None, _FINAL_BYTES):
        return decode_ids(text)
    return list(accumulate(raw.translate(_FROM_ONE_DIGIT), initial=-1))[1:]


class _Stale(Exception):
    """The kept index does not match the entries it was made from: make it afresh."""


def _patched(state: dict, keys: list[str], entry: Callable[..., tuple[str, ...]], cache: BuildCache
             ) -> tuple[dict[str, bytes], dict[str, int], dict[str, dict[str, str]], set[str], set[int],
                        dict[str, tuple[tuple[str, ...], str]], list[str]] | None:
    """The previous build's index (*state*) with the entries of the articles whose key
    changed taken out and their new entries put in: (entries, word counts, forms, the
    terms and pairs changed, the record groups changed, and the previous build's shards
    and groups); None when that is not the
    cheaper way (articles added or removed move the ids of all older ones, or many changed)
    or the state cannot serve."""
    before = state.get("keys")
    before_shards, before_groups = state.get("shards"), state.get("groups")
    if (not isinstance(before, list) or len(before) != len(keys) or not isinstance(before_shards, dict)
            or not isinstance(before_groups, list)):
        return None
    changed = [i for i, (k, b) in enumerate(zip(keys, before)) if k != b]
    if len(changed) > 16 + len(keys) // 20:
        return None
    olds = [cache.peek("search", before[i]) for i in changed]
    if any(old is None for old in olds):
        return None
    for k in keys:
        cache.used("search", k)
    # name → [(field 0-3 or exact form, id, added?)]
    changes: defaultdict[str, list[tuple[int | str, int, bool]]] = defaultdict(list)
    for i, old in zip(changed, olds):
        new = entry(i)
        for slot in range(2 * len(FIELDS) + 1):
            was, now = set(old[slot].split()), set(new[slot].split())
            for added, terms in ((False, was - now), (True, now - was)):
                for t in terms:
                    if slot < len(FIELDS):
                        changes[t].append((slot, i, added))
                    elif slot < 2 * len(FIELDS):
                        changes[t.replace("+", " ")].append((slot - len(FIELDS), i, added))
                    else:
                        k, f = t.split("=", 1)
                        changes[k].append((f, i, added))
    entries, df, forms_kept = dict(state["entries"]), dict(state["df"]), dict(state["forms"])
    try:
        for name, ops in changes.items():
            found = entries.get(name)
            lists = ([_decode(x) for x in json.loads(b"{" + found + b"}")[name][:len(FIELDS)]] if found is not None
                     else [[] for _ in FIELDS])
            pair = " " in name
            forms: dict[str, list[int]] = {}
            if not pair and name in forms_kept:
                forms = {f: _decode(x) for f, x in forms_kept[name].items()}
            elif not pair and found is not None:
                forms = {name: sorted(set().union(*lists))}
            for what, i, added in ops:
                target = lists[what] if isinstance(what, int) else forms.setdefault(what, [])
                at = bisect_left(target, i)
                present = at < len(target) and target[at] == i
                if added == present:
                    raise _Stale(name)
                if added:
                    target.insert(at, i)
                else:
                    del target[at]
            forms = {f: x for f, x in forms.items() if x}
            if not any(lists):
                if forms:
                    raise _Stale(name)
                del entries[name]
                df.pop(name, None)
                forms_kept.pop(name, None)
            elif pair:
                entries[name] = _pair_entry(name, lists)
            else:
                entries[name] = _term_entry(name, lists, forms)
                df[name] = sum(map(len, lists))
                if _plain(name, forms):
                    forms_kept.pop(name, None)
                else:
                    forms_kept[name] = {f: _encode_sorted(x) for f, x in forms.items()}
    except (_Stale, KeyError, ValueError, IndexError, TypeError):
        return None
    return entries, df, forms_kept, set(changes), {i // GROUP for i in changed}, before_shards, before_groups


def _assemble(site: Site, entries: dict[str, bytes], df: dict[str, int], facets: dict[str, list[int]],
              record: Callable[[int], bytes], touched: set[str], changed_groups: set[int],
              before_shards: dict[str, tuple[tuple[str, ...], str]], before_groups: list[str],
              have: frozenset[str] | set[str]
              ) -> tuple[dict[str, bytes], list[str], dict[str, tuple[tuple[str, ...], str]], list[str]]:
    """The index's files from its terms' entries, its facets and its records: (files made,
    names of *have* kept, each shard's terms and hash, each group's hash). A shard with
    the same terms as before (*before_shards*) none of which is *touched*, and a group
    not in *changed_groups*, keep their hash, and are made only when *have* lacks them."""
    n = len(site.articles)
    files: dict[str, bytes] = {}
    kept: list[str] = []

    def add(path: str, make: Callable[[], bytes]) -> None:
        if path in have:
            kept.append(path)
        else:
            files[path] = make()

    def named(prefix: str, data: bytes, suffix: str = ".json") -> str:
        """Keep *data* as the file <prefix><its hash><suffix>; return the hash."""
        h = content_hash(data)
        add(f"{prefix}{h}{suffix}", lambda: data)
        return h

    placed = _shards(entries)
    keys = sorted(placed)
    shards: dict[str, tuple[tuple[str, ...], str]] = {}
    shard_hashes = []
    for key in keys:
        members = placed[key]
        names = tuple(sorted(members))
        data = lambda: b"{" + b",".join(members[t] for t in names) + b"}"  # noqa: E731
        same = before_shards.get(key)
        if same is not None and same[0] == names and touched.isdisjoint(names):
            h = same[1]
            add(f"t/{h}.json", data)
        else:
            h = named("t/", data())
        shards[key] = (names, h)
        shard_hashes.append(h)
    facet_hashes = {name: named(f"f/{name}.", _dump(_encode_sorted(facets[name]))) for name in sorted(facets)}
    groups = []
    for g in range(0, -(-n // GROUP)):
        data = lambda: b"[" + b",".join(map(record, range(g * GROUP, min(n, g * GROUP + GROUP)))) + b"]"  # noqa: E731
        if g < len(before_groups) and g not in changed_groups:
            h = before_groups[g]
            add(f"d/{g}.{h}.json", data)
        else:
            h = named(f"d/{g}.", data())
        groups.append(h)
    # The words readers may mean (for prefixes and typos), most frequent first, and the
    # clusters and units a query may name.
    # Ordered by the number of binary digits of their count of articles, then alphabetically,
    # so that an edit seldom reorders it.
    vocabulary = " ".join(sorted((t for t in df if t.isalpha()), key=lambda t: (-df[t].bit_length(), t)))
    lexicon = named("x.", _dump({"v": vocabulary, "e": _entities(site)}))
    files["manifest.json"] = _dump({"d": "".join(groups), "f": facet_hashes, "g": GROUP, "keys": keys,
                                    "n": n, "t": "".join(shard_hashes), "x": lexicon, "v": FORMAT})
    return files, kept, shards, groups


def search_files(site: Site, cache: BuildCache | None = None) -> dict[str, bytes]:
    """The index's files as output paths (under the search page), for the render stage."""
    base = search_index(site.config.urls)
    return {base + path: data for path, data in index_files(site, cache).items()}


def search_output(site: Site, cache: BuildCache | None = None,
                  previous: Iterable[str] = ()) -> tuple[dict[str, bytes], list[str]]:
    """:func:`search_files` but those of *previous* (the output paths of the site built
    before): (files made, output paths of *previous* that the index keeps as they are)."""
    base = search_index(site.config.urls)
    have = {p[len(base):] for p in previous if p.startswith(base)}
    made, kept = index_output(site, cache, have)
    return {base + path: data for path, data in made.items()}, [base + path for path in kept]


def index_url(site: Site) -> str:
    """Site-relative URL of the index folder (the search page gives it to its script)."""
    return search_index(site.config.urls)
