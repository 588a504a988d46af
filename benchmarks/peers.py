"""The generators confsite is compared with, for benchmarks/bench.py.

* Hugo: Debian's package, on PATH; its site (configuration and minimal templates: article
  pages, cluster and tag lists of 20 articles a page, home page, feed, sitemap) is
  written here beside the ``hugo`` corpus.
* Pelican, with Markdown: in benchmarks/.venv-peers, from the pinned, hashed
  benchmarks/peers-requirements.txt (``make bench-peers``); its settings are written
  here; lists are paginated by 20 as Hugo's are.
* Eleventy 3: in benchmarks/peers/node_modules, from the committed npm lock file
  (``make bench-peers``); the ``eleventy`` corpus carries its own minimal site.

Each runs on the same articles (benchmarks/make_corpus.py writes one corpus per
generator's format) and is timed like confsite: clean, no-op, one edit, each a fresh
process. None of them is ever installed in the project's own environment.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

from measure import count_files, log, timed

HERE = Path(__file__).resolve().parent
PELICAN_PYTHON = HERE / ".venv-peers" / "bin" / "python"
ELEVENTY = HERE / "peers" / "node_modules" / ".bin" / "eleventy"
INSTALL_HINT = "make bench-peers"

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

PELICAN_SETTINGS = """SITENAME = "Tin hội nghị thi đua, khen thưởng ngành Nội vụ"
SITEURL = ""
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_PAGINATION = 20
LOAD_CONTENT_CACHE = True
CACHE_PATH = {cache!r}
FEED_ALL_ATOM = "feeds/all.atom.xml"
"""


def prepare_hugo(corpus: Path) -> None:
    """Hugo's configuration and templates, beside the articles of the ``hugo`` corpus."""
    (corpus / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (corpus / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / "layouts" / rel).write_text(text, "utf-8")


def edit_one(files: list[Path], n: int) -> None:
    """Append a sentence to one article's body (the same choice for every generator)."""
    f = files[(n * 7919) % len(files)]
    with f.open("a", encoding="utf-8") as h:
        h.write(f"\nĐoạn bổ sung số {n} của bài viết, thêm khi đo thời gian dựng lại.\n")


def clean_noop_edit(name: str, run: Callable[[], dict], articles: list[Path], output: Path,
                    fresh: list[Path], runs: int) -> dict[str, list[dict]]:
    """Time a generator's clean (after removing *fresh*), no-op and one-edit builds."""
    results: dict[str, list[dict]] = {"clean": [], "no-op": [], "one-edit": []}
    for _ in range(runs):
        for path in fresh:
            shutil.rmtree(path, ignore_errors=True)
        results["clean"].append(run())
        log(f"    {name} clean {results['clean'][-1]['wall']:.2f} s")
    files = count_files(output)
    for _ in range(runs):
        results["no-op"].append(run())
        log(f"    {name} no-op {results['no-op'][-1]['wall']:.2f} s")
    for i in range(runs):
        edit_one(articles, i)
        results["one-edit"].append(run())
        log(f"    {name} one-edit {results['one-edit'][-1]['wall']:.2f} s")
    for rows in results.values():
        for r in rows:
            r["files"] = files
            r.pop("stdout", None)
    return results


def hugo_available() -> bool:
    return shutil.which("hugo") is not None


def hugo_clean(corpus: Path, work: Path) -> dict:
    """One clean Hugo build (for the largest corpus, where only the cold build is timed)."""
    output = work / "public"
    for path in (output, corpus / "resources"):
        shutil.rmtree(path, ignore_errors=True)
    r = timed(["hugo", "--quiet", "--source", str(corpus), "--destination", str(output)])
    r["files"] = count_files(output)
    r.pop("stdout", None)
    return r


def bench_hugo(corpus: Path, work: Path, runs: int) -> dict[str, list[dict]]:
    output = work / "public"
    cmd = ["hugo", "--quiet", "--source", str(corpus), "--destination", str(output)]
    return clean_noop_edit("hugo", lambda: timed(cmd), sorted((corpus / "content").rglob("*.md")), output,
                           [output, corpus / "resources"], runs)


def pelican_available() -> bool:
    return PELICAN_PYTHON.is_file()


def bench_pelican(corpus: Path, work: Path, runs: int) -> dict[str, list[dict]]:
    output, cache = work / "pelican-out", work / "pelican-cache"
    settings = work / "pelicanconf.py"
    work.mkdir(parents=True, exist_ok=True)
    settings.write_text(PELICAN_SETTINGS.format(cache=str(cache)), "utf-8")
    cmd = [str(PELICAN_PYTHON), "-m", "pelican", str(corpus / "content"), "-o", str(output), "-s", str(settings),
           "-q"]
    return clean_noop_edit("pelican", lambda: timed(cmd), sorted((corpus / "content").rglob("*.md")), output,
                           [output, cache], runs)


def eleventy_available() -> bool:
    return ELEVENTY.is_file() and shutil.which("node") is not None


def bench_eleventy(corpus: Path, work: Path, runs: int) -> dict[str, list[dict]]:
    output = work / "_site"
    # Eleventy 3 has no build cache: its no-op and one-edit builds are full builds.
    cmd = [str(ELEVENTY), "--config=eleventy.config.mjs", f"--output={output}", "--quiet"]
    return clean_noop_edit("eleventy", lambda: timed(cmd, cwd=corpus),
                           sorted((corpus / "content" / "posts").glob("*.md")), output, [output], runs)


def version(cmd: list[str]) -> str:
    """The version number a generator prints (its first word that starts with a digit)."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.split()
    except OSError:
        return "?"
    return next((w.removeprefix("v") for w in out if w.removeprefix("v")[:1].isdigit()), "?")


# name → (is it installed, corpus flavor, benchmark, its version command)
PEERS = {
    "hugo": (hugo_available, "hugo", bench_hugo, ["hugo", "version"]),
    "eleventy": (eleventy_available, "eleventy", bench_eleventy, [str(ELEVENTY), "--version"]),
    "pelican": (pelican_available, "pelican", bench_pelican, [str(PELICAN_PYTHON), "-m", "pelican", "--version"]),
}
