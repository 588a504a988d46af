"""Bodies from the build cache, read when a page shows them.

A rebuild after one edit needs every body's fingerprint and media (page signatures,
the site's media), but the HTML, headings and text of the pages it renders again only.
:class:`LazyBody` holds the first two and takes the rest from the cache's ``bodies``
table on first use, in whichever process asks (render workers too); if the entry
is gone by then, it renders the body again. It is equal, hashes and pickles as the
:class:`Body` it stands for.
"""
from __future__ import annotations

from typing import Any, Callable

from .model import Body, Heading, _stored_body


class LazyBody(Body):
    """A :class:`Body` whose HTML, headings and text are loaded when first asked for."""

    def __init__(self, media: tuple[str, ...], fingerprint: str, load: Callable[[], Body], *, key: str = "",
                 source: str = ""):
        object.__setattr__(self, "media", media)
        object.__setattr__(self, "fingerprint", fingerprint)
        object.__setattr__(self, "_load", load)
        object.__setattr__(self, "_full", None)
        object.__setattr__(self, "key", key)            # its entry in the cache's "bodies" table
        object.__setattr__(self, "source", source)      # the document it is the body of

    def _body(self) -> Body:
        full = self.__dict__["_full"]
        if full is None:
            full = self.__dict__["_load"]()
            object.__setattr__(self, "_full", full)
        return full

    @property       # type: ignore[override]
    def html(self) -> str:
        return self._body().html

    @property       # type: ignore[override]
    def headings(self) -> tuple[Heading, ...]:
        return self._body().headings

    @property       # type: ignore[override]
    def text(self) -> str:
        return self._body().text

    def _fields(self) -> tuple:
        return self._body()._fields()

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Body) or other.fingerprint != self.fingerprint:
            return False
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self.fingerprint)       # as Body's: nothing read

    def __repr__(self) -> str:
        return repr(self._body())

    def __reduce__(self):
        return _stored_body, self._fields()
