"""Tone of voice: render replies in the brand's voice and lint them before they are sent.

Pure Python (never imports odoo).  The Odoo side stores a ``social_crm.tone`` record, turns
it into a :class:`ToneSpec`, renders a ``social_crm.reply.template`` with ``mail.render.mixin``
and then calls :func:`compose` (greeting + body + closing + signature, cut to the platform's
limit) and :func:`check` (a list of :class:`Finding` codes the agent can fix or override).
Tools return codes and params only; the Odoo side turns codes into translatable messages.

Variant markers
---------------
One template text serves both address forms.  ``[[formal|informal]]`` picks the left side
for a formal tone («Вы») and the right side for an informal one («ты»)::

    [[Подскажите|Подскажи]], пожалуйста, [[ваш|твой]] номер заказа.
    formal   → Подскажите, пожалуйста, ваш номер заказа.
    informal → Подскажи, пожалуйста, твой номер заказа.

Either side may be empty (``[[ с Вами|]]``).  A marker is one line and holds no ``[``,
``]`` or a second ``|``; anything else is left as written.  Double square brackets are not
part of Odoo's inline_template syntax (``{{ expr }}``, rendered first), so the two never
clash: Odoo renders placeholders, then :func:`apply_variants` picks the variants.  English has
no T-V distinction, so English bodies rarely need markers (they still work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import text as _text  # the shared stemmer: banned words in any word form

ADDRESS_FORMS = ("formal", "informal")
STYLES = ("educational", "motivational", "entertaining")
FRIENDLINESS = ("formal", "neutral", "informal")
EMOJI_POLICIES = ("none", "allowed", "mirror")

# Finding codes (the Odoo side maps each to a translatable message).
INFORMAL_IN_FORMAL = "informal_in_formal"
FORMAL_IN_INFORMAL = "formal_in_informal"
BANNED_WORD = "banned_word"
TOO_LONG = "too_long"
MISSING_GREETING = "missing_greeting"
EMOJI_NOT_ALLOWED = "emoji_not_allowed"
FINDING_CODES = (
    INFORMAL_IN_FORMAL,
    FORMAL_IN_INFORMAL,
    BANNED_WORD,
    TOO_LONG,
    MISSING_GREETING,
    EMOJI_NOT_ALLOWED,
)

ELLIPSIS = "…"

# ---------------------------------------------------------------------------------------------
# Default greetings and closings: lang → friendliness → address form.  ``{name}`` is the
# author's name; without a name ", {name}" disappears («Здравствуйте!»).

DEFAULT_GREETINGS = {
    "ru": {
        "formal": {"formal": "Здравствуйте, {name}!", "informal": "Здравствуй, {name}!"},
        "neutral": {"formal": "Здравствуйте, {name}!", "informal": "Привет, {name}!"},
        "informal": {"formal": "Добрый день, {name}!", "informal": "Привет, {name}!"},
    },
    "uk": {
        "formal": {"formal": "Добрий день, {name}!", "informal": "Добрий день, {name}!"},
        "neutral": {"formal": "Вітаємо, {name}!", "informal": "Привіт, {name}!"},
        "informal": {"formal": "Вітаємо, {name}!", "informal": "Привіт, {name}!"},
    },
    "kk": {
        "formal": {"formal": "Сәлеметсіз бе, {name}!", "informal": "Сәлеметсің бе, {name}!"},
        "neutral": {"formal": "Сәлеметсіз бе, {name}!", "informal": "Сәлем, {name}!"},
        "informal": {"formal": "Сәлеметсіз бе, {name}!", "informal": "Сәлем, {name}!"},
    },
    "en": {
        "formal": {"formal": "Hello, {name}.", "informal": "Hello, {name}."},
        "neutral": {"formal": "Hello, {name}!", "informal": "Hello, {name}!"},
        "informal": {"formal": "Hi, {name}!", "informal": "Hi, {name}!"},
    },
}

DEFAULT_CLOSINGS = {
    "ru": {
        "formal": {"formal": "Благодарим Вас за обращение.", "informal": "Спасибо за обращение."},
        "neutral": {
            "formal": "Спасибо, что написали нам!",
            "informal": "Спасибо, что написал нам!",
        },
        "informal": {"formal": "Хорошего Вам дня!", "informal": "Хорошего дня!"},
    },
    "uk": {
        "formal": {"formal": "Дякуємо Вам за звернення.", "informal": "Дякуємо за звернення."},
        "neutral": {"formal": "Дякуємо, що написали нам!", "informal": "Дякуємо, що написав нам!"},
        "informal": {"formal": "Гарного Вам дня!", "informal": "Гарного дня!"},
    },
    "kk": {
        "formal": {"formal": "Хабарласқаныңызға рахмет.", "informal": "Хабарласқаныңа рахмет."},
        "neutral": {"formal": "Жазғаныңызға рахмет!", "informal": "Жазғаныңа рахмет!"},
        "informal": {"formal": "Күніңіз сәтті өтсін!", "informal": "Күнің сәтті өтсін!"},
    },
    "en": {
        "formal": {
            "formal": "Thank you for contacting us.",
            "informal": "Thank you for contacting us.",
        },
        "neutral": {"formal": "Thanks for reaching out!", "informal": "Thanks for reaching out!"},
        "informal": {"formal": "Have a great day!", "informal": "Have a great day!"},
    },
}
# «Спасибо, что написал нам» is gendered; the neutral informal closing avoids the past tense.
DEFAULT_CLOSINGS["ru"]["neutral"]["informal"] = "Спасибо за сообщение!"
DEFAULT_CLOSINGS["uk"]["neutral"]["informal"] = "Дякуємо за повідомлення!"

FALLBACK_LANG = "en"


def _base_lang(lang):
    """'ru_RU' / 'ru-RU' / 'RU' → 'ru'; '' stays '' (unknown)."""
    return re.split(r"[_-]", (lang or "").strip().lower())[0]


@dataclass
class ToneSpec:
    """A brand's tone of voice (address form, style, friendliness, key values)."""

    address_form: str = "formal"  # 'formal' («Вы») | 'informal' («ты»)
    style: str = "educational"  # 'educational' | 'motivational' | 'entertaining'
    friendliness: str = "neutral"  # 'formal' | 'neutral' | 'informal'
    values: list = field(default_factory=list)
    greetings: dict = field(default_factory=dict)  # lang → text with optional {name}
    closings: dict = field(default_factory=dict)  # lang → text ('' = no closing)
    signature: str = ""
    emoji_policy: str = "allowed"  # 'none' | 'allowed' | 'mirror' (only if the author did)
    banned_words: list = field(default_factory=list)

    def __post_init__(self):
        if self.address_form not in ADDRESS_FORMS:
            self.address_form = "formal"
        if self.friendliness not in FRIENDLINESS:
            self.friendliness = "neutral"
        if self.emoji_policy not in EMOJI_POLICIES:
            self.emoji_policy = "allowed"

    def greeting(self, lang):
        """The greeting template for ``lang`` (custom first, then the defaults)."""
        return self._pick(self.greetings, DEFAULT_GREETINGS, lang)

    def closing(self, lang):
        return self._pick(self.closings, DEFAULT_CLOSINGS, lang)

    def _pick(self, custom, defaults, lang):
        base = _base_lang(lang)
        for key in (lang, base):
            if key in custom and custom[key] is not None:
                return custom[key]
        table = defaults.get(base) or defaults[FALLBACK_LANG]
        return table[self.friendliness][self.address_form]


