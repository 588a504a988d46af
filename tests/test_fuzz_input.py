"""Property: any content folder ends in a complete site or in the project's own error
messages — never a traceback, never a hang, never unbounded memory — and a site built
from hostile text holds nothing that runs script.

How much runs: the Hypothesis profile (tests/conftest.py) — ``ci``/``dev`` a hundred
examples per property, ``long`` twenty thousand: ``HYPOTHESIS_PROFILE=long make fuzz``.
Bounds: each in-process build runs under an alarm (:data:`HANG_SECONDS`) and
tracemalloc (:data:`PEAK_BYTES`); the subprocess sample runs the real command with a
timeout and an address-space limit (:data:`ADDRESS_SPACE`).
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tools
from fuzz_content import document, front_matter_text, markdown_body
from sitekit import PROGRESS
from generator.build import pipeline
from generator.render import render
from generator.core.errors import BuildFailed, Severity
from hostile_scan import scan_html

pytestmark = pytest.mark.slow

HANG_SECONDS = 30                  # far beyond any honest build of these few files
PEAK_BYTES = 200 * 1024 * 1024     # Python-level allocations of load, validate and model
ADDRESS_SPACE = 2 * 1024 ** 3      # the whole `confsite build` process
SUBPROCESS_TIMEOUT = 120
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
                    "53de0000000c4944415478da63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")
SAFE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'
PROBLEM_LINE = re.compile(r"^(warning: )?\S.*?(:\d+)?: .+")
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                          HealthCheck.large_base_example])


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared between the many builds of this module (compiling the
    theme costs more than building a small site; the templates never change here)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="module", autouse=True)
def shared_template_cache():
    cache = _MemoryBytecodeCache()
    original = render.environment

    def environment(*args, **kwargs):
        env = original(*args, **kwargs)
        env.bytecode_cache = cache
        return env
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(render, "environment", environment)
        yield


class Hang(Exception):
    pass


@contextmanager
def bounded(seconds: int):
    """Fail (raise :class:`Hang`) if the block runs longer than *seconds*."""
    def alarm(signum, frame):
        raise Hang(f"the build ran for more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def content_folder(root: Path, documents: list[bytes], page: bytes | None = None) -> Path:
    content = root / "content"
    (content / "reports").mkdir(parents=True)
    (content / "media").mkdir()
    (content / "site.yaml").write_text("title: Thử nghiệm\nbase_url: https://snv.example.gov.vn/tin/\n", "utf-8")
    (content / "clusters.yaml").write_text("- name: Cụm thi đua các tỉnh, thành Bắc Bộ\n  members: [Sở Nội vụ tỉnh A]\n",
                                           "utf-8")
    (content / "media" / "a.png").write_bytes(PNG)
    (content / "media" / "a.svg").write_bytes(SAFE_SVG)
    for n, data in enumerate(documents):
        (content / "reports" / f"bai-{n}.md").write_bytes(data)
    if page is not None:
        (content / "pages").mkdir()
        (content / "pages" / "trang.md").write_bytes(page)
    return content


def build_in_process(content: Path) -> tuple[pipeline.BuildResult | None, list, int]:
    """The pipeline without the write, bounded in time. Memory is measured over load,
    validate and model, where the size of the input decides the work (tracemalloc slows
    code down several times; the rendering is bounded by the subprocess runs below)."""
    config = pipeline.configure(content, content.parent / "site")
    with bounded(HANG_SECONDS):
        tracemalloc.start()
        try:
            try:
                site, problems = pipeline.model(config), []
            except BuildFailed as exc:
                site, problems = None, exc.problems
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        result = None
        if site is not None:
            result = pipeline.BuildResult(config, render.render_site(site), None, _site=site)
    return result, problems, peak


def check_outcome(content: Path, result, problems, peak: int) -> None:
    assert peak < PEAK_BYTES, f"one build allocated {peak / 1e6:.0f} MB"
    if result is None:
        errors = [p for p in problems if p.severity is Severity.ERROR]
        assert errors, "a failed build must say why"
        for p in problems:
            text = p.format()
            assert PROBLEM_LINE.match(text) and "\n" not in text, text
            assert p.path.startswith(str(content)) or p.path.startswith("templates/"), text
            assert p.message.strip(), text
        return
    files = result.rendered.files
    for article in result.site.articles:
        assert article.url + "index.html" in files, f"no page for {article.source}"
    for required in ("index.html", "404.html", "feed.xml", "sitemap.xml"):
        assert required in files
    theme_scripts = {result.site.config.base_path + p for p in files if p.startswith("static/") and p.endswith(".js")}
    for path, data in files.items():
        if path.endswith(".html"):
            findings = scan_html(data.decode("utf-8"), path, theme_scripts)
            assert findings == [], findings


@SETTINGS
@given(st.lists(document(), min_size=1, max_size=3))
def test_any_articles_end_in_a_site_or_in_messages(docs):
    with tempfile.TemporaryDirectory(prefix="confsite-fuzz-") as tmp:
        content = content_folder(Path(tmp), docs)
        check_outcome(content, *build_in_process(content))


@SETTINGS
@given(front_matter_text(), markdown_body())
def test_well_formed_files_with_any_values(fm, body):
    """Always UTF-8 and always closed front-matter: the values and the body are the hostile part."""
    doc = f"---\n{fm}\n---\n{body}\n".encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory(prefix="confsite-fuzz-") as tmp:
        content = content_folder(Path(tmp), [doc], page=doc)
        check_outcome(content, *build_in_process(content))


@SETTINGS
@given(markdown_body(), st.sampled_from(["Hội nghị <b>x</b>", "Cụm \u202e", "👨‍👩‍👧 Tổng kết"]))
def test_valid_front_matter_always_builds(body, title):
    """With correct fields, any body builds (body problems are only missing or outside files, and
    lists or quotes nested past what can be shown, which would otherwise lose text)."""
    doc = f'---\ntitle: "{title}"\ndate: 2020-12-11\n---\n{body}\n'.encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="confsite-fuzz-") as tmp:
        content = content_folder(Path(tmp), [doc])
        result, problems, peak = build_in_process(content)
        check_outcome(content, result, problems, peak)
        if result is None:
            fields = {p.field for p in problems if p.severity is Severity.ERROR and not
                      (p.field == "body" and "nested too deeply" in p.message)}
            assert fields <= {"link", "image"}, [p.format() for p in problems]


# -- the real command, in a subprocess with a timeout and an address-space limit -------------

def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_cli(content: Path, output: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                               str(output)], capture_output=True, text=True, cwd=tools.ROOT, env=dict(os.environ),
                              timeout=SUBPROCESS_TIMEOUT, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"confsite build ran for more than {SUBPROCESS_TIMEOUT} s (a hang)")


def check_cli(proc: subprocess.CompletedProcess, output: Path) -> None:
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-3000:])
    if proc.returncode == 0:
        assert (output / "index.html").is_file() and (output / ".confsite.json").is_file()
    else:
        lines = proc.stderr.splitlines()
        assert lines and lines[-1].startswith("build failed:"), proc.stderr[-3000:]
        for line in lines[:-1]:
            if PROGRESS.match(line):
                continue        # "[1/5] load … 2.5 s": a build past two seconds (a busy machine) tells its stages
            assert PROBLEM_LINE.match(line) or line.startswith("… and "), line


BOMBS = {
    "billion-laughs": "---\n" + "\n".join(["a: &a [" + ",".join(['"lol"'] * 9) + "]"] + [
        f"{k}: &{k} [" + ",".join([f"*{p}"] * 9) + "]" for p, k in zip("abcdefgh", "bcdefghi")]) + "\ntitle: x\n---\n",
    "recursive-alias": "---\na: &a [*a, *a]\ntitle: x\ndate: 2020-01-01\n---\n",
    "deep-flow": "---\ntitle: x\ndate: 2020-01-01\ntags: " + "[" * 200_000 + "]" * 200_000 + "\n---\n",
    "deep-blockquote": "---\ntitle: x\ndate: 2020-01-01\n---\n" + ">" * 900_000 + " x\n",
    "deep-list": "---\ntitle: x\ndate: 2020-01-01\n---\n" + "".join("  " * i + "- x\n" for i in range(900)),
    "deep-html": "---\ntitle: x\ndate: 2020-01-01\n---\n" + "<div>" * 150_000 + "x\n",
    "nested-html-under-budget": "---\ntitle: x\ndate: 2020-01-01\n---\n" + "<div><b>" * 4_900 + "x\n",
    "emphasis-storm": "---\ntitle: x\ndate: 2020-01-01\n---\n" + "*a_" * 250_000 + "\n",
    "bracket-storm": "---\ntitle: x\ndate: 2020-01-01\n---\n" + "[](" * 250_000 + "\n",
    "many-links": "---\ntitle: x\ndate: 2020-01-01\n---\n" + "[a](/media/a.png) " * 50_000 + "\n",
    "huge-title": "---\ntitle: " + "Hội nghị " * 60_000 + "\ndate: 2020-01-01\n---\n",
    "wide-table": "---\ntitle: x\ndate: 2020-01-01\n---\n" + "|a" * 20_000 + "|\n" + "|-" * 20_000 + "|\n" + "|1" * 20_000 + "|\n",
    "many-keys": "---\ntitle: x\ndate: 2020-01-01\n" + "".join(f"k{n}: {n}\n" for n in range(9_000)) + "---\n",
    "nul-bytes": "---\ntitle: x\x00\ndate: 2020-01-01\n---\n\x00\x00<script>\x00</script>\n",
}


# What each bomb must end in: a message (part of it), or "" for a complete site.
EXPECTED = {
    "billion-laughs": "front-matter: more than 20000 values (repeated aliases?)",
    "recursive-alias": "front-matter: nested more than 40 levels deep",
    "deep-flow": "front-matter: nested more than 40 levels deep",
    "deep-blockquote": "body: lists or quotes are nested too deeply here",
    "deep-list": "body: lists or quotes are nested too deeply here",
    "huge-title": "", "wide-table": "", "many-keys": "",
    "nested-html-under-budget": "",
    "deep-html": "body: the text holds 150000 HTML tags, more than the 10000 a page can have",
    "emphasis-storm": "body: the text holds 500000 * and _ marks",
    "bracket-storm": "body: the text holds 250000 [ brackets",
    "many-links": "body: the text holds 50000 [ brackets",
    "nul-bytes": "2: front-matter: the text holds the invisible control character U+0000",
}


def bomb_folder(root: Path, names: list[str]) -> Path:
    content = content_folder(root, [])
    for name in names:
        text = BOMBS[name].replace("title: x", f"title: {name}", 1)
        (content / "reports" / f"{name}.md").write_bytes(text.encode("utf-8"))
    return content


def test_bombs_are_refused_each_with_its_message(tmp_path):
    """All refused bombs in one build: each file gets its own message, and nothing else breaks."""
    names = sorted(n for n in BOMBS if EXPECTED[n])
    output = tmp_path / "site"
    proc = run_cli(bomb_folder(tmp_path, names), output)
    check_cli(proc, output)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    for name in names:
        assert any(f"/reports/{name}.md:" in line and EXPECTED[name] in line for line in lines), \
            f"{name}: no message with {EXPECTED[name]!r}:\n{proc.stderr[-3000:]}"


def test_big_but_honest_files_build(tmp_path):
    names = sorted(n for n in BOMBS if not EXPECTED[n])
    output = tmp_path / "site"
    proc = run_cli(bomb_folder(tmp_path, names), output)
    check_cli(proc, output)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(list((output / "bai-viet").iterdir())) == len(names)


@settings(SETTINGS, max_examples=max(3, settings.default.max_examples // 20))
@given(st.lists(document(), min_size=1, max_size=3))
def test_a_sample_through_the_command(docs):
    with tempfile.TemporaryDirectory(prefix="confsite-fuzz-") as tmp:
        content = content_folder(Path(tmp), docs)
        output = Path(tmp) / "site"
        check_cli(run_cli(content, output), output)
        shutil.rmtree(content)
