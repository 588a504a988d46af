"""argparse's own words (``usage:``, ``options``, its errors) in the editor's language.

argparse looks its texts up with ``gettext`` when a parser is made and when it prints;
:func:`argparse_in` answers those look-ups from confsite's catalogue while the command
line is parsed, and puts argparse back as it was afterwards.
"""
from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from ..core.messages import N_, Translator

# argparse's texts that an editor can meet (marked here so that extraction finds them).
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


@contextlib.contextmanager
def argparse_in(tr: Translator) -> Iterator[None]:
    saved = argparse._, argparse.ngettext
    argparse._ = tr.gettext
    argparse.ngettext = lambda one, many, n: tr.gettext(one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved
