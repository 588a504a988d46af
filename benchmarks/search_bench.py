#!/usr/bin/env python3
"""Search on a large archive: index size, bytes one query downloads, time to first result.

    .venv/bin/python benchmarks/search_bench.py [--make-corpus benchmarks/make_corpus.py]
        [--articles 10000] [--out benchmarks/out/search]

Generates the corpus with benchmarks/make_corpus.py, builds it with confsite, serves
the site under /tin/ and runs typical queries in headless Chromium, each in a fresh
browser context (nothing cached). Not a test: it measures and prints.
"""
from __future__ import annotations

import argparse
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
    "?q=%C4%90%E1%BB%93ng+Th%C3%A1p",                 # Đồng Tháp
    "?q=hoi+nghi+tong+ket",                           # three of the commonest words
    "?q=cai+cach+hanh+chinh",
    "?q=nguyen+thi+thu",
    "?q=thi+dua&nam=2020&loai=tong-ket",
]


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


def browse(site: Path) -> None:
    import tools
    from playwright.sync_api import sync_playwright

    rows = []
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
                index = sum(n for u, n in sizes.items() if "/idx/" in u)
                page_total = sum(sizes.values())
                rows.append((query, first, index, page_total, count))
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make-corpus", type=Path, default=Path(__file__).resolve().parent / "make_corpus.py",
                    help="the corpus generator script (default: benchmarks/make_corpus.py)")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "search")
    args = ap.parse_args()
    if not args.make_corpus.is_file():
        print(f"{args.make_corpus}: no such file; give the corpus generator with --make-corpus", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    site = build_site(args.make_corpus, args.articles, args.out)
    index_size(site)
    browse(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
