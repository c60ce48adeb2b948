"""Frequent words per language, for language identification of short texts.

Function words (pronouns, particles, prepositions, question words) and the everyday words of
customer messages (thanks, order, money, today, good/bad). A word may appear under several
languages: it then counts for each of them. Words are lower case with «е» for «ё», as
``text.normalize`` writes them.
"""

WORDS = {
    "ru": """и в во не на что как это но или уже очень мне меня мной мой моя мое мои вы вас вам
        вами ваш ваша ваше ваши он она они оно мы нас нам его ее их кто где когда почему зачем
        какой какая какие каком который которая которые чтобы если ли бы же только еще даже все
        всех всем всего был была были было будет будут есть нет да от для без при про под над
        через после перед можно нужно надо сколько сегодня вчера завтра теперь сейчас тоже
        также просто спасибо пожалуйста здравствуйте привет хочу хотел хотела подскажите
        скажите помогите так там тут здесь этот эта эти этого этой свой своей день дня дней
        неделю недели год года лет раз уж вот ни себя быть ну со об из-за из за до у к ко с я
        ты опять снова могу может можете работает работают хотя потому поэтому ничего никто
        никогда всегда сделать делать должен должны какой-то него нее ней них им ему ей тебя
        тебе твой хорошо плохо отлично ужасно ужас деньги денег заказ заказа доставка доставку
        ответ ответа жду ждать час часа часов минут человек время вообще почти совсем больше
        меньше лучше хуже нормально вопрос помощь купить цена стоит стоимость телефон связь
        приложение сайт карта карту карты счет клиент клиентов оператор звонок звонил звоню
        написал написала пишу будь добрый доброе добрый день здравствуй спасибо большое
        пришел пришло пришла пришли сказали обещали сделали нельзя новый новая новые много
        мало все-таки кстати короче блин вроде хотя бы такой такая такие сам сама самый
        ахаха хаха ахах хахаха спс пжл норм ок лол щас че супер""".split(),
    "uk": """і й та що це але чи вже дуже мені мене мною мій моя моє мої ви вас вам вами ваш
        ваша ваше ваші він вона вони воно ми нас нам його її їх хто де коли чому навіщо який
        яка яке які якому котрий щоб якщо би б ж лише тільки ще навіть усі всі усіх всіх усе
        все був була були було буде будуть є немає нема ні від для без при про під над через
        після перед можна треба потрібно скільки сьогодні вчора завтра тепер зараз теж також
        просто дякую будь ласка вітаю привіт хочу хотів хотіла підкажіть скажіть допоможіть
        так там тут цей ця це ці цього цієї свій своєї день дня днів тиждень тижня рік років
        раз ось себе бути із зі до у в з як не на я ти знову можу може можете працює працюють
        хоча тому нічого ніхто завжди ніколи зробити робити повинен чомусь якийсь нього неї
        них їм йому тебе тобі твій добре погано чудово жахливо жах гроші грошей замовлення
        посилка посилку доставка доставку відповідь відповіді чекаю чекати година години
        годину годин хвилин людина людей час взагалі майже зовсім більше менше краще гірше
        питання допомога купити ціна коштує вартість телефон зв'язок додаток сайт картка
        картку рахунок клієнт клієнтів оператор дзвінок дзвонив дзвоню написав написала пишу
        добрий доброго ранку вечора дня прийшов прийшло прийшла прийшли сказали обіцяли
        зробили не можна новий нова нові багато мало все-таки до речі коротше блін наче хоч
        такий така такі сам сама самий гарний гарна гарно звісно мабуть нарешті досі щойно
        поки вибачте щиро дуже дякую отже адже ось отут зараз трохи швидко довго
        таке таку шо ніби хаха ахаха супер ганьба зрада перемога""".split(),
    "be": """і й ды што гэта але ці ужо ўжо вельмі мне мяне мой мая маё мае вы вас вам ваш
        ваша ваша вашы ён яна яны яно мы нас нам яго яе іх хто дзе калі чаму навошта які
        якая якое якія каб толькі яшчэ нават усе ўсе усё ўсё быў была былі было будзе ёсць
        няма ні ад для без пры пра пад над праз пасля перад можна трэба колькі сёння учора
        ўчора заўтра цяпер зараз таксама проста дзякуй ласка прывітанне вітаю хачу падкажыце
        скажыце дапамажыце так там тут гэты гэтая гэтыя гэтага свой сваёй дзень тыдзень год
        раз вось сябе быць з у ў да як не на я ты зноў магу можа можаце працуе працуюць нічога
        ніхто заўсёды ніколі зрабіць рабіць добра дрэнна выдатна грошы замова заказ дастаўка
        адказ чакаю чакаць гадзіна гадзіну хвілін чалавек час увогуле больш менш лепш горш
        пытанне дапамога купіць кошт каштуе тэлефон сувязь праграма сайт картка рахунак
        кліент аператар добры дзень вялікі шмат мала сам сама самы які-небудзь""".split(),
    "bg": """и в във на не да се е са ще за от по с със че това тази този тези какво как къде
        кога защо кой коя кое които който има няма много още вече само също беше бяха бъде
        съм си сме сте аз ти той тя ние вие те мен мене ми ни ви им нищо нещо някой никой днес
        вчера утре сега благодаря моля здравейте здравей добър добре лошо пари поръчка
        поръчката доставка доставката отговор чакам седмица часа минути година хубав хубаво
        ужасно защото ако дали пак обаче но или мой моя мое мои ваш ваша вашия нашия тук там
        при след преди без през""".split(),
    "mk": """и во на не да се е се ќе за од по со дека ова оваа овој овие што како каде кога
        зошто кој која кое има нема многу уште веќе само исто беше сум си сме сте јас ти тој
        таа ние вие тие мене ми ни ви им ништо нешто некој никој денес вчера утре сега
        благодарам ве молам здраво добар добро лошо пари нарачка нарачката достава доставата
        одговор чекам недела часа минути година убаво мојата мојот""".split(),
    "sr": """и у на не да се је су ће за од по са што ово ова овај шта како где када зашто ко
        која које има нема много још већ само такође био била сам си смо сте ја ти он она ми
        ви они мене нам вам ништа нешто неко нико данас јуче сутра сада хвала молим здраво
        добар добро лоше новац поруџбина достава одговор чекам недеља сата минута година
        лепо моја мој""".split(),
    "kk": """және мен сен ол біз сіз олар бұл осы сол не неге неліктен қалай қашан қайда қай
        қандай кім ма ме ба бе па пе ғой емес бар жоқ үшін деп деген екен керек болады болды
        бола болып өте тағы да де та те бірақ немесе ал енді әлі кеше бүгін ертең рахмет сәлем
        сәлеметсіз сәлеметсіздер сізге саған маған оған бізге менің сенің оның біздің
        сіздің олардың жақсы жаман нашар керемет тамаша ақша ақшам ақшаны тапсырыс тапсырысым
        жеткізу күн күні апта ай жыл сағат минут бір екі үш барлық бәрі барлығы ешкім ештеңе
        әрі иә жарайды кешіріңіз өтінемін қызмет баға бағасы тегін жаңа үлкен жұмыс істейді
        істемейді келді келеді жауап сұрақ неше қанша мені сені оны бізді сізді өз өзі енді
        әлде сияқты туралы арқылы кейін дейін бойы бері жылы ғана тек да тез баяу ұнады
        жаксы калай канша кашан бугин бүгин ертен бари барлыгы акша уакыт кызмет кажет
        улкен тегин маган ракмет""".split(),  # the last two lines:
    # forms typed without Kazakh letters (жақсы → жаксы), none of them Kyrgyz
    # Kazakh in Latin script: words no other Latin-script language of the list writes
    "kk_latn": """rahmet rakhmet raqmet jaqsy jaksy zhaksy jaqsı keremet tamasha
        emes eken óte bári nashar zhaman jaman aqsha aksha tauar sapasy unady
        unamady qyzmet kyzmet zhok joq jok""".split(),
    "ky": """жана менен мен сен ал биз сиз алар бул ушул ошол эмне кантип качан кайда кандай
        ким бы би бу бү пы пи эмес бар жок үчүн деп деген экен керек болот болду болуп абдан
        дагы да бирок же эми азыр кечээ бүгүн эртең рахмат салам саламатсызбы
        саламатсыздарбы сизге сага мага ага бизге менин сенин анын биздин сиздин алардын
        жакшы жаман начар сонун акча акчам акчаны буйрутма жеткирүү күн жума ай жыл саат
        мүнөт бир эки үч баары бардык эч ким эч нерсе ооба макул кечиресиз өтүнөм кызмат баа
        баасы бекер жаңы чоң иш иштейт иштебейт келди келет жооп суроо канча мени сени аны
        өзү сыяктуу жөнүндө аркылуу кийин чейин бери гана эле го тез жай жакты""".split(),
    "tt": """һәм белән мин син ул без сез алар бу шул теге нәрсә ни нигә ничек кайчан кайда
        нинди кем мы ме түгел бар юк өчен дип дигән икән кирәк була булды булып бик тагын да
        дә та тә ләкин яки ә хәзер кичә бүген иртәгә рәхмәт сәлам исәнмесез сезгә сиңа миңа
        аңа безгә минем синең аның безнең сезнең аларның яхшы начар әйбәт матур акча акчам
        акчаны заказ көн атна ай ел сәгать минут бер ике өч барысы бөтен беркем бернәрсә әйе
        ярар гафу зинһар хезмәт бәя бәясе бушлай яңа зур эш эшли эшләми килде килә җавап
        сорау күпме мине сине аны үзе кебек турында аша соң кадәр бирле генә инде әле бит
        юкса""".split(),
    "ba": """һәм менән мин һин ул беҙ һеҙ улар был шул ниндәй нимә ниңә нисек ҡасан ҡайҙа
        кем түгел бар юҡ өсөн тип кәрәк була булды бик тағы ла лә әммә йәки хәҙер кисә
        бөгөн иртәгә рәхмәт сәләм һаумыһығыҙ миңә һиңә уға беҙгә минең һинең уның беҙҙең
        һеҙҙең яҡшы насар матур аҡса көн аҙна ай йыл сәғәт бер ике өс барыһы бөтә эйе ярай
        хеҙмәт хаҡ хаҡы яңы ҙур эш эшләй килде килә яуап һорау күпме үҙе кеүек тураһында
        һуң тиклем ғына инде әле""".split(),
    "mn": """бол юм байна байгаа энэ тэр гэж нь бид та би мөн ч юу яагаад яаж хэзээ хаана ямар
        хэн вэ бэ уу үү биш байхгүй гэсэн хэрэгтэй болно болсон маш дахиад гэхдээ эсвэл одоо
        өчигдөр өнөөдөр маргааш баярлалаа сайн муу сайхан мөнгө захиалга өдөр долоо хоног сар
        жил цаг минут нэг хоёр гурав бүх зүйл тийм үгүй уучлаарай үйлчилгээ үнэ шинэ ажиллаж
        ажиллахгүй ирсэн ирэх хариу асуулт надад миний таны манай танай дээр руу рүү аас ээс
        тай тэй бөгөөд билээ шүү""".split(),
    "uz": """va bilan men sen u biz siz ular bu shu o'sha nima nega qanday qachon qayerda qaysi
        kim mi emas bor yo'q uchun deb degan ekan kerak bo'ladi bo'ldi bo'lib juda yana ham
        lekin yoki endi hozir kecha bugun ertaga rahmat salom assalomu alaykum sizga senga
        menga unga bizga mening sening uning bizning sizning yaxshi yomon zo'r ajoyib pul
        pulim pulimni buyurtma buyurtmam kun hafta oy yil soat daqiqa bir ikki uch hammasi
        hamma barcha hech ha mayli kechirasiz iltimos xizmat narx narxi bepul yangi katta ish
        ishlayapti ishlamayapti keldi keladi javob savol qancha meni seni uni o'zi kabi haqida
        orqali keyin qadar beri faqat edi emas qilib qildi qilish qilaman
        ва билан мен сен у биз сиз улар бу шу ўша нима нега қандай қачон қаерда қайси ким ми
        эмас бор йўқ учун деб деган экан керак бўлади бўлди бўлиб жуда яна ҳам лекин ёки
        энди ҳозир кеча бугун эртага раҳмат салом ассалому алайкум сизга сенга менга унга
        бизга менинг сенинг унинг бизнинг сизнинг яхши ёмон зўр ажойиб пул пулим пулимни
        буюртма буюртмам кун ҳафта ой йил соат дақиқа бир икки уч ҳаммаси ҳамма барча ҳеч ҳа
        майли кечирасиз илтимос хизмат нарх нархи бепул янги катта иш ишлаяпти ишламаяпти
        келди келади жавоб савол қанча мени сени уни ўзи каби ҳақида орқали кейин қадар бери
        фақат эди қилиб қилди қилиш қиламан""".split(),
    "tg": """ва бо ман ту ӯ мо шумо онҳо ин он чӣ чаро кай куҷо кадом кӣ не нест ҳаст барои ки
        гуфт лозим мешавад шуд хеле боз ҳам аммо ё ҳоло дирӯз имрӯз фардо ташаккур салом ба аз
        дар хуб бад пул рӯз ҳафта моҳ сол соат як ду се ҳама ҳа мекунад кард""".split(),
    "en": """the a an and or but is are was were be been being am i you he she it we they me my
        your our their his her its this that these those what which who whom whose when where
        why how do does did done doing have has had having not no yes with for from to of in on
        at by about into over after before again very so too just can could should would will
        shall may might must there here than then also only any some all every please thanks
        thank hi hello hey anyone does don't can't won't isn't aren't wasn't didn't doesn't
        haven't it's i'm i've i'll i'd you're you've we're they're that's there's what's let's
        get got getting ever never still even because if as up out one two three more most
        much many other new now today yesterday tomorrow week day days time times month year
        same well back off good great bad best worst better worse nice love like really
        service customer support help order orders delivery account card bank money refund
        phone number call email app update internet price prices free shop store online
        home news read more contact us sign log login cart checkout search terms conditions
        policy privacy cookie cookies settings all rights reserved shipping returns about
        careers deals sale offer offers save now book buy get started learn view show see
        watch live top latest stories new arrivals best sellers gift status track your
        parcel package arrived late delayed flight still waiting since nobody answers
        answer reply wait waiting minutes hours hour someone something nothing everything
        everyone thing things people way work works working doesn't broken fixed fix
        problem issue issues question questions quick fast slow terrible awesome amazing
        excellent poor happy sad worth value recommend recommended highly totally lol omg
        guys staff team product products quality room food place coffee experience review
        reviews payment password yeah wow
        ok okay thx pls plz ty""".split(),
    "de": """der die das und ist nicht ich sie es wir ein eine einen einem einer mit auf für
        von zu zum zur den dem des im in ins sind war waren haben hat habe hatte noch schon
        sehr aber oder wenn warum wie wo was wer danke bitte hallo ja nein kein keine keinen
        mein meine meinen ihr ihre ihren unser unsere heute gestern morgen jetzt immer nie
        alles nichts gut schlecht geld bestellung lieferung antwort warte warten woche
        stunden minuten auch nur doch mal man kann können muss müssen bei nach seit über
        wird werden wurde gibt leider endlich kostenlos versand jetzt kaufen""".split(),
    "fr": """le la les un une des et est pas je tu il elle nous vous ils elles de du en au aux
        pour par sur dans avec sans ce cette ces mon ma mes votre vos notre qui que quoi où
        quand pourquoi comment merci bonjour oui non très bien mal toujours jamais rien tout
        tous commande livraison réponse depuis semaine heures minutes mais ou donc encore
        déjà c'est j'ai n'est ne plus j'attends suis êtes sont avez""".split(),
    "es": """el la los las un una y es no yo tú él ella nosotros usted ustedes de del en al por
        para con sin que qué quien dónde donde cuando cuándo cómo como gracias hola sí muy
        bien mal siempre nunca nada todo todos pedido entrega respuesta desde semana horas
        minutos pero o ya todavía mi mis su sus este esta estos está están hay llevo""".split(),
    "it": """il lo la i gli le un una e è non io tu lui lei noi voi loro di del della in al per
        con senza che chi dove quando perché come grazie ciao sì molto bene male sempre mai
        niente tutto tutti ordine consegna risposta da settimana ore minuti ma o già ancora
        mio mia suo sono ho ha dov'è aspetto""".split(),
    "pt": """o a os as um uma e é não eu você ele ela nós vocês de do da em no na por para com
        sem que quem onde quando porque como obrigado obrigada olá sim muito bem mal sempre
        nunca nada tudo todos pedido entrega resposta desde semana horas minutos mas ou já
        ainda meu minha seu sua está estou tem""".split(),
    "nl": """de het een en is niet ik jij je hij zij we wij u mijn jouw uw ons van in op voor
        met zonder dat die wat wie waar wanneer waarom hoe dank bedankt hallo ja nee heel goed
        slecht altijd nooit niets alles bestelling levering antwoord al nog week uur minuten
        maar of ook er zijn heb heeft""".split(),
    "tr": """ve bir bu şu o ben sen biz siz onlar için ile de da mi mı mu mü değil var yok ne
        neden nasıl nerede zaman kim çok daha ama veya şimdi dün bugün yarın teşekkürler
        teşekkür merhaba evet hayır iyi kötü para sipariş siparişim teslimat cevap hafta saat
        dakika hiç her şey gibi kadar bana benim sizin ederim bekliyorum ücretsiz kargo""".split(),
    "az": """və bir bu o mən sən biz siz onlar üçün ilə də da mi mı deyil var yox nə niyə necə
        harada vaxt kim çox daha amma ya indi dünən gün sabah təşəkkür təşəkkürlər salam
        bəli xeyr yaxşı pis pul sifariş sifarişim çatdırılma cavab həftə saat dəqiqə heç hər
        şey kimi qədər mənə mənim sizin edirəm edir olar gözləyirəm pulsuz""".split(),
    "pl": """i w na nie się to jest że z do co jak ja ty on ona my wy oni mój moja moje wasz
        nasz dla od po przez bez przy o ale lub czy kiedy gdzie dlaczego dziękuję dzień dobry
        tak bardzo dobrze źle zawsze nigdy nic wszystko zamówienie dostawa odpowiedź już
        jeszcze tydzień godzin minut mam ma są był była jestem czekam""".split(),
}
