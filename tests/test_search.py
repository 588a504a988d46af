"""Search as a reader uses it: the built site served under /tin/, in headless Chromium.

The fixture site has articles that name Đắk Lắk in the title, in the front-matter
(host) and only in the body, with the body one the newest, so ranking is visible.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import tools

from generator.build.pipeline import build, configure
from generator.render import search
from generator.render.search import HASH_CHARS, decode_ids, encode_ids, search_files, terms

CLUSTERS = """\
- name: Cụm thi đua các tỉnh Tây Nguyên
  slug: tay-nguyen
  members: [Sở Nội vụ tỉnh Đắk Lắk, Sở Nội vụ tỉnh Gia Lai]
- name: Cụm thi đua các tỉnh Tây Nam Bộ
  slug: tay-nam-bo
  members: [Sở Nội vụ tỉnh Đồng Tháp, Sở Nội vụ tỉnh An Giang]
"""

ARTICLES = {
    # slug: (front-matter, body)
    "dak-lak-title": ("""\
        title: Sở Nội vụ tỉnh Đắk Lắk dẫn đầu Cụm Tây Nguyên năm 2022
        date: 2022-12-20
        cluster: Cụm thi đua các tỉnh Tây Nguyên
        kind: tong-ket
        host: Sở Nội vụ tỉnh Gia Lai
        """, "Hội nghị tổng kết công tác thi đua năm 2022 của Cụm họp tại Pleiku."),
    "dak-lak-host": ("""\
        title: Cụm Tây Nguyên sơ kết sáu tháng đầu năm 2023
        date: 2023-07-10
        cluster: Cụm thi đua các tỉnh Tây Nguyên
        kind: so-ket
        host: Sở Nội vụ tỉnh Đắk Lắk
        """, "Các đơn vị trong Cụm báo cáo kết quả sáu tháng đầu năm."),
    "dak-lak-body": ("""\
        title: Tỉnh triển khai nhiệm vụ công tác nội vụ năm 2024
        date: 2024-01-15
        kind: trien-khai
        """, "Ủy ban nhân dân tỉnh mời đoàn công tác của tỉnh Đắk Lắk chia sẻ kinh nghiệm cải cách hành chính."),
    "dong-thap": ("""\
        title: Đồng Tháp nhận Cờ thi đua của Cụm Tây Nam Bộ
        date: 2021-12-10
        cluster: Cụm thi đua các tỉnh Tây Nam Bộ
        kind: tong-ket
        attendees:
          - name: Nguyễn Thị Thu
            role: Giám đốc
            organization: Sở Nội vụ tỉnh An Giang
        awards:
          - award: Cờ thi đua của Bộ trưởng Bộ Nội vụ
            recipient: Sở Nội vụ tỉnh Đồng Tháp
        """, "Hội nghị tổng kết năm 2021 của Cụm thi đua các tỉnh Tây Nam Bộ diễn ra tại Cao Lãnh."),
    "khong-dau": ("""\
        title: Thông báo lịch tiếp công dân tháng 5
        date: 2020-05-05
        """, "Ban bien tap go khong dau: lich hoi nghi giao ban va tiep cong dan duoc dang tai day."),
}

# Twelve short notes, enough for a second page of results.
for n in range(1, 13):
    ARTICLES[f"van-thu-{n}"] = (f"title: Văn thư lưu trữ, bản tin số {n}\ndate: 2019-03-{n:02d}\n",
                                "Tin ngắn về công tác văn thư của Sở.")


def _write_site(root: Path) -> Path:
    content = root / "content"
    (content / "bai").mkdir(parents=True)
    (content / "site.yaml").write_text("title: Sở Nội vụ thử nghiệm\nbase_url: https://snv.example.gov.vn/tin/\n",
                                      encoding="utf-8")
    (content / "clusters.yaml").write_text(CLUSTERS, encoding="utf-8")
    for slug, (front, body) in ARTICLES.items():
        text = f"---\nslug: {slug}\n{textwrap.dedent(front)}---\n{body}\n"
        (content / "bai" / f"{slug}.md").write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    config = configure(_write_site(root), root / "site")
    build(config)
    return root / "site"


@pytest.fixture(scope="module")
def base(built: Path):
    with tools.serve_directory(built, "/tin/") as url:
        yield url


def _results(page) -> list[str]:
    """Slugs of the shown results, in order, once the search has finished."""
    page.wait_for_function("() => !document.querySelector('#search').hasAttribute('aria-busy')"
                           " && document.querySelector('#search-status').textContent !== ''")
    return [urlsplit(a.get_attribute("href")).path.rstrip("/").rsplit("/", 1)[-1]
            for a in page.query_selector_all("#search-results .article-link")]


def _search(page, base: str, query: str) -> list[str]:
    page.goto(base + "tim-kiem/" + query)
    return _results(page)


@pytest.mark.parametrize("query", ["?q=dak+lak", "?q=%C4%90%E1%BA%AFk+L%E1%BA%AFk", "?q=DAK%20LAK", "?q=%C4%91ak+lak"])
def test_dak_lak_ranks_title_then_front_matter_then_body(page, base: str, query: str) -> None:
    # The body-only article is the newest, yet comes last: matches in title and host rank first.
    assert _search(page, base, query) == ["dak-lak-title", "dak-lak-host", "dak-lak-body"]
    marks = [m.inner_text() for m in page.query_selector_all("#search-results mark")]
    assert {"Đắk", "Lắk"} <= set(marks)
    assert not {m.lower() for m in marks} - {"đắk", "lắk"}
    assert page.inner_text("#search-status") == "Tìm thấy 3 bài viết"


@pytest.mark.parametrize("query", ["?q=dong+thap", "?q=%C4%90%E1%BB%93ng+Th%C3%A1p", "?q=Dong+Thap"])
def test_dong_thap_with_and_without_diacritics(page, base: str, query: str) -> None:
    assert _search(page, base, query) == ["dong-thap"]
    title = page.query_selector("#search-results .article-link")
    assert [m.inner_text() for m in title.query_selector_all("mark")] == ["Đồng", "Tháp"]


def test_diacritics_in_the_query_find_text_typed_without_them(page, base: str) -> None:
    # "Hội nghị" in titles or front-matter would come first; here all three are body matches,
    # newest first, and the last one was typed without diacritics.
    assert _search(page, base, "?q=H%E1%BB%99i+ngh%E1%BB%8B") == ["dak-lak-title", "dong-thap", "khong-dau"]
    excerpt = page.query_selector_all("#search-results .excerpt")[2]
    assert [m.inner_text() for m in excerpt.query_selector_all("mark")] == ["hoi", "nghi"]


def test_people_and_awards_are_found(page, base: str) -> None:
    assert _search(page, base, "?q=nguyen+thi+thu") == ["dong-thap"]
    assert _search(page, base, "?q=co+thi+dua+bo+truong") == ["dong-thap"]


def test_filters_combine_with_the_query(page, base: str) -> None:
    assert _search(page, base, "?q=dak+lak&cum=tay-nguyen") == ["dak-lak-title", "dak-lak-host"]
    assert _search(page, base, "?q=dak+lak&cum=tay-nguyen&nam=2023") == ["dak-lak-host"]
    assert _search(page, base, "?q=dak+lak&loai=trien-khai") == ["dak-lak-body"]
    # Filters alone list the articles they keep, newest first.
    assert _search(page, base, "?loai=tong-ket") == ["dak-lak-title", "dong-thap"]
    assert page.input_value("select[name=loai]") == "tong-ket"


def test_choosing_a_filter_updates_the_address(page, base: str) -> None:
    assert _search(page, base, "?q=dak+lak") == ["dak-lak-title", "dak-lak-host", "dak-lak-body"]
    page.select_option("select[name=nam]", "2024")
    page.wait_for_url("**nam=2024**")
    assert _results(page) == ["dak-lak-body"]
    assert parse_qs(urlsplit(page.url).query) == {"q": ["dak lak"], "nam": ["2024"]}
    page.fill("#search-q", "dong thap")
    page.select_option("select[name=nam]", "")
    page.wait_for_url("**q=dong+thap")
    assert _results(page) == ["dong-thap"]
    page.go_back()
    page.wait_for_url("**nam=2024**")
    assert _results(page) == ["dak-lak-body"]
    assert page.input_value("#search-q") == "dak lak"


def test_more_results_load_on_request(page, base: str) -> None:
    assert _search(page, base, "?q=luu+tru") == [f"van-thu-{n}" for n in range(12, 2, -1)]
    assert page.inner_text("#search-status") == "Tìm thấy 12 bài viết"
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 12")
    assert _results(page) == [f"van-thu-{n}" for n in range(12, 0, -1)]
    assert not page.is_visible("#search-more")


def test_no_results_says_what_to_do(page, base: str) -> None:
    assert _search(page, base, "?q=hai+phong") == []
    status = page.inner_text("#search-status")
    assert "Không có bài viết nào khớp với “hai phong”" in status and "kiểm tra chính tả" in status
    assert _search(page, base, "?q=dong+thap&nam=2023") == []
    assert "bộ lọc" in page.inner_text("#search-status")


def test_the_header_box_submits_to_the_search_page(page, base: str) -> None:
    page.goto(base + "bai-viet/dong-thap/")
    page.fill("#q", "dak lak")
    page.click(".search-box button")
    page.wait_for_url("**/tin/tim-kiem/?q=dak+lak")
    assert _results(page) == ["dak-lak-title", "dak-lak-host", "dak-lak-body"]


def test_index_is_loaded_lazily_and_only_from_the_site(browser, base: str) -> None:
    context = tools.new_context(browser)
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(base)
        page.goto(base + "bai-viet/dong-thap/")
        assert not [u for u in requested if "search" in u or "/idx/" in u]
        page.goto(base + "tim-kiem/")
        page.wait_for_load_state("networkidle")
        assert not [u for u in requested if "/idx/" in u]       # no query: nothing of the index
        assert _search(page, base, "?q=dong+thap") == ["dong-thap"]
        assert [u for u in requested if "/idx/" in u]
        assert all(u.startswith(base) or u == base.rstrip("/") for u in requested
                   if not u.endswith("favicon.ico")), requested
    finally:
        context.close()


def test_without_javascript_the_page_links_the_archives(browser, base: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "tim-kiem/?q=dak+lak")
        links = {a.get_attribute("href") for a in page.query_selector_all(".search-browse a")}
        assert {"/tin/nam/2024/", "/tin/nam/2020/", "/tin/cum-thi-dua/tay-nguyen/",
                "/tin/cum-thi-dua/tay-nam-bo/"} <= links
        assert not page.is_visible(".search-filters")
    finally:
        context.close()


@pytest.mark.tool
def test_search_page_is_valid_html(built: Path) -> None:
    assert tools.vnu_validate(built / "tim-kiem" / "index.html") == []


# -- the index itself ----------------------------------------------------------------


def test_index_is_deterministic_and_folds_like_readers_type(built: Path, tmp_path: Path) -> None:
    from generator.build.pipeline import model

    config = configure(built.parent / "content", tmp_path / "out")
    first, second = search_files(model(config)), search_files(model(config))
    assert first == second
    written = {p.relative_to(built).as_posix() for p in (built / "tim-kiem" / "idx").rglob("*") if p.is_file()}
    assert written == set(first)
    assert terms("Sở Nội vụ tỉnh ĐẮK LẮK, Đồng Tháp") == ["so", "noi", "vu", "tinh", "dak", "lak", "dong", "thap"]


def _index(site: Path) -> dict[str, bytes]:
    idx = site / "tim-kiem" / "idx"
    return {p.relative_to(idx).as_posix(): p.read_bytes() for p in idx.rglob("*") if p.is_file()}


def _named_by(manifest: dict) -> set[str]:
    """The files the manifest names, found as the search page's script finds them."""
    def split(hashes: str) -> list[str]:
        return [hashes[i:i + HASH_CHARS] for i in range(0, len(hashes), HASH_CHARS)]

    shards, groups = split(manifest["t"]), split(manifest["d"])
    assert len(shards) == len(manifest["keys"]) and len(groups) == -(-manifest["n"] // manifest["g"])
    return ({"manifest.json", f"x.{manifest['x']}.json"} | {f"t/{h}.json" for h in shards}
            | {f"f/{name}.{h}.json" for name, h in manifest["f"].items()}
            | {f"d/{g}.{h}.json" for g, h in enumerate(groups)})


def test_a_body_edit_renames_only_the_index_files_it_changes(tmp_path: Path, monkeypatch, page) -> None:
    # Small shards, so that this small site has many, as a large archive does.
    monkeypatch.setattr(search, "SHARD_BYTES", 200)
    content = _write_site(tmp_path)
    config = configure(content, tmp_path / "site")
    build(config)
    before = _index(tmp_path / "site")
    assert len(before) > 40
    sentence = "Đoàn công tác tham quan mô hình chuyển đổi số tại Sa Đéc."
    with (content / "bai" / "dong-thap.md").open("a", encoding="utf-8") as f:
        f.write(sentence + "\n")
    build(config)
    after = _index(tmp_path / "site")

    # The manifest names exactly the files of this build, each named after its bytes.
    manifest = json.loads(after["manifest.json"])
    assert _named_by(manifest) == set(after)
    assert all(name.removesuffix(".json")[-HASH_CHARS:] == search.content_hash(data)
               for name, data in after.items() if name != "manifest.json")
    # What changed: the group of the article's record, the shards of words it gained, the
    # list of words (it has new ones) and the manifest.
    added, removed, kept = set(after) - set(before), set(before) - set(after), set(before) & set(after)
    assert {n.split("/")[0] for n in added} == {"t", "d", f"x.{manifest['x']}.json"}
    assert [n.split(".")[0] for n in added if n.startswith("d/")] == [f"d/{3 // manifest['g']}"]   # id 3: 4th newest
    words = terms(sentence)
    assert len(removed) <= len(added) <= len(set(words)) + len(words) + 2      # words, pairs, group, list
    # Most names are kept (the old layout, with a folder per build, kept only the manifest's),
    # and a name kept holds the same bytes.
    assert len(kept) >= 3 * len(removed)
    assert all(before[name] == after[name] for name in kept - {"manifest.json"})
    assert before["manifest.json"] != after["manifest.json"]
    # The search page finds its way through the many shards, to the new words too.
    assert len(manifest["keys"]) > 20
    with tools.serve_directory(tmp_path / "site", "/tin/") as url:
        assert _search(page, url, "?q=sa+dec") == ["dong-thap"]
        assert _search(page, url, "?q=dak+lak") == ["dak-lak-title", "dak-lak-host", "dak-lak-body"]
        assert _search(page, url, "?q=luu+tru&nam=2019") == [f"van-thu-{n}" for n in range(12, 2, -1)]


@pytest.mark.parametrize("ids", [[], [0], [0, 1, 2, 3], [5, 31, 32, 33, 1023, 1024, 99_999], list(range(0, 5000, 7))])
def test_id_lists_round_trip(ids: list[int]) -> None:
    assert decode_ids(encode_ids(ids)) == ids


def test_results_page_has_no_accessibility_violations(page, base: str) -> None:
    assert _search(page, base, "?q=dak+lak&cum=tay-nguyen") == ["dak-lak-title", "dak-lak-host"]
    violations = tools.run_axe(page, {"runOnly": ["wcag2a", "wcag2aa"]})
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []


def test_results_fit_a_phone_screen(browser, base: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        assert _search(page, base, "?q=dong+thap") == ["dong-thap"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.is_visible(".search-filters")
    finally:
        context.close()
