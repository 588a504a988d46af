"""What the portal and search engines read: feeds, sitemap, robots.txt, data exports,
image sizes — checked with real parsers (feedparser, lxml) against the content."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import etree
from PIL import Image

from generator.build import pipeline
from generator.render.exports import DATASETS
from generator.output.verify import verify

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://snv.example.gov.vn/tin/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP_XSD = Path(__file__).parent / "data" / "sitemap.xsd"
PHOTO_ARTICLE = "reports/2024/trung-du-mien-nui-phia-bac-tong-ket-2023.md"


def front_matter(path: Path) -> dict:
    text = path.read_text("utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def add_photo(content: Path) -> None:
    """A 2000×1200 JPEG with EXIF in the front-matter images of one article, and in its body."""
    im = Image.new("RGB", (2000, 1200), (30, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    (content / "media" / "2024").mkdir(parents=True, exist_ok=True)
    im.save(content / "media" / "2024" / "hoi-nghi.jpg", quality=90, exif=exif)
    article = content / PHOTO_ARTICLE
    text = article.read_text("utf-8")
    text = text.replace("\n---\n", "\nimages:\n  - {src: /media/2024/hoi-nghi.jpg, caption: Quang cảnh hội nghị}\n---\n", 1)
    article.write_text(text + "\n![Toàn cảnh](../../media/2024/hoi-nghi.jpg)\n", "utf-8")


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    c = tmp_path_factory.mktemp("portal") / "content"
    shutil.copytree(ROOT / "content", c)
    add_photo(c)
    return c


def _build(content: Path, out: Path):
    config = pipeline.configure(content, out)
    return pipeline.build(config)


@pytest.fixture(scope="module")
def site(content: Path) -> Path:
    out = content.parent / "site"
    _build(content, out)
    return out


def reports(content: Path) -> dict[str, dict]:
    return {p.relative_to(content).as_posix(): front_matter(p) for p in sorted((content / "reports").rglob("*.md"))}


# -- feeds ---------------------------------------------------------------------------


def _atom_structure(data: bytes) -> etree._Element:
    """RFC 4287's required elements, read with lxml."""
    root = etree.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", entry.findtext(f"{ATOM}updated"))
    return root


def test_site_feed_is_valid_atom_with_the_articles_as_written(site: Path, content: Path):
    data = (site / "feed.xml").read_bytes()
    _atom_structure(data)
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    written = reports(content)
    assert len(feed.entries) == len(written)
    titles = {fm["title"] for fm in written.values()}
    assert {e.title for e in feed.entries} == titles        # full Vietnamese titles, no truncation
    by_title = {fm["title"]: fm for fm in written.values()}
    for e in feed.entries:
        fm = by_title[e.title]
        assert e.link == f"{BASE}bai-viet/{fm['slug']}/" if "slug" in fm else e.link.startswith(BASE)
        assert e.id == e.link
        assert " ".join(e.summary.split()) == " ".join(fm["summary"].split())
        if fm.get("author"):
            assert e.author == fm["author"]
    assert feed.feed.title == yaml.safe_load((content / "site.yaml").read_text("utf-8"))["title"]
    assert any(link.rel == "self" and link.href == BASE + "feed.xml" for link in feed.feed.links)


def test_each_cluster_has_its_own_feed_linked_from_its_page(site: Path, content: Path):
    clusters = yaml.safe_load((content / "clusters.yaml").read_text("utf-8"))
    written = reports(content)
    for c in clusters:
        url = f"cum-thi-dua/{c['slug']}/feed.xml"
        data = (site / url).read_bytes()
        _atom_structure(data)
        feed = feedparser.parse(data)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.feed.title == c["name"]
        expected = {fm["title"] for fm in written.values() if fm.get("cluster") == c["name"]}
        assert expected and {e.title for e in feed.entries} == expected
        page = (site / f"cum-thi-dua/{c['slug']}/index.html").read_text("utf-8")
        assert f'type="application/atom+xml" title="{c["name"]}" href="/tin/{url}"' in page


# -- sitemap and robots --------------------------------------------------------------


