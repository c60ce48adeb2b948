"""Private messages (a person writing to the brand's community, bot or page directly).

A private message is a normalized record with ``"private": True`` and no public URL.  Its
answer must go back privately, through the platform's messaging API, never as a public
comment; each adapter's ``post_reply`` asks :func:`is_private` about its target and checks
the length against the messaging limit, which differs from the public comment's.
"""

from __future__ import annotations

from .base import SourceError

# Longest text one private answer may carry, per platform code, in characters: VK
# messages.send and Telegram sendMessage take 4096, Messenger's Send API 2000.  Instagram
# counts bytes of UTF-8 instead: 1000 bytes, which is 500 Cyrillic letters.
PRIVATE_REPLY_LIMITS = {"vk": 4096, "telegram": 4096, "facebook": 2000}
PRIVATE_REPLY_BYTE_LIMITS = {"instagram": 1000}


def private_reply_limit(platform):
    """(limit, unit) of one private answer on ``platform``: unit "characters" or "bytes";
    (0, "") when the platform has no messaging."""
    platform = str(platform or "")
    if platform in PRIVATE_REPLY_BYTE_LIMITS:
        return PRIVATE_REPLY_BYTE_LIMITS[platform], "bytes"
    if platform in PRIVATE_REPLY_LIMITS:
        return PRIVATE_REPLY_LIMITS[platform], "characters"
    return 0, ""


def private_reply_problem(platform, text):
    """Why ``text`` cannot go out as one private message on ``platform``; '' when it can."""
    limit, unit = private_reply_limit(platform)
    size = len((text or "").encode("utf-8")) if unit == "bytes" else len(text or "")
    if limit and size > limit:
        return (
            f"the answer has {size} {unit}; a private message on {platform} takes at most {limit}"
        )
    return ""


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
    problem = private_reply_problem(platform, text)
    if problem:
        raise SourceError(f"{who}: {problem}")
