"""What an adapter read from one webhook delivery, including what it chose not to keep.

A platform pushes more than mentions: reactions, read receipts, deletions, the page's own
echoes.  Those are answered like any delivery but produce no record; ``Delivery.ignored``
says which item was left out and why, so a source's log can show it and a test can check
that nothing was dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import WebhookResult


@dataclass
class Delivery(WebhookResult):
    # [{"record": what was skipped, "reason": why}] — the shape of ingest errors.
    ignored: list = field(default_factory=list)

    def skip(self, label, reason):
        self.ignored.append({"record": str(label), "reason": str(reason)})
