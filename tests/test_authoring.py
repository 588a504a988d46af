"""``confsite check``, ``confsite new`` and the build's progress display, as an editor runs them."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tools
from generator.commands.progress import CACHED_STAGES, Progress
from sitekit import PROGRESS


def confsite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(tools.ROOT / "content", tmp_path / "content")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


# -- check ------------------------------------------------------------------------------


@pytest.mark.slow
def test_check_passes_on_bundled_content_and_writes_nothing(work: Path) -> None:
    before = sorted(p.relative_to(work) for p in work.rglob("*"))
    proc = confsite("check", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "check passed: 6 articles" in proc.stdout
    # No site and nothing in the content folder: only check's own cache, beside it, as a build's is.
    after = sorted(p.relative_to(work) for p in work.rglob("*"))
    assert [p for p in after if p.parts[0] != ".confsite-cache"] == before
    assert Path(".confsite-cache/check") in after
    again = confsite("check", cwd=work)
    assert (again.returncode, again.stdout, again.stderr) == (proc.returncode, proc.stdout, proc.stderr)


@pytest.mark.slow
def test_check_fails_with_the_same_message_as_build(work: Path) -> None:
    _edit(work / "content/reports/2020/bac-bo-tong-ket-2020.md", "date: 2020-12-11", "date: 11/12/2020")
    check = confsite("check", cwd=work)
    build = confsite("build", cwd=work)
    assert check.returncode == 1 and build.returncode == 1
    message = [line for line in build.stderr.splitlines() if "bac-bo-tong-ket-2020.md" in line and "date" in line]
    assert message, build.stderr
    assert message[0] in check.stderr
    assert "check failed: 1 error(s)" in check.stderr
    assert not (work / "site").exists()


@pytest.mark.slow
def test_check_gives_advice(work: Path) -> None:
    content = work / "content"
    news = content / "reports/2023/trien-khai-cong-tac-noi-vu-2023.md"
    _edit(news, "title: Tỉnh triển khai", "title: Hội nghị Cụm thi đua triển khai")
    text = news.read_text("utf-8")
    start = text.index("summary: >-")
    end = text.index("attendees:")
    scores = "scores:\n  - {unit: Sở Nội vụ tỉnh Quang Ninh, rank: 1}\n"
    news.write_text(text[:start] + scores + text[end:] + "\n![](../../media/2020/bac-bo-2020-diem.svg)\n", "utf-8")
    report = content / "reports/2024/trung-du-mien-nui-phia-bac-tong-ket-2023.md"
    _edit(report, "cluster: Cụm thi đua Sở Nội vụ các tỉnh Trung du và miền núi phía Bắc",
          "cluster: Cụm thi đua Sở Nội vụ các tỉnh Trung du miền núi phía Bắc")
    proc = confsite("check", cwd=work)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    shown = "content/reports/2023/trien-khai-cong-tac-noi-vu-2023.md"

    def advice(*parts: str) -> list[str]:
        return [ln for ln in lines if ln.startswith("warning: ") and all(p in ln for p in parts)]

    assert advice(shown, "summary: missing")
    assert advice(shown, "body: an image without a description")
    assert advice(shown, "cluster: the title reads like a conference of an emulation cluster")
    assert advice(shown, 'scores: "Sở Nội vụ tỉnh Quang Ninh" is written differently from the registered unit',
                  'write Sở Nội vụ tỉnh Quảng Ninh')
    assert advice("trung-du-mien-nui-phia-bac-tong-ket-2023.md", "cluster:",
                  '"Cụm thi đua Sở Nội vụ các tỉnh Trung du và miền núi phía Bắc"')
    assert "check passed" in proc.stdout


@pytest.mark.slow
def test_check_does_not_call_a_provincial_meeting_a_report(work: Path) -> None:
    proc = confsite("check", cwd=work)
    assert "reads like a conference" not in proc.stderr


# -- new --------------------------------------------------------------------------------


@pytest.mark.slow
def test_new_writes_a_draft_skeleton_that_builds_once_written(work: Path) -> None:
    proc = confsite("new", "Hội nghị tổng kết công tác thi đua năm 2024: Đắk Lắk", "--cluster", "bac-bo",
                    "--date", "2024-12-20", cwd=work)
    assert proc.returncode == 0, proc.stderr
    path = work / "content/reports/2024/hoi-nghi-tong-ket-cong-tac-thi-dua-nam-2024-dak-lak.md"
    assert path.is_file()
    assert "content/reports/2024/hoi-nghi-tong-ket-cong-tac-thi-dua-nam-2024-dak-lak.md" in proc.stdout
    text = path.read_text("utf-8")
    assert "cluster: Cụm thi đua các tỉnh, thành Bắc Bộ" in text
    assert "# summary:" in text
    assert "\ndraft: true " in text
    page_path = work / "site/bai-viet/hoi-nghi-tong-ket-cong-tac-thi-dua-nam-2024-dak-lak/index.html"
    # A draft: left out of the site, shown with --drafts.
    build = confsite("build", cwd=work)
    assert build.returncode == 0, build.stderr
    assert not page_path.exists()
    assert confsite("build", "--drafts", cwd=work).returncode == 0
    assert "Hội nghị tổng kết công tác thi đua năm 2024: Đắk Lắk" in page_path.read_text("utf-8")
    # The draft mark gone while the placeholder is still there: check and build refuse it.
    draft_line = next(ln for ln in text.splitlines() if ln.startswith("draft: true"))
    path.write_text(text.replace(draft_line + "\n", ""), "utf-8")
    shown = "content/reports/2024/hoi-nghi-tong-ket-cong-tac-thi-dua-nam-2024-dak-lak.md"
    for command in ("check", "build"):
        refused = confsite(command, cwd=work)
        assert refused.returncode == 1
        assert f"{shown}:{len(text.splitlines()) - 1}: body: still holds the placeholder text of confsite new" \
            in refused.stderr, refused.stderr
    # Written: published.
    written = path.read_text("utf-8").splitlines()
    path.write_text("\n".join(written[:-1] + ["Hội nghị đã tổng kết công tác thi đua năm 2024."]) + "\n", "utf-8")
    build = confsite("build", cwd=work)
    assert build.returncode == 0, build.stderr
    page = page_path.read_text("utf-8")
    assert "Hội nghị tổng kết công tác thi đua năm 2024: Đắk Lắk" in page
    cluster = (work / "site/cum-thi-dua/bac-bo/index.html").read_text("utf-8")
    assert "Hội nghị tổng kết công tác thi đua năm 2024: Đắk Lắk" in cluster


def test_new_refuses_to_overwrite(work: Path) -> None:
    first = confsite("new", "Sơ kết 6 tháng", "--date", "2024-06-30", cwd=work)
    assert first.returncode == 0, first.stderr
    path = work / "content/reports/2024/so-ket-6-thang.md"
    path.write_text(path.read_text("utf-8") + "\nMy own words.\n", "utf-8")
    again = confsite("new", "Sơ kết 6 tháng", "--date", "2024-06-30", cwd=work)
    assert again.returncode == 1
    assert "content/reports/2024/so-ket-6-thang.md: already exists; nothing was written" in again.stderr
    assert "My own words." in path.read_text("utf-8")


def test_new_checks_the_cluster_and_the_date(work: Path) -> None:
    bad_date = confsite("new", "Tổng kết", "--date", "20/12/2024", cwd=work)
    assert bad_date.returncode == 1 and "YYYY-MM-DD" in bad_date.stderr
    assert not list((work / "content/reports").rglob("tong-ket.md"))
    # An unregistered cluster is no error (docs/content-format.md, section 3): a warning
    # names the registered cluster it looks like.
    proc = confsite("new", "Tổng kết", "--cluster", "Cum thi dua Bac Bo", cwd=work)
    assert proc.returncode == 0
    assert proc.stderr.startswith("warning: ")
    assert 'did you mean "Cụm thi đua các tỉnh, thành Bắc Bộ"' in proc.stderr


# -- progress ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_short_build_off_a_terminal_prints_problems_and_summary_only(work: Path) -> None:
    proc = confsite("build", cwd=work)
    assert proc.returncode == 0, proc.stderr
    # Nothing but, on a machine so busy that the build runs past two seconds, its stages.
    assert [line for line in proc.stderr.splitlines() if not PROGRESS.match(line)] == []
    assert proc.stdout.startswith("built 6 articles") and "0 warning(s) in" in proc.stdout


def test_progress_off_a_terminal_is_plain_lines() -> None:
    stream = io.StringIO()
    with Progress(stream, live=False, quiet_for=0) as progress:
        for stage in ("load", "validate", "model", "render", "write"):
            progress(stage)
    lines = stream.getvalue().splitlines()
    assert [ln.split(" … ")[0] for ln in lines] == ["[1/5] load", "[2/5] validate", "[3/5] model",
                                                     "[4/5] render", "[5/5] write"]
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_progress_on_a_terminal_is_one_line_rewritten_then_cleared() -> None:
    stream = io.StringIO()
    with Progress(stream, live=True) as progress:
        progress("load")
        progress("render")
    out = stream.getvalue()
    assert "\n" not in out
    assert "\r\x1b[K[1/5] load" in out and "\r\x1b[K[4/5] render" in out
    assert out.endswith("\r\x1b[K")


def test_progress_of_a_cached_build_counts_its_seven_stages_in_order() -> None:
    # A build with its cache also looks for changes first and saves the cache last:
    # the numbers still run 1, 2, 3 … under one total.
    stream = io.StringIO()
    with Progress(stream, live=False, quiet_for=0, stages=CACHED_STAGES) as progress:
        for stage in CACHED_STAGES:
            progress(stage)
    labels = [ln.split(" … ")[0] for ln in stream.getvalue().splitlines()]
    assert labels == ["[1/7] look for changes", "[2/7] load", "[3/7] validate", "[4/7] model",
                      "[5/7] render", "[6/7] write", "[7/7] cache"]


def test_only_the_console_script_leaves_the_cycle_collector_off_after_a_build(work: Path, monkeypatch) -> None:
    # `confsite build` ends its process after the build: no collection walks the model
    # then. Called as a function (a test, a script), the collector is back on afterwards.
    import gc

    from generator.commands import cli

    monkeypatch.chdir(work)
    try:
        assert cli.main(["build", "--lang", "en"]) == 0
        assert gc.isenabled()
        assert cli.main(["build", "--lang", "en"], exiting=True) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
