"""The drafted article as text: commented front-matter, then the Markdown body.

Written the way ``confsite new`` writes (one scalar a line, quoted only when YAML
needs it). Above every drafted fact is a comment quoting the sentence it came from;
a fact the importer is unsure of gets a ``REVIEW:`` line saying what to check.
"""
from __future__ import annotations

from typing import Any

import yaml

from ..newpost import _scalar
from .facts import Fact, Facts
from .text import one_line

REVIEW = "REVIEW"


def _flow(value: dict[str, Any]) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False).strip()


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return _flow(value)
    return _scalar(str(value))


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.drafted = 0
        self.unsure = 0
        self.last = ""

    def note(self, fact: Fact, indent: str = "") -> None:
        self.drafted += 1
        if fact.sentence and fact.sentence == self.last:
            self.lines.append(f"{indent}# from: the same sentence")
        elif fact.sentence:
            quoted = one_line(fact.sentence).replace("\n", " ")
            self.lines.append(f"{indent}# from: {quoted}")
        self.last = fact.sentence
        if not fact.sure:
            self.unsure += 1
            self.lines.append(f"{indent}# {REVIEW}: {fact.why or 'the importer is not sure of this; check it'}")

    def field(self, key: str, fact: Fact | None) -> None:
        if fact is None:
            return
        self.note(fact)
        value = fact.value if key == "date" else _value(fact.value)
        self.lines.append(f"{key}: {value}")

    def mapping_item(self, fact: Fact, keys: tuple[str, ...]) -> None:
        self.note(fact, "  ")
        first = True
        for key in keys:
            if key not in fact.value:
                continue
            v = fact.value[key]
            prefix = "  - " if first else "    "
            if isinstance(v, list):
                self.lines.append(f"{prefix}{key}:")
                self.lines.extend(f"      - {_value(x)}" for x in v)
            else:
                self.lines.append(f"{prefix}{key}: {_value(v)}")
            first = False


def front_matter(facts: Facts, *, label: str, slug: str, images: list[tuple[str, str]]) -> tuple[str, int, int]:
    """The front-matter block (with its --- lines), facts drafted, facts to review."""
    out = _Lines()
    out.lines += [
        "---",
        f"# Drafted by confsite import from {one_line(label, 120)}.",
        "# Each fact below quotes the sentence it was taken from (\"# from:\"). Check the lines",
        f"# marked {REVIEW}, correct what is wrong, delete these comments if you like, and",
        "# remove \"draft: true\" at the end when the article is ready to publish.",
    ]
    out.field("title", facts.title)
    out.field("date", facts.date)
    out.lines.append(f"slug: {slug}")
    out.field("cluster", facts.cluster)
    out.field("kind", facts.kind)
    out.field("period", facts.period)
    out.field("location", facts.location)
    out.field("host", facts.host)
    if facts.attendees:
        out.lines.append("attendees:")
        for f in facts.attendees:
            out.mapping_item(f, ("name", "role", "organization"))
    if facts.awards:
        out.lines.append("awards:")
        for f in facts.awards:
            out.mapping_item(f, ("award", "recipient", "recipients", "count", "conferred_by"))
    if facts.scores:
        out.lines.append("scores:")
        for f in facts.scores:
            out.note(f, "  ")
            out.lines.append(f"  - {_flow(f.value)}")
    for key, group in (("in_office", facts.in_office), ("elected", facts.elected)):
        if "term" in group and ("chair" in group or "vice_chair" in group):
            out.lines.append(f"{key}:")
            for sub in ("term", "chair", "vice_chair"):
                if sub in group:
                    out.note(group[sub], "  ")
                    out.lines.append(f"  {sub}: {_value(group[sub].value)}")
    if images:
        out.lines.append("images:")
        for src, caption in images:
            out.lines.append(f"  - src: {_scalar(src)}")
            if caption:
                out.lines.append(f"    caption: {_scalar(caption)}")
    out.field("author", facts.author)
    out.field("source", facts.source)
    out.lines.append("draft: true")
    out.lines.append("---")
    return "\n".join(out.lines) + "\n", out.drafted, out.unsure
