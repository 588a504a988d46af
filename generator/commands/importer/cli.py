"""What ``confsite import`` prints: one summary line per report, problems, a total."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

from ...core.errors import BuildFailed, Problem
from ...core.messages import ENGLISH, N_, Num, Translator
from .write import REVIEW


def run_import(args: argparse.Namespace, show: Callable[[list[Problem]], int], tr: Translator = ENGLISH) -> int:
    from . import import_paths

    def say(message: str, **kw) -> None:
        print(tr(message), **kw)

    started = time.perf_counter()
    content = Path(args.content)
    try:
        result = import_paths([Path(p) for p in args.paths], content, Path(args.into) if args.into else None,
                              cluster=args.cluster, jobs=args.jobs, language=tr.language)
    except BuildFailed as exc:
        show(exc.problems)
        say(N_("import failed; nothing was written"), file=sys.stderr)
        return 1
    for item in result.imported:
        shown = item.path.as_posix()
        images = N_(", {n} image(s) copied", n=item.images) if item.images else ""
        if item.images_left:
            images += N_(", {n} image(s) not copied (only on the web, or missing beside the page)", n=item.images_left)
        check = N_("{n} to review", n=item.unsure) if item.unsure else N_("none to review")
        say(N_("{source} → {path}: {drafted} facts drafted, {check}{images}", source=item.label, path=shown,
               drafted=item.drafted, check=check, images=images))
    errors = show(result.problems)
    seconds = Num(time.perf_counter() - started)
    if errors:
        say(N_("imported {n} report(s) as drafts in {seconds} s; {errors} input(s) could not be imported (see above)",
               n=len(result.imported), seconds=seconds, errors=errors), file=sys.stderr)
        return 1
    say(N_("imported {n} report(s) as drafts in {seconds} s; check the lines marked {review}, then remove draft: true",
           n=len(result.imported), seconds=seconds, review=REVIEW))
    return 0

