"""Update a translation to the template's current strings, keeping existing translations.

    /path/to/odoo/python scripts/po_merge.py social_crm/i18n/social_crm.pot social_crm/i18n/ru.po \
        [--extra translations.json]

Entries no longer in the template are dropped; new ones come in untranslated and are
listed, so they can be translated (make test fails while any is missing). Needs polib
(shipped with Odoo: run it with the Python that runs Odoo).
"""

import json
import sys

import polib

RU_HEADER = {
    "Project-Id-Version": "Odoo Server 18.0",
    "PO-Revision-Date": "2026-11-23 00:00+0000",
    "Last-Translator": "social_crm contributors",
    "Language-Team": "Russian",
    "Language": "ru",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
}


def merge(pot_path, po_path, extra=None):
    pot = polib.pofile(pot_path)
    try:
        old = {e.msgid: e.msgstr for e in polib.pofile(po_path) if e.msgstr and not e.obsolete}
    except (OSError, ValueError):
        old = {}
    old.update(extra or {})
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(RU_HEADER)
    po.header = (
        "Translation of Odoo Server.\nThis file contains the translation of the "
        "following modules:\n\t* social_crm"
    )
    missing = []
    for entry in pot:
        entry.msgstr = old.get(entry.msgid, "")
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        if not entry.msgstr:
            missing.append(entry.msgid)
        po.append(entry)
    po.save(po_path)
    return missing


if __name__ == "__main__":
    args = sys.argv[1:]
    extra = {}
    if "--extra" in args:  # {msgid: translation} to add (e.g. a batch of new strings)
        at = args.index("--extra")
        with open(args[at + 1], encoding="utf-8") as handle:
            extra = json.load(handle)
        del args[at : at + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    untranslated = merge(args[0], args[1], extra)
    for msgid in untranslated:
        print(f"untranslated: {msgid!r}")
    print(f"{len(untranslated)} untranslated")
