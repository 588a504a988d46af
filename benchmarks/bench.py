#!/usr/bin/env python3
"""Archive-scale benchmark: confsite beside Hugo, Eleventy and Pelican on the same articles.

    make bench                            # installs the peers (make bench-peers), then this
    python benchmarks/bench.py            # 10,000 articles side by side, then 50,000
    python benchmarks/bench.py --quick    # 1,000 articles, no 50,000: for trying things

For each size it writes a corpus with ``benchmarks/make_corpus.py`` (one per generator's
format: the same articles), then times, each build in a fresh process:

* clean: an empty output folder and ``--no-cache`` (nothing reused);
* no-op: the same build again with the cache, nothing changed;
* one-edit: a sentence appended to one article's body, then a build with the cache. After
  the last edit, confsite's output is compared file by file (SHA-256 of every file) with a
  clean build of the edited corpus: an incremental build must give the same bytes.

Hugo (Debian's, on PATH), Eleventy 3 and Pelican (installed for the benchmark alone by
``make bench-peers``, see benchmarks/peers.py) run the same scenarios in the same run. The
largest size (``--big``, 50,000 by default) times confsite's cold build only, and Hugo's
when its smaller build suggests it takes under a minute. ``confsite check`` with a warm
cache and ``serve``'s edit-to-reload time come from benchmarks/edit_bench.py when that
file exists.

It prints a table of every build (median wall time, CPU time of the process tree, peak
memory of the process tree and of its largest process, files written, ratio to Hugo),
where confsite's time goes by stage, and the issue's targets with a verdict each. Ratios
come from one run on a shared machine: the load average and the cores are printed with
them. Not a test: numbers depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers                                            # noqa: E402  (beside this file)
from measure import log, timed, tree_digest, count_files    # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The project's own corpus generator, beside this file.
DEFAULT_CORPUS = ROOT / "benchmarks" / "make_corpus.py"
EDIT_BENCH = ROOT / "benchmarks" / "edit_bench.py"
STAGES = ("check", "load", "validate", "model", "render", "qr", "write", "cache")
GENERATORS = ("confsite", "hugo", "eleventy", "pelican")
HUGO_BIG_LIMIT = 60.0       # seconds: time Hugo on the largest corpus when 5× its build fits

# One confsite build in a fresh process; prints its timings as JSON on the last line.
DRIVER = """
import json, os, sys
from pathlib import Path
from generator.build import pipeline
cfg = pipeline.configure(Path(sys.argv[1]), Path(sys.argv[2]))
r = pipeline.build(cfg, cache=sys.argv[3] == "cache")
print(json.dumps({"timings": r.timings, "pages": len(r.rendered.paths), "noop": r.noop}), flush=True)
os._exit(0)     # as the confsite command does: no object-by-object teardown
"""


def make_corpus(script: Path, out: Path, articles: int, flavor: str) -> Path:
    stamp = out / ".corpus-done"
    if not stamp.exists():
        shutil.rmtree(out, ignore_errors=True)
        log(f"  writing the {flavor} corpus of {articles:,} articles")
        subprocess.run([sys.executable, str(script), str(out), "--articles", str(articles), "--flavor", flavor],
                       check=True)
        if flavor == "hugo":
            peers.prepare_hugo(out)
        stamp.touch()
    return out


# --- confsite ----------------------------------------------------------------------------

def compile_bytecode() -> None:
    """The package's modules compiled once, as ``pip install`` leaves them: where
    PYTHONDONTWRITEBYTECODE is set (it is on some machines), an editable install would
    otherwise compile every module again in each build's fresh process (about 0.1 s)."""
    import compileall

    compileall.compile_dir(str(ROOT / "generator"), quiet=1)


def confsite_build(content: Path, output: Path, cache: bool) -> dict:
    r = timed([sys.executable, "-c", DRIVER, str(content), str(output), "cache" if cache else "no-cache"], cwd=ROOT)
    r.update(json.loads(r.pop("stdout").strip().splitlines()[-1]))
    r["files"] = count_files(output)
    return r


