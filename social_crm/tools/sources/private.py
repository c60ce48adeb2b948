"""Private messages (a person writing to the brand's community, bot or page directly).

A private message is a normalized record with ``"private": True`` and no public URL.  Its
answer must go back privately, through the platform's messaging API, never as a public
comment; each adapter's ``post_reply`` asks :func:`is_private` about its target and checks
the length against the messaging limit, which differs from the public comment's.
"""
from __future__ import annotations

from .base import SourceError

# Longest text one private answer may carry, per platform code (the platforms' documented
# message limits: VK messages.send and Telegram sendMessage 4096 characters, Messenger's
# Send API 2000, Instagram messaging 1000).
PRIVATE_REPLY_LIMITS = {"vk": 4096, "telegram": 4096, "facebook": 2000, "instagram": 1000}


def private_reply_limit(platform):
    """The longest private answer on ``platform`` (0 when the platform has no messaging)."""
    return PRIVATE_REPLY_LIMITS.get(str(platform or ""), 0)


def is_private(target, raw_test=None):
    """True when the reply target is a private message: the mention says so, or its raw
    payload passes ``raw_test`` (the adapter's own reading of its payload shape)."""
    if not isinstance(target, dict):
        return False
    if target.get("private"):
        return True
    raw = target.get("raw")
    return bool(raw_test and isinstance(raw, dict) and raw_test(raw))


def check_length(platform, text, who):
    """SourceError naming ``who`` when ``text`` is longer than one private message allows."""
    limit = private_reply_limit(platform)
    if limit and len(text or "") > limit:
        raise SourceError(f"{who}: the answer has {len(text)} characters; a private message "
                          f"on {platform} takes at most {limit}")
