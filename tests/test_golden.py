"""Golden files: the main content of key pages of the fixture site, as readers get it.

Regenerate with ``pytest tests/test_golden.py --update-golden`` and review the diff.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit import FIXTURES, build

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = {
    "article-bac-bo-2019.html": "bai-viet/hoi-nghi-tong-ket-cong-tac-thi-dua-nam-2019-cum-bac-bo/index.html",
    "article-month-only.html": "bai-viet/tong-ket-nam-2021-cum-thi-dua-bac-bo/index.html",
    "cluster-bac-bo.html": "cum-thi-dua/bac-bo/index.html",
    "unit-hai-phong.html": "don-vi/so-noi-vu-thanh-pho-hai-phong/index.html",
    "year-2023.html": "nam/2023/index.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "site"
    code, _, err = build(FIXTURES / "basic/content", out)
    assert code == 0, err
    return out


def main_of(page: str) -> str:
    match = re.search(r"<main\b.*?</main>", page, re.S)
    assert match, "page has no <main>"
    return match.group(0) + "\n"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matches_golden_file(name, site, update_golden):
    actual = main_of((site / PAGES[name]).read_text("utf-8"))
    golden = GOLDEN / name
    if update_golden:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, "utf-8")
    assert golden.is_file(), f"no golden file {name}; run pytest --update-golden"
    assert actual == golden.read_text("utf-8"), f"{name} changed; review and run pytest --update-golden"
