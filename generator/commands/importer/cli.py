"""What ``confsite import`` prints: one summary line per report, problems, a total."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

from ...core.errors import BuildFailed, Problem


def run_import(args: argparse.Namespace, show: Callable[[list[Problem]], int]) -> int:
    from . import import_paths

    started = time.perf_counter()
    content = Path(args.content)
    try:
        result = import_paths([Path(p) for p in args.paths], content, Path(args.into) if args.into else None,
                              cluster=args.cluster, jobs=args.jobs)
    except BuildFailed as exc:
        show(exc.problems)
        print("import failed; nothing was written", file=sys.stderr)
        return 1
    for item in result.imported:
        shown = item.path.as_posix()
        images = f", {item.images} image(s) copied" if item.images else ""
        if item.images_left:
            images += f", {item.images_left} image(s) not copied (only on the web, or missing beside the page)"
        check = f"{item.unsure} to review" if item.unsure else "none to review"
        print(f"{item.label} → {shown}: {item.drafted} facts drafted, {check}{images}")
    errors = show(result.problems)
    total = f"imported {len(result.imported)} report(s) as drafts in {time.perf_counter() - started:.2f} s"
    if errors:
        print(f"{total}; {errors} input(s) could not be imported (see above)", file=sys.stderr)
        return 1
    print(total + "; check the lines marked REVIEW, then remove draft: true")
    return 0
