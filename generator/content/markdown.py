"""Markdown body → safe HTML: CommonMark plus tables, folded heading anchors,
media references resolved against the content folder, and nh3 sanitising.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..core.hashing import digest
from .model import Body, Heading
from ..core.paths import Reference, Refusal, classify, same_but_case, shown
from ..core.slugs import slugify
from ..core.messages import N_

_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del",
         "ins", "sub", "sup", "mark", "small", "blockquote", "code", "pre", "ul", "ol", "li", "dl", "dt",
         "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a", "img", "figure",
         "figcaption", "abbr", "span", "div", "section"}
_ATTRIBUTES = {
    **{f"h{n}": {"id"} for n in range(1, 7)},
    "a": {"href", "title", "id"},
    "li": {"id"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "div": {"aria-labelledby"},
}
_VALUES = {"div": {"role": {"region"}, "tabindex": {"0"}}}  # the scrolling box of a table, nothing else
_ALIGN = {"text-align:left": "al-left", "text-align:center": "al-center", "text-align:right": "al-right"}
_CLASSES = {"th": set(_ALIGN.values()), "td": set(_ALIGN.values()), "div": {"table-scroll"},
            # footnotes (mdit-py-plugins' footnote plugin)
            "sup": {"footnote-ref"}, "section": {"footnotes"}, "hr": {"footnotes-sep"}, "ol": {"footnotes-list"},
            "li": {"footnote-item"}, "a": {"footnote-backref"}}


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"},
                       allowed_classes=_CLASSES, tag_attribute_values=_VALUES, clean_content_tags={"script", "style"},
                       link_rel="noopener noreferrer")


def sanitize(html: str) -> str:
    """Keep safe formatting, tables, images and links; drop scripts, handlers, unsafe URLs."""
    return _cleaner().clean(html)


def _aligned_cell(self, tokens, idx, options, env):
    token = tokens[idx]
    style = token.attrGet("style")
    if style:
        token.attrs.pop("style", None)
        token.attrSet("class", _ALIGN.get(str(style).replace(" ", ""), ""))
    return self.renderToken(tokens, idx, options, env)


def _table_open(self, tokens, idx, options, env):
    """Wide tables scroll inside a keyboard-focusable box, named by the heading above them,
    so a phone never scrolls the whole page sideways."""
    heading = next((t.attrGet("id") for t in reversed(tokens[:idx]) if t.type == "heading_open"), None)
    named = f' role="region" aria-labelledby="{heading}"' if heading else ""
    return f'<div class="table-scroll" tabindex="0"{named}>\n' + self.renderToken(tokens, idx, options, env)


def _table_close(self, tokens, idx, options, env):
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


_LINK_ENDINGS = ("vn", "com", "net", "org", "gov", "edu", "int", "info")
_SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript):", re.IGNORECASE)


def _valid_link(url: str) -> bool:
    return not _SCRIPT_SCHEME.match(url.strip())


# What every text that linkify's own pretest accepts contains (case folded as it does):
# a scheme's ':', '//', an '@', "localhost", "www." or a dot before a digit or a link
# ending. Vietnamese sentences end in ". " and rarely hold any of these, so most texts
# are settled by these cheap checks instead of linkify's pattern, which tries a class of
# hundreds of Unicode punctuation marks at every position (over 1 ms an article). The
# two words are looked for in the case-folded text (folding makes the long s an s, as
# linkify's case-blind match does), faster than by a pattern that ignores case.
_DOT_LINK = re.compile(r"\.(?:\d|xn--|%s)" % "|".join(_LINK_ENDINGS), re.IGNORECASE)


def _may_link(text: str) -> bool:
    if ":" in text or "@" in text or "//" in text or _DOT_LINK.search(text) is not None:
        return True
    folded = text.casefold()
    return "localhost" in folded or "www." in folded


def _quick_pretest(pretest: Callable[[str], bool]) -> Callable[[str], bool]:
    """linkify's pretest, asked only when the text may hold a link at all."""
    def quick(text: str) -> bool:
        return _may_link(text) and pretest(text)
    return quick


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    # An address without https:// is a link only under these endings: with linkify's
    # default (every two-letter country code) a file name such as bao-cao.md became a link.
    md.linkify.tlds(list(_LINK_ENDINGS))
    md.linkify.pretest = _quick_pretest(md.linkify.pretest)
    footnote_plugin(md)
    # file: and data: links become link tokens, so that paths.classify can tell the editor
    # what is wrong with them (markdown-it's own check leaves them as literal text without
    # a word); script-running schemes stay text, as markdown-it leaves them.
    md.validateLink = _valid_link
    anchors_plugin(md, min_level=1, max_level=6, slug_func=lambda s: slugify(s) or "muc")
    md.add_render_rule("th_open", _aligned_cell)
    md.add_render_rule("td_open", _aligned_cell)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


@dataclass
class BodyProblem:
    line: int
    field: str
    message: str
    hint: str
    warning: bool = False


