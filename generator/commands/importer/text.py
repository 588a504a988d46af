"""Plain-text helpers for reading Vietnamese reports: sentences, numbers, folding, datelines.

The facts are found by patterns on *folded* text (lowercase, accents removed, đ → d).
Folding an NFC string keeps its length for Vietnamese letters, so a match's span in
the folded text is the same span in the original, and the original spelling is kept.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ...core.slugs import fold as _fold

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(]?[A-ZĐÀ-ỸÂÊÔƠƯĂ0-9])")
_ABBREV_END = re.compile(r"(?:\b(?:TP|Tp|Đ/c|đ/c|ThS|TS|PGS|GS|Ths|Bs|ông|bà)|\b[A-ZĐ](?:\.[A-ZĐ])*)\.$")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def nfc(text: str) -> str:
    """NFC, without the control and direction characters that Word and web pages carry along."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def fold(text: str) -> str:
    """Folded text of the same length as *text* (NFC in), so spans carry over."""
    folded = _fold(text)
    if len(folded) == len(text):
        return folded
    # A character that folds to more or less than one: fold one by one, padding.
    return "".join((_fold(c) + " ")[:1] if c.strip() else c for c in text)


def sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph; abbreviations such as "TP." or "V.H.N." do not end one."""
    parts = _SENTENCE_END.split(paragraph.strip())
    out: list[str] = []
    for part in parts:
        if out and _ABBREV_END.search(out[-1]):
            out[-1] += " " + part
        else:
            out.append(part)
    return [s.strip() for s in out if s.strip()]


_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$|^\d+\.\d{1,2}$")


def vi_number(text: str) -> int | float | None:
    """ "1.000" → 1000, "994" → 994, "88,35" → 88.35, "985.5" → 985.5; None if not a number."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    if re.match(r"^\d+\.\d{1,2}$", text):          # a decimal point written the English way
        value = float(text)
    else:
        value = float(text.replace(".", "").replace(",", "."))
    return int(value) if value.is_integer() else value


WORD_NUMBERS = {"nhat": 1, "mot": 1, "nhi": 2, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6,
                "bay": 7, "tam": 8, "chin": 9, "muoi": 10}


def one_line(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def valid_date(y: int, m: int, d: int | None = None) -> bool:
    """A real date (day 1 when *d* is None) in a year a report can have."""
    try:
        dt.date(y, m, d or 1)
    except ValueError:
        return False
    return 1990 <= y <= 2100


def parse_dateline(text: str) -> tuple[str, bool] | None:
    """A page's own date: "Thứ Sáu, 11/12/2020 15:30", "2024-02", "02/2024" → (ISO, has day)."""
    f = fold(text)
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", f)
    if m and valid_date(int(m[1]), int(m[2]), int(m[3])):
        return f"{m[1]}-{m[2]}-{m[3]}", True
    m = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", f)
    if m and valid_date(int(m[3]), int(m[2]), int(m[1])):
        return f"{int(m[3]):04d}-{int(m[2]):02d}-{int(m[1]):02d}", True
    m = re.search(r"\b(\d{4})-(\d{2})\b", f) or None
    if m and valid_date(int(m[1]), int(m[2])):
        return f"{m[1]}-{m[2]}", False
    m = re.search(r"\b(?:thang\s+)?(\d{1,2})\s*(?:/|\s+nam\s+)\s*(\d{4})\b", f)
    if m and valid_date(int(m[2]), int(m[1])):
        return f"{m[2]}-{int(m[1]):02d}", False
    return None
