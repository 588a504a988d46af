"""The search index's words, worked out fast, are the words a reader's query is keyed by;
and the index's files are the same bytes whether the build cache is cold, warm or off."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from search_judged import write_site

from generator.build.pipeline import configure, model
from generator.cache.cache import BuildCache
from generator.core.searchwords import Words, words
from generator.render import search

TEXTS = [
    "Đắk Lắk – Đắc Lắc, ngày 15/3/2024 (v.v.) Kỳ\nKì Hoà Hòa",
    "2020-2025 — — hà hà Hà HÀ, Thủy–Thuỷ",
    unicodedata.normalize("NFD", "Thủy Thuỷ Đường đường dương"),    # decomposed, as some editors save
    "İstanbul İZMİR ½ x² a_b c__d",       # words that fold to two, or that hold no letter a reader types
    "TP.HCM, UBND tỉnh Kon Tum; Khánh Hòa.",
    "",
    "   \t ",
]


def _expected(text: str) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    """What the index takes from *text*, from the word-by-word definition."""
    found = words(text)
    keys = [k for k, _ in found]
    return set(keys), {p for p in zip(keys, keys[1:]) if p[0] != p[1]}, {f"{k}={e}" for k, e in found}


def test_a_text_is_keyed_as_word_by_word() -> None:
    w = Words()
    for _ in range(2):      # pieces of text met for the first time, then known
        for text in TEXTS:
            assert tuple(map(set, w.scan(text))) == _expected(text), text
            assert tuple(map(set, w.scan_shared([text]))) == _expected(text), text
    # A text that runs two texts together pairs the last word of one with the first of the next.
    both = " ".join(TEXTS)
    assert tuple(map(set, w.scan(both))) == _expected(both)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("judged")
    return model(configure(write_site(root), root / "site"))


def test_the_index_is_the_same_with_a_cold_a_warm_or_no_cache(site, tmp_path: Path, monkeypatch) -> None:
    plain = search.index_files(site)
    cold = BuildCache(tmp_path / "cache")
    assert search.index_files(site, cold) == plain
    cold.save()
    computed = []
    real = search._article_entry
    monkeypatch.setattr(search, "_article_entry", lambda a, *rest: computed.append(a) or real(a, *rest))
    assert search.index_files(site, BuildCache(tmp_path / "cache")) == plain
    assert computed == []       # every article's entry came from the cache
    assert len(site.articles) > 10 and len(plain) > 10


def test_texts_scanned_together_are_not_paired_across() -> None:
    w = Words()
    keys, pairs, forms = w.scan_shared(["Sở Nội vụ", "Đắk Lắk"])
    assert keys == {"so", "noi", "vu", "dac", "lac"} and ("vu", "dac") not in pairs and ("noi", "vu") in pairs
    assert "dac=đăc1" in forms and not any(w.scan_shared([]))