@dataclass
class Resolver:
    """What a body may point at: media files and other documents' URLs."""

    doc_rel: str
    base_path: str                               # e.g. "/tin/"
    media: frozenset[str] | dict                 # content-relative media paths
    documents: dict[str, str] = field(default_factory=dict)  # content-relative .md path → site URL

    def resolve(self, ref: str) -> tuple[str | None, str | None, str]:
        """``(href, media path, problem)``; href None means leave the reference as written."""
        found = classify(ref, self.doc_rel)
        if isinstance(found, str):
            return None, None, found
        if found.kind in ("external", "anchor"):
            return None, None, ""
        if found.kind == "unsafe":
            return "#", None, found.note
        assert isinstance(found, Reference)
        document, medium = self.lookup(found.target)
        if document is not None:
            return self.base_path + document + found.suffix, None, ""
        if medium:
            return self.base_path + quote(found.target) + found.suffix, found.target, ""
        near = same_but_case(found.target, [*self.media, *self.documents])
        if near:
            return None, None, Refusal(N_("'{ref}' does not exist in the content folder", ref=shown(ref)),
                                       N_('did you mean "/{path}"? Upper and lower case letters must match the '
                                          "file's name", path=near))
        return None, None, N_("'{ref}' does not exist in the content folder", ref=shown(ref))

    def lookup(self, target: str) -> tuple[str | None, bool]:
        """``(URL of the document at target, whether target is a media file)``."""
        return self.documents.get(target), target in self.media


@dataclass
class RecordingResolver(Resolver):
    """A resolver that remembers every lookup, so a cached body can be checked against new content."""

    lookups: dict[str, tuple[str | None, bool]] = field(default_factory=dict)

    def lookup(self, target: str) -> tuple[str | None, bool]:
        found = super().lookup(target)
        self.lookups[target] = found
        return found


# Markdown and HTML parsers slow down faster than linearly on some shapes (thousands of
# nested tags, of unclosed brackets or emphasis marks). No report needs this many; past
# these counts a body is refused instead of keeping the build busy for minutes.
_TAG = re.compile(r"<[A-Za-z/!?]")
_BODY_BUDGET = (
    (lambda t: len(_TAG.findall(t)), 10_000, N_("HTML tags"), N_("write the text in Markdown, or paste it as plain text")),
    (lambda t: t.count("["), 20_000, N_("[ brackets"), N_("split the article into several")),
    (lambda t: t.count("*") + t.count("_"), 40_000, N_("* and _ marks"), N_("split the article into several")),
)


def _over_budget(text: str) -> tuple[str, str] | None:
    for count, limit, what, hint in _BODY_BUDGET:
        n = count(text)
        if n > limit:
            return N_("the text holds {n} {what}, more than the {limit} a page can have", n=n, what=what,
                      limit=limit), hint
    return None


def render(text: str, resolver: Resolver, first_line: int) -> tuple[Body, list[BodyProblem]]:
    over = _over_budget(text)
    if over:
        message, hint = over
        return body(""), [BodyProblem(first_line, "body", message, hint)]
    md = parser()
    env: dict = {}
    tokens = md.parse(text, env)
    problems: list[BodyProblem] = []
    media: set[str] = set()
    headings: list[Heading] = []
    plain: list[str] = []
    deepest = md.options.get("maxNesting", 20) - 1
    for i, token in enumerate(tokens):
        line = first_line + (token.map[0] if token.map else 0)
        if token.nesting == 1 and token.level >= deepest and token.map:
            # markdown-it stops reading at this depth: what follows would vanish silently
            problems.append(BodyProblem(line, "body", N_("lists or quotes are nested too deeply here (the text inside "
                                                         "would be lost)"),
                                        N_("use at most 8 levels of lists inside lists, or of > quotes")))
            break
        if token.type == "heading_open" and i + 1 < len(tokens):
            headings.append(Heading(int(token.tag[1]), tokens[i + 1].content, str(token.attrGet("id") or "")))
        if token.type == "inline" and token.children:
            _resolve_inline(token.children, resolver, line, problems, media, plain)
    html = sanitize(md.renderer.render(tokens, md.options, env))
    return body(html, tuple(headings), tuple(sorted(media)), " ".join(plain)), problems


def body(html: str, headings: tuple[Heading, ...] = (), media: tuple[str, ...] = (), text: str = "") -> Body:
    """A rendered body with its fingerprint, made once here (and kept with it in the build
    cache) so that a rebuild never hashes every article's text again to sign pages."""
    return Body(html, headings, media, text, digest(html, text, repr(headings), repr(media)))


def _label(children: list[Token], n: int) -> str:
    """The text of the link opened at ``children[n]`` (or the image's description)."""
    if children[n].type == "image":
        return children[n].content
    words = []
    for child in children[n + 1:]:
        if child.type == "link_close":
            break
        words.append(child.content)
    return "".join(words)


def _resolve_inline(children: list[Token], resolver: Resolver, line: int, problems: list[BodyProblem],
                    media: set[str], plain: list[str]) -> None:
    for n, child in enumerate(children):
        if child.type == "text" or child.type == "code_inline":
            plain.append(child.content)
        for attr, field_ in (("src", "image"), ("href", "link")):
            if child.type not in ("image", "link_open") or child.attrGet(attr) is None:
                continue
            ref = str(child.attrGet(attr))
            href, path, problem = resolver.resolve(ref)
            if problem:
                hint = getattr(problem, "hint", "") or N_(
                    "put the file in the content folder and write its path relative to this file, "
                    "or starting with / for the content folder")
                if not ref.strip():
                    label = _label(children, n)
                    problem = N_("the picture [{label}] has no address", label=label) if field_ == "image" \
                        else N_("the link [{label}] has no address", label=label)
                warn = isinstance(problem, Refusal) and href == "#"
                problems.append(BodyProblem(line, field_, problem, hint, warn))
            if href is not None:
                child.attrSet(attr, href)
            if path:
                media.add(path)
