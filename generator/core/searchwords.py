"""Vietnamese words as the search index keys them (the browser's copy is in search.js).

Three forms of a word:

- its *folded* form (:func:`generator.core.slugs.fold`): lowercase, no accents, đ → d;
- its *key*, the folded form with spelling variants merged, so that readers' spellings
  find the same articles: ``y`` after consonants alone reads as ``i`` (Kỳ/Kì, Mỹ/Mĩ,
  Lý/Lí), and ``k`` not followed by ``h`` as ``c`` (Đắk Lắk/Đắc Lắc, Kon/Con); the index
  is keyed by it;
- its *exact* form: lowercase with its accents, but with the tone mark moved after the
  word, so the old and new placements (Hoà/Hòa, Thuỷ/Thủy) are one form, and with the
  same variants merged as in the key (Kỳ/Kì); it ranks
  articles that spell a word exactly as the reader typed it above those that only match
  folded (``đường`` above ``dương``).

Also the domain's vocabulary: the words that name an article's kind, and what a cluster's
or unit's name is without its generic lead ("Cụm thi đua các tỉnh", "Sở Nội vụ tỉnh").
"""
from __future__ import annotations

import re
import unicodedata
from itertools import chain
from typing import Collection, Iterable, NamedTuple

from .slugs import fold

_WORD = re.compile(r"[^\W_]+")
_TONES = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_Y_AFTER_CONSONANTS = re.compile(r"^([bcdđghklmnpqrstvx]+)y$")
_K = re.compile(r"k(?!h)")

# The words that name a kind, as articles and readers write them: indexed with the
# article's facts, so `so ket` finds sơ kết reports before a tổng kết that mentions one.
KIND_WORDS = {
    "tong-ket": "tổng kết",
    "so-ket": "sơ kết",
    "trien-khai": "triển khai giao ước ký kết",
}

# Leading words of cluster and unit names that say what the body is, not which one.
_GENERIC = {"cụm", "thi", "đua", "sở", "nội", "vụ", "các", "tỉnh", "thành", "phố", "và", "huyện", "quận"}


def key(folded: str) -> str:
    """The index key of a folded word: spelling variants merged (see the module's notes)."""
    folded = _Y_AFTER_CONSONANTS.sub(r"\1i", folded)
    return _K.sub("c", folded)


def exact(word: str) -> str:
    """A word's exact form: lowercase, accents kept, the tone mark (if any) as a digit at the end."""
    tone = ""
    kept = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone = tone or _TONES[ch]
        else:
            kept.append(ch)
    return key(unicodedata.normalize("NFC", "".join(kept))) + tone


_GENERIC_EXACT = {exact(g) for g in _GENERIC}


def _word(w: str) -> list[tuple[str, str]]:
    # Folding never joins words; it may (rarely) split one.
    return [(key(part), exact(w)) for part in _WORD.findall(fold(w))]


def words(text: str) -> list[tuple[str, str]]:
    """(key, exact form) of each word of *text*, in order."""
    return [kw for w in _WORD.findall(unicodedata.normalize("NFC", text)) for kw in _word(w)]


class Scan(NamedTuple):
    """What the search index takes from a text."""
    keys: Collection[str]                   # the keys of its words
    pairs: Collection[tuple[str, str]]      # pairs of keys side by side (but a key beside itself)
    forms: Collection[str]                  # "key=exact form" of each word; each without repeats


class _Kept(dict):
    """text → its :class:`Scan`, worked out when asked for, and kept (as tuples, a third
    the memory of sets) from the second time on: most texts that come once come only once
    (a person's name), and need not be held."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.once: set[str] = set()

    def __missing__(self, text: str) -> Scan:
        found = self.words.scan(text)
        if text in self.once:
            found = self[text] = Scan(*map(tuple, found))
        else:
            self.once.add(text)
        return found


_NOTHING = Scan(frozenset(), frozenset(), frozenset())


class Words:
    """:func:`words` with each distinct word worked out once (an index has few of them).

    One object serves one build of the index: it remembers the words it meets, and the
    texts given to :meth:`scan_shared` (the facts, which articles share).
    """

    def __init__(self) -> None:
        self.known: dict[str, list[tuple[str, str]]] = {}
        # A text is cut at white space (which no word holds) into pieces: a word, or
        # words and punctuation ("Lắk,", "15/3/2024", "–"), each worked out once.
        self._keys: dict[str, tuple[str, ...]] = {}     # piece → the keys of its words
        self._forms: dict[str, tuple[str, ...]] = {}    # ... and "key=exact form" of each
        self._one: dict[str, str] = {}                  # ... and its key if it holds one word, else ""
        self._odd: set[str] = set()                     # pieces that hold none or several
        self._shared = _Kept(self)

    def __call__(self, text: str) -> list[tuple[str, str]]:
        known = self.known
        out: list[tuple[str, str]] = []
        for w in _WORD.findall(unicodedata.normalize("NFC", text)):
            found = known.get(w)
            if found is None:
                found = known[w] = _word(w)
            out += found
        return out

    def scan(self, text: str) -> Scan:
        """What the index takes from *text* (its words as :meth:`__call__` gives them)."""
        pieces = unicodedata.normalize("NFC", text).split()
        if not pieces:
            return _NOTHING
        distinct = set(pieces)
        if not self._keys.keys() >= distinct:
            self._learn(distinct)
        here = set(chain.from_iterable(map(self._keys.__getitem__, distinct)))
        forms = set(chain.from_iterable(map(self._forms.__getitem__, distinct)))
        keys = list(map(self._one.__getitem__, pieces))
        if not self._odd.isdisjoint(distinct):
            keys = self._splice(pieces, keys)
        pairs = set(zip(keys, keys[1:]))
        pairs.difference_update(zip(here, here))    # each (k, k): one set, iterated twice alike
        return Scan(here, pairs, forms)

    def scan_shared(self, texts: Iterable[str]) -> Scan:
        """:meth:`scan` of each of *texts*, together (no pair across two of them); each text's
        is kept for the next time it comes (for texts that many articles share)."""
        scans = list(map(self._shared.__getitem__, texts))
        return Scan(*(frozenset().union(*parts) for parts in zip(*scans))) if scans else _NOTHING

    def _splice(self, pieces: list[str], keys: list[str]) -> list[str]:
        """*keys* with the "" of each piece that holds other than one word replaced by its keys."""
        out: list[str] = []
        start = 0
        while True:
            try:
                i = keys.index("", start)
            except ValueError:
                return out + keys[start:]
            out += keys[start:i]
            out += self._keys[pieces[i]]
            start = i + 1

    def _learn(self, pieces: Iterable[str]) -> None:
        for piece in pieces:
            if piece not in self._keys:
                found = self(piece)
                self._keys[piece] = tuple(k for k, _ in found)
                self._forms[piece] = tuple(f"{k}={e}" for k, e in found)
                self._one[piece] = found[0][0] if len(found) == 1 else ""
                if len(found) != 1:
                    self._odd.add(piece)


def short_name(name: str) -> str:
    """A cluster's or unit's name without its generic lead: "Sở Nội vụ tỉnh Đắk Lắk" → "Đắk Lắk"."""
    parts = name.replace(",", " ").split()
    start = 0
    while start < len(parts) - 1 and exact(parts[start]) in _GENERIC_EXACT:
        start += 1
    return " ".join(parts[start:])
