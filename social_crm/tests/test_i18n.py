import io

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path
from odoo.tools.translate import trans_export


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every user-facing string is in i18n/social_crm.pot and translated in ru.po."""

    def current_terms(self):
        buffer = io.BytesIO()
        trans_export(False, ["social_crm"], buffer, "po", self.env.cr)
        return {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}

    def test_pot_is_up_to_date(self):
        pot = {e.msgid for e in polib.pofile(file_path("social_crm/i18n/social_crm.pot"))}
        current = self.current_terms()
        self.assertFalse(
            sorted(current - pot)[:20],
            "strings missing from social_crm.pot: re-export it (see README, Translations)",
        )
        if self.env.ref("social_crm.source_demo_webhook", raise_if_not_found=False):
            # the template is exported with the demo data: without it, its terms are absent
            self.assertFalse(sorted(pot - current)[:20], "stale strings in social_crm.pot")

    def test_russian_translation_is_complete(self):
        ru = polib.pofile(file_path("social_crm/i18n/ru.po"))
        translated = {e.msgid for e in ru if e.msgstr and not e.fuzzy and not e.obsolete}
        missing = sorted(self.current_terms() - translated)
        self.assertFalse(missing[:20], f"{len(missing)} strings without a Russian translation")
