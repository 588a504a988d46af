"""The search index's words, worked out fast, are the words a reader's query is keyed by;
and the index's files are the same bytes whether the build cache is cold, warm or off."""
from __future__ import annotations

import subprocess
import sys
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


def _set_body(path: Path, body: str) -> None:
    head, sep, _ = path.read_text("utf-8").partition("\n---\n")
    path.write_text(head + sep + body, "utf-8")


def _set_title(path: Path, title: str) -> None:
    lines = path.read_text("utf-8").split("\n")
    path.write_text("\n".join(f"title: {title}" if ln.startswith("title:") else ln for ln in lines), "utf-8")


def test_an_index_patched_after_edits_is_the_index_made_afresh(tmp_path: Path, project_root: Path, monkeypatch) -> None:
    """A rebuild patches the previous build's index (kept in the build cache) for the
    articles that changed; after each edit its files are those of an index made without
    any cache, and only the files the edit changed are made again."""
    subprocess.run([sys.executable, str(project_root / "benchmarks" / "make_corpus.py"), str(tmp_path),
                    "--articles", "120", "--words", "60", "--seed", "5"], check=True, capture_output=True)
    content = tmp_path / "content"
    config = configure(content, tmp_path / "site")
    reports = sorted((content / "reports").rglob("*.md"))
    one, two, three = reports[7], reports[40], reports[95]
    before = len(search.index_files(model(config))) - 1

    def edit_append() -> None:          # new words, new pairs, new forms
        with one.open("a", encoding="utf-8") as f:
            f.write("\nĐoạn bổ sung: Xylophonequá zzyzx Hoà Thuỷ Kì và quậnmới.\n")

    def edit_rewrite() -> None:         # most words and forms gone, some only it had; others spelt anew
        _set_body(one, "Thân bài viết lại: Hòa Thủy Kỳ, Đắk Lắk – Đắc Lắc.\n")

    def edit_title_and_two() -> None:   # words move between fields; two articles at once
        _set_title(two, "Hội nghị zzyzx đổi tên")
        with three.open("a", encoding="utf-8") as f:
            f.write("\nThủy Thuỷ thủy lợi.\n")

    def edit_back() -> None:            # the rewritten article as the generator made it: the first index again
        _set_body(one, original_body)

    def add() -> None:
        (content / "reports" / "bai-moi.md").write_text(
            "---\ntitle: Hội nghị bổ sung zzyzx\ndate: 2020-05-06\nsummary: Bài thêm.\n---\nNội dung mới.\n", "utf-8")

    def remove() -> None:
        reports[3].unlink()

    original_body = one.read_text("utf-8").partition("\n---\n")[2]
    have: dict[str, bytes] = {}         # every file of every index made so far, as an output keeps them
    for edit in [None, edit_append, edit_rewrite, edit_title_and_two, edit_back, add, remove]:
        if edit is not None:
            edit()
        site = model(config)
        cache = BuildCache(tmp_path / "cache")       # as a new process finds it
        with monkeypatch.context() as m:
            if edit in (edit_append, edit_rewrite, edit_title_and_two, edit_back):
                # The previous index patched, not assembled again from every article's entry.
                m.setattr(search, "_collect", None)
            made, kept = search.index_output(site, cache, set(have))
        cache.save()
        clean = search.index_files(site)
        assert {**made, **{name: have[name] for name in kept}} == clean, edit
        if edit in (edit_append, edit_rewrite, edit_title_and_two, edit_back):
            # Made again: the manifest, the lexicon and the few shards and groups that changed.
            assert 1 <= len(made) - 1 <= before // 3, (edit, before, sorted(made))
        have.update(made)