def test_sitemap_is_valid_and_lists_every_public_page_with_lastmod_from_content(site: Path, content: Path):
    doc = etree.parse(str(site / "sitemap.xml"))
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    assert schema.validate(doc), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
               for u in doc.getroot().findall("s:url", ns)}
    pages = set()
    for f in site.rglob("index.html"):
        html = f.read_text("utf-8")
        if 'http-equiv="refresh"' in html:
            continue                                   # old addresses redirect; not pages
        pages.add(BASE + f.parent.relative_to(site).as_posix().removeprefix(".") + ("/" if f.parent != site else ""))
    assert set(lastmod) == {p.replace("tin//", "tin/") for p in pages}
    written = reports(content)

    def day(fm: dict) -> str:         # month-only dates ("2023-01") count from the first of the month
        d = str(fm["date"])[:10]
        return d + "-01" if len(d) == 7 else d

    for fm in written.values():
        assert lastmod[f"{BASE}bai-viet/{fm['slug']}/"] == day(fm)
    # A listing page: the newest article it shows.
    bac_bo = [fm for fm in written.values() if fm.get("cluster", "").endswith("Bắc Bộ")]
    assert lastmod[f"{BASE}cum-thi-dua/bac-bo/"] == max(day(fm) for fm in bac_bo)
    assert lastmod[BASE] == max(lastmod[f"{BASE}bai-viet/{fm['slug']}/"] for fm in written.values())


