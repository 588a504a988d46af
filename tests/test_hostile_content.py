"""Hostile content: nothing from content/ runs script, leaves content/, or leaks a file.

``tests/fixtures/hostile/site`` puts markup into every field (site title, clusters,
title, summary, captions, attendees, awards, scores, tags, author, source, body) and
builds; the output is scanned as a browser would parse it. ``…/broken`` holds what
must stop a build (traversal paths, bombs, unsafe SVG); the test adds symlinks leading
out of the tree at run time, and checks that the build fails with the project's own
messages, writes nothing, and copies no secret.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

import tools
from hostile_scan import scan_html, scan_site
from sitekit import PROGRESS

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
SECRET = "SECRET-4f1c2e-do-not-publish"


def run_build(content: Path, output: Path, *extra: str, env: dict | None = None, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content),
                           "--output", str(output), *extra], capture_output=True, text=True,
                          cwd=tools.ROOT, env={**os.environ, **(env or {})}, timeout=timeout)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file below *root* with the hash of its bytes (symlinks by their target)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(FIXTURES / "site", content)     # a build may write beside content (.published-urls)
    out = root / "site"
    proc = run_build(content, out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bundled")
    out = root / "site"
    content = shutil.copytree(tools.ROOT / "content", root / "content")   # the build writes .published-urls there
    proc = run_build(content, out)
    assert proc.returncode == 0, proc.stderr
    return out


# -- the scanner itself must see each vector, or the scans below prove nothing ----------

@pytest.mark.parametrize("snippet", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  JaVa\tScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{}</style>",
    '<div style="color:red">x</div>',
    "<svg onload=alert(1)></svg>",
    '<svg><a><animate attributeName="href" values="javascript:alert(1)"/></a></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    '<object data="x"></object>',
    '<embed src="x">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"></form>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
])
def test_scanner_finds_each_vector(snippet):
    assert scan_html(snippet, "snippet"), f"the scanner misses {snippet}"


def test_scanner_accepts_escaped_text_and_safe_markup():
    safe = ('<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=alert(1) javascript:alert(1)</p>'
            '<a href="https://example.gov.vn/">ok</a><a href="/tin/x/">ok</a><a href="#main">ok</a>'
            '<img src="/tin/media/a.png" alt="a"><table><tr><td>1</td></tr></table>')
    assert scan_html(safe, "safe") == []


# -- the hostile site ----------------------------------------------------------------------

def test_hostile_site_output_holds_nothing_executable(hostile_site):
    findings = scan_site(hostile_site, "/tin/")
    assert findings == [], "\n".join(findings)
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > 10   # article, page, cluster, units, years, redirects: all were scanned


def test_hostile_site_text_never_becomes_markup(hostile_site):
    """The payloads are still there, as the text the editor typed: escaped, not dropped."""
    article = (hostile_site / "bai-viet" / "hoi-nghi-xss" / "index.html").read_text("utf-8")
    doc = lxml_html.fromstring(article)
    title = "Hội nghị \"><script>alert('title')</script> <svg onload=alert('title-svg')>"
    assert doc.xpath("string(//h1)") == title
    assert doc.xpath("//meta[@property='og:title']/@content") == [title]
    text = doc.text_content()
    for typed in ("<script>alert('attendee')</script>", "Nguyễn \" onclick=\"alert('attendee-name')",
                  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('author')\">",
                  "<script>alert('tag')</script>", "</dd><style>body{display:none}</style><dd>",
                  "<math><mtext><script>alert('conferred')</script></mtext></math>"):
        assert typed in text, typed
    assert doc.xpath("//figcaption") and "<img src=x onerror=alert('caption')>" in doc.xpath("string(//figcaption)")
    assert "{{ config }}" in text        # front-matter is data, never template source
    source = doc.xpath("//a[starts-with(@href, 'https://example.gov.vn/\"')]/@href")
    assert source == ["https://example.gov.vn/\"><script>alert('source')</script>"]


def test_hostile_site_keeps_safe_formatting(hostile_site):
    """Sanitising keeps what editors need: emphasis, tables, safe links, images, code."""
    doc = lxml_html.fromstring((hostile_site / "bai-viet" / "hoi-nghi-xss" / "index.html").read_bytes())
    assert doc.xpath("//strong[text()='chữ đậm']") and doc.xpath("//em[text()='nghiêng']")
    assert doc.xpath("//a[@href='https://example.gov.vn/' and text()='liên kết an toàn']")
    assert doc.xpath("//table//td")
    assert "<script>alert('code')</script>" in doc.xpath("string(//td/code)")
    assert "<script>alert('fenced code')</script>" in doc.xpath("string(//pre/code)")
    images = doc.xpath("//img/@src")
    assert "/tin/media/anh.png" in images and "/tin/media/ve.svg" in images
    assert (hostile_site / "media" / "ve.svg").is_file()


def test_hostile_redirects_and_page_are_plain(hostile_site):
    moved = hostile_site / "bai-viet" / "ten-cu-xss" / "index.html"
    assert 'content="0; url=/tin/bai-viet/hoi-nghi-xss/"' in moved.read_text("utf-8")
    page = lxml_html.fromstring((hostile_site / "gioi-thieu" / "index.html").read_bytes())
    assert page.xpath("string(//h1)") == "Giới thiệu <script>alert('page-title')</script>"


def test_bundled_theme_has_no_inline_script_or_style(bundled_site):
    """The theme satisfies its own CSP: scripts and styles come from files under static/."""
    findings = scan_site(bundled_site, "/tin/")
    assert findings == [], "\n".join(findings)
    for page in bundled_site.rglob("*.html"):
        doc = lxml_html.fromstring(page.read_bytes())
        assert not doc.xpath("//script[not(@src)]"), page
        assert not doc.xpath("//style | //*[@style]"), page
        for src in doc.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
            assert src.startswith("/tin/static/"), (page, src)


_CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
    e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


def _open_without_bypass(browser, base: str, paths: list[str]) -> dict[str, tuple[list, list, list]]:
    """Open each page in one context that enforces the CSP (no bypass_csp here); per page:
    the violations reported, the dialogs opened (alert), the console messages."""
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        console: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: console.append(m.text))
        page.add_init_script(_CSP_LISTENER)
        seen = {}
        for path in paths:
            dialogs.clear()
            console.clear()
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(100)           # let late events (image errors, refresh) fire
            seen[path] = (page.evaluate("window.__csp || []"), list(dialogs), list(console))
        return seen
    finally:
        context.close()


def test_csp_produces_no_violation_in_chromium(browser, bundled_site, hostile_site):
    """Pages of the bundled site and of the hostile site: the CSP meta reports no violation
    (the theme obeys it) and no script from content ever runs (no dialog)."""
    for site, paths in ((bundled_site, ["", "bai-viet/bac-bo-tong-ket-2020/", "cum-thi-dua/", "tim-kiem/"]),
                        (hostile_site, ["bai-viet/hoi-nghi-xss/", "gioi-thieu/", "cum-thi-dua/bac-bo/",
                                        "bai-viet/ten-cu-xss/"])):
        with tools.serve_directory(site, "/tin/") as base:
            for path, (violations, dialogs, console) in _open_without_bypass(browser, base, paths).items():
                assert dialogs == [], (path, dialogs)
                assert violations == [], (path, violations, console)


def test_the_listener_sees_a_violation(browser, tmp_path):
    """Control: an inline script under the same CSP is reported, so silence above means something."""
    page_html = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                 "content=\"default-src 'self'; script-src 'self'\"></head>"
                 "<body><script>alert(1)</script></body></html>")
    (tmp_path / "index.html").write_text(page_html, "utf-8")
    with tools.serve_directory(tmp_path, "/") as base:
        violations, dialogs, _ = _open_without_bypass(browser, base, [""])[""]
    assert dialogs == [] and any("script-src" in v for v in violations)


# -- the broken tree: traversal, symlinks out, bombs ---------------------------------------

@pytest.fixture
def broken(tmp_path) -> dict:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, "utf-8")
    (outside / "secret.md").write_text(f"---\ntitle: {SECRET}\ndate: 2020-01-01\n---\n{SECRET}\n", "utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "leak.md").write_text(f"---\ntitle: {SECRET}\ndate: 2020-01-01\n---\n", "utf-8")
    (outside / "secret.png").write_bytes(SECRET.encode())
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "broken", content)
    (content / "media" / "secret.png").symlink_to(outside / "secret.png")
    (content / "media" / "passwd.txt").symlink_to("/etc/passwd")
    (content / "reports" / "linked.md").symlink_to(outside / "secret.md")
    (content / "reports" / "linked-folder").symlink_to(outside / "folder", target_is_directory=True)
    (content / "media" / "inside.png").symlink_to(content / "media" / "ok.png")   # stays inside: allowed
    return {"root": tmp_path, "content": content, "outside": outside}


def test_broken_tree_fails_with_messages_and_writes_nothing(broken):
    root, content = broken["root"], broken["content"]
    output = root / "public"
    good = root / "good"
    shutil.copytree(FIXTURES / "broken", good, ignore=shutil.ignore_patterns("*.md", "*.svg"))
    (good / "reports" / "ok.md").write_text("---\ntitle: Bài đúng\ndate: 2020-01-01\n---\nNội dung.\n", "utf-8")
    first = run_build(good, output)
    assert first.returncode == 0, first.stderr
    before_output = tree_digest(output)
    before_root = {p for p in tree_digest(root) if not p.startswith(("public/", "content/", "good/"))}

    proc = run_build(content, output)
    assert proc.returncode == 1
    err = proc.stderr
    assert "Traceback" not in err and "Error:" not in err
    assert SECRET not in err + proc.stdout
    expected = [
        ("reports/linked.md", "link to a place outside the content folder"),
        ("reports/linked-folder", "link to a place outside the content folder"),
        ("media/secret.png", "link to a place outside the content folder"),
        ("media/passwd.txt", "link to a place outside the content folder"),
        ("reports/traversal.md:", "leads outside the content folder"),
        ("reports/traversal.md:", "slug"),
        ("reports/traversal.md:", "id"),
        ("reports/traversal.md:", "aliases"),
        ("reports/traversal-images.md:8: images", "is a path on one computer"),
        ("reports/traversal-images.md:5: images", "leads outside the content folder"),
        ("reports/traversal-images.md:7: images", "leads outside the content folder"),
        ("reports/bomb.md:", "more than 20000 values"),
        ("reports/deep.md:", "nested more than 40 levels deep"),
        ("reports/surrogate.md:", "type the character itself"),
        ("media/evil.svg:", "<script> element"),
        ("media/handler.svg:", "event handler onload="),
        ("media/entity.svg:", "declares its own entities"),
        ("media/animate.svg:", "changes a link"),
    ]
    lines = err.splitlines()
    for where, what in expected:
        assert any(where in line and what in line for line in lines), f"no message for {where} … {what}:\n{err}"
    for line in lines:
        if line.startswith((str(content), "build failed", "warning:")) or PROGRESS.match(line):
            continue        # progress: "[3/5] model … 5.0 s" when a busy machine slows the build
        pytest.fail(f"a line that is not a project message: {line!r}")
    assert "was not changed" in err

    assert tree_digest(output) == before_output, "a failed build changed the output"
    after_root = {p for p in tree_digest(root) if not p.startswith(("public/", "content/", "good/"))}
    assert after_root - before_root <= {".public.lock"}, after_root - before_root
    for path in output.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


def test_inside_links_build_and_no_secret_is_copied(broken, tmp_path):
    """With only the refused files gone, the same tree builds: the symlink that stays inside
    content/ is served, and nothing from outside is in the output."""
    content = broken["content"]
    for rel in ("reports/traversal.md", "reports/traversal-images.md", "reports/bomb.md", "reports/deep.md", "reports/surrogate.md",
                "reports/linked.md", "reports/linked-folder", "media/secret.png", "media/passwd.txt"):
        (content / rel).unlink()
    for svg in (content / "media").glob("*.svg"):
        svg.unlink()
    (content / "reports" / "uses-media.md").write_text(
        "---\ntitle: Ảnh\ndate: 2020-01-01\nimages: [../media/inside.png]\n---\n![a](../media/ok.png)\n", "utf-8")
    output = tmp_path / "out"
    proc = run_build(content, output)
    assert proc.returncode == 0, proc.stderr
    assert (output / "media" / "inside.png").read_bytes() == (content / "media" / "ok.png").read_bytes()
    for path in output.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("where", ["content", "parent", "root"])
def test_output_never_replaces_content(tmp_path, where):
    content = tmp_path / "c"
    shutil.copytree(FIXTURES / "site", content)
    output = {"content": content, "parent": tmp_path, "root": Path("/")}[where]
    before = tree_digest(content)
    proc = run_build(content, output)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "choose another --output" in proc.stderr
    assert tree_digest(content) == before
