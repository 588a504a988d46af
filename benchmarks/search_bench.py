#!/usr/bin/env python3
"""Search on a large archive: index size, bytes one query downloads, time to first result,
time from a keystroke to updated results; and ranking on the judged query set, beside Pagefind.

    .venv/bin/python benchmarks/search_bench.py [--make-corpus SCRIPT] [--articles 10000]
        [--out benchmarks/out/search] [--no-pagefind]

SCRIPT writes a corpus (called as ``SCRIPT OUT_DIR --articles N``; OUT_DIR/content is then
built); by default benchmarks/make_corpus.py. The site is built with confsite, served under
/tin/, and typical queries run in headless Chromium, each in a fresh browser context
(nothing cached); then queries are typed one key at a time. The judged queries of
tests/search_judged.py run on their own small site through confsite's search page and
through Pagefind (npm ``pagefind``, from package.json) on the same pages; Pagefind also
indexes the large site, for its bytes per query. Not a test: it measures and prints.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

QUERIES = [
    "?q=dak+lak",
    "?q=tuyen+qu",                                    # the last word unfinished
    "?q=%C4%90%E1%BA%AFc+L%E1%BA%AFc",                # Đắc Lắc, a spelling variant
    "?q=cai+cach+hanh+chinnh",                        # a typo
    "?q=%C4%90%E1%BB%93ng+Th%C3%A1p",                 # Đồng Tháp
    "?q=hoi+nghi+tong+ket",                           # three of the commonest words
    "?q=cai+cach+hanh+chinh",
    "?q=nguyen+thi+thu",
    "?q=thi+dua&nam=2020&loai=tong-ket",
]
TYPED = ["tuyen quang", "Đắk Lắk", "cai cach hanh chinh", "so ket 2023"]
PAGEFIND = ROOT / "node_modules" / ".bin" / "pagefind"


def kib(n: float) -> str:
    return f"{n / 1024:,.1f} KiB"


def build_site(corpus_script: Path, articles: int, out: Path) -> Path:
    from generator.build.pipeline import build, configure

    content = out / "corpus" / "content"
    if not (content / "site.yaml").is_file():
        subprocess.run([sys.executable, str(corpus_script), str(out / "corpus"), "--articles", str(articles)],
                       check=True)
    config = configure(content, out / "site", base_url="https://snv.example.gov.vn/tin/")
    start = time.perf_counter()
    result = build(config)
    print(f"build: {len(result.site.articles):,} articles in {time.perf_counter() - start:.1f} s "
          f"(render stage, which includes the index: {result.timings.get('render', 0):.1f} s)")
    from generator.render.search import search_files

    start = time.perf_counter()
    search_files(result.site)
    print(f"index generation alone (from the model): {time.perf_counter() - start:.1f} s")
    return out / "site"


def index_size(site: Path) -> None:
    idx = site / "tim-kiem" / "idx"
    files = [p for p in idx.rglob("*") if p.is_file()]
    groups: dict[str, list[int]] = {}
    for p in files:
        groups.setdefault(p.relative_to(idx).parts[0], []).append(p.stat().st_size)
    total = sum(sum(v) for v in groups.values())
    print(f"index: {len(files):,} files, {kib(total)} on disk")
    names = {"t": "term shards", "f": "filter lists", "d": "result records", "manifest.json": "manifest"}
    for key, sizes in sorted(groups.items()):
        print(f"  {names.get(key, key):15} {len(sizes):6,} files  {kib(sum(sizes)):>14}  largest {kib(max(sizes))}")


def _index_bytes(sizes: dict[str, int], marker: str) -> int:
    return sum(n for u, n in sizes.items() if marker in u)


def browse(site: Path) -> None:
    import tools
    from playwright.sync_api import sync_playwright

    rows = []
    typed = []
    with sync_playwright() as p, tools.serve_directory(site, "/tin/") as base:
        browser = tools.launch_chromium(p)
        try:
            for query in QUERIES:
                context = browser.new_context()
                page = context.new_page()
                sizes: dict[str, int] = {}
                page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
                start = time.perf_counter()
                page.goto(base + "tim-kiem/" + query, wait_until="commit")
                page.wait_for_selector(".search-result, #search-status:has-text('Không')", timeout=60_000)
                first = time.perf_counter() - start
                page.wait_for_load_state("networkidle")
                count = page.inner_text("#search-status")
                rows.append((query, first, _index_bytes(sizes, "/idx/"), sum(sizes.values()), count))
                context.close()
            for text in TYPED:
                context = browser.new_context()
                page = context.new_page()
                sizes = {}
                page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
                page.goto(base + "tim-kiem/")
                times, largest = [], 0
                for n in range(1, len(text) + 1):
                    before = _index_bytes(sizes, "/idx/")
                    times.append(page.evaluate(KEYSTROKE, text[:n]))
                    page.wait_for_load_state("networkidle")
                    largest = max(largest, _index_bytes(sizes, "/idx/") - before)
                typed.append((text, times, largest, _index_bytes(sizes, "/idx/")))
                context.close()
        finally:
            browser.close()
    print("queries (fresh browser context each; index = bytes of index files fetched; "
          "page = everything the search page loaded):")
    for query, first, index, total, count in rows:
        print(f"  {query:40} first result {first * 1000:6.0f} ms   index {kib(index):>10}   "
              f"page {kib(total):>10}   {count}")
    print(f"median time to first result: {statistics.median(r[1] for r in rows) * 1000:.0f} ms; "
          f"largest index download: {kib(max(r[2] for r in rows))}")
    print("typed one key at a time (fresh context each; ms from the keystroke to the results shown, "
          "measured in the page; the first key also fetches the manifest and the list of words):")
    for text, times, largest, total in typed:
        rest = times[1:] or times
        print(f"  {text!r:24} first key {times[0]:5.0f} ms; later keys median {statistics.median(rest):4.0f} ms, "
              f"max {max(rest):4.0f} ms; largest download for one key {kib(largest)}, all keys {kib(total)}")


# Types the whole text into the box as one input event; resolves with the milliseconds
# until the page has shown the results of that text.
KEYSTROKE = """text => new Promise(resolve => {
  const root = document.querySelector('#search'), box = document.querySelector('#search-q');
  const start = performance.now();
  const done = () => root.getAttribute('data-done') === text.trim() && !root.hasAttribute('aria-busy');
  const observer = new MutationObserver(() => {
    if (done()) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(root, { attributes: true });
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
})"""


def pagefind_index(site: Path) -> Path:
    """Pagefind's index of the article pages of *site*, in site/pagefind/."""
    if not PAGEFIND.exists():
        raise SystemExit(f"{PAGEFIND}: not found; run `make npm` (npm ci installs pagefind from package.json)")
    subprocess.run([str(PAGEFIND), "--site", str(site), "--glob", "bai-viet/**/*.html", "--silent"], check=True)
    return site / "pagefind"


PAGEFIND_SEARCH = """async text => {
  const pagefind = await import('/tin/pagefind/pagefind.js');
  const found = await pagefind.search(text);
  const top = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return [found.results.length, top.map(d => d.url)];
}"""


def _slug(url: str) -> str:
    return url.split("?")[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")


def judged(out: Path, pagefind: bool) -> None:
    """The judged query set through confsite's search page and through Pagefind."""
    import tools
    from playwright.sync_api import sync_playwright
    from search_judged import JUDGED, write_site
    from test_search_ranking import type_query

    from generator.build.pipeline import build, configure

    root = out / "judged"
    if root.exists():
        shutil.rmtree(root)
    build(configure(write_site(root), root / "site"))
    if pagefind:
        pagefind_index(root / "site")
    ours, theirs = {}, {}
    with sync_playwright() as p, tools.serve_directory(root / "site", "/tin/") as base:
        browser = tools.launch_chromium(p)
        try:
            page = browser.new_context(bypass_csp=True).new_page()
            page.goto(base + "tim-kiem/")
            for query, _ in JUDGED:
                ours[query] = type_query(page, query)[0][:3]
                if pagefind:
                    theirs[query] = [_slug(u) for u in page.evaluate(PAGEFIND_SEARCH, query)[1][:3]]
        finally:
            browser.close()

    def score(got: dict[str, list[str]]) -> str:
        first = sum(got[q][:1] == [slug] for q, slug in JUDGED)
        top3 = sum(slug in got[q] for q, slug in JUDGED)
        return f"first {first}/{len(JUDGED)} ({first / len(JUDGED):.0%}), top 3 {top3}/{len(JUDGED)}"

    print(f"judged queries ({len(JUDGED)}, tests/search_judged.py), the meant article:")
    print(f"  confsite: {score(ours)}")
    if pagefind:
        print(f"  Pagefind: {score(theirs)}")
        print("  query                          meant                      confsite first  Pagefind first")
        for q, slug in JUDGED:
            mark = lambda got: (got[q][0] if got[q] else "—") + ("" if got[q][:1] == [slug] else " ✗")
            print(f"  {q:30} {slug:26} {mark(ours):15} {mark(theirs)}")


def pagefind_bytes(site: Path) -> None:
    """Bytes Pagefind downloads for the same queries on the large site (fresh context each)."""
    import tools
    from playwright.sync_api import sync_playwright
    from urllib.parse import parse_qs

    pagefind_index(site)
    print("Pagefind on the same site (article pages; bytes of /pagefind/ files fetched per query):")
    with sync_playwright() as p, tools.serve_directory(site, "/tin/") as base:
        browser = tools.launch_chromium(p)
        try:
            for query in QUERIES:
                text = parse_qs(query[1:]).get("q", [""])[0]
                if not text:
                    continue
                context = browser.new_context(bypass_csp=True)
                page = context.new_page()
                sizes: dict[str, int] = {}
                page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
                page.goto(base + "tim-kiem/")
                count, _ = page.evaluate(PAGEFIND_SEARCH, text)
                page.wait_for_load_state("networkidle")
                print(f"  {text:30} index {kib(_index_bytes(sizes, '/pagefind/')):>10}   {count} results")
                context.close()
        finally:
            browser.close()
            shutil.rmtree(site / "pagefind")      # not part of the site confsite builds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make-corpus", type=Path, default=Path(__file__).resolve().parent / "make_corpus.py",
                    help="the corpus generator script, run as SCRIPT OUT_DIR --articles N "
                         "(default: benchmarks/make_corpus.py)")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "search")
    ap.add_argument("--no-pagefind", action="store_true", help="leave Pagefind out")
    args = ap.parse_args()
    if not args.make_corpus.is_file():
        print(f"{args.make_corpus}: no such file; give the corpus generator with --make-corpus", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    site = build_site(args.make_corpus, args.articles, args.out)
    index_size(site)
    browse(site)
    judged(args.out, not args.no_pagefind)
    if not args.no_pagefind:
        pagefind_bytes(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
