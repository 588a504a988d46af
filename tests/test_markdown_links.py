"""Addresses written in a report's text become links, and nothing else does.

The body renderer asks linkify only about texts that may hold an address at all (a quick
pattern first, for speed); these tests pin what readers see either way, and check that
the quick pattern never turns away a text linkify itself would have linked.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.markdown import _may_link, parser, sanitize


def html(text: str) -> str:
    return sanitize(parser().render(text))


@pytest.mark.parametrize("text, href", [
    ("Xem toàn văn tại https://snv.example.gov.vn/tin/ nhé.", "https://snv.example.gov.vn/tin/"),
    ("Cổng thông tin snv.thaibinh.gov.vn đã đăng tin.", "http://snv.thaibinh.gov.vn"),
    ("Trang www.example.org có ảnh.", "http://www.example.org"),
    ("Liên hệ vanthu@snv.example.gov.vn để nhận tài liệu.", "mailto:vanthu@snv.example.gov.vn"),
    ("Máy chủ nội bộ 10.0.0.12 ngừng từ ngày 3/5.", None),
    ("HTTPS://SNV.EXAMPLE.GOV.VN/TIN/ viết hoa cũng là địa chỉ.", "HTTPS://SNV.EXAMPLE.GOV.VN/TIN/"),
])
def test_an_address_in_the_text_is_a_link(text: str, href: str | None) -> None:
    out = html(text)
    if href is None:
        assert "<a " not in out
    else:
        assert f'href="{href}"' in out


@pytest.mark.parametrize("text", [
    "Ngày 23/6/2012, tại Hội trường Sở Nội vụ tỉnh Thái Bình, hội nghị bắt đầu.",
    "Đạt 981,25 điểm. Xếp thứ 2. Tỷ lệ 95,5%.",
    "Tệp bao-cao.md và hinh-anh.png nằm trong thư mục.",
    "Chủ trì: đồng chí Trưởng Cụm; thư ký: Sở Nội vụ tỉnh Nam Định.",
])
def test_ordinary_sentences_stay_text(text: str) -> None:
    assert "<a " not in html(text)


# Characters that matter to linkify's pretest (schemes, '@', dots, digits, the endings,
# "www", "localhost", letters whose case folding reaches ASCII) among Vietnamese text.
_PIECES = st.sampled_from(["http:", "HTTPS:", "ftp:", "mailto:", "//", "/", ":", "@", ".", ". ", "www", "WWW.",
                           "localhost", "LOCALHOſT", "wWw.", "lo", "calhoſt", "vn", "gov", "com", "org", "info", "int", "xn--p1ai", "1", "23", "192",
                           "ſ", "K", "İ", "Ngày", "Sở Nội vụ", " ", "\n", "–", "“", "”", "(", ")", ",", "đ"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_the_quick_pattern_never_hides_an_address(text: str) -> None:
    linkify = parser().linkify
    full = re.search(linkify.re["pretest"], text, flags=re.IGNORECASE) is not None
    if full:
        assert _may_link(text), text


def test_case_folding_finds_every_spelling_linkify_would() -> None:
    """"localhost" and "www." are looked for in the case-folded text: every character that
    linkify's case-blind match takes for one of their letters folds to that very letter."""
    for letter in sorted(set("localhostwww.")):
        same = re.compile(re.escape(letter), re.IGNORECASE)
        for code in range(0x110000):
            c = chr(code)
            if same.fullmatch(c):
                assert c.casefold() == letter, (letter, hex(code))
