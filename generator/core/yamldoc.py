"""YAML with positions: parse a document and remember the line of every value.

PyYAML's composer gives nodes with marks; we construct plain Python values from
them ourselves, recording ``path -> line`` on the way (``("awards", 1, "recipient")``
→ 12). The C composer is used when PyYAML was built with libyaml.

Hostile input is bounded: aliases that expand past :data:`MAX_NODES` values or
nesting deeper than :data:`MAX_DEPTH` are refused with a plain message instead of
eating memory ("billion laughs"); :mod:`generator.core.yamlguard` checks the text before
PyYAML reads it and words whatever PyYAML raises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import yamlguard
from .messages import N_

Loader = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None
Loader = Loader or yaml.SafeLoader

MAX_NODES = 20_000
MAX_DEPTH = yamlguard.MAX_DEPTH

Path = tuple[Any, ...]
_STR = "tag:yaml.org,2002:str"


class DottedNumber(float):
    """A number written with dots between groups of three digits (``1.000``, ``12.500``):
    YAML reads it as a decimal (one, twelve and a half), which a Vietnamese writer rarely
    means; the text is kept so that validation can say so."""

    text: str = ""


_DOTTED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str, hint: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Located:
    """A parsed YAML document: its value and the 1-based line of every part of it."""

    value: Any
    lines: dict[Path, int]
    duplicates: tuple[tuple[Path, int], ...] = ()

    def line(self, *path: Any) -> int | None:
        """Line of the value at *path*, or of its nearest parent that has one."""
        p: Path = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


class _Builder:
    def __init__(self, offset: int):
        self.offset = offset
        self.lines: dict[Path, int] = {}
        self.duplicates: list[tuple[Path, int]] = []
        self.count = 0
        self.scalars = SafeConstructor()

    def line_of(self, node: Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def build(self, node: Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlProblem(self.line_of(node), N_("more than {n} values (repeated aliases?)", n=MAX_NODES),
                              N_("write the values out plainly; YAML anchors and aliases are not needed here"))
        if depth > MAX_DEPTH:
            raise YamlProblem(self.line_of(node), _too_deep(), N_("flatten the structure"))
        self.lines.setdefault(path, self.line_of(node))
        if isinstance(node, ScalarNode):
            if node.tag == _STR:
                return node.value       # most values: text, as the constructor would give it
            try:
                value = self.scalars.construct_object(node)
                if isinstance(value, float) and not node.style and _DOTTED.fullmatch(node.value):
                    dotted = DottedNumber(value)
                    dotted.text = node.value
                    return dotted
                return value
            except (ConstructorError, ValueError, OverflowError) as exc:
                if node.tag == "tag:yaml.org,2002:timestamp":
                    return node.value  # "2020-02-30": let validation say it is not a real date
                raise YamlProblem(self.line_of(node), N_("cannot read the value {value}", value=repr(node.value)),
                                  N_("quote it to keep it as text")) from exc
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlProblem(self.line_of(key_node), N_("merge keys (<<) are not supported"),
                                      N_("write the fields out plainly"))
                key = self.build(key_node, path + ("<key>",), depth + 1)
                if isinstance(key, (list, dict)):
                    raise YamlProblem(self.line_of(key_node), N_("a list or mapping used as a field name"),
                                      N_("field names are plain words such as title or date"))
                if not isinstance(key, str):
                    key = str(key)
                if key in result:
                    self.duplicates.append((path + (key,), self.line_of(key_node)))
                self.lines[path + (key,)] = self.line_of(key_node)
                result[key] = self.build(value_node, path + (key,), depth + 1)
                self.lines[path + (key,)] = self.line_of(key_node)
            return result
        raise YamlProblem(self.line_of(node), N_("unsupported YAML node"))


def parse(text: str, line_offset: int = 0) -> Located:
    """Parse one YAML document; lines are 1-based and shifted by *line_offset*.

    Our own checks (:mod:`generator.core.yamlguard`) read the text first, and whatever PyYAML
    still raises is told in our words: no message depends on the library's version.
    """
    found = yamlguard.precheck(text, line_offset)
    if found:
        raise YamlProblem(*found)
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:
        raise YamlProblem(*yamlguard.explain(exc, text, line_offset)) from None
    except RecursionError:
        raise YamlProblem(None, _too_deep(), N_("flatten the structure")) from None
    if node is None:
        return Located(None, {})
    builder = _Builder(line_offset)
    try:
        value = builder.build(node, (), 0)
    except RecursionError:
        raise YamlProblem(None, _too_deep(), N_("flatten the structure")) from None
    return Located(value, builder.lines, tuple(builder.duplicates))


def _too_deep() -> str:
    return yamlguard.deep()
