"""Source adapters: pure Python (never imports odoo) — one module per kind of source.

Each module defines one ``SourceAdapter`` subclass and registers it with ``@register``: its
kind, label, help, credentials, the source fields its config is read from, and what it can
do. Every module of this package is imported here, so adding a kind is adding a file.

``get_adapter(kind, config, session=..., timeout=..., sleep=...)`` returns the adapter the
Odoo side calls: ``fetch(cursor, limit)``, ``parse_webhook(headers, body, query, path_token)``,
``post_reply(target, text)``, ``test_connection()``, ``enrich_authors(ids)``.  File uploads go
through ``files.parse_file``.
"""

import importlib
import pkgutil

from .base import (
    ADAPTERS,
    AuthError,
    FetchResult,
    PayloadError,
    PayloadTooLarge,
    RateLimited,
    SourceAdapter,
    SourceError,
    WebhookResult,
    normalize_url,
    platform_from,
)

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from .files import parse_file  # noqa: E402
from .meta import verify_subscription  # noqa: E402


def get_adapter(kind, config=None, **kw):
    """An adapter instance for a source kind; SourceError for a kind without one."""
    cls = ADAPTERS.get(kind)
    if cls is None:
        raise SourceError(
            f"no adapter for source kind '{kind}'; known kinds: {', '.join(sorted(ADAPTERS))}"
        )
    return cls(config or {}, **kw)


def adapter_classes():
    """The registered adapter classes in their selection order."""
    return sorted(ADAPTERS.values(), key=lambda cls: (cls.sequence, cls.kind))


__all__ = [
    "ADAPTERS",
    "AuthError",
    "FetchResult",
    "PayloadError",
    "PayloadTooLarge",
    "RateLimited",
    "SourceAdapter",
    "SourceError",
    "WebhookResult",
    "adapter_classes",
    "get_adapter",
    "normalize_url",
    "parse_file",
    "platform_from",
    "verify_subscription",
]
