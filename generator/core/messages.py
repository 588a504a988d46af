"""What the tool says to editors, in their language (Vietnamese by default, or English).

Stages build messages in English with :func:`N_`: ``N_("{value} is not a number", value=v)``
is a :class:`Msg`, a ``str`` whose text is the English sentence, which also keeps its
template and parameters. Stages stay pure (they never ask which language); the command
line translates each message when it prints it, with a :class:`Translator` for the
language chosen by :func:`choose_language`:

1. ``--lang vi|en`` on the command line;
2. the environment variable ``CONFSITE_LANG``;
3. the system locale: ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (``C``/``POSIX`` and
   languages without a catalogue are skipped);
4. ``language:`` in the content folder's ``site.yaml``;
5. Vietnamese.

Templates are the gettext message ids of the ``cli`` domain:
``generator/locale/vi/LC_MESSAGES/cli.po`` (compiled beside it as ``cli.mo``;
``make messages`` extracts and compiles, see docs/messages.md). A template with no
translation prints in English, never as an empty string.
"""
from __future__ import annotations

import datetime as dt
import gettext
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "cli"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
ENV_VAR = "CONFSITE_LANG"


class Msg(str):
    """An English message that remembers its template and parameters for translation."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> "Msg":
        params = dict(params or {})
        self = super().__new__(cls, _fill(template, params, None))
        self.template = template
        self.params = params
        return self

    def __reduce__(self):
        return (Msg, (self.template, self.params))

    def translate(self, tr: "Translator") -> str:
        return _fill(tr.gettext(self.template), self.params, tr)

    # Joining a message with text keeps both translatable: "a" + N_(…) + "b".
    def __add__(self, other: object) -> str:
        if not isinstance(other, str):
            return NotImplemented
        return _Joined((self, other)) if other else self

    def __radd__(self, other: object) -> str:
        if not isinstance(other, str):
            return NotImplemented
        return _Joined((other, self)) if other else self


class _Joined(Msg):
    """Several pieces of text, some of them messages, one after the other."""

    def __new__(cls, parts: tuple[str, ...]) -> "_Joined":
        flat: list[str] = []
        for p in parts:
            flat.extend(p.parts if isinstance(p, _Joined) else (p,))
        self = str.__new__(cls, "".join(flat))
        self.template = ""
        self.params = {}
        self.parts = tuple(flat)
        return self

    def __reduce__(self):
        return (_Joined, (self.parts,))

    def translate(self, tr: "Translator") -> str:
        return "".join(tr(p) for p in self.parts)


def N_(template: str, /, **params: Any) -> Msg:
    """Mark *template* for translation; format it with *params* (``{name}`` fields)."""
    return Msg(template, params)


class Num(str):
    """A measured number (seconds, megabytes) shown with *places* decimals: ``1.25`` in
    English, ``1,25`` in Vietnamese. Numbers the editor must type stay as they are written."""

    def __new__(cls, value: float, places: int = 2) -> "Num":
        self = super().__new__(cls, f"{value:.{places}f}")
        self.value, self.places = value, places
        return self

    def __reduce__(self):
        return (Num, (self.value, self.places))


def join(separator: str, items) -> str:
    """``separator.join(items)`` that keeps messages among *items* translatable."""
    out: str = ""
    for i, item in enumerate(items):
        out = out + (separator if i else "") + item
    return out


def _fill(template: str, params: Mapping[str, Any], tr: "Translator | None") -> str:
    if not params:
        return template
    shown = {k: _param(v, tr) for k, v in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):     # a broken translation: say it in English
        return _fill_english(template, params) if tr is not None else template


def _fill_english(template: str, params: Mapping[str, Any]) -> str:
    return template.format(**{k: _param(v, None) for k, v in params.items()})


def _param(value: Any, tr: "Translator | None") -> Any:
    if isinstance(value, Msg):
        return value.translate(tr) if tr is not None else str.__str__(value)
    if isinstance(value, Num):
        return str.__str__(value).replace(".", ",") if tr is not None and tr.language == "vi" else str.__str__(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return tr.date(value) if tr is not None else value.isoformat()
    return value


class Translator:
    """Translates messages into one language; ``Translator("en")`` leaves them as they are."""

    def __init__(self, language: str = "en"):
        self.language = language if language in LANGUAGES else "en"
        self._catalog = _catalog(self.language)

    def gettext(self, template: str) -> str:
        return self._catalog.gettext(template) or template if template else template

    def __call__(self, text: str) -> str:
        """*text* in this language (plain text, e.g. a quoted name, comes back as it is)."""
        if isinstance(text, Msg):
            return text.translate(self)
        return text

    def date(self, d: dt.date) -> str:
        return f"{d.day:02d}/{d.month:02d}/{d.year}" if self.language == "vi" else d.isoformat()


@lru_cache(maxsize=4)
def _catalog(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


ENGLISH = Translator("en")


_LOCALE_NAME = re.compile(r"^([A-Za-z]{2,3})(?:[_.@-]|$)")


def _from_locale(environ: Mapping[str, str]) -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "").strip()
        if not value or value.split(".")[0] in ("C", "POSIX"):
            continue
        m = _LOCALE_NAME.match(value)
        if m and m.group(1).lower() in LANGUAGES:
            return m.group(1).lower()
    return None


def _from_site(content: Path | None) -> str | None:
    if content is None:
        return None
    try:
        text = (content / "site.yaml").read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    m = re.search(r"^language:\s*[\"']?([A-Za-z]{2})[\"']?\s*(?:#.*)?$", text, re.MULTILINE)
    value = m.group(1).lower() if m else None
    return value if value in LANGUAGES else None


def choose_language(given: str | None = None, environ: Mapping[str, str] | None = None,
                    content: Path | None = None) -> str:
    """The language of the messages: --lang, CONFSITE_LANG, the system locale, site.yaml, Vietnamese."""
    environ = os.environ if environ is None else environ
    if given in LANGUAGES:
        return given
    env = environ.get(ENV_VAR, "").strip().lower()
    if env in LANGUAGES:
        return env
    return _from_locale(environ) or _from_site(content) or DEFAULT_LANGUAGE


def utf8_console(*streams) -> None:
    """Write UTF-8 to the console whatever its code page (Windows), so diacritics survive."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