def test_robots_points_at_the_sitemap(site: Path):
    robots = (site / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


# -- data exports --------------------------------------------------------------------


def _csv(site: Path, name: str) -> list[dict[str, str]]:
    raw = (site / "du-lieu" / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _json(site: Path, name: str) -> list[dict]:
    return json.loads((site / "du-lieu" / f"{name}.json").read_text("utf-8"))["records"]


def test_exports_read_back_equal_the_content(site: Path, content: Path):
    written = reports(content)
    conferences = _csv(site, "hoi-nghi")
    assert [r["title"] for r in conferences] == [fm["title"] for fm in sorted(
        (fm for fm in written.values() if fm.get("cluster")), key=lambda fm: (str(fm["date"]), fm["slug"]))]
    for row in conferences:
        fm = next(fm for fm in written.values() if fm["title"] == row["title"])
        assert row["cluster"] == fm["cluster"] and row["host"] == fm.get("host", "")
        assert row["url"] == f"{BASE}bai-viet/{fm['slug']}/"

    scores = [r for r in _csv(site, "diem") if r["cluster_slug"] == "bac-bo" and r["year"] == "2020"]
    fm = written["reports/2020/bac-bo-tong-ket-2020.md"]
    assert [(r["unit"], r["rank"], r["points"]) for r in scores] == [
        (s["unit"], str(s["rank"]), str(s.get("points", ""))) for s in fm["scores"]]

    elections = {(r["cluster_slug"], int(r["term"])): r for r in _json(site, "bau-cu")}
    for fm in written.values():
        if fm.get("elected"):
            slug = next(c["slug"] for c in yaml.safe_load((content / "clusters.yaml").read_text("utf-8"))
                        if c["name"] == fm["cluster"])
            row = elections[(slug, fm["elected"]["term"])]
            assert row["chair"] == fm["elected"]["chair"]
            assert row["vice_chair"] == fm["elected"].get("vice_chair", "")
            assert f"{BASE}bai-viet/{fm['slug']}/" in row["elected_at"]

    awards = _csv(site, "khen-thuong")
    expected = sorted((fm["title"], a["award"]) for fm in written.values() for a in fm.get("awards", []))
    titles = {f"{BASE}bai-viet/{fm['slug']}/": fm["title"] for fm in written.values()}
    assert sorted({(titles[r["article_url"]], r["award"]) for r in awards}) == sorted(set(expected))


def test_json_and_csv_hold_the_same_records_in_a_stable_order(site: Path, content: Path, tmp_path: Path):
    for ds in DATASETS:
        rows = _csv(site, ds.name)
        records = _json(site, ds.name)
        assert len(rows) == len(records) and list(rows[0]) == list(ds.fields) if rows else True
        for row, rec in zip(rows, records):
            for f in ds.fields:
                value = rec[f]
                shown = " ".join(value) if isinstance(value, list) else "" if value is None else str(value)
                assert row[f] == shown
    again = tmp_path / "again"
    _build(content, again)
    for f in sorted((site / "du-lieu").iterdir()):
        assert (again / "du-lieu" / f.name).read_bytes() == f.read_bytes()


def test_every_exported_field_is_documented():
    doc = (ROOT / "docs" / "data-exports.md").read_text("utf-8")
    for ds in DATASETS:
        assert f"`{ds.name}.csv`" in doc and f"`{ds.name}.json`" in doc
        section = doc.split(f"## {ds.title}", 1)[1].split("\n## ", 1)[0]
        for f in ds.fields:
            assert f"| `{f}` |" in section, f"{ds.name}: field {f} is not documented"


def test_data_page_lists_every_file_in_vietnamese(site: Path):
    page = (site / "du-lieu" / "index.html").read_text("utf-8")
    assert "<h1>Dữ liệu mở</h1>" in page
    for ds in DATASETS:
        for ext in ("csv", "json"):
            assert f'href="/tin/du-lieu/{ds.name}.{ext}"' in page
            assert (site / "du-lieu" / f"{ds.name}.{ext}").is_file()
    assert "Điểm thi đua" in page and "Hội nghị" in page


# -- assets --------------------------------------------------------------------------


def test_article_images_get_sizes_and_responsive_variants(site: Path):
    html = (site / "bai-viet/trung-du-mien-nui-phia-bac-tong-ket-2023/index.html").read_text("utf-8")
    imgs = re.findall(r"<img [^>]*hoi-nghi\.jpg[^>]*>", html)
    assert len(imgs) == 2                                   # the gallery and the body
    for tag in imgs:
        assert 'width="2000" height="1200"' in tag
        srcset = re.search(r'srcset="([^"]+)"', tag).group(1)
        widths = []
        for part in srcset.split(", "):
            url, w = part.split()
            widths.append(int(w[:-1]))
            file = site / url.removeprefix("/tin/")
            with Image.open(file) as im:
                assert im.width == int(w[:-1])
                assert im.height == round(1200 * im.width / 2000)
                if im.width < 2000:
                    assert not im.getexif(), "variants carry no EXIF"
        assert widths == [480, 960, 1440, 2000]
        assert 'sizes="' in tag
    svg = re.search(r'<img [^>]*bac-bo-2020-diem\.svg[^>]*>',
                    (site / "bai-viet/bac-bo-tong-ket-2020/index.html").read_text("utf-8")).group(0)
    assert 'width="640" height="300"' in svg


def test_variant_names_are_stable_and_follow_the_image(content: Path, site: Path, tmp_path: Path):
    names = sorted(p.name for p in (site / "media" / "2024").iterdir())
    assert len(names) == 4 and all(re.fullmatch(r"hoi-nghi(-\d+w\.[0-9a-f]{8})?\.jpg", n) for n in names)
    other = tmp_path / "content"
    shutil.copytree(content, other)
    _build(other, tmp_path / "a")
    assert sorted(p.name for p in (tmp_path / "a" / "media" / "2024").iterdir()) == names
    Image.new("RGB", (2000, 1200), (200, 20, 20)).save(other / "media" / "2024" / "hoi-nghi.jpg")
    _build(other, tmp_path / "b")
    changed = sorted(p.name for p in (tmp_path / "b" / "media" / "2024").iterdir())
    assert changed != names and "hoi-nghi.jpg" in changed


def test_html_is_small_with_hashed_assets_and_nothing_inline(site: Path):
    for f in site.rglob("*.html"):
        html = f.read_text("utf-8")
        assert len(html.encode()) < 40_000, f
        assert "<style" not in html and " style=" not in html, f
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f
        assert "data:" not in html.replace("img-src 'self' data:", ""), f
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
            assert re.search(r"\.[0-9a-f]{8}\.css$", href) and (site / href.removeprefix("/tin/")).is_file()


def test_verify_finds_a_missing_file(site: Path, content: Path, tmp_path: Path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    config = pipeline.configure(content, copy)
    assert verify(copy, config) == []
    (copy / "du-lieu" / "diem.csv").unlink()
    problems = [p.format() for p in verify(copy, config)]
    assert problems and all("du-lieu/diem.csv" in p for p in problems)
    assert any(p.startswith("du-lieu/index.html: link: ") for p in problems)


@pytest.mark.tool
def test_new_pages_are_valid_html(site: Path):
    import tools

    pages = [site / "du-lieu" / "index.html", site / "cum-thi-dua" / "bac-bo" / "index.html",
             site / "bai-viet/trung-du-mien-nui-phia-bac-tong-ket-2023/index.html"]
    assert tools.vnu_validate(pages) == []
