"""Marking user-facing English texts of ``tools`` for translation.

``tools`` never imports odoo, so it cannot translate; it marks its texts with ``_lt("...")``,
which Odoo's translation export reads in every Python file of the addon, and the Odoo side
translates a marked text when it shows it (``env._(text)``).
"""


def _lt(text):
    """Marks ``text`` for the translation template; returns it unchanged."""
    return text
