#!/usr/bin/env python3
"""The edit loop, timed: what an editor waits for after saving one file.

    python benchmarks/edit_bench.py --articles 2000 --work /dev/shm/edit
    python benchmarks/edit_bench.py --corpus /dev/shm/edit/c10k --work /dev/shm/edit --runs 3

On a corpus of ``benchmarks/make_corpus.py`` (made in WORK when ``--corpus`` is not
given) it measures, each scenario in fresh ``python -m generator`` processes:

* ``one_edit``: a sentence appended to one article, then ``confsite build`` with the
  cache (after a build that filled the cache and a no-op one, as ``bench.py`` does);
  ``--verify`` compares the output's manifest (every file's hash) with a clean build's;
* ``check_warm``: ``confsite check`` with nothing changed since the previous check, and
  ``check_edit``: the same after one article was edited;
* ``serve_reload``: ``confsite serve`` running, a websocket connected to its livereload
  port as the edited article's page in a browser is; the time from the edited file being
  saved (closed) to the ``reload`` message arriving (the page is then fetched: it must
  show the edit).

Prints one JSON object on the last line (medians in seconds, every run, CPU seconds
of the build processes); ``bench.py`` can call :func:`measure`. Not a test: the figures
depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT / "benchmarks" / "make_corpus.py"
MANIFEST = ".confsite.json"


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def timed(*args: str) -> dict:
    """Like :func:`confsite`, with the CPU time and peak memory of the process tree."""
    import tempfile

    with tempfile.TemporaryFile() as errors:     # not a pipe: a check's thousands of warnings would fill it
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "--lang", "en", *args], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        err = errors.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"confsite {' '.join(args)} failed ({code}):\n{err[-3000:]}")
    return {"wall": round(wall, 3), "cpu": round(usage.ru_utime + usage.ru_stime, 3),
            "rss_mib": round(usage.ru_maxrss / 1024, 1)}


ORIGINALS: dict[Path, bytes] = {}      # what the edited files held before: put back at the end


def edit_one(files: list[Path], n: int) -> Path:
    """The edit ``bench.py`` makes: a sentence appended to one article's body."""
    f = files[(n * 7919) % len(files)]
    ORIGINALS.setdefault(f, f.read_bytes())
    with f.open("a", encoding="utf-8") as h:
        h.write(f"\nĐoạn bổ sung số {n} của bài viết, thêm khi đo thời gian dựng lại.\n")
    return f


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text("utf-8"))["files"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"confsite serve exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"confsite serve did not listen on {port} within {timeout} s") from None
            time.sleep(0.1)


def article_address(site: str, file: Path) -> str:
    """The preview's address of an article of the corpus (its slug is in its front-matter)."""
    import re
    import urllib.request

    with urllib.request.urlopen(site) as r:         # the preview redirects / to the site's base path
        base = r.url
    slug = re.search(r"^slug: *(\S+)", file.read_text("utf-8"), re.MULTILINE)
    assert slug is not None, f"{file} has no slug"
    return f"{base}bai-viet/{slug.group(1)}/"


def page_text(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url) as r:
        return r.read().decode("utf-8")


async def _reload_latencies(port: int, live: int, files: list[Path], runs: int, first: int) -> list[float]:
    """Per run, as a browser showing the article about to be edited: connect as
    livereload.js does (saying which page it shows), save the edit, wait for ``reload``,
    then check that the page now holds the edit."""
    from tornado.websocket import websocket_connect

    out = []
    for i in range(runs):
        n = first + i
        file = files[(n * 7919) % len(files)]       # the one edit_one(files, n) edits
        url = article_address(f"http://127.0.0.1:{port}/", file)
        ws = await websocket_connect(f"ws://127.0.0.1:{live}/livereload")
        await ws.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        while True:      # the server's hello
            message = await ws.read_message()
            if message is None:
                raise SystemExit("the livereload websocket closed")
            if json.loads(message).get("command") == "hello":
                break
        await ws.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
        await asyncio.sleep(0.5)        # an editor does not save twice within the watcher's settling time
        edit_one(files, n)
        saved = time.perf_counter()     # the file is closed: saved
        while True:
            message = await asyncio.wait_for(ws.read_message(), timeout=600)
            if message is None:
                raise SystemExit("the livereload websocket closed")
            if json.loads(message).get("command") == "reload":
                out.append(round(time.perf_counter() - saved, 3))
                break
        ws.close()
        if f"Đoạn bổ sung số {n} " not in page_text(url):
            raise SystemExit(f"serve sent reload, but {url} does not show the edit")
        log(f"    serve edit → reload {out[-1]:.2f} s (the page shows the edit)")
    return out


def serve_reload(content: Path, files: list[Path], runs: int, first: int, startup: float) -> list[float]:
    port, live = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "--lang", "en", "serve", "--content", str(content),
                             "--port", str(port), "--livereload-port", str(live)], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        wait_for_port(live, proc, startup)     # listens once the first build is done
        wait_for_port(port, proc, startup)
        return asyncio.run(_reload_latencies(port, live, files, runs, first))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure(corpus: Path, work: Path, runs: int = 3, verify: bool = False, serve: bool = True,
            startup: float = 900) -> dict:
    """The figures of the edit loop on *corpus* (a folder holding ``content/``), with outputs in *work*."""
    content = corpus / "content"
    output = work / "site"
    for p in (output, work / ".site.spare", work / ".confsite-cache", corpus / ".confsite-cache"):
        shutil.rmtree(p, ignore_errors=True)
    files = sorted((content / "reports").rglob("*.md"))
    build = ("build", "--content", str(content), "--output", str(output))
    log("  filling the build cache")
    timed(*build)
    noop = timed(*build)                  # a no-op build; it also leaves the spare folder
    log(f"    no-op {noop['wall']:.2f} s")
    results: dict = {"articles": len(files), "noop": noop, "one_edit": [], "check_warm": [], "check_edit": []}
    # One edit untimed: the first build that changes the site makes the spare folder a
    # rebuild then keeps up to date (bench.py's clean builds leave one behind).
    edit_one(files, 3 * runs)
    time.sleep(0.15)
    timed(*build)
    for i in range(runs):
        edit_one(files, i)
        time.sleep(0.15)                  # past the racy window, as an editor's save would be
        results["one_edit"].append(timed(*build))
        log(f"    one-edit {results['one_edit'][-1]['wall']:.2f} s")
    if verify:
        clean = work / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        timed("build", "--content", str(content), "--output", str(clean), "--no-cache")
        results["identical"] = manifest(clean) == manifest(output)
        shutil.rmtree(clean, ignore_errors=True)
        log(f"    one-edit output identical to a clean build's: {results['identical']}")
    check = ("check", "--content", str(content))
    log("  filling the check cache")
    timed(*check)
    for i in range(runs):
        results["check_warm"].append(timed(*check))
        log(f"    check, nothing changed {results['check_warm'][-1]['wall']:.2f} s")
    for i in range(runs):
        edit_one(files, runs + i)
        time.sleep(0.15)
        results["check_edit"].append(timed(*check))
        log(f"    check after one edit {results['check_edit'][-1]['wall']:.2f} s")
    if serve:
        log("  serve: first build")
        results["serve_reload"] = serve_reload(content, files, runs, 4 * runs, startup)
    summary = {
        "one_edit_wall": statistics.median(r["wall"] for r in results["one_edit"]),
        "one_edit_cpu": statistics.median(r["cpu"] for r in results["one_edit"]),
        "one_edit_rss_mib": max(r["rss_mib"] for r in results["one_edit"]),
        "noop_wall": noop["wall"],
        "check_warm_wall": statistics.median(r["wall"] for r in results["check_warm"]),
        "check_edit_wall": statistics.median(r["wall"] for r in results["check_edit"]),
    }
    if serve:
        summary["serve_reload"] = statistics.median(results["serve_reload"])
    return {**summary, "runs": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, help="a corpus folder (with content/); default: made in WORK")
    ap.add_argument("--articles", type=int, default=2000, help="articles of the corpus made (default 2000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path("/dev/shm/confsite-edit-bench"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--verify", action="store_true", help="compare the edited build with a clean one")
    ap.add_argument("--no-serve", action="store_true", help="leave the serve measurement out")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus
    if corpus is None:
        corpus = args.work / f"c{args.articles}"
        if not (corpus / "content").is_dir():
            log(f"  making a corpus of {args.articles} articles")
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--articles", str(args.articles),
                            "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
    try:
        figures = measure(corpus, args.work, args.runs, args.verify, not args.no_serve)
    finally:
        for path, data in ORIGINALS.items():
            path.write_bytes(data)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
