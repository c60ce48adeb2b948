"""Cue vocabularies of the consumer-cycle stages, per language.

Each family is a list of regular expressions over normalized text (lowercase, ё→е, URLs
removed). They describe how people in general ask, compare, complain, leave and praise —
for any service (bank, telecom, airline, shop, delivery, café) — and never name a brand:
brands come from the brand configuration at run time.

`\\w*` after a stem covers inflection («расторг\\w*» → расторгнуть, расторгаю, расторжение).
"""

# Things a customer holds with a company, used by "close / cancel X" cues.
_ACCOUNT_RU = r"(?:сч[её]т\w*|карт\w*|кредитк\w*|вклад\w*|депозит\w*|договор\w*|аккаунт\w*|учетн\w*|подписк\w*|профил\w*|номер\w*|абонемент\w*|контракт\w*|страховк\w*|тариф\w*|ипотек\w*|кабинет\w*)"
_ACCOUNT_UK = r"(?:рахун\w*|картк\w*|карт\w*|кредитк\w*|вклад\w*|депозит\w*|договір|договор\w*|акаунт\w*|підписк\w*|профіл\w*|номер\w*|абонемент\w*|контракт\w*|тариф\w*)"
_ACCOUNT_KK = r"(?:шот\w*|карта\w*|картам\w*|депозит\w*|келісімшарт\w*|шарт\w*|аккаунт\w*|жазылым\w*|нөмір\w*|тариф\w*)"
_ACCOUNT_EN = r"(?:account|card|credit card|subscription|contract|plan|membership|policy|number|line|deposit|loan|mortgage|profile|service|savings)s?"

_ACQUIRE_RU = r"(?:оформ\w*|купит\w*|куплю|покупк\w*|приобрест\w*|заказ\w*|открыть (?:сч[её]т|вклад|депозит|карт\w*)|подключит\w* (?:тариф|услуг|интернет|пакет)\w*|взять|бронир\w*|забронир\w*|получить карт\w*)"
_ACQUIRE_UK = r"(?:оформ\w*|купит\w*|куплю|придба\w*|замов\w*|відкрити (?:рахун\w*|вклад\w*|депозит\w*|картк\w*)|підключит\w* (?:тариф|послуг|інтернет|пакет)\w*|взяти|заброн\w*)"

