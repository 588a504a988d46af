"""Broken content, one case a row: the exact message an editor sees, exit status 1,
no traceback, and the previous output folder byte-for-byte as it was."""
from __future__ import annotations

import re

import pytest

from sitekit import article, build, content, errors, tree_bytes, warnings

def windows_1258(text: str) -> bytes:
    """Text as old Vietnamese Windows software saved it: base letters plus combining tones."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


GOOD = {"reports/ok.md": article("Bài hợp lệ", "2020-12-11")}

CASES = {
    "day-first date": (
        {"reports/a.md": article(date="11/12/2020")},
        ["content/reports/a.md:3: date: \"11/12/2020\" is not a date; write 2020-12-11"],
    ),
    "impossible date": (
        {"reports/a.md": article(date="2020-02-30")},
        ["content/reports/a.md:3: date: \"2020-02-30\" is not a real date; check the month and the day (YYYY-MM-DD)"],
    ),
    "yaml syntax error": (
        {"reports/a.md": "---\ntitle: Hội nghị: tổng kết\ndate: 2020-12-11\n---\nx\n"},
        ["content/reports/a.md:2: front-matter: the value holds \": \" without quotes, which YAML reads as a second "
         "field name; "
         "put text that contains \": \" in double quotes, e.g. title: \"Hội nghị: tổng kết\""],
    ),
    "missing title": (
        {"reports/a.md": "---\ndate: 2020-12-11\n---\nx\n"},
        ["content/reports/a.md:2: title: missing; write title: Hội nghị tổng kết công tác thi đua năm 2020"],
    ),
    "awards of the wrong type": (
        {"reports/a.md": article(awards="12")},
        ["content/reports/a.md:4: awards: item 1: found the number 12; expected an award with award: and recipient: "
         "(or count:); write - award: Cờ thi đua … then, indented, recipient: Sở Nội vụ …"],
    ),
    "nested line numbers": (
        {"reports/a.md": "---\ntitle: T\ndate: 2020-12-11\nscores:\n  - unit: Sở Nội vụ tỉnh A\n    points: 994\n"
                         "  - unit: Sở Nội vụ tỉnh B\n    points: \"88,35\"\n    rank: nhất\n---\n"},
        ["content/reports/a.md:8: scores[2].points: \"88,35\" is written the Vietnamese way; write points: 88.35 "
         "(the site shows numbers the Vietnamese way by itself)",
         "content/reports/a.md:9: scores[2].rank: \"nhất\" is not a whole number from 1 to 10000; write rank: 1"],
    ),
    "two files with one URL": (
        {"reports/a.md": article("Tổng kết năm 2020"), "reports/b.md": article("Tổng kết năm 2020!")},
        ["content/reports/b.md:2: title: the address made from the title, slug \"tong-ket-nam-2020\", would be "
         "published at /bai-viet/tong-ket-nam-2020/, which content/reports/a.md:2 (\"Tổng kết năm 2020\") "
         "already uses; give one of them a slug of its own, e.g. slug: tong-ket-nam-2020-2"],
    ),
    "media outside content": (
        {"reports/a.md": article(body="![x](../../secret.png)")},
        ["content/reports/a.md:5: image: '../../secret.png' leads outside the content folder; put the file in the "
         "content folder and write its path relative to this file, or starting with / for the content folder"],
    ),
    "missing media": (
        {"reports/a.md": article(images="[{src: anh/khong-co.jpg, caption: Ảnh}]")},
        ["content/reports/a.md:4: images: \"anh/khong-co.jpg\" does not exist in the content folder; put the image "
         "in the content folder and write its path relative to this file, or starting with / for the content folder"],
    ),
    "windows-1258 file": (
        {"reports/a.md": windows_1258(article("Hội nghị tổng kết"))},
        ["content/reports/a.md:2: file: the file is not UTF-8 (it looks like Windows-1258, the old Vietnamese "
         "Windows encoding); open it in your editor and save it as UTF-8 (Notepad: File › Save as › Encoding: UTF-8), "
         "or run: iconv -f CP1258 -t UTF-8 content/reports/a.md > fixed.md"],
    ),
    "no front-matter": (
        {"reports/a.md": "# Chỉ có nội dung\n"},
        ["content/reports/a.md:1: front-matter: the file has no front-matter; start it with a line ---, then title: "
         "and date:, then another line ---"],
    ),
    "unknown kind": (
        {"reports/a.md": article(kind="tongket")},
        ["content/reports/a.md:4: kind: \"tongket\" is not a kind of conference; did you mean \"tong-ket\" or \"so-ket\"? "
         "write one of: tong-ket, so-ket, trien-khai, other"],
    ),
    "conflicting chairs": (
        {"reports/a.md": article("A", "2020-12-11", cluster="Cụm X", elected="{term: 2021, chair: Sở Nội vụ tỉnh A}"),
         "reports/b.md": article("B", "2021-01-05", cluster="Cụm X", in_office="{term: 2021, chair: Sở Nội vụ tỉnh B}")},
        ["content/reports/b.md:5: in_office.chair: \"Sở Nội vụ tỉnh B\" as chair of Cụm X for 2021, but "
         "content/reports/a.md:5 names \"Sở Nội vụ tỉnh A\"; correct the report that is wrong; one term has one chair"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_content_is_reported_and_the_site_kept(case, tmp_path, monkeypatch):
    files, expected = CASES[case]
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", GOOD)
    assert build(tmp_path / "content", tmp_path / "site")[0] == 0
    before = tree_bytes(tmp_path / "site")

    for rel, data in files.items():
        path = tmp_path / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data, encoding="utf-8")
    code, out, err = build(tmp_path / "content", tmp_path / "site")

    assert code == 1
    assert errors(err) == expected
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("build failed: ")
    assert tree_bytes(tmp_path / "site") == before


def test_all_errors_of_a_build_come_at_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {
        "reports/a.md": article(date="11/12/2020"),
        "reports/b.md": "---\ndate: 2020-12-11\n---\n",
        "reports/c.md": article("C", awards="12"),
    })
    code, _, err = build(tmp_path / "content", tmp_path / "site")
    assert code == 1
    assert [line.split(":")[0] for line in errors(err)] == [
        "content/reports/a.md", "content/reports/b.md", "content/reports/c.md"]
    assert not (tmp_path / "site").exists()


def test_unknown_key_is_a_warning_with_the_nearest_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {"reports/a.md": article(summmary="Tóm tắt", locaton="Hải Phòng")})
    code, out, err = build(tmp_path / "content", tmp_path / "site")
    assert code == 0
    assert warnings(err) == [
        "warning: content/reports/a.md:4: summmary: unknown field, ignored; did you mean \"summary\"?",
        "warning: content/reports/a.md:5: locaton: unknown field, ignored; did you mean \"location\"?",
    ]
    assert "1 warning" not in out and "2 warning(s)" in out


def test_bom_and_crlf_are_fine(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "\ufeff" + article("Hội nghị có BOM", body="Dòng một.\n\nDòng hai.").replace("\n", "\r\n")
    content(tmp_path / "content", {"reports/a.md": text.encode("utf-8")})
    code, _, err = build(tmp_path / "content", tmp_path / "site")
    assert code == 0, err
    page = (tmp_path / "site/bai-viet/hoi-nghi-co-bom/index.html").read_text("utf-8")
    assert "<h1>Hội nghị có BOM</h1>" in page and "<p>Dòng hai.</p>" in page


def test_raw_html_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = ('<script>alert(1)</script>\n\n<p onclick="alert(2)">Đoạn <b>đậm</b></p>\n\n'
            '[bấm](javascript:alert(3)) <a href="javascript:alert(4)">x</a> <img src=x onerror="alert(5)">\n')
    content(tmp_path / "content", {"reports/a.md": article("Bài có HTML", body=body)})
    code, _, err = build(tmp_path / "content", tmp_path / "site")
    assert code == 0, err
    page = (tmp_path / "site/bai-viet/bai-co-html/index.html").read_text("utf-8").lower()
    body = page[page.index('<div class="body">'):]
    assert "<script" not in page
    assert not re.search(r"\son\w+\s*=", page)
    assert not re.search(r"(href|src)=\"?\s*javascript:", page)
    assert "<b>đậm</b>" in body and "<p>đoạn <b>đậm</b></p>" in body
    assert "[bấm](javascript:alert(3))" in body  # left as plain text, never a link


def test_month_only_date_is_never_given_a_day(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {"reports/a.md": article("Tổng kết tháng hai", "2024-02")})
    assert build(tmp_path / "content", tmp_path / "site")[0] == 0
    page = (tmp_path / "site/bai-viet/tong-ket-thang-hai/index.html").read_text("utf-8")
    assert '<time datetime="2024-02">tháng 2 năm 2024</time>' in page
    assert "01/02/2024" not in page


def test_missing_site_yaml_and_bad_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    code, _, err = build(tmp_path / "content", tmp_path / "site")
    assert code == 1
    assert errors(err) == ["content/site.yaml: file: site.yaml is missing; create it with at least: title: Tên trang"]
    content(tmp_path / "content", {}, site_yaml="title: T\nbase_url: snv.example.gov.vn\nper_pag: 10\n")
    code, _, err = build(tmp_path / "content", tmp_path / "site")
    assert code == 1
    assert errors(err) == [
        "content/site.yaml:2: base_url: 'snv.example.gov.vn' is not a web address; write the full address, "
        "e.g. https://snv.example.gov.vn/tin/",
        "content/site.yaml:3: per_pag: unknown setting; did you mean \"per_page\"?",
    ]


def test_build_failed_raised_in_a_worker_comes_back_with_its_problems() -> None:
    import pickle

    from generator.core.errors import BuildFailed, Problem

    failed = BuildFailed([Problem("content/a.md", 3, "date", "is not a real date", "write YYYY-MM-DD")])
    back = pickle.loads(pickle.dumps(failed))
    assert isinstance(back, BuildFailed) and back.problems == failed.problems and str(back) == "1 error(s)"