def wipe(output: Path) -> None:
    """An output folder, the spare site kept beside it and its build cache."""
    for p in (output, output.parent / f".{output.name}.spare", output.parent / ".confsite-cache" / output.name):
        shutil.rmtree(p, ignore_errors=True)


def bench_confsite(corpus: Path, work: Path, runs: int) -> dict:
    content = corpus / "content"
    output = work / "site"
    results: dict = {"clean": [], "no-op": [], "one-edit": []}
    for _ in range(runs):
        wipe(output)
        results["clean"].append(confsite_build(content, output, False))
        log(f"    confsite clean {results['clean'][-1]['wall']:.2f} s")
    confsite_build(content, output, True)                   # fills the cache
    for _ in range(runs):
        results["no-op"].append(confsite_build(content, output, True))
        log(f"    confsite no-op {results['no-op'][-1]['wall']:.2f} s")
    articles = sorted((content / "reports").rglob("*.md"))
    for i in range(runs):
        peers.edit_one(articles, i)
        time.sleep(0.15)    # past the racy window, as an editor's save would be
        results["one-edit"].append(confsite_build(content, output, True))
        log(f"    confsite one-edit {results['one-edit'][-1]['wall']:.2f} s")
    # Incremental = clean: the edited site against a clean build of the edited corpus.
    after_edit = tree_digest(output)
    reference = work / "site-clean"
    wipe(reference)
    confsite_build(content, reference, False)
    clean = tree_digest(reference)
    differ = sorted(k for k in after_edit.keys() | clean.keys() if after_edit.get(k) != clean.get(k))
    results["identical"] = {"files": len(clean), "differ": differ[:20], "count": len(differ)}
    log(f"    confsite one-edit = clean build: {len(differ)} of {len(clean)} files differ")
    wipe(reference)
    return results


def bench_big(script: Path, work: Path, n: int, hugo_estimate: float | None) -> dict:
    """The largest corpus: confsite's cold build, and Hugo's when it should be quick."""
    log(f"{n:,} articles (cold builds only)")
    out: dict = {}
    corpus = make_corpus(script, work / "corpus-confsite", n, "confsite")
    output = work / "confsite" / "site"
    wipe(output)
    out["confsite"] = confsite_build(corpus / "content", output, False)
    log(f"    confsite clean {out['confsite']['wall']:.2f} s")
    wipe(output)
    if hugo_estimate is not None and hugo_estimate <= HUGO_BIG_LIMIT and peers.hugo_available():
        hcorpus = make_corpus(script, work / "corpus-hugo", n, "hugo")
        out["hugo"] = peers.hugo_clean(hcorpus, work / "hugo")
        log(f"    hugo clean {out['hugo']['wall']:.2f} s")
    return out


