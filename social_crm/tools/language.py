"""Language of a mention: ISO 639-1 code and a confidence in 0…1.

Short, noisy social texts defeat n-gram detectors (langdetect has no Kazakh profile and mixes
up Russian, Ukrainian, Bulgarian and Macedonian on a dozen words), yet the alphabet and the
commonest function words settle most of them outright. So:

1. script: non-Cyrillic, non-Latin scripts map straight to their language;
2. Cyrillic: letters only one language uses (Kazakh ә ғ қ ң ө ұ ү һ, Ukrainian ї є ґ і,
   Russian ы э ъ, Belarusian ў, Serbian/Macedonian ј љ њ ђ ћ ѓ ќ ѕ) plus function words;
3. Latin: English function words;
4. only when those cues are absent or contradictory, langdetect (seeded, results cached).
"""
import re
import unicodedata
from functools import lru_cache

from .text import tokenize

__all__ = ["detect_language", "langdetect_language", "SUPPORTED_HINT_RE"]

SUPPORTED_HINT_RE = re.compile(r"^[a-z]{2}$")

# Letters that alone identify one language among the Cyrillic ones we meet.
_KK_LETTERS = set("әғқңөұүһ")
_UK_LETTERS = set("їєґ")
_RU_LETTERS = set("ыэъ")  # ы is also Kazakh; Kazakh letters are checked first
_BE_LETTERS = set("ў")
_SR_LETTERS = set("ђћџ")
_MK_LETTERS = set("ѓќѕ")
_SR_MK_LETTERS = set("јљњ")

# Frequent words exclusive (or nearly) to one language; a shared word counts for none.
_WORDS = {
    "ru": """и в во не на что как это но или уже очень мне меня мой моя мои вы вас вам ваш ваша
        ваши он она они мы нас нам его ее их кто где когда почему зачем какой какая какие каком
        который которая которые чтобы если ли бы же только еще даже все всё всех всем был была
        были было будет есть нет да от для без при про под над через после перед можно нужно
        надо сколько сегодня вчера завтра теперь сейчас тоже также просто спасибо пожалуйста
        здравствуйте привет хочу хотел хотела подскажите скажите помогите так там тут здесь
        этот эта эти этого свой своей день неделю год раз уж вот ни себя быть ну почему-то
        через со об обо из-за из за до у к ко с я ты опять снова могу может можете работает
        работают хотя потому поэтому сейчас очень спасибо ничего никто ничего всегда никогда
        сделать делать должен должны почему-то какой-то него нее ней них им ему""".split(),
    "uk": """і й та що це але чи вже дуже мені мене мій моя мої ви вас вам ваш ваша ваші він
        вона вони ми нас нам його її їх хто де коли чому навіщо який яка які якому котрий щоб
        якщо би ж лише тільки ще навіть усі всі усіх був була були було буде є немає ні від
        для без при про під над через після перед можна треба скільки сьогодні вчора завтра
        тепер зараз теж також просто дякую будь ласка вітаю привіт хочу хотів хотіла підкажіть
        скажіть допоможіть так там тут цей ця ці цього свій своєї день тиждень рік раз вже ось
        себе бути із зі до у в з як не на я ти знову можу можете працює працюють хоча тому
        нічого ніхто завжди ніколи зробити робити повинен чомусь якийсь нього неї них їм йому""".split(),
    "kk": """және мен сен ол біз сіз олар бұл осы сол не неге неліктен қалай қашан қайда қай
        қандай кім ма ме ба бе па пе ғой емес бар жоқ үшін деп деген екен керек болады болды
        бола өте тағы да де та те бірақ немесе ал енді әлі кеше бүгін ертең рахмет сәлем
        сәлеметсіз көмектесіңіз айтыңызшы маған менің сенің оның біздің сіздің""".split(),
    "en": """the a an and or but is are was were be been being am i you he she it we they me my
        your our their his her its this that these those what which who whom whose when where
        why how do does did done have has had not no yes with for from to of in on at by about
        into over after before again very so too just can could should would will shall may
        might must there here than then also only any some all every please thanks thank hi
        hello anyone does don't can't won't isn't it's i'm i've you're what's get got ever
        never again still even because if as up out one two more most much many other new
        now today yesterday week day time been being only same well back off after""".split(),
}
# Languages langdetect confuses with Russian on short texts; their words send us to it.
_BG_MK_WORDS = set("""това тази този е са ще във със какво няма много защо кога къде също
    беше бяха дали нещо нищо пак вече тоа оваа овој се што како зошто кога каде исто""".split())
_SHARED = {w for a in _WORDS for b in _WORDS if a < b for w in set(_WORDS[a]) & set(_WORDS[b])}
_WORD_LANG = {w: lang for lang, words in _WORDS.items() for w in words if w not in _SHARED}

# Scripts other than Latin/Cyrillic whose language is (practically) unique.
_SCRIPT_LANG = {
    "GREEK": "el", "HEBREW": "he", "ARMENIAN": "hy", "GEORGIAN": "ka", "THAI": "th",
    "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "CJK": "zh", "BENGALI": "bn",
    "TAMIL": "ta", "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml", "GUJARATI": "gu",
    "GURMUKHI": "pa",
}
# langdetect answers zh-cn / zh-tw; ISO 639-1 has only zh.
_LANGDETECT_CODE = {"zh-cn": "zh", "zh-tw": "zh"}


@lru_cache(maxsize=4096)
def _script_of(char):
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def _letter_scripts(text):
    counts = {}
    for char in text:
        if char.isalpha():
            script = _script_of(char)
            counts[script] = counts.get(script, 0) + 1
    return counts


