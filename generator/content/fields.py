"""Typed reading of one YAML mapping, collecting editor-facing errors with lines.

``Fields`` wraps a parsed front-matter (or clusters.yaml entry) and offers one method
per kind of value. Each method returns a usable value (or a default) and records a
problem when the input is wrong, so validation goes on and reports everything.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core import yamldoc
from ..core.errors import Report, suggestion
from ..core.yamldoc import DottedNumber
from .model import ArticleDate
from ..core.slugs import MAX_SLUG, SLUG_RE, clean_name, is_slug, slugify

_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?)?\s*$")


class Fields:
    def __init__(self, meta: yamldoc.Located, display: str, report: Report, prefix: tuple = ()):
        self.meta = meta
        self.display = display
        self.report = report
        self.prefix = prefix
        value = meta.value
        for p in prefix:
            value = value[p]
        self.data: dict = value if isinstance(value, dict) else {}

    def sub(self, *path: Any) -> Fields:
        return Fields(self.meta, self.display, self.report, self.prefix + path)

    def line(self, *path: Any) -> int | None:
        return self.meta.line(*self.prefix, *path)

    def name(self, key: str) -> str:
        """How a field is named in messages: ``awards[2].recipient`` style."""
        parts = [p for p in self.prefix] + [key]
        text = ""
        for p in parts:
            text += f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if text else str(p))
        return text

    def error(self, key: str, message: str, hint: str = "", *sub: Any) -> None:
        self.report.error(self.display, self.line(key, *sub), self.name(key), message, hint)

    def warn(self, key: str, message: str, hint: str = "") -> None:
        self.report.warn(self.display, self.line(key), self.name(key), message, hint)

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def unknown(self, known: set[str]) -> None:
        for key in sorted(set(self.data) - known):
            self.warn(key, "unknown field, ignored",
                      suggestion(key, known) or "known fields: " + ", ".join(sorted(known)))

    # -- scalars -------------------------------------------------------------------

    def text(self, key: str, *, required: bool = False, example: str = "…") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing" if key not in self.data else "is empty", f"write {key}: {example}")
            return ""
        if isinstance(value, bool):
            self.error(key, f"{str(value).lower()} is read as yes/no, not text", f'put it in quotes: {key}: "{example}"')
            return ""
        if isinstance(value, (int, float, dt.date)):
            value = str(value)
        if not isinstance(value, str):
            self.error(key, f"found {_kind(value)}; expected text", f"write {key}: {example}")
            return ""
        value = clean_name(value)
        if required and not value:
            self.error(key, "is empty", f"write {key}: {example}")
        return value

    def integer(self, key: str, *, low: int, high: int, example: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.error(key, f"{_show(value)} is not a whole number from {low} to {high}", f"write {key}: {example}")
            return None
        return value

    def number(self, key: str, *, example: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            both = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)", text)
            if both and key == "points":
                self.error(key, f"{_show(text)} is the points and the maximum in one",
                           f"write points: {both[1]} and out_of: {both[2]}")
                return None
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", text) or re.fullmatch(r"\d+,\d+", text):
                fixed = text.replace(".", "") if "," not in text else text.replace(",", ".")
                self.error(key, f"{_show(text)} is written the Vietnamese way", f"write {key}: {fixed} (the site shows "
                           "numbers the Vietnamese way by itself)")
                return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
            self.error(key, f"{_show(value)} is not a number", f"write {key}: {example}")
            return None
        if isinstance(value, DottedNumber):
            whole = value.text.replace(".", "")
            self.warn(key, f"{value.text} is read as the number {value:g}",
                      f"write {key}: {whole} if you mean {whole} (no dots between thousands: the site shows "
                      f"numbers the Vietnamese way by itself), or {key}: {value:g} if you mean {value:g}")
            return float(value)
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"{_show(value)} is not true or false", f"write {key}: true or {key}: false")
            return False
        return value

    def date(self, key: str, *, required: bool) -> ArticleDate | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, "missing", f"write {key}: 2020-12-11 (or {key}: 2020-12 when only the month is known)")
            return None
        return parse_date(value, lambda m, h: self.error(key, m, h))

    def slug(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text and len(text) > MAX_SLUG and SLUG_RE.match(text):
            self.error(key, f"is {len(text)} characters long; a slug has at most {MAX_SLUG}",
                       f"write {key}: {slugify(text)}")
            return None
        if not text or not is_slug(text):
            fixed = slugify(str(value)) if text else ""
            self.error(key, f"{_show(value)} is not a slug (lowercase letters, digits and -)",
                       f"write {key}: {fixed}" if fixed else f"write e.g. {key}: tong-ket-2020")
            return None
        return text

    # -- lists ---------------------------------------------------------------------

    def items(self, key: str, *, example: str) -> list[tuple[int, Any]]:
        """Items of a list field with their indexes; one plain value counts as a list of one."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return list(enumerate(value))
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return [(-1, value)]
        self.error(key, f"found {_kind(value)}; expected a list", f"write {key}: followed by lines such as {example}")
        return []

    def text_list(self, key: str, *, example: str) -> tuple[str, ...]:
        out = []
        for i, item in self.items(key, example=example):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.error(key, f"item {i + 1}: found {_kind(item)}; expected text", f"write - {example}",
                           *(() if i < 0 else (i,)))
                continue
            text = clean_name(str(item))
            if text:
                out.append(text)
        return tuple(out)


def parse_date(value: Any, fail) -> ArticleDate | None:
    """Read a date as editors write it; *fail(message, hint)* when it is not one."""
    if isinstance(value, dt.datetime):
        return ArticleDate(value.year, value.month, value.day, value.hour, value.minute)
    if isinstance(value, dt.date):
        return ArticleDate(value.year, value.month, value.day)
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    m = _ISO.match(text)
    if m:
        year, month, day, hour, minute = (int(g) if g else None for g in m.groups())
        try:
            dt.datetime(year, month, day or 1, hour or 0, minute or 0)
        except ValueError:
            fail(f'"{text}" is not a real date', "check the month and the day (YYYY-MM-DD)")
            return None
        return ArticleDate(year, month, day, hour, minute)
    m = _DAY_FIRST.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            dt.date(year, month, day)
            fail(f'"{text}" is not a date', f"write {year:04d}-{month:02d}-{day:02d}")
        except ValueError:
            fail(f'"{text}" is not a date', "write the date as YYYY-MM-DD, e.g. 2020-12-11")
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        fail(f"{value} is only a year", f"write {value}-12-11 style (YYYY-MM-DD) or {value}-12 when only the month is known")
        return None
    fail(f"{_show(value)} is not a date", "write YYYY-MM-DD, e.g. 2020-12-11, or YYYY-MM when only the month is known")
    return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"yes/no value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (name: value lines)"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {_show(value)}"
    return type(value).__name__


def _show(value: Any) -> str:
    if isinstance(value, str):
        short = value if len(value) <= 60 else value[:57] + "…"
        return f'"{short}"'
    if isinstance(value, (list, dict)):
        return _kind(value)
    return str(value)
