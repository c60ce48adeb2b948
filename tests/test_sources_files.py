"""File import: BA CSV with preamble, YouScan XLSX (EN/RU), normalized CSV/JSONL, mapping."""
import io
import json
from datetime import datetime, time

import pytest

from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import PayloadError, parse_file

BA_HEADER = ("Дата;ID сообщения;Hash сообщения;Заголовок;Текст;Источник;Url;Тип источника;"
             "Тип сообщения;Сюжет;Автор;Url автора;Тип автора;Место публикации;"
             "Url места публикации;Пол;Возраст;Аудитория;Комментариев;Цитируемость СМИ;"
             "Репостов;Лайков;Вовлеченность;Просмотров;Оценка;Дублей;Аудитория СМИ;Тональность;"
             "Роль объекта;Агрессия;Страна;Регион;Город;Язык;WOM;Обработано;Место;Адрес;ОП;"
             "Жалобы")


def ba_row(date, ident, hsh, text, source="vk.com", url="https://vk.com/wall-179002674_77309",
           tone="негатив", likes="12", rating="", lang="Русский"):
    cells = [date, ident, hsh, "", text, source, url, "Соцсети", "Пост", "", "Иван Иванов",
             "https://vk.com/id1", "Личный профиль", "Банк", "https://vk.com/club1", "м", "30",
             "1 200", "3", "", "1", likes, "0,5", "100", rating, "0", "", tone, "", "", "Россия",
             "Москва", "Москва", lang, "", "Да", "", "", "", "1"]
    return ";".join(f'"{c}"' if (";" in c or "\n" in c or '"' in c) else c for c in cells)


