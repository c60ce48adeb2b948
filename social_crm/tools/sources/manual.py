"""Mentions entered by hand: a phone call about a post, a screenshot someone sent.

Nothing to pull or receive: the mention form hands each one to ``ingest`` like any other
source, with an id made up for it.
"""

from __future__ import annotations

from .base import SourceAdapter, _lt, register


@register
class ManualAdapter(SourceAdapter):
    kind = "manual"
    label = _lt("Entered by hand")
    sequence = 25
    help = _lt(
        "Mentions staff enter with New on the Mentions screen (a phone call about a "
        "post, a screenshot someone sent); each gets an id made up for it."
    )
    needs_credentials = False
    can_fetch = False

    def test_connection(self):
        return "Entered by hand: nothing to connect to"