# ---------------------------------------------------------------------------------------------
# Variants

_VARIANT = re.compile(r"\[\[([^\[\]|\n]*)\|([^\[\]|\n]*)\]\]")


def apply_variants(text, address_form):
    """Replace every ``[[formal|informal]]`` marker by the side for ``address_form``."""
    side = 2 if address_form == "informal" else 1
    return _VARIANT.sub(lambda m: m.group(side), text or "")


def fill_name(template, name=""):
    """Put the author's name into a greeting; drop ", {name}" cleanly when there is none."""
    name = (name or "").strip()
    if name:
        return template.replace("{name}", name)
    text = re.sub(r"^\s*\{name\}[ \t]*[,–—-]?[ \t]*", "", template)  # "{name}, добрый день!"
    text = re.sub(r"[ \t]*[,–—-]?[ \t]*\{name\}", "", text)  # "Привет, {name}!"
    text = re.sub(r"\s+([!?.,])", r"\1", text).strip()
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# Emoji

_EMOJI = re.compile(
    "(?:[\U0001f1e6-\U0001f1ff]{2}"  # flags
    "|[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff]"
    "[\U0001f3fb-\U0001f3ff\ufe0f\u20e3]*"  # skin tone, presentation selector
    "(?:\u200d[\U0001f300-\U0001faff\u2600-\u27bf][\ufe0f]?)*)"  # ZWJ sequences
)


