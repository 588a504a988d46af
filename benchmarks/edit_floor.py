#!/usr/bin/env python3
"""Where a one-article edit's build spends its time, and the floor of each cost.

    python benchmarks/edit_floor.py /dev/shm/edit/c10k/content --work /dev/shm/edit --runs 3

CONTENT is a corpus of ``benchmarks/make_corpus.py``. After a build that fills the
cache, each run appends a sentence to one article and builds in a fresh process, as
``bench.py``'s one-edit build does, with timers around each stage. In that process it
then measures what each stage cannot go below while it keeps its present design:

* ``start``: the interpreter and the imports a build needs;
* ``stat``: walking the content folder and one ``stat`` a file (how the build tells
  what changed);
* ``cache reads``: unpickling the cache tables the build read (what an earlier build
  found: front-matter fields, bodies' links, signatures);
* ``model as one pickle``: loading the whole site model, made, as one pickle (bodies
  left out): what keeping the model between processes would cost at the least;
* ``route objects``: making as many empty routes as the site has pages, and one
  digest of each (listing and signing every page, at the least);
* ``manifest``: reading and writing the output's manifest (one line a file).

Prints a table (the minimum over runs of each figure, in seconds) and, last, one JSON
object. Not a test: the figures depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "\nMột câu thêm vào để đo thời gian dựng lại.\n"

# Runs in a fresh process: one build after the edit, then the floors.
CHILD = r'''
import json, os, sys, time
t0 = time.perf_counter()
from generator.build import pipeline
from generator.cache import cache as cache_module
from generator.render import routes as routes_module, render as render_module
imports = time.perf_counter() - t0
import gc, pickle, copyreg
from pathlib import Path

content, output = Path(sys.argv[1]), Path(sys.argv[2])
spent = {"cache_reads": 0.0, "cache_files": 0}
read = cache_module.BuildCache._read

def timed_read(self, name):
    start = time.perf_counter()
    try:
        return read(self, name)
    finally:
        spent["cache_reads"] += time.perf_counter() - start
        spent["cache_files"] += 1

cache_module.BuildCache._read = timed_read
config = pipeline.configure(content, output)
start = time.perf_counter()
result = pipeline.build(config)
build = time.perf_counter() - start
site = result.site
assert result.written is not None and result.written.written > 0, "the edit changed nothing"
floors = {"start": imports}
gc.disable()        # as during a build: the floors are of the work, not of the cycle collector

def best(make, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        make()
        times.append(time.perf_counter() - t)
    return min(times)

def walk():
    for folder, dirs, files in os.walk(content):
        for name in files:
            os.stat(os.path.join(folder, name))

floors["stat"] = best(walk)
floors["cache_reads"] = spent["cache_reads"]

from generator.content.lazy import LazyBody
copyreg.pickle(LazyBody, lambda b: (tuple, ((b.media, b.fingerprint),)))
data = pickle.dumps(site, protocol=pickle.HIGHEST_PROTOCOL)
floors["model_pickle"] = best(lambda: pickle.loads(data))

from generator.render.route_type import Route
routes = routes_module.routes(site)
empty = frozenset()
floors["route_objects"] = best(lambda: [Route(r.url, r.template, {}, empty) for r in routes])
from generator.core.hashing import digest
floors["route_digests"] = best(lambda: [digest(r.url, r.template) for r in routes])

from generator.output.write import read_manifest
manifest = read_manifest(output)
floors["manifest"] = best(lambda: json.dumps(read_manifest(output), sort_keys=True))
print(json.dumps({"build": build, "timings": result.timings, "floors": floors,
                  "cache_files": spent["cache_files"], "model_pickle_mb": len(data) / 1e6,
                  "routes": len(routes), "files": len(manifest)}))
'''


def build(content: Path, work: Path) -> dict:
    """One build in a fresh process; the child's JSON."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(content), str(work / "site")], cwd=ROOT, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f"the build failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--work", type=Path, required=True, help="the output (WORK/site) and its cache go here")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    content, work = args.content.resolve(), args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "generator", "--lang", "en", "build", "--content", str(content),
                           "--output", str(work / "site")], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"the first build failed:\n{proc.stderr[-3000:]}")
    print(f"first build (fills the cache): {time.perf_counter() - started:.1f} s", file=sys.stderr)
    article = sorted((content / "reports").rglob("*.md"))[0]
    original = article.read_bytes()
    runs = []
    try:
        for n in range(args.runs):
            article.write_bytes(original + SENTENCE.encode() * (n + 1))
            time.sleep(0.05)        # past the file system's clock resolution
            runs.append(build(content, work))
    finally:
        article.write_bytes(original)
    timings = {k: min(r["timings"].get(k, 0.0) for r in runs) for k in {k for r in runs for k in r["timings"]}}
    floors = {k: min(r["floors"][k] for r in runs) for k in runs[0]["floors"]}
    build_s = min(r["build"] for r in runs)
    last = runs[-1]
    rows = [
        ("start (interpreter, imports)", floors["start"], floors["start"], "imports alone"),
        ("look for changes", timings.get("check", 0), floors["stat"], "walk + one stat a file"),
        ("load + validate + model", timings.get("load", 0) + timings.get("validate", 0) + timings["model"],
         floors["model_pickle"], f"the model as one pickle ({last['model_pickle_mb']:.0f} MB)"),
        ("  of which cache reads", floors["cache_reads"], floors["cache_reads"],
         f"{last['cache_files']} cache files unpickled"),
        ("render (routes, signing, pages)", timings["render"], floors["route_objects"] + floors["route_digests"],
         f"{last['routes']} empty routes made, one digest each"),
        ("write + cache", timings.get("write", 0) + timings.get("cache", 0), floors["manifest"],
         f"manifest of {last['files']} files read and written"),
    ]
    print(f"{'cost':34s} {'now':>8s} {'floor':>8s}  floor measured as")
    for name, now, floor, how in rows:
        print(f"{name:34s} {now:8.2f} {floor:8.2f}  {how}")
    print(f"{'build (in process)':34s} {build_s:8.2f}")
    print(json.dumps({"build_s": build_s, "timings": timings, "floors": floors, "runs": runs}))


if __name__ == "__main__":
    main()
