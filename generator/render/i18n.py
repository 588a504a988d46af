"""What readers see, in Vietnamese: translations of the theme's strings and the
Vietnamese way of writing dates and numbers (through Babel's CLDR data).

The theme's templates are written with English message ids (``_("Cluster")``);
``generator/render/locale/<language>.po`` translates them, compiled into
``<language>.mo`` by ``make messages``; a build reads the compiled catalogue.
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from ..content.model import ArticleDate

LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=4)
def translations(language: str) -> gettext.GNUTranslations:
    """The theme's catalogue, compiled (``make messages`` compiles ``<language>.po`` into
    ``<language>.mo``; a test holds the two to each other)."""
    with (LOCALE_DIR / f"{language}.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


@lru_cache(maxsize=4)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def long_date(d: ArticleDate | None, language: str = "vi") -> str:
    """``Thứ Sáu, 11/12/2020``; month-only dates read ``tháng 2 năm 2024``, with no invented day."""
    if d is None:
        return ""
    loc = _locale(language)
    if d.month_only:
        return format_date(d.as_date(), "'tháng' M 'năm' yyyy", locale=loc)
    text = format_date(d.as_date(), "EEEE, dd/MM/yyyy", locale=loc)
    if d.hour is not None:
        text += " " + f"{d.hour:02d}:{d.minute or 0:02d}"
    return text


def short_date(d: ArticleDate | None, language: str = "vi") -> str:
    """``11/12/2020``, or ``02/2024`` for a month-only date."""
    if d is None:
        return ""
    if d.month_only:
        return f"{d.month:02d}/{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def number(value: float | int | None, language: str = "vi") -> str:
    """``994``, ``1.000``, ``88,35``: Vietnamese digit grouping and decimal comma."""
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(language), decimal_quantization=False)


def iso_datetime(d: ArticleDate) -> str:
    """RFC 3339 timestamp for feeds and sitemaps (midnight, Vietnam time, when no hour)."""
    return f"{d.year:04d}-{d.month:02d}-{d.day or 1:02d}T{d.hour or 0:02d}:{d.minute or 0:02d}:00+07:00"


__all__ = ["translations", "long_date", "short_date", "number", "iso_datetime", "format_datetime"]