def find_emoji(text):
    return list(_EMOJI.finditer(text or ""))


def strip_emoji(text):
    """Remove emoji and the spaces they leave behind, keep line breaks."""
    text = _EMOJI.sub("", text or "")
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+([!?.,;:)])", r"\1", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _emoji_allowed(tone, mention_text):
    if tone.emoji_policy == "none":
        return False
    if tone.emoji_policy == "mirror":
        return bool(find_emoji(mention_text or ""))
    return True


# ---------------------------------------------------------------------------------------------
# Cutting to the platform's limit

_SENTENCE_END = re.compile(r"[.!?…](?:[»\")\]]*)(?=\s|$)|\n")
# A sentence cut must keep at least this share of the room, else cut at a word instead.
MIN_SENTENCE_SHARE = 0.4
# The signature is dropped when keeping it would leave less room than this for the text.
MIN_ROOM_BEFORE_SIGNATURE = 40


def _cut_text(text, limit, min_cut=0):
    """Cut ``text`` to ``limit`` characters at a sentence end, else at a word boundary + '…'.

    A sentence cut at or before ``min_cut`` (the greeting) is not a reply, so it is skipped.
    """
    text = text.rstrip()
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    sentence_cut = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        if end > limit:
            break
        sentence_cut = end
    if sentence_cut > min_cut and sentence_cut >= limit * MIN_SENTENCE_SHARE:
        return text[:sentence_cut].rstrip()
    room = limit - len(ELLIPSIS)
    head = text[: room + 1]
    # room + 1: if the character right after the room is a space, the word before it is whole.
    space = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
    if space <= 0:
        # one giant word (a URL): nothing better than a hard cut
        return text[:room].rstrip() + ELLIPSIS
    head = text[:space].rstrip(" \t\n,;:—–-")
    return head + ELLIPSIS


def cut_to_limit(text, limit, keep_tail="", keep_head=""):
    """Fit ``text`` into ``limit`` characters (0 = no limit).

    Cuts at the last sentence end that keeps a fair share of the text, else at the last word
    boundary followed by '…' — never mid-word.  ``keep_tail`` (the signature), when ``text``
    ends with it, is kept after the cut text if there is room for both.  ``keep_head`` (the
    greeting), when ``text`` starts with it, is never all that is left of a sentence cut.
    """
    text = (text or "").strip()
    if not limit or limit <= 0 or len(text) <= limit:
        return text
    head = (keep_head or "").strip()
    min_cut = len(head) if head and text.startswith(head) else 0
    tail = (keep_tail or "").strip()
    if tail and text.endswith(tail):
        before = text[: -len(tail)].rstrip()
        room = limit - len(tail) - 1  # the newline before the signature
        if before and room >= MIN_ROOM_BEFORE_SIGNATURE:
            cut = _cut_text(before, room, min_cut)
            if cut:
                return cut + "\n" + tail
    return _cut_text(text, limit, min_cut)


# ---------------------------------------------------------------------------------------------
# Compose


def compose(body, tone, lang, name="", limit=0, mention_text=None):
    """Greeting + body + closing + signature in ``tone``, for ``lang``, cut to ``limit``.

    ``body`` may hold ``[[formal|informal]]`` markers (Odoo placeholders are already
    rendered).  A body that already opens with a greeting gets no second one; the closing is
    skipped when the body already ends with it.  With emoji policy 'none' (or 'mirror' and an
    author who used none, ``mention_text``) emoji are stripped.
    """
    tone = tone or ToneSpec()
    form = tone.address_form
    body = apply_variants(body, form).strip()
    parts = []
    greeting = fill_name(apply_variants(tone.greeting(lang), form), name)
    if greeting and not has_greeting(body, lang, tone):
        parts.append(greeting)
    if body:
        parts.append(body)
    closing = apply_variants(tone.closing(lang), form).strip()
    if closing and not body.rstrip().endswith(closing):
        parts.append(closing)
    signature = apply_variants(tone.signature or "", form).strip()
    if signature:
        parts.append(signature)
    text = "\n".join(parts)
    if not _emoji_allowed(tone, mention_text):
        text = strip_emoji(text)
        signature = strip_emoji(signature)
        greeting = strip_emoji(greeting)
    head = greeting if parts and parts[0] == greeting else ""
    return cut_to_limit(text, limit, keep_tail=signature, keep_head=head)


