"""Editor-facing problems: one shape for every error and warning of a build.

Every message reads ``path:line: field: what was found; what to write instead``.
Stages never print: they collect :class:`Problem` objects in a :class:`Report`, and
the command line shows them all at once.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable

from .messages import ENGLISH, N_, Translator, join


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str            # as the editor would type it, e.g. "content/reports/2020/x.md"
    line: int | None     # 1-based line in that file, when known
    field: str           # front-matter field or "body", "file", "yaml" …
    message: str         # what was found
    hint: str = ""       # what to write instead
    severity: Severity = Severity.ERROR

    def format(self, tr: Translator = ENGLISH) -> str:
        """The message as printed, in *tr*'s language (English by default)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        message = tr(self.message)
        text = f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"
        if self.hint:
            text += f"; {tr(self.hint)}"
        if self.severity is Severity.WARNING:
            text = tr(N_("warning: {message}", message=text))
        return printable(text)

    def __str__(self) -> str:
        return self.format()


# Control characters and direction overrides quoted from content would drive the editor's
# terminal (colours, window titles, text shown backwards); messages show them as codes.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _code(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def printable(text: str) -> str:
    """*text* with control characters and direction overrides shown as ``\\x1b``, ``\\u202e``."""
    return _UNPRINTABLE.sub(lambda m: _code(m.group()), text)


@dataclass
class Report:
    """Collects the problems of one build, in the order the stages find them."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int | None, field_: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(path, line, field_, message, hint, Severity.ERROR))

    def warn(self, path: str, line: int | None, field_: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(path, line, field_, message, hint, Severity.WARNING))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        """Problems ordered by file and line, so output never depends on read order."""
        return sorted(set(self.problems), key=lambda p: (p.path, p.line or 0, p.field, p.message))


class BuildFailed(Exception):
    """Raised by the pipeline when a stage found errors; carries every problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{sum(p.severity is Severity.ERROR for p in problems)} error(s)")
        self.problems = problems

    def __reduce__(self):       # raised in a forked worker, it travels back pickled
        return BuildFailed, (self.problems,)


def did_you_mean(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The nearest known names to *word*, compared without accents and case."""
    from .slugs import fold

    pool = {fold(c): c for c in choices}
    if fold(word) in pool:  # the same name but for accents or case: that is the one
        return [pool[fold(word)]]
    hits = difflib.get_close_matches(fold(word), list(pool), n=n, cutoff=cutoff)
    return [pool[h] for h in hits]


def suggestion(word: str, choices: Iterable[str], **kw) -> str:
    names = did_you_mean(word, choices, **kw)
    if not names:
        return ""
    return did_you_mean_text(names)


_OR = N_(" or ")


def did_you_mean_text(names: Iterable[str]) -> str:
    """``did you mean "A" or "B"?``"""
    return N_("did you mean {names}?", names=join(_OR, [f'"{n}"' for n in names]))


class WorkerDied(RuntimeError):
    """A forked worker of a build ended without giving its results back (see parallel.py)."""