CUES = {
    # leaving, cancelling, porting out; polite or not
    "churn": {
        "strong": [
            # ru
            r"\bуход\w*|\bухожу\b|\bуйду\b|\bуйдем\b|\bуходим\b|\bушл[аи]? от\b|\bушел от\b",
            r"\bрасторг\w*|\bрасторжени\w*",
            r"\b(?:закрыва\w*|закро\w*|закрыл\w*|закрыт\w*|закрыть|отменя\w*|отмени\w*|отменю) (?:(?:все|мой|мою|мои|свой|свою|свои|этот|эту|ваш\w*|у вас) )*"
            + _ACCOUNT_RU,
            r"\b(?:отказ\w*|откажусь) от (?:ваш\w* |вс\w* )?(?:услуг|тариф|карт|подписк|кредит|продукт|обслуживан|сотрудничеств|договор|связи|абонемент)\w*",
            r"\b(?:отказываюсь|отказываемся|откажусь|отказался|отказалась|отказались) от\b",
            r"\b(?:отключ\w*|блокир\w*) (?:(?:мой|свой|этот|ваш) )?(?:номер|договор|аккаунт|абонемент|сим-карт)\w*",
            r"\b(?:больше )?не (?:нужен|нужна|нужно|нужны) (?:больше|мне|нам)?|\bбольше не нужен\b",
            r"\b(?:перехож\w*|перейду|переходим|ухожу|перевож\w*|перевед\w*|забира\w*|заберу) (?:\w+ ){0,2}(?:в другой|к другому|на другой|в другую|к конкурент)\w*",
            r"\bбольше не (?:буду|пользу\w*|клиент\w*|покупа\w*|закаж\w*|закажу|летаю|полечу|приду|хожу|приеду|обслуживаюсь|ваш клиент)|\bноги моей\b|\bудаляю (?:\w+ )?(?:приложени|аккаунт)\w*",
            r"\b(?:был\w*|являл\w* )?(?:вашим |их )?клиент\w* (?:\w+ )?(?:лет|год\w*)\b.*\b(?:закрыл\w*|ушл\w*|ушел|забрал\w*|перевел\w*|отказал\w*)",
            r"\bпоследн\w+ (?:месяц|раз|платеж|год)\w*.*\b(?:ухож\w*|уход\w*|больше не|закры\w*)",
            r"\bперен\w+ (?:свой |мой )?номер\w*|\bmnp\b|\bудал\w* (?:мой |свой )?(?:аккаунт|профил|учетн)\w*|\bотпис\w*",
            r"\bзабира\w* (?:все |свои |мои )?(?:деньги|вклад\w*|сбережени\w*)",
            r"\b(?:удаля\w*|удалил\w*|удалю|снес\w*) (?:\w+ ){0,2}приложени\w*|\bпрекраща\w* (?:\w+ )?(?:сотрудничеств|пользова|работ)\w*|\bперестал\w* (?:\w+ )?пользова\w*",
            # uk
            r"\b(?:іду|йду|піду) від\b|\bпішл[аи]? від\b|\bпішов від\b",
            r"\bрозірва\w*|\bрозірв\w*|\bрозрива\w*",
            r"\b(?:відмовляюсь|відмовляюся|відмовляємось|відмовився|відмовилась|відмовилися) від\b",
            r"\b(?:більше )?не (?:потрібен|потрібна|потрібно|потрібні)\b",
            r"\b(?:закрива\w*|закри\w*|скасову\w*|скасу\w*) (?:(?:усі|всі|мій|мою|мої|свій|свою|свої|цей|цю|ваш\w*) )*"
            + _ACCOUNT_UK,
            r"\bвідмов\w* від (?:ваш\w* )?(?:послуг|тариф|картк|підписк|кредит|продукт|обслуговуван|співпрац|договор)\w*",
            r"\b(?:переходжу|перейду|переходимо|перейшл?[аи]?|перейшов) (?:\w+ ){0,2}(?:до|на|в) (?:інш\w*|конкурент\w*)",
            r"\bбільше не (?:буду|користу\w*|клієнт\w*|купу\w*|замовл\w*|літаю|прийду)",
            r"\bвидал\w* (?:мій |свій )?(?:акаунт|профіль)|\bвідпис\w*|\bвидаля\w* (?:\w+ ){0,2}(?:застосун|додат)\w*|\bприпиня\w* (?:\w+ )?(?:співпрац|користуван)\w*|\bперестал?[аи]? (?:\w+ )?користува\w*",
            # kk
            r"\bкетем\w*|\bкетеміз\b|\bкеттім\b|\bкетіп бара\w*",
            r"\b" + _ACCOUNT_KK + r" (?:қалай |тез )?(?:жаб\w*|жап\w*)",
            r"\bжұмыс\w* тоқтат\w*|\bпайдаланба\w*|\bқолданба\w*|\bбас тарт\w*|\bшарт\w* (?:\w+ )?бұз\w*|\bшыдамым таусыл\w*",
            r"\b(?:басқа|өзге) (?:\w+ )?(?:ауыс\w*|көш\w*)",
            # en
            r"\b(?:i'm |i am |we're |we are )?leaving\b|\bi'm out\b|\bi am done with|\bi'm done with|\bdone with (?:you|them|this)",
            r"\b(?:close|closing|closed|cancel|cancell?ing|cancell?ed|terminate|terminating|terminated|end|ending|quit|quitting) (?:(?:all|my|our|the|this|your) )*(?:\w+ ){0,2}"
            + _ACCOUNT_EN,
            r"\bfor good\b|\bnot worth it anymore\b|\bdon't need (?:it|you|your \w+) anymore\b|\bno longer worth\b",
            r"\b(?:switch\w*|moving|move|moved|port\w*|transferr?\w*) (?:\w+ ){0,3}(?:to (?:another|a different|other)|away from|elsewhere)\b",
            r"\bno longer (?:need|use|want|a customer|your customer|bank|fly|shop|order)\w*",
            r"\bnever (?:again|(?:using|flying|ordering|buying|shopping|banking) (?:with|from|at) )|\bunsubscrib\w*|\bdelete my account\b|\b(?:delet\w*|uninstall\w*|removing|removed) (?:the |your |my )?(?:\w+ )?app\b|\bstop(?:ped)? using\b|\bport(?:ing)? (?:out|my number)\b",
            r"\b(?:this is|it's) (?:my|the) last (?:month|time|order|flight|payment)\b",
        ],
        # weaker: a parting word that needs company
        "weak": [
            r"\bхватит\b|\bпрощай\w*|\bдосвидания\b|\bс меня хватит\b|\bдосить\b|\bпрощавай\w*|\bболды\b|\bжетер\b|\bгoodbye\b|\bgoodbye\b|\benough is enough\b",
            r"\bвывести (?:\w+ )?(?:остат\w*|деньги|средства)|\bзабрати (?:\w+ )?(?:гроші|кошти)|\bwithdraw (?:all|everything|my)\b",
        ],
    },
    # reputation, ethics, rumours, leaks, regulators, ownership, hypocrisy
    "awkward": {
        "strong": [
            # ru
            r"\bправда ли\b|\b(?:это )?правда,? что\b|\bговорят,? что\b|\bговорят\b|\bходят слух\w*|\bслух\w*\b|\bсплетн\w*",
            r"\bутечк\w*|\bслил\w*|\bслив\w* данн\w*|\bперсональн\w* данн\w*|\bданн\w* (?:клиент|абонент|пользовател|покупател|пассажир|вкладчик|заемщик)\w*|\b(?:прода\w*|переда\w*) (?:\w+ )?данн\w*",
            r"\bрасследован\w*|\bантимонопол\w*|\bфас\b|\bналогов\w* (?:проверк|служб|орган)\w*|\bпрокурат\w*|\bсуд\b|\bсуда\b|\bсудебн\w*|\bсудят\w*|\bиск\w* (?:к|против)|\bрегулятор\w*|\bнацбанк\w*|\bцентробанк\w*|\bцб\b|\bнадзор\w*|\bпроверк\w* (?:со стороны|от|после)|\bначал\w* проверк\w*|\bлиценз\w*",
            r"\bотмыв\w*|\bкоррупц\w*|\bвзятк\w*|\bмошенничеств\w*|\bуголовн\w*|\bарест\w*|\bобыск\w*|\bзадержан\w* (?:директор|председател|руководител|глав)\w*|\bсанкци\w*|\bскандал\w*|\bбанкрот\w*",
            r"\bвладел\w*|\bсобственник\w*|\bбенефициар\w*|\bакционер\w*|\bофшор\w*|\bкому принадлеж\w*",
            r"\bпрокомментир\w*|\bкомментари\w* (?:по поводу|ситуаци)|\bпочему (?:\w+ )?молч\w*|\bне комментир\w*|\bофициальн\w* (?:комментари|позици|заявлени)\w*",
            r"\bбаз\w* (?:\w+ )?(?:абонент|клиент|номер|пользовател|покупател)\w*|\bв открыт\w* доступ\w*|\bв сети появил\w*",
            r"\bналогов\w*|\bуклон\w* от налог\w*|\bсер\w+ (?:зарплат|схем)\w*|\bв (?:новостях|сми)\b|\bпишут (?:что|про)\b|\b(?:сняли|снято|попал\w*) на видео\b|\bна видео видно\b|\bспонсир\w*|\bоскорбл\w*|\bкартел\w*|\bсговор\w*|\bкому (?:вы )?платите\b",
            r"\bв реклам\w*|\bреклам\w* (?:обеща|пиш|говор)\w*|\bвводит\w* в заблуждени\w*|\bдискримин\w*|\bколлектор\w*",
            # uk
            r"\bчи правда\b|\bправда,? що\b|\bкажуть,? що\b|\bкажуть\b|\bчутк\w*|\bплітк\w*",
            r"\bвит[іо]к\w*|\bзлил\w*|\bперсональн\w* дан\w*|\bдан\w* (?:клієнт|абонент|користувач|покупц|пасажир)\w*|\b(?:прода\w*|переда\w*) (?:\w+ )?дан\w*|\bрозслідуван\w*|\bантимонопол\w*|\bамку\b",
            r"\bрасследован\w*|\bантимонопол\w*|\bфас\b|\bналогов\w* (?:проверк|служб|орган)\w*|\bпрокурат\w*|\bсуд\b|\bсудов\w*|\bрегулятор\w*|\bнбу\b|\bнацбанк\w*|\bперевірк\w*|\bліценз\w*",
            r"\bвідмив\w*|\bкорупц\w*|\bхабар\w*|\bшахрайств\w*|\bкримінальн\w*|\bсанкці\w*|\bскандал\w*|\bбанкрут\w*",
            r"\bвласник\w*|\bбенефіціар\w*|\bакціонер\w*|\bофшор\w*",
            r"\bподатков\w*|\bв новинах\b|\bпишуть (?:що|про)\b|\bзнял\w* на відео\b|\bсхем\w*|\bпрокоментуй\w*|\bчому (?:\w+ )?мовч\w*|\bспонсор\w*|\bбаз\w* (?:\w+ )?(?:абонент|клієнт|номер)\w*|\bв реклам\w*|\bдискримін\w*|\bколектор\w*",
            # kk
            r"\bрас па\b|\bрас ба\b|\bшын ба\b|\bдеген рас\b|\bдейді\b|\bдеседі\b|\bқауесет\w*|\bөсек\w*",
            r"\bдерек\w* (?:\w+ )?(?:берет\w*|береді|сатады|ағып|тарат\w*)|\bжеке дерек\w*|\bколлектор\w*",
            r"\bпрокуратура\w*|\bсот\w*\b|\bреттеуші\w*|\bұлттық банк\w*|\bтексеру\w*|\bлицензия\w*",
            r"\bжемқор\w*|\bпара\b|\bалаяқтық\w*|\bжанжал\w*|\bсанкция\w*|\bиесі\b|\bиелері\w*|\bофшор\w*|\bтүсініктеме бер\w*",
            # en
            r"\bis it true\b|\bit's true that\b|\brumou?r\w*|\ballegedly\b|\breportedly\b|\bi heard that\b|\bpeople say\b",
            r"\bleak\w*|\bbreach\w*|\bpersonal data\b|\bcustomer data\b|\bdata of (?:its |their )?customers\b|\bsold (?:our|my|customer) data\b",
            r"\bantitrust\b|\bregulator\w*|\bfined\b|\bfine of\b|\blawsuit\w*|\bsued\b|\bsuing\b|\bcourt\b|\binvestigation\w*|\binquiry\b|\bprobe\b|\bprosecutor\w*|\blicen[cs]e (?:revoked|suspended)",
            r"\blaunder\w*|\bbrib\w*|\bcorrupt\w*|\bfraud\w*|\bsanction\w*|\bscandal\w*|\bbankrupt\w*|\barrest\w*|\bcriminal\b",
            r"\breport (?:that|on|about)\b|\bsells? (?:our|my|customer|user|passenger) data\b|\bwho owns\b|\bowner\w*|\bowned by\b|\bshareholder\w*|\boffshore\b",
            r"\bany comments?\b|\bfilmed\b|\bcaught on (?:camera|video)\b|\bvideo shows\b|\bin the news\b|\btax (?:evasion|authorit\w*|inspection)\b|\bantimonopoly\b|\bprice fixing\b|\bcartel\b|\bsponsor\w*|\bofficial (?:comment|statement)\b|\bcare to (?:explain|comment)\b|\bcomment on\b|\bno comment\b|\bmisleading\b|\bfalse advertising\b|\bdiscriminat\w*|\bdebt collector\w*",
        ],
        "weak": [
            r"\bпочему\b.*\bа (?:в|на)\b|\bчому\b.*\bа (?:в|на)\b|\bwhy\b.*\bwhile\b",
            r"\bэтично\w*|\bнеэтичн\w*|\bethic\w*|\bетичн\w*",
        ],
    },
    # comparing with, offering like, or switching from a competitor
    "competitor": {
        "strong": [
            r"\bили\b|\bчи\b|\bor\b|\bvs\.?\b|\bversus\b|\bнемесе\b|\bәлде\b|\bқайсы\w*",  # X or Y (needs two brands)
            r"\bсравни\w*|\bсравнен\w*|\bпорівн\w*|\bсалыстыр\w*|\bcompar\w*",
            r"\bчем (?:у|в)\b|\bніж (?:у|в)\b|\bthan (?:at|with|in)?\b|\bқарағанда\b",
            r"\bа вы (?:что|чем)\b|\bа у вас\b|\bа ви (?:що|чим)\b|\bа у вас\b|\bwhat about you\b|\bcan you match\b|\bmatch (?:their|this) offer\b",
        ],
        "weak": [
            r"\b\w+(?:ее|ей|ше)\b",  # Russian comparatives: выгоднее, дешевле, быстрее, лучше
            r"\b\w+іше\b|\b\w+(?:er)\b|\bcheaper\b|\bbetter\b",
        ],
        # counts even when no configured competitor is named
        "generic": [
            r"\b(?:у|в) (?:конкурент\w*|других (?:банк|оператор|провайдер|магазин|авиакомпани|сервис|компани)\w*)\b|\bу інших\b|\bв інших\b|\bконкурент\w*|\bбәсекелес\w*|\bcompetitor\w*|\bother (?:banks|operators|providers|airlines|shops|stores|carriers)\b",
        ],
    },
    # pre-purchase questions about our product: price, terms, availability, how to get it
    "product": {
        "strong": [
            # ru
            r"\bвходит ли\b|\bвключен\w* ли\b|\bвходит в\b|\bсколько стоит\w*|\bстоимост\w*|\bцен[аыуе]\b|\bпо ч[её]м\b|\bкакая ставк\w*|\bставк\w*|\bпроцент\w* по\b|\bусловия\b|\bтариф\w* (?:для|на)\b",
            r"\bесть ли\b|\bесть у вас\b|\bу вас есть\b|\bесть\b(?=[^.!?]*\?)|\bскидк\w*|\bакци[яиюй]\w*|\bсколько (?:\w+ )?(?:будет стоить|выйдет|стоят|платить|берете)\b|\bв наличии\b|\bналичи\w*|\bпредлагаете\b|\bпродаете\b|\bпродается\b",
            r"\bможно (?:ли )?(?:\w+ )?"
            + _ACQUIRE_RU
            + r"|\bкак (?:\w+ )?"
            + _ACQUIRE_RU
            + r"|\bгде (?:\w+ )?"
            + _ACQUIRE_RU
            + r"|\bхочу "
            + _ACQUIRE_RU,
            r"\bкакие документы\b|\bчто нужно,? чтобы " + _ACQUIRE_RU,
            # uk
            r"\bчи входить\b|\bвходить у\b|\bскільки кошту\w*|\bвартіст\w*|\bцін[аиуі]\b|\bставк\w*|\bумови\b",
            r"\bчи є\b|\bє у вас\b|\bу вас є\b|\bзнижк\w*|\bакці[яїю]\w*|\bв наявності\b|\bнаявн\w*|\bпропонуєте\b|\bпродаєте\b",
            r"\b(?:чи )?можна (?:\w+ )?"
            + _ACQUIRE_UK
            + r"|\bяк (?:\w+ )?"
            + _ACQUIRE_UK
            + r"|\bде (?:\w+ )?"
            + _ACQUIRE_UK,
            r"\bякі документи\b",
            # kk
            r"\bқанша\b|\bбағасы\w*|\bқұны\w*|\bпайыз\w*|\bмөлшерлеме\w*|\bшарттары\w*",
            r"\bбар ма\b|\bбола ма\b|\bболады ма\b|\b(?:алуға|ашуға|рәсімдеуге|сатып алуға|тапсырыс беруге|қосуға) бола\w*",
            # en
            r"\binclud\w*\b|\bcome with\b|\bhow much\b|\bdiscount\w*|\bpromo\w*|\bprice\w*|\bpricing\b|\bcost\w*\b|\bfees?\b|\brates?\b|\binterest\b|\bterms\b",
            r"\bdo you (?:offer|have|sell|ship|deliver|provide|accept|support)\b|\bis there\b|\bare there\b|\bdoes (?:it|the \w+) (?:include|come with|have)\b|\bavailab\w*|\bin stock\b",
            r"\bcan i (?:get|open|order|buy|book|apply|sign up)\b|\bhow (?:do|can) i (?:get|open|order|buy|book|apply|sign up)\b|\bwhat documents\b|\beligib\w*|\brequirements?\b",
        ],
        "weak": [
            r"\bонлайн\b|\bонлайн\w*|\bonline\b|\bбез визита\b|\bбез візиту\b|\bдоставк\w*|\bдоставля\w*|\bжеткіз\w*|\bdelivery\b|\bshipping\b|\bfree\b|\bбесплатн\w*|\bбезкоштовн\w*|\bтегін\b",
        ],
    },
    # an existing customer needs help using the product
    "support": {
        "strong": [
            # ru: «как поменять», «где найти», «что делать, если»
            r"\bкак (?:\w+ ){0,3}?(?!оформ|купит|заказ|приобр|закры|расторг|отказ|уйти|отключ)\w+(?:ть|ти|ться)\b",
            r"\bчто (?:еще |же )?(?:можно |мне )?(?:сделать|делать|предпринять)\b|\bошибк\w* \d+|\bкод ошибки\b|\bперезагру\w*|\bне (?:включается|запускается|подключается|грузится)\b",
            r"\bгде (?:мне |можно )?(?:найти|посмотреть|взять|скачать|увидеть|узнать|в приложени\w*|в личном кабинет\w*)|\bчто делать,? (?:если|когда|с)\b|\bне могу (?:войти|зайти|найти|понять|разобраться|подключ\w*|восстанов\w*)",
            r"\bподскажите,? как\b|\bпомогите (?:разобраться|пожалуйста|настроить|восстановить)|\bинструкци\w*",
            # uk
            r"\bяк (?:\w+ ){0,3}?(?!оформ|купит|замов|придба|закри|розірв|відмов|відключ)\w+(?:ти|тися|ть)\b",
            r"\bщо (?:ще )?(?:можна |мені )?(?:зробити|робити)\b|\bпомилк\w* \d+|\bперезавантаж\w*",
            r"\bде (?:мені |можна )?(?:знайти|подивитися|взяти|завантажити|побачити|дізнатися|в застосунку|в додатку)|\bщо робити,? (?:якщо|коли)\b|\bне можу (?:увійти|зайти|знайти|зрозуміти|підключ\w*|віднов\w*)",
            r"\bпідкажіть,? як\b|\bдопоможіть\b",
            # kk
            r"\bқалай\b(?! (?:ашуға|алуға|рәсімде|бұз|жаб|жап))|\bқайдан (?:табамын|табуға|көруге)|\bне істеу керек\b|\bкөмектесіңіз\w*|\bкіре алмай\w*",
            # en
            r"\bhow (?:do|can|should|would) (?:i|we)\b(?! (?:get|open|order|buy|book|apply|sign up|close|cancel))|\bhow to\b(?! (?:get|open|order|buy|book|apply|close|cancel))",
            r"\bwhat (?:else )?(?:can|should) i do\b|\berror \d+|\berror code\b|\brestart\w*|\breboot\w*|\bwhere (?:do|can) i (?:find|see|get|download|check|change)\b|\bwhat should i do\b|\bi can't (?:log|sign|find|access|change|reset)\w*|\bunable to (?:log|access|reset)\b|\bhelp me\b|\breset my\b|\bupdate my\b|\bchange my\b",
        ],
        "weak": [
            r"\bмо(?:й|я|е|и|ю|ей|его|ем|им|их)\b|\bу меня\b|\bмне\b|\bсво(?:й|я|е|и|ю|ей|его)\b",
            r"\bмо(?:ї|я|є|ю|єї|го|єму)\b|\bмій\b|\bу мене\b|\bмені\b",
            r"\bменің\b|\bмаған\b|\bmy\b|\bi've\b",
            r"\bв приложени\w*|\bв личном кабинет\w*|\bв застосунк\w*|\bв додатк\w*|\bқосымша\w*|\bin the app\b|\bapp\b",
        ],
    },
    # first impressions right after buying / connecting / visiting
    "first_review": {
        "strong": [
            # ru: time marker + acquisition / first experience
            r"\b(?:вчера|сегодня|только что|на днях|недавно|наконец|неделю назад|на прошлой неделе|впервые)\b.{0,40}?\b(?:получил\w*|оформил\w*|открыл\w*|подключил\w*|купил\w*|заказал\w*|приобрел\w*|был\w*|побывал\w*|попробовал\w*|сходил\w*|слетал\w*|летал\w*|установил\w*|перевел\w*|перешел\w*|перешла|стал\w* клиент\w*|активировал\w*|привезли|доставили|пришл\w*|заселил\w*)",
            r"\b(?:получил\w*|оформил\w*|открыл\w*|подключил\w*|купил\w*|заказал\w*|установил\w*|перевел\w*)\b.{0,40}?\b(?:вчера|сегодня|только что|на днях|недавно|на прошлой неделе|неделю назад)\b",
            r"\b(?:неделя|неделю|месяц|две недели|пару недель|первые дни) (?:с|использования|пользования|пользуюсь)\b|\bпоставили\b.{0,40}?\b(?:картинка|работает|доволь\w*|удобн\w*)|\bперв\w+ (?:день|неделя|неделю|месяц|раз|опыт|впечатлени\w*|заказ|полет|поездк\w*|визит|покупк\w*|тренировк\w*|заняти\w*|доставк\w*|посылк\w*)|\bвпервые\b|\bпервые впечатлени\w*|\bпока (?:что )?(?:доволен|довольна|довольны|все нравится|без проблем|все (?:хорошо|отлично|супер|ок)|нравится)",
            # uk
            r"\b(?:вчора|сьогодні|щойно|нещодавно|нарешті|тиждень тому|минулого тижня|вперше)\b.{0,40}?\b(?:отрима\w*|оформи\w*|відкри\w*|підключи\w*|купи\w*|замови\w*|придба\w*|був|була|побува\w*|спробува\w*|встанови\w*|перевів|перевела|перейш\w*|стал\w* клієнт\w*|активува\w*|привезли|доставили)",
            r"\b(?:тиждень|місяць|два тижні|кілька днів) (?:з|користування|користуюсь)\b|\bперш\w+ (?:день|тиждень|місяць|раз|досвід|враженн\w*|замовленн\w*|політ|візит|покупк\w*)|\bвперше\b|\bпоки (?:що )?(?:подоба\w*|задоволен\w*|все (?:добре|супер|чудово|ок|гаразд)|без проблем)",
            # kk
            r"\b(?:кеше|бүгін|жаңа ғана|жақында|алғаш|бірінші рет|өткен аптада|апта бұрын)\b.{0,40}?\b(?:алдым|алдық|аштым|аштық|қостым|қосылдым|сатып алдым|тапсырыс бердім|рәсімдедім|бардым|болдым|ұштым|орнаттым)",
            r"\b(?:бір апта|бір ай|апта|ай) (?:бойы )?(?:қолдан\w*|пайдалан\w*)|\bалғашқы (?:күн|апта|ай|әсер\w*)|\bалғаш рет\b|\bбірінші рет\b",
            # en
            r"\b(?:just|today|yesterday|finally|last week|this week|a week ago|recently)\b.{0,40}?\b(?:got|received|opened|signed up|joined|bought|ordered|switched|installed|activated|visited|tried|flew|connected|arrived|delivered|became a customer)",
            r"\b(?:got|received|opened|signed up|joined|bought|ordered|installed|activated|visited|tried)\b.{0,40}?\b(?:today|yesterday|last week|this week|a week ago)\b",
            r"\bmy first (?:\w+ ){0,2}(?:with|at|from|on)\b|\bmy first (?:\w+ )?(?:order|flight|visit|week|month|day|time|account|card|purchase|experience|ride|trip|delivery|class|session|workout|stay)\b|\bfirst (?:time|week|month|day|impressions?)\b|\b(?:one|two|1|2) weeks? (?:in|with|into)\b|\bso far so good\b|\bso far\b",
        ],
        "weak": [
            r"\bвчера\b|\bсегодня\b|\bвчора\b|\bсьогодні\b|\bкеше\b|\bбүгін\b|\btoday\b|\byesterday\b",
        ],
    },
    # a complaint (besides what sentiment finds)
    "negative": {
        "strong": [
            r"\b(?:опять|снова|до сих пор|третий день|который день|уже (?:\w+ )?(?:день|дня|дней|неделю|недели|месяц|час\w*))\b",
            r"\bне работает\b|\bне работают\b|\bне приходит\b|\bне пришл?[оаи]?\b|\bне отвечает\b|\bне отвечают\b|\bне дозвонит\w*|\bне могу (?:оплатить|перевести|снять|получить|дозвониться|дождаться)\b|\bнет связи\b|\bнет интернета\b",
            r"\bсколько можно\b|\bбезобрази\w*|\bбезобраз\w*|\bвозмутительн\w*|\bне советую\b|\bне рекомендую\b|\bжалоб\w*|\bверните\b|\bзаблокировал\w*|\bсписал\w*|\bнавязал\w*|\bхамя\w*|\bхамств\w*",
            r"\bзнову\b|\bдосі\b|\bне працю\w*|\bне приход\w*|\bне відповіда\w*|\bскільки можна\b|\bне раджу\b|\bскарг\w*|\bповерніть\b|\bзаблокува\w*|\bсписал\w*",
            r"\bтағы да\b|\bістемей\w*|\bжауап бермей\w*|\bбұғатта\w*|\bшағым\w*|\bкешікті\w*",
            r"\bstill (?:waiting|no|not)\b|\bagain\b|\bdoesn't work\b|\bnot working\b|\bnobody (?:answers|responds|replies|helps)\b|\bkeeps? ignoring\b|\bcharged (?:me )?twice\b|\bfix (?:this|it)\b|\bworst\b|\brefund\b|\bunacceptable\b",
        ],
        "weak": [],
    },
    # a category-level question or request for advice
    "general": {
        "strong": [
            r"\bпосоветуйте\b|\bпорекомендуйте\b|\bкто (?:что )?посоветует\b|\bчто посоветуете\b|\bкакой (?:\w+ )?лучше\b|\bгде лучше\b|\bгде (?:выгодн|дешев)\w*|\bв как(?:ом|ой|их) (?:\w+ )?(?:самые|самый|самая|выгодн|дешев|лучш)\w*|\bкто (?:чем|каким) пользу\w*|\bищу (?:\w+ )?(?:банк|оператор|провайдер|магазин|сервис|авиакомпани|кафе|доставк)\w*",
            r"\bпорадьте\b|\bпорекомендуйте\b|\bщо порадите\b|\bякий (?:\w+ )?кращ\w*|\bде краще\b|\bде (?:вигідн|дешев)\w*|\bшукаю\b",
            r"\bкеңес беріңіз\w*|\bкеңес бер\w*|\bұсыныңыз\w*|\bқай (?:\w+ )?(?:тиімді|жақсы|арзан)\w*|\bқандай (?:\w+ )?(?:тиімді|жақсы)\w*",
            r"\brecommend(?:ation)?s?\b|\bany suggestions\b|\bwhich (?:\w+ )?(?:is|are|has|offers|gives)\b|\bbest (?:\w+ ){0,3}for\b|\blooking for (?:a|an)\b|\bwhere (?:is|can i find) the best\b|\bwhich (?:bank|operator|provider|airline|shop|store|app|carrier|service)\b",
        ],
        "weak": [
            r"\bкакой\b|\bкакая\b|\bкакое\b|\bкакие\b|\bкакую\b|\bв каком\b|\bгде\b|\bкто\b|\bякий\b|\bяка\b|\bякі\b|\bяку\b|\bде\b|\bқай\b|\bқандай\b|\bwhich\b|\bwhat\b|\bnormal\w*|\bнормальн\w*|\bнужен\b|\bнужна\b|\bнужно\b|\bпотрібен\b|\bпотрібна\b|\bкерек\b|\bneed\b",
        ],
    },
}

