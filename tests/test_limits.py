"""Limits from site.yaml (``limits: {max_markdown_kb, max_image_mb, max_errors}``) stop
oversized files with a plain message, and a flood of errors is cut short with a count."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tools

pytestmark = pytest.mark.slow


def build(content: Path, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                           str(output)], capture_output=True, text=True, cwd=tools.ROOT, env=dict(os.environ),
                          timeout=120)


def make_site(root: Path, limits: str) -> Path:
    content = root / "content"
    (content / "reports").mkdir(parents=True)
    (content / "site.yaml").write_text(f"title: Giới hạn\nbase_url: https://snv.example.gov.vn/tin/\n{limits}", "utf-8")
    (content / "reports" / "ok.md").write_text("---\ntitle: Bài đúng\ndate: 2020-01-01\n---\nNội dung.\n", "utf-8")
    return content


def test_markdown_and_image_over_the_limits(tmp_path):
    content = make_site(tmp_path, "limits: {max_markdown_kb: 2, max_image_mb: 1}\n")
    (content / "reports" / "dai.md").write_text("---\ntitle: Bài dài\ndate: 2020-01-01\n---\n" + "chữ " * 400, "utf-8")
    (content / "reports" / "vua.md").write_text("---\ntitle: Bài vừa\ndate: 2020-01-01\n---\n" + "a" * 1900, "utf-8")
    (content / "anh.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 1_500_000)
    (content / "nho.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 900_000)
    output = tmp_path / "site"
    proc = build(content, output)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert any(line.endswith("reports/dai.md: file: the file is 3 KB, over the limit of 2 KB; split it into "
                             "several articles or raise limits.max_markdown_kb in site.yaml") for line in lines), proc.stderr
    assert any(line.endswith("/anh.jpg: file: the image is 1.5 MB, over the limit of 1.0 MB; make it smaller "
                             "(a photo for the web needs about 2000 pixels across)") for line in lines), proc.stderr
    assert "vua.md" not in proc.stderr and "nho.jpg" not in proc.stderr
    assert not output.exists()


def test_default_limits_let_ordinary_files_through(tmp_path):
    content = make_site(tmp_path, "")
    (content / "reports" / "dai.md").write_text("---\ntitle: Bài dài\ndate: 2020-01-01\n---\n" + "chữ " * 60_000, "utf-8")
    (content / "anh.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 3_000_000)
    proc = build(content, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr


def test_more_errors_than_max_errors_are_counted_not_listed(tmp_path):
    content = make_site(tmp_path, "limits: {max_errors: 5}\n")
    for n in range(12):
        (content / "reports" / f"sai-{n:02d}.md").write_text(f"---\ntitle: Sai {n}\ndate: 11/12/2020\n---\n", "utf-8")
    proc = build(content, tmp_path / "site")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    listed = [line for line in lines if ": date: " in line]
    assert len(listed) == 5
    assert all('"11/12/2020" is not a date; write 2020-12-11' in line for line in listed)
    assert "… and 7 more errors (fix these first; raise limits.max_errors in site.yaml to see more)" in lines
    assert lines[-1].startswith("build failed: 12 error(s)")


def test_limits_must_be_positive_numbers(tmp_path):
    content = make_site(tmp_path, "limits: {max_markdown_kb: -1, max_image_mb: lots, max_errors: 0, max_pages: 3}\n")
    proc = build(content, tmp_path / "site")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    for text in ("max_markdown_kb: -1 is not a positive whole number", "max_image_mb: 'lots' is not a positive whole number",
                 "max_errors: 0 is not a positive whole number", "unknown limit 'max_pages'"):
        assert text in proc.stderr, proc.stderr


def test_very_long_titles_and_names_build_and_long_slugs_are_refused(tmp_path):
    """A long title, host or cluster name gives a shortened address (file systems refuse
    names over 255 bytes: this used to end in a traceback); an explicit slug that long is
    an error saying how long a slug may be."""
    content = make_site(tmp_path, "")
    long_name = "Hội nghị tổng kết " * 40
    (content / "reports" / "dai.md").write_text(
        f"---\ntitle: {long_name}\ndate: 2020-01-01\nhost: Sở Nội vụ {long_name}\ncluster: Cụm {long_name}\n---\n", "utf-8")
    output = tmp_path / "site"
    proc = build(content, output)
    assert proc.returncode == 0, proc.stderr
    folders = [p.name for p in (output / "bai-viet").iterdir()] + [p.name for p in (output / "don-vi").iterdir()]
    assert max(len(name) for name in folders) <= 200
    assert any(name.startswith("hoi-nghi-tong-ket-hoi-nghi") for name in folders)

    (content / "reports" / "dai.md").write_text(f"---\ntitle: Bài\ndate: 2020-01-01\nslug: {'a-' * 150}b\n---\n", "utf-8")
    proc = build(content, output)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "dai.md:4: slug: is 301 characters long; a slug has at most 200; write slug: a-a-" in proc.stderr
