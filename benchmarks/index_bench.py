#!/usr/bin/env python3
"""CPU of the search index alone: the site model is built once, then ``index_files(site)``
runs REPEAT times with the cycle collector off (as in a build), without a cache (every
article's entry computed, as in a cold build). Prints the least CPU time of the runs, per
article, and the growth of peak memory over the model's; with --out DIR, writes the files
there (to compare builds byte for byte with ``diff -r``).

    .venv/bin/python benchmarks/make_corpus.py /dev/shm/$USER/c2k --articles 2000 --seed 7
    .venv/bin/python benchmarks/index_bench.py /dev/shm/$USER/c2k/content [--repeat 3] [--out DIR]
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from generator.build.pipeline import configure, model
    from generator.render.search import index_files

    with tempfile.TemporaryDirectory() as tmp:
        site = model(configure(args.content, Path(tmp), base_url="https://snv.example.gov.vn/tin/"))
    gc.collect()
    gc.disable()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(args.repeat):
        start = time.process_time()
        files = index_files(site)
        times.append(time.process_time() - start)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    n = len(site.articles)
    print(f"index_files: {n:,} articles, {len(files):,} files, CPU {min(times):.2f} s "
          f"({min(times) / n * 1000:.3f} ms an article; runs {', '.join(f'{t:.2f}' for t in times)} s), "
          f"peak memory +{grown:.0f} MiB over the model")
    if args.out:
        for name, data in files.items():
            path = args.out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


if __name__ == "__main__":
    main()