def edit_bench(content: Path) -> dict | str:
    """The serve and check figures from benchmarks/edit_bench.py, or why there are none."""
    if not EDIT_BENCH.is_file():
        return "benchmarks/edit_bench.py is absent"
    log("  benchmarks/edit_bench.py")
    env = dict(os.environ, CONFSITE_BENCH_CONTENT=str(content))
    work = content.parent.parent / "edit-bench"
    try:
        proc = subprocess.run([sys.executable, str(EDIT_BENCH), "--corpus", str(content.parent), "--work", str(work),
                               "--runs", "1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return "benchmarks/edit_bench.py ran for more than 15 minutes"
    if proc.returncode != 0:
        return f"benchmarks/edit_bench.py failed ({proc.returncode}): {proc.stderr.strip()[-300:]}"
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            found = json.loads(line)
        except ValueError:
            continue
        if isinstance(found, dict):
            # edit_bench.py's names for the two figures the targets need
            found.setdefault("check_warm_s", found.get("check_warm_wall"))
            found.setdefault("serve_reload_s", found.get("serve_reload"))
            return found
    return "benchmarks/edit_bench.py printed no JSON object"


# --- The report ----------------------------------------------------------------------------

def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def fmt_s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds:.3f} s"


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else "**met**" if ok else "**missed**"


def builds_table(results: dict[str, dict], n: int) -> list[str]:
    lines = [f"## {n:,} articles: every build, fresh processes, same run", "",
             "| generator | scenario | wall | CPU | peak memory (tree) | largest process | files | wall / Hugo's |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    hugo = results.get("hugo")
    for gen, res in results.items():
        for scenario in ("clean", "no-op", "one-edit"):
            rows = res[scenario]
            wall = median(rows, "wall")
            ratio = f"{wall / median(hugo[scenario], 'wall'):.2f}×" if hugo and gen != "hugo" else ""
            lines.append(f"| {gen} | {scenario} | {fmt_s(wall)} | {median(rows, 'cpu'):.2f} s | "
                         f"{max(r['tree'] for r in rows):,.0f} MiB | {max(r['rss'] for r in rows):,.0f} MiB | "
                         f"{rows[0]['files']:,} | {ratio} |")
    lines += ["", "confsite: median seconds per stage, in the build process", "",
              "| scenario | " + " | ".join(STAGES) + " |", "|---|" + "---:|" * len(STAGES)]
    for scenario in ("clean", "no-op", "one-edit"):
        rows = results["confsite"][scenario]
        cells = [f"{statistics.median(r['timings'].get(s, 0.0) for r in rows):.2f}" for s in STAGES]
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    return lines


def targets_table(n: int, results: dict[str, dict], missing: dict[str, str], big: dict | None, big_n: int,
                  edits: dict | str) -> list[str]:
    c = {s: median(results["confsite"][s], "wall") for s in ("clean", "no-op", "one-edit")}
    cold = {g: median(r["clean"], "wall") for g, r in results.items()}
    hugo = cold.get("hugo")
    peak = max(r["tree"] for s in ("clean", "no-op", "one-edit") for r in results["confsite"][s])
    rows: list[tuple[str, str, str, bool | None]] = []

    def absent(gen: str) -> str:
        return f"not measured: {missing.get(gen, gen + ' left out')}"

    if hugo:
        rows.append(("cold build, to Hugo's", "≤ 1.5×", f"{c['clean'] / hugo:.2f}× ({fmt_s(c['clean'])} / "
                     f"{fmt_s(hugo)})", c["clean"] / hugo <= 1.5))
    else:
        rows.append(("cold build, to Hugo's", "≤ 1.5×", absent("hugo"), None))
    if "eleventy" in cold:
        rows.append(("cold build, to Eleventy's", "< 1× (ahead)", f"{c['clean'] / cold['eleventy']:.2f}× "
                     f"({fmt_s(c['clean'])} / {fmt_s(cold['eleventy'])})", c["clean"] < cold["eleventy"]))
    else:
        rows.append(("cold build, to Eleventy's", "< 1× (ahead)", absent("eleventy"), None))
    if "pelican" in cold:
        rows.append(("cold build, Pelican's to ours", "≥ 4× faster", f"{cold['pelican'] / c['clean']:.2f}× "
                     f"({fmt_s(cold['pelican'])} / {fmt_s(c['clean'])})", cold["pelican"] / c["clean"] >= 4))
    else:
        rows.append(("cold build, Pelican's to ours", "≥ 4× faster", absent("pelican"), None))
    if hugo:
        rows.append(("one-article edit (fresh process), to Hugo's build", "≤ 0.2×",
                     f"{c['one-edit'] / hugo:.3f}× ({fmt_s(c['one-edit'])})", c["one-edit"] / hugo <= 0.2))
        rows.append(("no-op build, to Hugo's build", "≤ 0.1× and < 1 s",
                     f"{c['no-op'] / hugo:.3f}× ({fmt_s(c['no-op'])})", c["no-op"] / hugo <= 0.1 and c["no-op"] < 1))
    else:
        rows.append(("one-article edit (fresh process), to Hugo's build", "≤ 0.2×", absent("hugo"), None))
        rows.append(("no-op build, to Hugo's build", "≤ 0.1× and < 1 s", f"{fmt_s(c['no-op'])}; Hugo not measured",
                     None))
    same = results["confsite"]["identical"]
    rows.append(("one-article edit = clean build of the edited corpus", "byte-identical",
                 f"{same['count']} of {same['files']:,} files differ" + (
                     f" ({', '.join(same['differ'][:5])})" if same["count"] else ""), same["count"] == 0))
    if "hugo" in results:
        hpeak = max(r["tree"] for s in ("clean", "no-op", "one-edit") for r in results["hugo"][s])
        rows.append(("peak memory (process tree), to Hugo's", "≤ Hugo's", f"{peak:,.0f} MiB / {hpeak:,.0f} MiB",
                     peak <= hpeak))
    else:
        rows.append(("peak memory (process tree)", "≤ Hugo's", f"{peak:,.0f} MiB; Hugo not measured", None))
    if big and "confsite" in big:
        # Linear growth, with 10 % to spare: 5.5× from 10,000 to 50,000 articles.
        growth, limit = big["confsite"]["wall"] / c["clean"], 1.1 * big_n / n
        rows.append((f"cold build, {big_n:,} to {n:,} articles", f"≤ {limit:.1f}× (linear: {big_n / n:.1f}×)",
                     f"{growth:.2f}× ({fmt_s(big['confsite']['wall'])}; CPU time "
                     f"{big['confsite']['cpu'] / median(results['confsite']['clean'], 'cpu'):.2f}×)", growth <= limit))
        rows.append((f"peak memory (process tree), {big_n:,} articles", "< 2 GiB",
                     f"{big['confsite']['tree']:,.0f} MiB", big["confsite"]["tree"] < 2048))
    else:
        rows.append((f"{big_n:,} articles", "≤ 5.5× and < 2 GiB", "not measured (--no-50k or --quick)", None))
    for key, label, goal, limit in (("check_warm_s", "`confsite check`, warm cache", "< 1 s", 1.0),
                                    ("serve_reload_s", "`confsite serve`: edit saved → reload sent", "≤ 0.5 s", 0.5)):
        value = edits.get(key) if isinstance(edits, dict) else None
        if isinstance(value, (int, float)):
            ok = value < limit if key == "check_warm_s" else value <= limit
            rows.append((label, goal, fmt_s(value), ok))
        else:
            why = edits if isinstance(edits, str) else f"edit_bench.py gave no {key}"
            rows.append((label, goal, f"not measured: {why}", None))
    lines = [f"## Targets of issue 20 at {n:,} articles", "",
             "| target | goal | measured | verdict |", "|---|---|---|---|"]
    lines += [f"| {label} | {goal} | {measured} | {verdict(ok)} |" for label, goal, measured, ok in rows]
    if isinstance(edits, dict):
        lines += ["", "benchmarks/edit_bench.py: " + json.dumps(edits, ensure_ascii=False)]
    return lines


def big_table(big: dict, big_n: int, results: dict[str, dict]) -> list[str]:
    lines = [f"## {big_n:,} articles: cold builds", "",
             "| generator | wall | CPU | peak memory (tree) | largest process | files | to its own smaller build |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for gen, r in big.items():
        small = results.get(gen)
        growth = f"{r['wall'] / median(small['clean'], 'wall'):.2f}×" if small else ""
        lines.append(f"| {gen} | {fmt_s(r['wall'])} | {r['cpu']:.2f} s | {r['tree']:,.0f} MiB | {r['rss']:,.0f} MiB | "
                     f"{r['files']:,} | {growth} |")
    return lines


def machine_line(when: str) -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    one, five, fifteen = os.getloadavg()
    return f"{when}: {cores} cores, load average {one:.1f} {five:.1f} {fifteen:.1f}"


# --- Main ----------------------------------------------------------------------------------

def default_work() -> Path:
    shm = Path("/dev/shm")
    return shm / f"confsite-bench-{os.getuid()}" if shm.is_dir() else ROOT / "benchmarks" / "out"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus-script", type=Path, default=DEFAULT_CORPUS,
                    help="the corpus generator (default: benchmarks/make_corpus.py)")
    ap.add_argument("--sizes", default="10000",
                    help="article counts side by side, comma-separated (default 10000); targets use the largest")
    ap.add_argument("--big", type=int, default=50000, help="the cold-build-only size (default 50000)")
    ap.add_argument("--no-50k", dest="no_big", action="store_true", help="leave out the --big size")
    ap.add_argument("--quick", action="store_true", help="1,000 articles, no --big size: for trying things")
    ap.add_argument("--runs", type=int, default=1, help="runs per scenario; the median is reported (default 1)")
    ap.add_argument("--work", type=Path, default=default_work(),
                    help="where corpora and outputs go (default: /dev/shm/confsite-bench-UID when /dev/shm exists)")
    ap.add_argument("--keep", action="store_true", help="keep corpora and outputs (by default they are removed)")
    ap.add_argument("--only", default=",".join(GENERATORS),
                    help=f"generators to run, comma-separated (default {','.join(GENERATORS)})")
    ap.add_argument("--json", type=Path, help="also write the raw measurements to this file")
    args = ap.parse_args(argv)
    sizes = [1000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    only = set(args.only.split(","))
    if not args.corpus_script.is_file():
        ap.error(f"{args.corpus_script} does not exist; give --corpus-script")
    if "confsite" not in only:
        ap.error("--only must include confsite: the targets are about it")
    start_machine = machine_line("at the start")
    compile_bytecode()
    missing: dict[str, str] = {}
    versions: list[str] = []
    for gen, (available, _, _, version_cmd) in peers.PEERS.items():
        if gen not in only:
            missing[gen] = "left out (--only)"
        elif not available():
            missing[gen] = "not installed" + ("" if gen == "hugo" else f" ({peers.INSTALL_HINT})")
        else:
            versions.append(f"{gen} {peers.version(version_cmd)}")
    # A benchmark stopped with kill still removes its corpora (gigabytes in /dev/shm).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Each table is printed (and the raw figures saved) as soon as it is measured: a run
    # stopped during the long 50,000-article build keeps what it had.
    say(start_machine,
        "(other work on a shared machine slows every row; the ratios compare builds of the same run)",
        "peers: " + ("; ".join(versions) or "none") + "".join(f"; {gen} {why}" for gen, why in missing.items()),
        "")
    raw: dict = {"sizes": {}, "big": None, "edit_bench": None}

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(raw, indent=1, default=str), "utf-8")

    try:
        all_results: dict[int, dict[str, dict]] = {}
        for n in sizes:
            log(f"{n:,} articles")
            base = args.work / str(n)
            res: dict[str, dict] = {}
            corpus = make_corpus(args.corpus_script, base / "corpus-confsite", n, "confsite")
            res["confsite"] = bench_confsite(corpus, base / "confsite", args.runs)
            for gen, (_, flavor, bench, _) in peers.PEERS.items():
                if gen not in missing:
                    res[gen] = bench(make_corpus(args.corpus_script, base / f"corpus-{flavor}", n, flavor),
                                     base / gen, args.runs)
            all_results[n] = raw["sizes"][str(n)] = res
            save()
            say(*builds_table(res, n), machine_line("when this table was done"), "")
        n = max(sizes)
        edits = raw["edit_bench"] = edit_bench(args.work / str(n) / "corpus-confsite" / "content")
        big = None
        if not (args.quick or args.no_big):
            if not args.keep:
                shutil.rmtree(args.work / str(n), ignore_errors=True)     # room in memory for the larger one
            hugo_small = all_results[n].get("hugo")
            estimate = median(hugo_small["clean"], "wall") * args.big / n if hugo_small else None
            big = raw["big"] = bench_big(args.corpus_script, args.work / str(args.big), args.big, estimate)
            save()
            say(*big_table(big, args.big, all_results[n]), machine_line("when this table was done"), "")
    finally:
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    say(*targets_table(n, all_results[n], missing, big, args.big, edits), "")
    return 0


def say(*lines: str) -> None:
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
