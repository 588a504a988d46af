#!/usr/bin/env python3
"""Archive-scale benchmark: confsite next to Hugo (and Pelican) on the same corpus.

    python benchmarks/bench.py            # 1,000 and 10,000 articles (make bench)
    python benchmarks/bench.py --quick    # 1,000 articles, fewer runs: for trying things

For each size it writes a corpus with ``benchmarks/make_corpus.py`` (one per generator's
format), then times, each in a fresh process:

* clean: an empty output folder and ``--no-cache`` (nothing reused);
* no-op: the same build again with the cache, nothing changed;
* one-edit: a sentence appended to one article's body, then a build with the cache.

It reports the median wall time, CPU time (user + system, render workers included),
the peak memory of the build process tree, pages per second, where confsite's time goes
by stage, and the ratio to Hugo measured in the same run. Not a test: numbers depend on
the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's own corpus generator, beside this file.
DEFAULT_CORPUS = ROOT / "benchmarks" / "make_corpus.py"
STAGES = ("check", "load", "validate", "model", "render", "qr", "write", "cache")

# One confsite build in a fresh process; prints its timings as JSON on the last line.
DRIVER = """
import json, os, sys
from pathlib import Path
from generator.build import pipeline
cfg = pipeline.configure(Path(sys.argv[1]), Path(sys.argv[2]))
r = pipeline.build(cfg, cache=sys.argv[3] == "cache")
print(json.dumps({"timings": r.timings, "pages": len(r.rendered.outputs), "noop": r.noop}), flush=True)
os._exit(0)     # as the confsite command does: no object-by-object teardown
"""

HUGO_CONFIG = """baseURL = "https://snv.example.gov.vn/tin/"
languageCode = "vi"
title = "Tin hội nghị thi đua, khen thưởng ngành Nội vụ"
paginate = 20
[taxonomies]
  cluster = "clusters"
  tag = "tags"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
