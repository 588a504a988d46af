"""Small helpers for tests that write content folders and run confsite on them."""
from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

from generator.commands import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE_YAML = "title: Thử nghiệm\nbase_url: https://snv.example.gov.vn/tin/\n"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


PROGRESS = re.compile(r"\[\d+/\d+\] ")


def content(root: Path, files: dict[str, str | bytes], site_yaml: str = SITE_YAML) -> Path:
    """A content folder with a site.yaml and *files*."""
    return write_tree(root, {"site.yaml": site_yaml, **files})


def copy_fixture(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / name / "content", dest)
    return dest


def run(*args: str) -> tuple[int, str, str]:
    """Run the confsite command in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def build(content_dir: Path, output: Path, *extra: str) -> tuple[int, str, str]:
    return run("build", "--content", str(content_dir), "--output", str(output), *extra)


def errors(stderr: str) -> list[str]:
    """The error lines of a failed build, without the closing summary line, nor the progress
    lines ("[2/5] validate … 2.2 s") a build that runs past two seconds prints on a busy machine."""
    return [line for line in stderr.splitlines()
            if line and not line.startswith(("warning:", "build failed")) and not PROGRESS.match(line)]


def without_progress(stderr: str) -> str:
    """*stderr* less the progress lines a build slowed past two seconds prints."""
    return "".join(line for line in stderr.splitlines(keepends=True) if not PROGRESS.match(line))


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def article(title: str = "Hội nghị thử nghiệm", date: str = "2020-12-11", body: str = "Nội dung.", **fields: str) -> str:
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n---\n" + body + "\n"


HREF = re.compile(r'(?:href|src)="([^"#?]*)[^"]*"')


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