# ---------------------------------------------------------------------------------------------
# Check


@dataclass
class Finding:
    code: str  # one of FINDING_CODES
    severity: str = "warning"  # 'warning' (fix or override) | 'error' (the platform refuses it)
    params: dict = field(default_factory=dict)
    span: tuple | None = None  # (start, end) in the checked text, when it points at words

    def as_dict(self):
        return {
            "code": self.code,
            "severity": self.severity,
            "params": dict(self.params),
            "span": list(self.span) if self.span else None,
        }


_WORD = re.compile(r"\w+(?:[-'’ʼ]\w+)*")


def _norm(word):
    return word.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")


def _words(values):
    return frozenset(_norm(w) for w in values.split())


# Russian.  Pronouns are unambiguous; verbs come from a lexicon of common reply verbs (pairs
# of formal / informal forms) plus suffix rules that hold for Russian (-ешь/-ишь are 2nd person
# singular; -тесь/-йте/-ьте are 2nd person plural imperatives, bar a few nouns).
_RU_FORMAL_PRONOUNS = _words(
    "вы вас вам вами ваш ваша ваше ваши вашего вашей вашему вашим вашими ваших вашу вашем"
)
_RU_INFORMAL_PRONOUNS = _words(
    "ты тебя тебе тобой тобою твой твоя твое твои твоего твоей твоему твоим твоими твоих твою твоем"
)
_RU_VERB_PAIRS = """
подскажите подскажи  напишите напиши  уточните уточни  сообщите сообщи  проверьте проверь
попробуйте попробуй  свяжитесь свяжись  обратитесь обратись  отправьте отправь
можете можешь  сможете сможешь  хотите хочешь  знаете знаешь  будете будешь
сделайте сделай  позвоните позвони  оставьте оставь  расскажите расскажи
посмотрите посмотри  загляните загляни  заходите заходи  скажите скажи  простите прости
извините извини  переживайте переживай  волнуйтесь волнуйся  нажмите нажми  зайдите зайди
выберите выбери  укажите укажи  дайте дай  подождите подожди  обновите обнови
перезагрузите перезагрузи  установите установи  заполните заполни  пишите пиши
звоните звони  будьте будь  давайте давай  приходите приходи  ждите жди  оформите оформи
подключите подключи  откройте открой  введите введи  смотрите смотри  читайте читай
пользуйтесь пользуйся  обращайтесь обращайся  оцените оцени  поделитесь поделись
стесняйтесь стесняйся  получите получишь  найдете найдешь  увидите увидишь
вернитесь вернись  приезжайте приезжай  примите прими  передайте передай  отпишитесь отпишись
"""
# 'пришли' is left out: it is also the past plural («они пришли»).
_RU_FORMAL_VERBS, _RU_INFORMAL_VERBS = set(), set()
for _pair in re.findall(r"(\S+) (\S+)", _RU_VERB_PAIRS):
    _RU_FORMAL_VERBS.add(_norm(_pair[0]))
    _RU_INFORMAL_VERBS.add(_norm(_pair[1]))
_RU_INFORMAL_VERBS.discard("будь")  # «будь то» is no address at all
_RU_NOT_VERBS = _words("лишь тишь шиш сайте байте мегабайте гигабайте килобайте терабайте")

# Ukrainian.
_UK_FORMAL_PRONOUNS = _words(
    "ви вас вам вами ваш ваша ваше ваші вашого вашої вашому вашим вашими ваших вашу"
)
_UK_INFORMAL_PRONOUNS = _words(
    "ти тебе тебі тобі тобою твій твоя твоє твої твого твоєї твоєму твоїм твоїми твоїх твою"
)
_UK_VERB_PAIRS = """
підкажіть підкажи  напишіть напиши  уточніть уточни  повідомте повідом  перевірте перевір
спробуйте спробуй  зв'яжіться зв'яжися  зверніться звернися  надішліть надішли
можете можеш  зможете зможеш  хочете хочеш  знаєте знаєш  будете будеш  зробіть зроби
зателефонуйте зателефонуй  залиште залиш  розкажіть розкажи  подивіться подивись
скажіть скажи  вибачте вибач  хвилюйтеся хвилюйся  натисніть натисни  зайдіть зайди
оберіть обери  вкажіть вкажи  зачекайте зачекай  оновіть онови  заповніть заповни
пишіть пиши  будьте будь  давайте давай  приходьте приходь  чекайте чекай  оформіть оформи
відкрийте відкрий  введіть введи  звертайтеся звертайся  оцініть оціни  поділіться поділися
"""
_UK_FORMAL_VERBS, _UK_INFORMAL_VERBS = set(), set()
for _pair in re.findall(r"(\S+) (\S+)", _UK_VERB_PAIRS):
    _UK_FORMAL_VERBS.add(_norm(_pair[0]))
    _UK_INFORMAL_VERBS.add(_norm(_pair[1]))
