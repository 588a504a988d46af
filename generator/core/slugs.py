"""Vietnamese text folding, slugs and name keys.

``đ``/``Đ`` have no Unicode decomposition, so they are mapped by hand; every other
accent is removed by NFD decomposition and dropping combining marks.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_D = str.maketrans({"đ": "d", "Đ": "D"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACE = re.compile(r"\s+")
# Zero-width and direction marks that copy-paste brings in and that nobody means.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)      # names repeat across thousands of reports
def clean_name(text: str) -> str:
    """A name as shown: NFC, invisible characters removed, whitespace folded."""
    return _SPACE.sub(" ", nfc(text).translate(_INVISIBLE)).strip()


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The identity of a unit or cluster name: two spellings of one name share it."""
    return clean_name(text).casefold()


def fold(text: str) -> str:
    """Lowercase, accents removed, đ → d: what readers type without diacritics."""
    text = unicodedata.normalize("NFD", text.translate(_D))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


# A slug becomes a folder name of the output; file systems refuse names over 255 bytes
# (slugs are ASCII, so characters are bytes; 200 leaves room for a pattern around it).
MAX_SLUG = 200


def slugify(text: str) -> str:
    """``Hội nghị Sở Nội vụ tỉnh Đắk Lắk`` → ``hoi-nghi-so-noi-vu-tinh-dak-lak``.

    At most :data:`MAX_SLUG` characters, cut at a word boundary where there is one.
    """
    slug = _NON_ALNUM.sub("-", fold(text)).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:MAX_SLUG]
    return slug


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG and bool(SLUG_RE.match(text))


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
# Letters are compared first without tones, then tones break ties.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vi_sort_key(text: str) -> tuple:
    """Sort key for Vietnamese alphabetical order (Đ after D, tones ignored first)."""
    letters: list[tuple[int, str]] = []
    tones: list[int] = []
    for ch in clean_name(text).lower():
        decomposed = unicodedata.normalize("NFD", ch)
        tone = 0
        base = ""
        for part in decomposed:
            if part in _TONES:
                tone = _TONES[part]
            else:
                base += part
        base = unicodedata.normalize("NFC", base)
        if base in _RANK:
            letters.append((1, f"{_RANK[base]:02d}"))
        elif base.isdigit():
            letters.append((0, base))
        elif base.isalpha():
            letters.append((2, base))
        else:
            letters.append((-1, " "))
        tones.append(tone)
    return (tuple(letters), tuple(tones), text)
