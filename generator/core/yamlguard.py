"""The project's own reading of YAML text, before and after the library parses it.

Editors must read confsite's words whatever version of PyYAML (or of the libyaml inside
it) is installed. So:

* :func:`precheck` looks at the text before the library does, with checks of our own:
  its size, the control characters YAML refuses, and how deep it nests. A library that
  refuses the same things (PyYAML 6.0.4's libyaml stops at 1,000 levels of nesting with
  its own wording) never gets to say it first.
* :func:`explain` turns whatever the library still raises into a message of ours. It
  reads only the position the library reports and looks at that line itself; the
  library's wording is never shown and never matched.

Both return ``(line, message, hint)`` or None; :mod:`generator.core.yamldoc` raises them as a
``YamlProblem``. Lines are 1-based and shifted by *line_offset*.
"""
from __future__ import annotations

import re

import yaml

from .messages import N_

Found = tuple[int | None, str, str]

MAX_DEPTH = 40
MAX_CHARS = 2_000_000        # a front-matter or settings file far past anything written by hand

# What the YAML 1.1 reader accepts: tab, line breaks, printable ASCII, NEL and the rest of
# Unicode but surrogates and U+FFFE/U+FFFF. Anything else is refused wherever it stands.
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The start of a line up to its first content: indentation, then the indicators of compact
# block collections ("- - a", "? - b", ": c"). A block collection nested in another starts
# further right, so the widest such start bounds how deep block collections can go.
_LINE_START = re.compile(r"^[ ]*(?:[-?:](?:[ \t]+|$))*", re.M)
_TAB_INDENT = re.compile(r"^ *\t")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"?')
_ALIAS = re.compile(r"(?:^|[\s\[{,])\*([^\s\[\]{},]+)")
_PLAIN_VALUE_WITH_COLON = re.compile(r"^\s*(?:-\s+)*[^\s\"'#][^:#]*:\s+[^\s\"'\[{|>&*!][^#]*?:(?:\s|$)")

FLATTEN = N_("flatten the structure")


def deep() -> str:
    return N_("nested more than {n} levels deep", n=MAX_DEPTH)


def _line(text: str, position: int, line_offset: int) -> int:
    return text.count("\n", 0, position) + 1 + line_offset


def precheck(text: str, line_offset: int = 0) -> Found | None:
    """The first problem our own checks find in *text* before any parsing, or None."""
    if len(text) > MAX_CHARS:
        return (line_offset + 1, N_("the YAML block holds {n} characters, more than the {limit} it may have",
                                    n=len(text), limit=MAX_CHARS),
                N_("keep long text in the body of the article, below the second ---"))
    bad = _NOT_YAML.search(text)
    if bad:
        return control_character(text, bad.start(), line_offset)
    if may_nest_deeper_than(text, MAX_DEPTH):
        return check_depth(text, line_offset)
    return None


def control_character(text: str, position: int, line_offset: int) -> Found:
    code = ord(text[position])
    return (_line(text, position, line_offset),
            N_("the text holds the invisible control character U+{code}, which YAML does not allow",
               code=format(code, "04X")),
            N_("delete it (it comes with text copied from PDF or Word files)"))


def may_nest_deeper_than(text: str, limit: int) -> bool:
    """False when *text* certainly nests no deeper than *limit* (a cheap upper bound).

    Every block collection starts at a column no wider than the widest line start, and
    columns grow with each level (a sequence may share its mapping's column): at most two
    levels a column. Each flow collection needs a bracket, and a bracket can hold one
    implicit single-pair mapping ("[a: b]"): at most two levels a bracket.
    """
    brackets = text.count("[") + text.count("{")
    if 2 * brackets >= limit:
        return True
    widest = max(map(len, _LINE_START.findall(text)), default=0)
    return 2 * (widest + 1) + 2 * brackets + 1 > limit


def check_depth(text: str, line_offset: int) -> Found | None:
    """Walk the parse events (iterative, safe at any depth) and stop past MAX_DEPTH.

    The C parser is tried first for speed; a library that refuses the text on its own
    grounds while we walk is asked again with the pure-Python parser, so the depth found
    is ours either way.
    """
    loaders = [yaml.SafeLoader]
    if yaml.__with_libyaml__:
        loaders.insert(0, yaml.CSafeLoader)
    for loader in loaders:
        depth = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                    depth += 1
                    if depth > MAX_DEPTH:
                        return (event.start_mark.line + 1 + line_offset, deep(), FLATTEN)
                elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    depth -= 1
            return None
        except yaml.YAMLError:
            continue        # a syntax error: the parse proper reports it, explained by explain()
        except RecursionError:
            return (None, deep(), FLATTEN)
    return None


def explain(exc: BaseException, text: str, line_offset: int = 0) -> Found:
    """Our message for an error PyYAML raised on *text*: only its position is used."""
    position = getattr(exc, "position", None)
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(position, int) and position < len(text):
        return control_character(text, position, line_offset)
    found = precheck(text, line_offset)
    if found:
        return found
    lines = text.split("\n")
    rows = []
    # The library points at where it gave up and at what it was reading then: the mistake
    # is on one of those lines, or just above the first.
    for mark in (getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)):
        row = getattr(mark, "line", None)
        if isinstance(row, int) and 0 <= row < len(lines):
            rows += [row, row - 1] if row and not rows else [row]
    for row in rows:
        message = _explain_line(lines[row], text)
        if message:
            return (row + 1 + line_offset, *message)
    if not rows:
        return (None, N_("this YAML block cannot be read"), N_("check the indentation and quotes, line by line"))
    return (rows[0] + 1 + line_offset, N_("this line cannot be read as YAML"),
            N_("check the indentation (items of one list line up under each other) and put text "
               "that holds : # [ ] { } in double quotes"))


def _explain_line(line: str, text: str) -> tuple[str, str] | None:
    if _TAB_INDENT.match(line):
        return N_("the line is indented with a tab"), N_("indent with spaces, not tabs")
    for quoted in _DOUBLE_QUOTED.findall(line):
        if "\\" in quoted:
            return (N_("a \\ code in double quotes names no real character"),
                    N_("type the character itself, or use single quotes to keep the backslash"))
    for name in _ALIAS.findall(line):
        if f"&{name}" not in text:
            return (N_("*{name} refers to no anchor &{name}", name=name),
                    N_("write the value out plainly; YAML anchors and aliases are not needed here"))
    if _PLAIN_VALUE_WITH_COLON.match(line):
        return (N_('the value holds ": " without quotes, which YAML reads as a second field name'),
                N_('put text that contains ": " in double quotes, e.g. title: "Hội nghị: tổng kết"'))
    if line.count('"') % 2:
        return N_("a double quote opened on this line is not closed"), N_('end the text with " on the same line')
    unquoted = _DOUBLE_QUOTED.sub("", line)
    if unquoted.count("[") > unquoted.count("]") or unquoted.count("{") > unquoted.count("}"):
        return (N_("a list in [ ] or a group in { } opened on this line is not closed"),
                N_("close it on the same line, or put text that holds [ or { in double quotes"))
    return None