def _word_votes(tokens):
    votes = {}
    for token in tokens:
        lang = _WORD_LANG.get(token)
        if lang:
            votes[lang] = votes.get(lang, 0) + 1
    return votes


def _cyrillic(text, tokens):
    """Decide among Cyrillic languages from letters and function words; None if unsure."""
    letters = set(text)
    votes = _word_votes(tokens)
    kk = len(letters & _KK_LETTERS)
    if kk:
        # A Kazakh name inside Russian or Ukrainian text («Қазпошта») must not flip the text.
        kk_tokens = sum(1 for t in tokens if _KK_LETTERS.intersection(t))
        other = max(votes.get("ru", 0), votes.get("uk", 0))
        if kk_tokens == 1 and len(tokens) >= 4 and other and not votes.get("kk"):
            rest = [t for t in tokens if not _KK_LETTERS.intersection(t)]
            return _cyrillic(" ".join(rest), rest)
        return "kk", min(0.99, 0.9 + 0.03 * kk + 0.01 * votes.get("kk", 0))
    if letters & _BE_LETTERS:
        return None
    if letters & (_SR_LETTERS | _MK_LETTERS | _SR_MK_LETTERS):
        return None
    if votes.get("kk", 0) > max(votes.get("ru", 0), votes.get("uk", 0)):
        return "kk", min(0.9, 0.6 + 0.1 * votes["kk"])
    uk_letters = letters & (_UK_LETTERS | {"і"})
    ru_letters = letters & _RU_LETTERS
    uk = len(uk_letters) + votes.get("uk", 0)
    ru = len(ru_letters) + votes.get("ru", 0)
    if uk_letters and not ru_letters:
        return "uk", min(0.99, 0.9 + 0.02 * uk)
    if ru_letters and not uk_letters:
        if "ъ" in letters and not votes.get("ru") and not ("ы" in letters or "э" in letters):
            return None  # Bulgarian uses ъ as a vowel; let the detector decide
        return "ru", min(0.99, 0.9 + 0.02 * ru)
    if uk_letters and ru_letters:
        if uk > ru:
            return "uk", 0.7
        if ru > uk:
            return "ru", 0.7
        return None
    # No distinctive letter at all: Ukrainian almost always shows і within a few words, so a
    # text without it is Russian when Russian words confirm it.
    if votes.get("ru", 0) > votes.get("uk", 0):
        return "ru", min(0.95, 0.8 + 0.05 * votes["ru"])
    if votes.get("uk", 0) > votes.get("ru", 0):
        return "uk", 0.75
    if any(t in _BG_MK_WORDS for t in tokens):
        return None
    if len(tokens) <= 3:
        return "ru", 0.6  # a bare Cyrillic name or word: Russian is by far the likeliest
    # Several Cyrillic words without і/ї/є (Ukrainian shows them in almost every phrase) and
    # without Bulgarian or Macedonian words: Russian.
    return "ru", 0.7


def _latin(tokens):
    votes = _word_votes(tokens)
    en = votes.get("en", 0)
    words = [t for t in tokens if not t.isdigit()]
    if en and en >= 0.2 * len(words):
        return "en", min(0.99, 0.8 + 0.05 * en)
    return None


@lru_cache(maxsize=20_000)
def langdetect_language(text):
    """langdetect's best guess (seeded, deterministic) as (code, probability)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return "", 0.0
    return _LANGDETECT_CODE.get(best.lang, best.lang), round(best.prob, 3)


_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f]")


def _is_cyrillic(token):
    return bool(_CYRILLIC_RE.search(token))


def _is_latin(token):
    return bool(_LATIN_RE.search(token))


def _scripts(tokens):
    """Letters per script; Cyrillic and Latin counted fast, others named by unicodedata."""
    joined = "".join(tokens)
    cyrillic = len(_CYRILLIC_RE.findall(joined))
    latin = len(_LATIN_RE.findall(joined))
    letters = sum(1 for c in joined if c.isalpha())
    if cyrillic + latin >= letters:
        return {k: v for k, v in (("CYRILLIC", cyrillic), ("LATIN", latin)) if v}
    return _letter_scripts(joined)


@lru_cache(maxsize=20_000)
def _detect(text):
    tokens = tokenize(text)
    scripts = _scripts(tokens)
    if not scripts:
        return "", 0.0
    script, count = max(scripts.items(), key=lambda item: item[1])
    share = count / sum(scripts.values())
    if script in _SCRIPT_LANG:
        return _SCRIPT_LANG[script], round(min(0.99, 0.7 + 0.3 * share), 3)
    if script == "CYRILLIC":
        cyrillic_tokens = [t for t in tokens if _is_cyrillic(t)]
        decided = _cyrillic(" ".join(cyrillic_tokens), cyrillic_tokens)
        if decided:
            return decided[0], round(decided[1], 3)
        code, prob = langdetect_language(" ".join(cyrillic_tokens))
        if code in ("bg", "mk", "uk", "ru") or not code:
            return code or "ru", prob * 0.9
        return code, prob * 0.8
    if script == "LATIN":
        latin_tokens = [t for t in tokens if _is_latin(t)]
        decided = _latin(latin_tokens)
        if decided:
            return decided
    return langdetect_language(text)


def detect_language(text, hint=""):
    """(ISO 639-1 code, confidence) of `text`; a source's own `hint` wins when it is a code."""
    hint = (hint or "").strip().lower().replace("_", "-").split("-")[0]
    if SUPPORTED_HINT_RE.match(hint):
        return hint, 1.0
    return _detect(text or "")
