"""The body a report written by ``confsite new`` starts with, and how validation finds it left in.

``confsite new`` writes :data:`PLACEHOLDER` (in the editor's language) below the skeleton;
check and build refuse a report that is no longer a draft and still holds it.
"""
from __future__ import annotations

from functools import lru_cache

from ..core.messages import LANGUAGES, N_, Translator

PLACEHOLDER = N_("Write the report here, in Markdown: paragraphs separated by an empty line, `## Heading` "
                 "for sections. Delete this paragraph, and the line draft: true, when the report is ready.")


@lru_cache(maxsize=1)
def placeholders() -> frozenset[str]:
    """The body placeholder of ``confsite new`` in every language it may have been written in."""
    return frozenset(Translator(lang)(PLACEHOLDER) for lang in LANGUAGES)


def placeholder_line(body: str) -> int | None:
    """0-based line of *body* that still is the placeholder of ``confsite new``; None when there is none."""
    texts = placeholders()
    if not any(t in body for t in texts):
        return None
    for n, line in enumerate(body.split("\n")):
        if line.strip() in texts:
            return n
    return None
