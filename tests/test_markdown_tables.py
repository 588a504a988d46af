"""Markdown tables scroll inside their own box on phones, named by the heading above."""
from __future__ import annotations

from generator.content.markdown import parser, sanitize


def html(text: str) -> str:
    return sanitize(parser().render(text))


TABLE = "| Đơn vị | Điểm |\n|---|--:|\n| Sở Nội vụ tỉnh Nam Định | 981,25 |\n"


def test_a_table_under_a_heading_is_a_focusable_region_named_by_it() -> None:
    out = html("## Kết quả chấm điểm\n\n" + TABLE)
    assert ('<div class="table-scroll" tabindex="0" role="region" aria-labelledby="ket-qua-cham-diem">\n<table>'
            in out)
    assert out.rstrip().endswith("</table>\n</div>")


def test_a_table_without_a_heading_scrolls_but_claims_no_name() -> None:
    out = html(TABLE)
    assert out.startswith('<div class="table-scroll" tabindex="0">\n<table>')


def test_editors_html_cannot_borrow_the_box_attributes() -> None:
    out = html('<div role="button" tabindex="-1" class="table-scroll x" onclick="alert(1)">nút</div>\n')
    assert out.strip() == '<div class="table-scroll">nút</div>'