_UK_INFORMAL_VERBS.discard("будь")  # «будь ласка» (please) is fine in any tone
_UK_NOT_VERBS = _words("лиш миш тиш кеш меш фреш")

# Kazakh: сіз (formal) / сен (informal) and the formal 2nd person suffixes -ыңыз/-іңіз.
_KK_FORMAL_PRONOUNS = _words("сіз сізге сізді сіздің сізбен сізден сізде сіздер")
_KK_INFORMAL_PRONOUNS = _words("сен саған сені сенің сенімен сенен сенде")


def _ru_form(word):
    """'formal' / 'informal' / None for one normalised Russian word."""
    if word in _RU_FORMAL_PRONOUNS or word in _RU_FORMAL_VERBS:
        return "formal"
    if word in _RU_INFORMAL_PRONOUNS or word in _RU_INFORMAL_VERBS:
        return "informal"
    if word in _RU_NOT_VERBS or len(word) < 4:
        return None
    if word.endswith(("ешь", "ишь", "ешься", "ишься")):
        return "informal"
    if word.endswith(("итесь", "йтесь", "ьтесь", "етесь")) or (
        word.endswith(("йте", "ьте")) and not word.endswith("байте")
    ):
        return "formal"
    return None


def _uk_form(word):
    if word in _UK_FORMAL_PRONOUNS or word in _UK_FORMAL_VERBS:
        return "formal"
    if word in _UK_INFORMAL_PRONOUNS or word in _UK_INFORMAL_VERBS:
        return "informal"
    if word in _UK_NOT_VERBS or len(word) < 4:
        return None
    if word.endswith(("єш", "їш", "ешся", "ишся", "єшся")):
        return "informal"
    if word.endswith(("йте", "іться", "йтеся")):
        return "formal"
    return None


def _kk_form(word):
    if word in _KK_FORMAL_PRONOUNS:
        return "formal"
    if word in _KK_INFORMAL_PRONOUNS:
        return "informal"
    if len(word) > 5 and word.endswith(("ыңыз", "іңіз", "ңыз", "ңіз")):
        return "formal"
    if len(word) > 5 and word.endswith(("сың", "сің")):
        return "informal"
    return None


_FORM_DETECTORS = {"ru": (_ru_form,), "uk": (_uk_form,), "kk": (_kk_form,), "en": ()}
# Unknown language: Russian and Ukrainian rules (the common case for our mentions).
_UNKNOWN_DETECTORS = (_ru_form, _uk_form)


def address_forms_used(text, lang=""):
    """[(word, 'formal'|'informal', (start, end))] for the T-V markers found in ``text``."""
    detectors = _FORM_DETECTORS.get(_base_lang(lang), _UNKNOWN_DETECTORS)
    found = []
    if not detectors:
        return found
    for m in _WORD.finditer(text or ""):
        word = _norm(m.group())
        for detect in detectors:
            form = detect(word)
            if form:
                found.append((m.group(), form, m.span()))
                break
    return found


GREETING_WORDS = {
    "ru": (
        "здравствуйте",
        "здравствуй",
        "добрый день",
        "добрый вечер",
        "доброе утро",
        "доброго дня",
        "доброго времени",
        "доброй ночи",
        "привет",
        "приветствуем",
        "приветствую",
        "рады приветствовать",
        "хай",
        "салют",
    ),
    "uk": (
        "добрий день",
        "добрий вечір",
        "доброго дня",
        "доброго ранку",
        "вітаємо",
        "вітаю",
        "привіт",
        "здрастуйте",
        "доброго вечора",
    ),
    "kk": (
        "сәлеметсіз бе",
        "сәлеметсің бе",
        "сәлем",
        "қайырлы күн",
        "қайырлы таң",
        "қайырлы кеш",
        "армысыз",
    ),
    "en": (
        "hello",
        "hi",
        "hey",
        "dear",
        "good morning",
        "good afternoon",
        "good evening",
        "greetings",
        "howdy",
    ),
}