# Cancelling one of our products (matched by name) is churn: «как отключить Орбита ТВ».
CANCEL_PRODUCT = (
    r"\b(?:отключ\w*|отказ\w*|откаж\w*|отпис\w*|закры\w*|отмен\w*|расторг\w*|відключ\w*|відмов\w*|скасов\w*|"
    r"відпис\w*|закри\w*|ажырат\w*|өшір\w*|бас тарт\w*|cancel\w*|unsubscrib\w*|turn off|"
    r"disconnect\w*|stop paying)"
)

# Question words at the start of a sentence (besides a question mark).
QUESTION = (
    r"(?:^|[.!?]\s*)(?:(?:во|в|на|с|за|до|по|о|об|у|к|з|із|від|for|in|at|to|from|with) )?(?:как|где|когда|почему|зачем|сколько|какой|какая|какие|какое|какую|кто|что|"
    r"можно ли|есть ли|подскажите|скажите|як|де|коли|чому|навіщо|скільки|який|яка|які|хто|що|чи|"
    r"підкажіть|скажіть|қалай|қайда|қашан|неге|қанша|қандай|қай|кім|не|how|what|where|when|why|"
    r"which|who|can|could|do|does|did|is|are|will|would|should|anyone)\b"
    r"|\b\w+ (?:ма|ме|ба|бе|па|пе)\b\s*$"  # Kazakh question particle at the end
)

# Switching verbs; the direction (to us / away from us) is read from the brands around them.
SWITCH = (
    r"\b(?:перешел|перешла|перешли|перехожу|переходим|перейду|перевел\w*|перевела|перевож\w*|"
    r"перевед\w*|ухожу|уходим|уйду|переходжу|перейшов|перейшла|перейшли|перевів|перевела|"
    r"ауыстым|ауысамын|ауыстырдым|көштім|кетемін|moved|moving|move|switched|switching|switch|"
    r"transferred|transferring|left|leaving|went)\b"
)
# Prepositions marking the source and the target of a switch (Kazakh uses case endings).
FROM_WORDS = {"из", "от", "с", "со", "з", "із", "від", "from"}
TO_WORDS = {"в", "во", "на", "к", "до", "у", "to", "into"}
KK_ABLATIVE = ("дан", "ден", "тан", "тен", "нан", "нен")
KK_DATIVE = ("ға", "ге", "қа", "ке", "на", "не")