"""
# Minimal comparable templates: article pages, cluster lists, home, feed, sitemap.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title></head><body>
<header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "02/01/2006" }}</time>{{ with .Params.clusters }} · {{ range . }}<a href="{{ (printf "clusters/%s" (urlize .)) | relURL }}">{{ . }}</a>{{ end }}{{ end }}</p>
{{ .Content }}</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "02/01/2006" }}</li>{{ end }}
</ul>{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
    "index.html": """{{ define "main" }}<ul>
{{ range first 20 (where .Site.RegularPages "Type" "posts") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul>{{ end }}
""",
}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def make_corpus(script: Path, out: Path, articles: int, flavor: str) -> Path:
    stamp = out / ".corpus-done"
    if not stamp.exists():
        shutil.rmtree(out, ignore_errors=True)
        log(f"  writing the {flavor} corpus of {articles} articles")
        subprocess.run([sys.executable, str(script), str(out), "--articles", str(articles), "--flavor", flavor],
                       check=True)
        if flavor == "hugo":
            (out / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
            for rel, text in HUGO_LAYOUTS.items():
                (out / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
                (out / "layouts" / rel).write_text(text, "utf-8")
        stamp.touch()
    return out


def timed(cmd: list[str], cwd: Path | None = None) -> dict:
    """Run *cmd*; wall and CPU seconds and peak memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    # ru_maxrss (KiB on Linux) of the child includes the largest of its own waited children.
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024, "stdout": out}


def edit_one(files: list[Path], n: int) -> None:
    f = files[(n * 7919) % len(files)]
    with f.open("a", encoding="utf-8") as h:
        h.write(f"\nĐoạn bổ sung số {n} của bài viết, thêm khi đo thời gian dựng lại.\n")


def bench_confsite(corpus: Path, work: Path, runs: int) -> dict[str, list[dict]]:
    content = corpus / "content"
    output = work / "site"

    def build(cache: bool) -> dict:
        r = timed([sys.executable, "-c", DRIVER, str(content), str(output), "cache" if cache else "no-cache"], cwd=ROOT)
        r.update(json.loads(r.pop("stdout").strip().splitlines()[-1]))
        return r

    def wipe() -> None:
        for p in [output, work / ".site.spare", work / ".confsite-cache"]:
            shutil.rmtree(p, ignore_errors=True)

    results: dict[str, list[dict]] = {"clean": [], "no-op": [], "one-edit": []}
    for i in range(runs):
        wipe()
        results["clean"].append(build(False))
        log(f"    confsite clean {results['clean'][-1]['wall']:.2f} s")
    build(True)                               # fills the cache
    for i in range(runs):
        results["no-op"].append(build(True))
        log(f"    confsite no-op {results['no-op'][-1]['wall']:.2f} s")
    files = sorted((content / "reports").rglob("*.md"))
    build(True)
    for i in range(runs):
        edit_one(files, i)
        time.sleep(0.15)    # past the racy window, as an editor's save would be
        results["one-edit"].append(build(True))
        log(f"    confsite one-edit {results['one-edit'][-1]['wall']:.2f} s")
    return results


def count_files(folder: Path, suffix: str = ".html") -> int:
    return sum(1 for _ in folder.rglob(f"*{suffix}"))


def bench_hugo(corpus: Path, work: Path, runs: int) -> dict[str, list[dict]]:
    output = work / "public"
    cmd = ["hugo", "--quiet", "--source", str(corpus), "--destination", str(output)]
    return clean_noop_edit("hugo", cmd, corpus, output, [output, corpus / "resources"], runs)


def clean_noop_edit(name: str, cmd: list[str], corpus: Path, output: Path, fresh: list[Path],
                    runs: int) -> dict[str, list[dict]]:
    """Time another generator's clean (after removing *fresh*), no-op and one-edit builds."""
    results: dict[str, list[dict]] = {"clean": [], "no-op": [], "one-edit": []}
    for i in range(runs):
        for path in fresh:
            shutil.rmtree(path, ignore_errors=True)
        results["clean"].append(timed(cmd))
        log(f"    {name} clean {results['clean'][-1]['wall']:.2f} s")
    pages = count_files(output)
    for i in range(runs):
        results["no-op"].append(timed(cmd))
    files = sorted((corpus / "content").rglob("*.md"))
    for i in range(runs):
        edit_one(files, i)
        results["one-edit"].append(timed(cmd))
    for rows in results.values():
        for r in rows:
            r["pages"] = pages
    return results


def pelican_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("pelican") is not None


def bench_pelican(corpus: Path, work: Path, runs: int) -> dict[str, list[dict]] | None:
    output = work / "pelican-out"
    settings = work / "pelicanconf.py"
    settings.write_text('SITENAME = "Bench"\nSITEURL = ""\nTIMEZONE = "Asia/Ho_Chi_Minh"\n'
                        'DEFAULT_LANG = "vi"\nLOAD_CONTENT_CACHE = True\nCACHE_PATH = %r\n'
                        'FEED_ALL_ATOM = "feeds/all.atom.xml"\n' % str(work / "pelican-cache"), "utf-8")
    cmd = [sys.executable, "-m", "pelican", str(corpus / "content"), "-o", str(output), "-s", str(settings), "-q"]
    return clean_noop_edit("pelican", cmd, corpus, output, [output, work / "pelican-cache"], runs)


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def report(all_results: dict[int, dict[str, dict]], sizes: list[int]) -> str:
    lines = ["## confsite and the others, same corpus, same run", "",
             "| articles | generator | scenario | wall (median) | CPU | peak memory | pages/s | ratio to Hugo |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for n in sizes:
        gens = all_results[n]
        hugo = gens.get("hugo")
        for gen, res in gens.items():
            for scenario, rows in res.items():
                wall = median(rows, "wall")
                pages = rows[0]["pages"]
                ratio = f"{wall / median(hugo[scenario], 'wall'):.2f}×" if hugo and gen != "hugo" else ""
                lines.append(f"| {n:,} | {gen} | {scenario} | {wall:.2f} s | {median(rows, 'cpu'):.2f} s | "
                             f"{max(r['rss'] for r in rows):.0f} MiB | {pages / wall:,.0f} | {ratio} |")
    lines += ["", "## Where confsite's time goes (median seconds per stage, in the build process)", "",
              "| articles | scenario | " + " | ".join(STAGES) + " |", "|---:|---|" + "---:|" * len(STAGES)]
    for n in sizes:
        for scenario, rows in all_results[n]["confsite"].items():
            cells = [f"{statistics.median(r['timings'].get(s, 0.0) for r in rows):.2f}" for s in STAGES]
            lines.append(f"| {n:,} | {scenario} | " + " | ".join(cells) + " |")
    big = max(sizes)
    small = min(sizes)
    lines += ["", "## As in issue 7", "",
              f"| generator | {f'{small:,}' if small != big else 'smaller'} cold | {big:,} cold | {big:,} no-op | {big:,} one-edit | {big:,} peak memory |",
              "|---|---:|---:|---:|---:|---:|"]
    for gen in all_results[big]:
        r_small = all_results[small].get(gen)
        r_big = all_results[big][gen]
        cold_small = f"{median(r_small['clean'], 'wall'):.2f} s" if r_small and small != big else "–"
        peak = max(r["rss"] for rows in r_big.values() for r in rows)
        lines.append(f"| {gen} | {cold_small} | {median(r_big['clean'], 'wall'):.2f} s | "
                     f"{median(r_big['no-op'], 'wall'):.2f} s | {median(r_big['one-edit'], 'wall'):.2f} s | {peak:.0f} MiB |")
    if small != big and "confsite" in all_results[small]:
        growth = median(all_results[big]["confsite"]["clean"], "wall") / median(all_results[small]["confsite"]["clean"], "wall")
        lines += ["", f"confsite cold build growth from {small:,} to {big:,} articles: {growth:.1f}× (target ≤ 11)"]
    if "hugo" in all_results[big]:
        h = {s: median(all_results[big]["hugo"][s], "wall") for s in ("clean", "no-op", "one-edit")}
        c = {s: median(all_results[big]["confsite"][s], "wall") for s in ("clean", "no-op", "one-edit")}
        hugo_build = h["clean"]
        def verdict(ok: bool) -> str:
            return "met" if ok else "missed"

        cold, noop, edit = (c[s] / hugo_build for s in ("clean", "no-op", "one-edit"))
        lines += ["", f"Targets at {big:,} articles (Hugo's build time {hugo_build:.2f} s):",
                  f"- cold ≤ 1.5× Hugo: {cold:.2f}× ({verdict(cold <= 1.5)})",
                  f"- no-op ≤ 0.1× Hugo and under 1 s: {noop:.3f}× ({c['no-op']:.2f} s; "
                  f"{verdict(noop <= 0.1 and c['no-op'] < 1)})",
                  f"- one-edit ≤ 0.2× Hugo: {edit:.3f}× ({verdict(edit <= 0.2)})"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus-script", type=Path, default=DEFAULT_CORPUS,
                    help="the corpus generator (default: benchmarks/make_corpus.py)")
    ap.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated (default 1000,10000)")
    ap.add_argument("--quick", action="store_true", help="1,000 articles only, one run each")
    ap.add_argument("--runs", type=int, default=3, help="runs per scenario; the median is reported (default 3)")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out", help="where corpora and outputs go")
    ap.add_argument("--no-hugo", action="store_true", help="leave Hugo out even when it is installed")
    ap.add_argument("--json", type=Path, help="also write the raw measurements to this file")
    args = ap.parse_args(argv)
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.quick and args.runs == 3 else args.runs
    if not args.corpus_script.is_file():
        ap.error(f"{args.corpus_script} does not exist; give --corpus-script")
    hugo = shutil.which("hugo") and not args.no_hugo
    all_results: dict[int, dict[str, dict]] = {}
    for n in sizes:
        log(f"{n} articles")
        base = args.work / str(n)
        res: dict[str, dict] = {}
        corpus = make_corpus(args.corpus_script, base / "corpus-confsite", n, "confsite")
        res["confsite"] = bench_confsite(corpus, base / "confsite", runs)
        if hugo:
            hcorpus = make_corpus(args.corpus_script, base / "corpus-hugo", n, "hugo")
            res["hugo"] = bench_hugo(hcorpus, base / "hugo", runs)
        if pelican_installed():
            pcorpus = make_corpus(args.corpus_script, base / "corpus-pelican", n, "pelican")
            p = bench_pelican(pcorpus, base / "pelican", runs)
            if p:
                res["pelican"] = p
        all_results[n] = res
    print(f"cores available: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}; "
          f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows every row)\n")
    print(report(all_results, sizes))
    if args.json:
        args.json.write_text(json.dumps({str(k): v for k, v in all_results.items()}, indent=1, default=str), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