def ba_csv(*rows):
    lines = ["Система Brand Analytics", "Тема: Банк", "Период: 01.05.26 - 07.05.26", "",
             BA_HEADER, *rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


H1 = "0123456789abcdef0123456789abcdef20260501"
H2 = "fedcba9876543210fedcba987654321020260501"
H3 = "00000000000000000000000000000000020260501"


def test_brand_analytics_csv_with_preamble_multiline_and_bad_rows():
    content = ba_csv(
        ba_row("01.05.2026 13:00", "1364", H1, "Карта не работает,\nтретий день"),
        ba_row("01.05.2026 14:30", "1365", H2, "Всё отлично", tone="позитив",
               source="otzovik.com", url="https://otzovik.com/review_1.html", rating="5"),
        ba_row("вчера", "1366", H3, "Плохая дата"),
        ba_row("01.05.2026 15:00", "1367", "", "Без ключа", url=""),
        ba_row("01.05.2026 16:00", "1368", H3 + "x", "Много лайков", likes="много"),
    )
    records, errors, headers = parse_file("Банк_01.05.2026-07.05.2026_ab12.csv", content,
                                          tz="Europe/Moscow")
    assert headers[:3] == ["Дата", "ID сообщения", "Hash сообщения"]
    assert [r["external_id"] for r in records] == [H1, H2]
    first, second = records
    assert first["text"] == "Карта не работает,\nтретий день"
    assert first["published_at"] == "2026-05-01T10:00:00Z"  # Moscow is UTC+3
    assert first["platform"] == "vk" and first["lang"] == "ru" and first["sentiment"] == "негатив"
    assert first["likes"] == 12 and first["author"]["followers"] == 1200
    assert first["raw"]["row"] == 6 and first["raw"]["columns"]["ID сообщения"] == "1364"
    assert second["platform"] == "otzovik" and second["rating"] == "5"
    # the multi-line first record occupies lines 6–7, so the next ones start at 8
    assert errors == [
        {"row": 9, "reason": "unreadable date 'вчера'"},
        {"row": 10, "reason": "no id and no URL to identify the mention"},
        {"row": 11, "reason": "likes is not a number: 'много'"},
    ]
    accepted, bad = normalize_batch(records)
    assert len(accepted) == 2 and bad == []
    assert accepted[0].sentiment == "negative" and accepted[1].rating == 5.0


def youscan_xlsx(headers, rows, sheet="Mentions"):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_youscan_xlsx_english_date_time_merge_and_url_key():
    headers = ["Date", "Time", "Saved at", "Title", "Text", "Post type", "URL", "Sentiment",
               "Author", "Nickname", "Profile", "Subscribers", "Source", "Publication place",
               "Resource type", "Language", "Country", "Likes", "Comments", "Reposts", "Views",
               "Potential reach", "Rating", "Tags"]
    rows = [
        [datetime(2026, 5, 1), time(13, 0), "01.05.2026 13:05", "", "App keeps crashing",
         "post", "https://www.vk.com/wall-1_2?utm_source=ys", "negative", "Ivan", "ivan",
         "https://vk.com/id1", 1500, "vk.com", "Bank", "social", "rus", "RU", 4, 1, 0, 50,
         9000, None, "app|crash"],
        ["02.05.2026", "09:15", "", "Review", "Nice branch staff", "post",
         "https://maps.yandex.ru/org/1/reviews", "positive", "Anna", "", "", "", "maps.yandex.ru",
         "", "reviews", "eng", "", "", "", "", "", "", 5, ""],
        ["03.05.2026", "25:99", "", "", "Broken time", "post", "https://t.me/c/1", "neutral",
         "", "", "", "", "t.me", "", "messenger", "", "", "", "", "", "", "", "", ""],
        ["03.05.2026", "10:00", "", "", "", "post", "https://t.me/c/2", "neutral",
         "", "", "", "", "t.me", "", "messenger", "", "", "", "", "", "", "", "", ""],
        ["03.05.2026", "10:00", "", "", "Bad rating", "post", "https://t.me/c/3", "neutral",
         "", "", "", "", "t.me", "", "messenger", "", "", "", "", "", "", "", 9, ""],
    ]
    content = youscan_xlsx(headers, rows)
    records, errors, got_headers = parse_file("MentionsWithFullText_Bank_01.05.2026.xlsx",
                                              content, tz="Asia/Almaty")
    assert got_headers == headers
    assert [r["external_id"] for r in records] == ["https://vk.com/wall-1_2",
                                                   "https://maps.yandex.ru/org/1/reviews"]
    first, second = records
    assert first["published_at"] == "2026-05-01T08:00:00Z"  # Almaty is UTC+5
    assert first["platform"] == "vk" and first["lang"] == "ru" and first["reach"] == 9000
    assert first["author"]["handle"] == "ivan" and first["author"]["followers"] == 1500
    assert second["platform"] == "yandex_maps" and second["title"] == "Review"
    assert second["published_at"] == "2026-05-02T04:15:00Z"
    assert errors == [{"row": 4, "reason": "unreadable time '25:99'"},
                      {"row": 5, "reason": "text is empty"},
                      {"row": 6, "reason": "rating 9 is outside 1…5"}]


def test_youscan_russian_csv_comma_separated():
    text = ("Дата,Время,Заголовок,Текст,Тип поста,URL,Тональность,Автор,Профиль,Подписчики,"
            "Источник,Тип источника,Лайки,Комментарии,Репосты\n"
            '01.05.2026,10:00,,"Где выписка, подскажите?",comment,https://m.vk.com/wall-1_5,'
            "нейтрально,Пётр,https://vk.com/id5,10,vk.com,social,1,0,0\n")
    records, errors, _ = parse_file("export.csv", text.encode("utf-8"))
    assert errors == []
    assert records[0]["external_id"] == "https://vk.com/wall-1_5"
    assert records[0]["text"] == "Где выписка, подскажите?"
    assert records[0]["published_at"] == "2026-05-01T10:00:00Z"


def test_normalized_csv_cp1251_and_canonical_headers():
    text = ("external_id;platform;url;text;published_at;lang;author_name;author_followers;"
            "sentiment;likes\n"
            "r1;otzovik;https://otzovik.com/r1;Отличный банк;2026-05-01T10:00:00+05:00;ru;Аня;"
            "1 000;позитив;3\n"
            "r2;web;;;2026-05-01;ru;;;;\n")
    records, errors, _ = parse_file("mentions.csv", text.encode("cp1251"), preset="normalized")
    assert [r["external_id"] for r in records] == ["r1"]
    assert records[0]["published_at"] == "2026-05-01T05:00:00Z"
    assert records[0]["author"]["followers"] == 1000
    assert errors == [{"row": 3, "reason": "text is empty"}]


def test_custom_mapping_for_unknown_export():
    text = "Когда;Что написали;Где;Номер\n01.05.2026 12:00;Медленно;https://forum.kz/t/1;17\n"
    with pytest.raises(PayloadError, match="no text column"):
        parse_file("other.csv", text.encode())
    records, errors, headers = parse_file(
        "other.csv", text.encode(),
        mapping={"Когда": "published_at", "Что написали": "text", "Где": "url",
                 "Номер": "external_id"})
    assert errors == [] and headers == ["Когда", "Что написали", "Где", "Номер"]
    assert records[0]["external_id"] == "17" and records[0]["platform"] == "web"
    with pytest.raises(PayloadError, match="'wat' is not a field"):
        parse_file("other.csv", text.encode(), mapping={"Когда": "wat"})
    with pytest.raises(PayloadError, match="no column named"):
        parse_file("other.csv", text.encode(), mapping={"Нет такой": "text"})


def test_jsonl_normalized_records_with_bad_lines():
    lines = [
        json.dumps({"external_id": "j1", "text": "hello", "platform": "vk",
                    "published_at": "2026-05-01T10:00:00Z",
                    "author": {"external_id": "1", "name": "A"}}),
        "",
        "{broken",
        json.dumps({"external_id": "j2", "url": "https://x.com/a/status/2", "text": "",
                    "platform": "x"}),
        json.dumps({"url": "https://www.example.com/p?utm_medium=x", "text": "flat",
                    "author_name": "B", "date": "02.05.2026", "time": "10:00"}),
        json.dumps({"external_id": "j4", "text": "nested", "sentiment": {"label": "negative",
                    "score": -0.7}, "metrics": {"likes": 4}, "parent": {"external_id": "p1"}}),
        "[1, 2]",
    ]
    records, errors, headers = parse_file("m.jsonl", "\n".join(lines).encode())
    assert [r["external_id"] for r in records] == ["j1", "https://example.com/p", "j4"]
    assert records[2]["likes"] == 4 and records[2]["parent_external_id"] == "p1"
    assert records[2]["sentiment_score"] == -0.7
    assert [e["row"] for e in errors] == [3, 4, 7]
    assert "not valid JSON" in errors[0]["reason"] and errors[1]["reason"] == "text is missing"
    assert "external_id" in headers


def test_unreadable_files():
    with pytest.raises(PayloadError, match="not a readable .xlsx"):
        parse_file("x.xlsx", b"PK\x03\x04garbage")
    with pytest.raises(PayloadError, match=".xls files are not supported"):
        parse_file("x.xls", b"\xd0\xcf")
    with pytest.raises(PayloadError, match="unknown time zone"):
        parse_file("x.csv", b"a;b\n", tz="Mars/Olympus")
    with pytest.raises(PayloadError, match="unknown preset"):
        parse_file("x.csv", b"a;b\n", preset="iqbuzz")
    for blank in (b"", b"\n\n", b"  \r\n\t\n"):
        with pytest.raises(PayloadError, match="the file is empty"):
            parse_file("x.csv", blank)


def test_brand_analytics_json_export():
    items = [{"id": 1364, "hash": H1, "idExternal": "-179002674_77309", "timeCreate": 1777629600,
              "title": "", "text": "Отличный сервис", "hub": "vk.com",
              "url": "https://vk.com/wall-179002674_77309", "hubtype": "Соцсети", "type": "Пост",
              "authorObject": {"fullname": "Иван", "url": "https://vk.com/id1",
                               "author_type": "Личный профиль"},
              "commentsCount": 1, "audienceCount": 100, "likesCount": 7, "toneMark": 1,
              "language": "Русский", "review_rating": []},
             {"id": 1365, "hash": H2, "timeCreate": 1777629600, "text": "Форум",
              "hub": "forum.kz", "hubtype": "Форумы", "url": "https://forum.kz/t/1"}]
    records, errors, _ = parse_file("Банк_01.05.2026-07.05.2026.json",
                                    json.dumps(items, ensure_ascii=False).encode())
    assert errors == []
    assert [r["external_id"] for r in records] == [H1, H2]
    assert records[0]["platform"] == "vk" and records[0]["lang"] == "ru"
    assert records[0]["likes"] == 7 and records[0]["author"]["name"] == "Иван"
    assert records[1]["platform"] == "forum"
    assert normalize_batch(records)[0][0].sentiment == "positive"


def test_explicit_preset_checks_its_key_column():
    text = "Дата;Текст;Url\n01.05.2026 10:00;Привет;https://vk.com/wall1_1\n"
    with pytest.raises(PayloadError, match="Hash сообщения"):
        parse_file("ba.csv", text.encode(), preset="brand_analytics")
    records, errors, _ = parse_file("ys.csv", text.encode(), preset="youscan")
    assert errors == [] and records[0]["external_id"] == "https://vk.com/wall1_1"
    with pytest.raises(PayloadError, match="keyed on the mention URL"):
        parse_file("ys.csv", "Date;Time;Text\n01.05.2026;10:00;x\n".encode(), preset="youscan")


# -- what is read is what was written ---------------------------------------------------------

NORMALIZED = "external_id;text;published_at\n"


def rows_of(content, filename="m.csv", **kw):
    records, errors, _headers = parse_file(filename, content, **kw)
    return [(r["external_id"], r["text"]) for r in records], errors


def test_utf16_with_bom_as_excel_writes_unicode_text():
    text = NORMALIZED + "u1;Привет, банк 👋;2026-05-01T10:00:00Z\nu2;Ещё;2026-05-01\n"
    for encoding in ("utf-16", "utf-16-be", "utf-16-le"):
        content = text.encode(encoding)  # "utf-16" writes a BOM, the others none
        got, errors = rows_of(content)
        assert got == [("u1", "Привет, банк 👋"), ("u2", "Ещё")], encoding
        assert errors == []


def test_utf8_bom_and_tab_separated_utf16_from_excel():
    got, errors = rows_of(("\ufeff" + NORMALIZED + "b1;Отзыв;2026-05-01\n").encode("utf-8"))
    assert got == [("b1", "Отзыв")] and errors == []
    tsv = "external_id\ttext\n" + "t1\tКарта не работает\n"
    got, errors = rows_of(b"\xff\xfe" + tsv.encode("utf-16-le"), "unicode.txt")
    assert got == [("t1", "Карта не работает")] and errors == []


def test_one_invalid_utf8_byte_is_reported_in_its_row_not_read_as_cp1251():
    content = (NORMALIZED + "g1;Всё хорошо;2026-05-01\n").encode() + \
        "g2;Плохой байт ".encode() + b"\xff" + b";2026-05-01\n" + \
        (b"g3;" + "Снова хорошо".encode() + b";2026-05-01\n")
    got, errors = rows_of(content)
    assert got == [("g1", "Всё хорошо"), ("g3", "Снова хорошо")]
    assert errors == [{"row": 3, "reason": "the row holds bytes that are not UTF-8 text; save "
                                          "the file as UTF-8 and import it again"}]


def test_windows_1251_and_koi8_files_are_recognised():
    text = NORMALIZED + "w1;Здравствуйте, у меня не работает мобильное приложение банка;2026-05-01\n" \
        "w2;Перевод не дошёл до получателя уже третий день подряд;2026-05-01\n"
    for encoding in ("cp1251", "koi8_r"):
        got, errors = rows_of(text.encode(encoding))
        assert [t for _e, t in got] == [
            "Здравствуйте, у меня не работает мобильное приложение банка",
            "Перевод не дошёл до получателя уже третий день подряд"], encoding
        assert errors == []


def test_unterminated_quote_is_an_error_and_the_next_rows_are_read():
    content = b'external_id,text\nq1,"unterminated\nq2,ok\nq3,fine\n'
    got, errors = rows_of(content)
    assert got == [("q2", "ok"), ("q3", "fine")]
    assert [e["row"] for e in errors] == [2]
    assert "quotation marks" in errors[0]["reason"]
    # A quote closed further down (swallowing rows in between) is caught too.
    content = b'external_id,text,likes\nq1,"unterminated,1\nq2,ok,2\nq3,"closed",3\n'
    got, errors = rows_of(content)
    assert got == [("q2", "ok"), ("q3", "closed")] and [e["row"] for e in errors] == [2]


def test_a_quoted_multiline_cell_is_still_one_row():
    content = 'external_id,text\nm1,"первая строка\nвторая, с запятой"\nm2,дальше\n'.encode()
    got, errors = rows_of(content)
    assert got == [("m1", "первая строка\nвторая, с запятой"), ("m2", "дальше")]
    assert errors == []


def test_nul_byte_and_year_9999_are_errors_of_their_rows():
    content = (NORMALIZED + "n1;Нормально;2026-05-01\n" + "n2;С нулём\x00 внутри;2026-05-01\n"
               + "n3;Из будущего;9999-12-31 23:59\n" + "n4;Тоже нормально;2026-05-02\n").encode()
    got, errors = rows_of(content, tz="Asia/Almaty")
    assert got == [("n1", "Нормально"), ("n4", "Тоже нормально")]
    assert errors == [
        {"row": 3, "reason": "text contains a NUL character (at position 8)"},
        {"row": 4, "reason": "published_at 9999-12-31T18:59:00 is in the future"}]
    # West of UTC the same local time is beyond the calendar's last day in UTC.
    assert rows_of(content, tz="America/New_York")[1][1] == \
        {"row": 4, "reason": "date 9999-12-31T23:59:00-05:00 is in the future"}
    utc = (NORMALIZED + "n5;UTC;9999-12-31T23:59:59Z\n").encode()
    assert rows_of(utc)[1] == [{"row": 2, "reason": "published_at 9999-12-31T23:59:59 is in "
                                                    "the future"}]


def test_jsonl_lines_with_bad_bytes_and_deep_nesting_are_row_errors():
    good = json.dumps({"external_id": "j1", "text": "ok"}).encode()
    deep = b"[" * 5000 + b"]" * 5000
    content = good + b"\n" + b'{"external_id": "j2", "text": "\xff"}\n' + deep + b"\n"
    records, errors, _ = parse_file("m.jsonl", content)
    assert [r["external_id"] for r in records] == ["j1"]
    assert [e["row"] for e in errors] == [2, 3]
    assert errors[1]["reason"] == "not valid JSON (nested too deep)"


def test_natural_text_headers_and_a_date_time_column():
    for header in ("Текст сообщения", "Сообщение", "Message text", "Content", "Body", "Текст"):
        text = f"Ссылка;{header};Дата\nhttps://t.me/bank/1;Где выписка?;01.05.2026 13:30\n"
        records, errors, _ = parse_file("x.csv", text.encode(), tz="Europe/Moscow")
        assert errors == [], header
        assert records[0]["text"] == "Где выписка?", header
        # one date column holds date and time: it is the publication time
        assert records[0]["published_at"] == "2026-05-01T10:30:00Z", header


def test_guess_field_keeps_date_and_time_apart_only_with_a_time_column():
    from social_crm.tools.sources.files import guess_field

    assert guess_field("Дата", ["Дата", "Текст"]) == "published_at"
    assert guess_field("Date", ["Date", "Time", "Text"]) == "date"
    assert guess_field("Текст сообщения", ["Текст сообщения"]) == "text"
    assert guess_field("Что-то", ["Что-то"]) == ""


def test_file_level_problems_carry_a_code_for_the_user_interface():
    with pytest.raises(PayloadError) as exc:
        parse_file("other.csv", "Когда;Что;Где\n1;2;3\n".encode())
    assert exc.value.code == "no_text_column" and exc.value.params["columns"] == "Когда, Что, Где"
    from social_crm.tools.sources.files import open_file

    rows = list(open_file("m.csv", (NORMALIZED + "x;;2026-05-01\ny;ok;1900-01-01\n")
                          .encode()).rows())
    assert [(r.row, r.code) for r in rows] == [(2, "text_missing"), (3, "date_past")]
    assert rows[1].params["limit"] == "1990-01-01"


def test_rows_stream_and_resume_after_a_row():
    from social_crm.tools.sources.files import open_file

    content = (NORMALIZED + "".join(f"r{i};текст {i};2026-05-01\n" for i in range(1, 6))).encode()
    reader = open_file("m.csv", content)
    rows = reader.rows(start_after=4)
    assert next(rows).record["external_id"] == "r4"  # the 4th data row is line 5
    assert [r.record["external_id"] for r in rows] == ["r5"]
