"""The one content hash of confsite (BLAKE2b), in the three shapes the stages need.

* :func:`digest` of several parts (each length-prefixed, so ``("ab", "c")`` and
  ``("a", "bc")`` differ): cache keys, page signatures, the code version;
* :func:`file_hash` of one file's bytes: a document's identity (``content/load.py``)
  and the output manifest (``output/write.py``);
* :func:`name_hash`, a short one for content-named files (theme assets, image variants).
"""
from __future__ import annotations

import hashlib
from pathlib import Path


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        data = p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_hash_of(path: Path) -> str:
    """:func:`file_hash` of the file at *path*, read in chunks."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def name_hash(data: bytes, size: int = 4) -> str:
    """*size* bytes of hash in hex, for a file named after its content (``style.1a2b3c4d.css``)."""
    return hashlib.blake2b(data, digest_size=size).hexdigest()
