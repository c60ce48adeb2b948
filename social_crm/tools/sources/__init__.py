"""Source adapters: pure Python (never imports odoo) — one module per kind of source.

``get_adapter(kind, config, session=..., timeout=..., sleep=...)`` returns the adapter the
Odoo side calls: ``fetch(cursor, limit)``, ``parse_webhook(headers, body, query, path_token)``,
``post_reply(target, text)``, ``test_connection()``.  File uploads go through
``files.parse_file``.
"""
from .base import (AuthError, FetchResult, PayloadError, PayloadTooLarge, RateLimited,
                   SourceAdapter, SourceError, WebhookResult, normalize_url, platform_from)
from .brand_analytics import BrandAnalyticsAdapter
from .files import FileAdapter, parse_file
from .meta import MetaAdapter, verify_subscription
from .rss import RSSAdapter
from .telegram import TelegramAdapter
from .vk import VKAdapter
from .webhook import WebhookAdapter
from .youscan import YouScanAdapter
from .youtube import YouTubeAdapter

ADAPTERS = {
    "webhook": WebhookAdapter,
    "file": FileAdapter,
    "youscan": YouScanAdapter,
    "brand_analytics": BrandAnalyticsAdapter,
    "vk": VKAdapter,
    "telegram": TelegramAdapter,
    "youtube": YouTubeAdapter,
    "rss": RSSAdapter,
    "facebook": MetaAdapter,
}


def get_adapter(kind, config=None, **kw):
    """An adapter instance for a source kind; SourceError for a kind without one."""
    cls = ADAPTERS.get(kind)
    if cls is None:
        raise SourceError(f"no adapter for source kind '{kind}'; known kinds: "
                          f"{', '.join(sorted(ADAPTERS))}")
    return cls(config or {}, **kw)


__all__ = ["ADAPTERS", "AuthError", "FetchResult", "PayloadError", "PayloadTooLarge",
           "RateLimited", "SourceAdapter", "SourceError", "WebhookResult", "get_adapter",
           "normalize_url", "parse_file", "platform_from", "verify_subscription"]