def _greeting_phrases(lang, tone=None):
    base = _base_lang(lang)
    if base in GREETING_WORDS:
        phrases = set(GREETING_WORDS[base])
    else:
        phrases = {p for ps in GREETING_WORDS.values() for p in ps}
    if tone is not None:  # the brand's own greeting counts too, whatever it says
        for form in ADDRESS_FORMS:
            own = " ".join(_WORD.findall(fill_name(apply_variants(tone.greeting(lang), form))))
            if own:
                phrases.add(own)
    return phrases


def has_greeting(text, lang, tone=None):
    """True when the first sentence of ``text`` greets («Анна, добрый день!», «Hi Tom,»)."""
    first = re.split(r"[.!?\n]", (text or "").strip(), maxsplit=1)[0]
    words = " ".join(_norm(w) for w in _WORD.findall(first))
    if not words:
        return False
    padded = f" {words} "
    return any(f" {_norm(p)} " in padded for p in _greeting_phrases(lang, tone))


def _stem(word, lang):
    return _text.stem(word, lang) if lang else word


def find_banned(text, banned_words, lang=""):
    """[(banned entry, (start, end))]: whole words in any word form, phrases, 'prefix*'."""
    hits = []
    text = text or ""
    lang = _base_lang(lang) if lang else ""
    words = [(m, _norm(m.group())) for m in _WORD.finditer(text)]
    for entry in banned_words or ():
        entry = (entry or "").strip()
        if not entry:
            continue
        norm = _norm(entry)
        if norm.endswith("*"):
            prefix = norm.rstrip("*")
            hits += [(entry, m.span()) for m, w in words if prefix and w.startswith(prefix)]
        elif len(_WORD.findall(norm)) > 1 or not _WORD.fullmatch(norm):
            pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, _WORD.findall(norm))) + r"(?!\w)"
            norm_text = _norm(text)  # same length as text: spans stay valid
            hits += [(entry, m.span()) for m in re.finditer(pattern, norm_text)]
        else:
            target = _stem(norm, lang)
            by_stem = len(target) >= 3
            hits += [
                (entry, m.span())
                for m, w in words
                if w == norm or (by_stem and _stem(w, lang) == target)
            ]
    hits.sort(key=lambda h: h[1])
    return hits


def check(text, tone, lang, limit=0, require_greeting=True, mention_text=None):
    """Lint a reply before it is sent; an empty list means nothing to fix.

    Findings: the other address form's pronouns or verbs (ru / uk / kk), banned words in any
    word form, text over the platform's limit, no greeting in the first sentence, emoji when
    the tone's policy forbids them (or, for 'mirror', when the author used none).
    """
    tone = tone or ToneSpec()
    text = text or ""
    findings = []
    wrong = "informal" if tone.address_form == "formal" else "formal"
    code = INFORMAL_IN_FORMAL if wrong == "informal" else FORMAL_IN_INFORMAL
    for word, form, span in address_forms_used(text, lang):
        if form == wrong:
            findings.append(Finding(code, "warning", {"word": word}, span))
    for entry, span in find_banned(text, tone.banned_words, lang):
        findings.append(
            Finding(
                BANNED_WORD, "warning", {"word": text[span[0] : span[1]], "banned": entry}, span
            )
        )
    if limit and limit > 0 and len(text) > limit:
        findings.append(
            Finding(TOO_LONG, "error", {"length": len(text), "limit": limit}, (limit, len(text)))
        )
    if require_greeting and text.strip() and not has_greeting(text, lang, tone):
        findings.append(
            Finding(
                MISSING_GREETING,
                "warning",
                {"greeting": fill_name(apply_variants(tone.greeting(lang), tone.address_form))},
            )
        )
    if not _emoji_allowed(tone, mention_text):
        for m in find_emoji(text):
            findings.append(
                Finding(
                    EMOJI_NOT_ALLOWED,
                    "warning",
                    {"emoji": m.group(), "policy": tone.emoji_policy},
                    m.span(),
                )
            )
    return findings
