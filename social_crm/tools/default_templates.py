"""Default reply templates: one per consumer-cycle stage, in Russian and English.

Bodies only: :func:`social_crm.tools.tone.compose` adds the tone's greeting (with the
author's name), closing and signature, and cuts the reply to the platform's limit.  Russian
bodies hold ``[[formal|informal]]`` markers so one text serves «Вы» and «ты»; the informal
side avoids gendered past tense («ты написал/написала») so it fits any author.

What they follow (seed 2, "SMM with SERM"): answer fast and like a person, not a bot;
acknowledge first; never argue in public; move anything personal (order numbers, phones,
accounts) to a private channel; leave a way back into the conversation.  Brand-neutral: no
product, price or company name, so they suit a shop, a telecom, a café or an app alike.
"""

DEFAULT_TEMPLATES = [
    # ----------------------------------------------------------------------- general
    {
        "stage": "general", "lang": "ru", "name": "Общий запрос: предложить помощь в выборе",
        "body": (
            "Можем подсказать! [[Расскажите|Расскажи]], пожалуйста, для каких задач "
            "[[Вы ищете|ты ищешь]] решение и что для [[Вас|тебя]] важнее всего — цена, "
            "скорость или сервис. Честно сравним варианты и предложим подходящий. Можно "
            "ответить здесь или в личных сообщениях, как [[Вам|тебе]] удобнее."
        ),
    },
    {
        "stage": "general", "lang": "en", "name": "General question: offer help choosing",
        "body": (
            "We'd be glad to help you choose! Tell us what you need it for and what matters "
            "most to you — price, speed or service — and we'll give you an honest comparison "
            "and a recommendation. Reply here or send us a private message, whichever suits "
            "you."
        ),
    },
    # ----------------------------------------------------------------------- competitor
    {
        "stage": "competitor", "lang": "ru", "name": "Сравнение с конкурентом: по существу",
        "body": (
            "Спасибо, что [[рассматриваете|рассматриваешь]] нас. Не будем никого ругать — "
            "просто расскажем, что умеем мы. [[Напишите|Напиши]], что для [[Вас|тебя]] важно, "
            "и мы ответим по существу: с условиями, сроками и без мелкого шрифта. А выбор, "
            "конечно, за [[Вами|тобой]]."
        ),
    },
    {
        "stage": "competitor", "lang": "en", "name": "Competitor comparison: stick to facts",
        "body": (
            "Thanks for considering us. We won't knock anyone else — we'd rather show what we "
            "do. Tell us what matters most to you and we'll answer with facts: terms, timing "
            "and no small print. The choice is, of course, yours."
        ),
    },
    # ----------------------------------------------------------------------- product
    {
        "stage": "product", "lang": "ru", "name": "Вопрос о продукте: уточнить детали",
        "body": (
            "Хороший вопрос! Цены, наличие и сроки зависят от города и выбранного варианта, "
            "поэтому не хотим отвечать «примерно». [[Напишите|Напиши]], пожалуйста, где "
            "[[Вы находитесь|ты находишься]] и что именно [[Вас|тебя]] интересует, — "
            "ответим точно и быстро."
        ),
    },
    {
        "stage": "product", "lang": "en", "name": "Product question: ask for details",
        "body": (
            "Good question! Prices, availability and delivery times depend on your city and "
            "the option you pick, so we'd rather not guess. Let us know where you are and "
            "what exactly you're interested in, and we'll give you a precise answer quickly."
        ),
    },
    # ----------------------------------------------------------------------- first_review
    {
        "stage": "first_review", "lang": "ru", "name": "Первый отзыв: поблагодарить",
        "body": (
            "Спасибо за первые впечатления — нам правда приятно их читать! Рады, что "
            "[[Вы теперь с нами|ты теперь с нами]]. Если в первые дни что-то покажется "
            "непонятным, [[пишите|пиши]] сюда в любое время — поможем разобраться. И будем "
            "рады, если [[Вы расскажете|ты расскажешь]], как всё пойдёт дальше."
        ),
    },
    {
        "stage": "first_review", "lang": "en", "name": "First review: say thank you",
        "body": (
            "Thank you for sharing your first impressions — it really made our day! Glad to "
            "have you with us. If anything seems unclear in the first few days, just write "
            "here any time and we'll help you sort it out. We'd love to hear how it goes."
        ),
    },
    # ----------------------------------------------------------------------- negative
    {
        "stage": "negative", "lang": "ru", "name": "Негатив: признать и забрать в личку",
        "body": (
            "Нам очень жаль, что так вышло, — это совсем не тот опыт, который мы хотим "
            "[[Вам|тебе]] дать. Мы уже разбираемся. [[Напишите|Напиши]], пожалуйста, в личные "
            "сообщения номер заказа или договора и удобный контакт — личные данные лучше не "
            "оставлять в открытом доступе. Вернёмся с ответом как можно скорее."
        ),
    },
    {
        "stage": "negative", "lang": "en", "name": "Complaint: acknowledge, take it private",
        "body": (
            "We're really sorry this happened — it's not the experience we want you to have. "
            "We're already looking into it. Please send us your order or account number and "
            "the best way to reach you in a private message, so your personal details stay "
            "out of public view. We'll get back to you as soon as we can."
        ),
    },
    # ----------------------------------------------------------------------- support
    {
        "stage": "support", "lang": "ru", "name": "Сопровождение: помочь по шагам",
        "body": (
            "Поможем! Чтобы ничего не перепутать, [[уточните|уточни]], пожалуйста, что именно "
            "не получается и на каком шаге. Если вопрос касается [[Вашего|твоего]] аккаунта "
            "или оплаты, [[напишите|напиши]] нам в личные сообщения — там безопаснее "
            "делиться данными."
        ),
    },
    {
        "stage": "support", "lang": "en", "name": "Support: help step by step",
        "body": (
            "We're on it! So we don't miss anything, could you tell us what exactly isn't "
            "working and at which step? If it concerns your account or a payment, please "
            "send us a private message — it's safer to share details there."
        ),
    },
    # ----------------------------------------------------------------------- churn
    {
        "stage": "churn", "lang": "ru", "name": "Отказ: понять причину и не держать силой",
        "body": (
            "Жаль это слышать. Мы уважаем [[Ваше|твоё]] решение, но очень хотим понять, что "
            "пошло не так. [[Расскажите|Расскажи]], пожалуйста, в личных сообщениях, что "
            "стало причиной, — возможно, это ещё можно исправить. А если решение "
            "окончательное, подскажем, как всё оформить быстро и без лишних хлопот."
        ),
    },
    {
        "stage": "churn", "lang": "en", "name": "Leaving: understand why, make it easy",
        "body": (
            "Sorry to hear that. We respect your decision, but we'd really like to understand "
            "what went wrong. Could you tell us in a private message what made you decide? "
            "We may still be able to fix it. And if your mind is made up, we'll show you how "
            "to wrap everything up quickly and without hassle."
        ),
    },
    # ----------------------------------------------------------------------- awkward
    {
        "stage": "awkward", "lang": "ru", "name": "Неудобный вопрос: открыто и по фактам",
        "body": (
            "Спасибо за прямой вопрос — такие вещи важно обсуждать открыто. Мы проверяем "
            "информацию и вернёмся с официальным ответом, как только он будет готов. Если у "
            "[[Вас|тебя]] есть подробности или ссылка на источник, [[поделитесь|поделись]] "
            "ими, пожалуйста, в личных сообщениях — так мы разберёмся быстрее."
        ),
    },
    {
        "stage": "awkward", "lang": "en", "name": "Awkward question: open and factual",
        "body": (
            "Thank you for asking directly — these things deserve an open answer. We're "
            "checking the facts and will come back with an official response as soon as it's "
            "ready. If you have details or a link to the source, please share them in a "
            "private message so we can get to the bottom of it faster."
        ),
    },
]

STAGES = ("general", "competitor", "product", "first_review", "negative", "support", "churn",
          "awkward")


def templates_for(stage, lang):
    """The default templates for one stage and language (Odoo data loading, tests)."""
    return [tpl for tpl in DEFAULT_TEMPLATES if tpl["stage"] == stage and tpl["lang"] == lang]
