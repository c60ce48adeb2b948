"""Ingest throughput and webhook latency, on a throwaway database.

    python bench/ingest.py [--records 10000] [--batch 500] [--port 8189] [--corrections 100]
                           [--keep]

1. creates a database with ``crm`` and ``social_crm`` installed (no demo data);
2. puts N mentions through ``source._ingest()`` — the full pipeline as it stands: validation,
   de-duplication, language, sentiment, brands, stage, authors, SLA — in batches, committing
   each batch as the scheduled import does;
3. in the same run, creates N ``crm.lead`` records from the same rows with the plain ORM
   (batched ``create``, default context) and COPYs the same rows into a plain PostgreSQL table;
4. re-ingests everything (a re-run of the import) and checks that nothing was doubled;
5. starts an Odoo server on the database and measures the webhook's p50/p95 latency for
   deliveries of 1 and of 100 records (new ones each time), and for replays;
6. has staff correct ``--corrections`` mentions, runs the background job that fits them and
   measures a delivery right after each further correction (the fit is never made on a
   delivery: it uses the last stored one) and right after the job stores a new fit;
7. prints the figures and drops the database.

Prints figures; it is not a pass/fail test. Targets: ingest ≥ 2× the crm.lead create rate;
webhook p95 < 200 ms for one record.
"""

import argparse
import io
import json
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

ROOT = pathlib.Path(__file__).resolve().parent.parent

TEMPLATES = [
    "Посоветуйте банк с нормальным кэшбэком, {brand} или {other}? #{n}",
    "{brand}, третий день не могу перевести деньги, поддержка молчит ({n})",
    "Перешёл из {other} в {brand}, пока всё нравится, заявка {n}",
    "Сколько стоит обслуживание карты {brand} Black? Вопрос {n}",
    "Вчера открыл вклад в {brand}, первая неделя — полёт нормальный, №{n}",
    "Как поменять тариф в приложении {brand}? Не нахожу кнопку, попытка {n}",
    "Ухожу из {brand}, как закрыть счёт без визита в отделение? {n}",
    "Правда ли, что у {brand} была утечка данных клиентов? {n}",
    "Ужасный сервис в отделении {brand} на Абая, очередь два часа, талон {n}",
    "Thanks {brand} for the quick refund, order {n} sorted in a day",
    "Is {brand} better than {other} for a mortgage? Asking for case {n}",
    "{brand} app keeps crashing after the update, ticket {n}",
    "{brand} қосымшасы жұмыс істемейді, көмектесіңізші {n}",
    "Дякую {brand} за швидку відповідь, звернення {n}",
    "Где выписка в {brand}? Нужна для визы срочно, {n}",
    "Оформил кредитку {brand} — лимит дали сразу, спасибо, {n}",
]
BRANDS = ["Bank", "Банк", "Jusan", "Kaspi", "Halyk"]
PLATFORMS = ["vk", "telegram", "youtube", "instagram", "forum", "news", "2gis", "otzovik"]


def make_records(count, offset=0, seed=7):
    rng = random.Random(seed + offset)
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    records = []
    for i in range(offset, offset + count):
        brand, other = rng.sample(BRANDS, 2)
        text = rng.choice(TEMPLATES).format(brand=brand, other=other, n=i)
        author = rng.randrange(2000)
        platform = rng.choice(PLATFORMS)
        records.append(
            {
                "external_id": f"bench-{i}",
                "url": f"https://example.{platform}/post/{i}",
                "text": text,
                # within 180 days of the start, whatever the offset: never in the future
                "published_at": (start + timedelta(seconds=37 * i % (180 * 86400))).isoformat(),
                "platform": platform,
                "likes": rng.randrange(50),
                "reposts": rng.randrange(5),
                "comments": rng.randrange(9),
                "author": {
                    "external_id": f"u{author}",
                    "name": f"User {author}",
                    "handle": f"user{author}",
                    "followers": rng.randrange(10000),
                },
                "raw": {"id": i},
            }
        )
    return records


# -- Odoo plumbing ----------------------------------------------------------------------------
def odoo_command():
    """How to run the Odoo 18 server: $ODOO_BIN, ``odoo``/``odoo-bin`` on PATH, or -m odoo."""
    if os.environ.get("ODOO_BIN"):
        return [sys.executable, os.environ["ODOO_BIN"]]
    for name in ("odoo", "odoo-bin"):
        found = shutil.which(name)
        if found:
            return [sys.executable, found]
    return [sys.executable, "-m", "odoo"]


def addons_path():
    import odoo

    core = pathlib.Path(odoo.__file__).resolve().parent
    paths = [core / "addons", core.parent / "addons", ROOT]
    return ",".join(str(p) for p in paths if p.is_dir())


def create_database(db, log, modules="crm,social_crm"):
    cmd = odoo_command() + [
        "-d",
        db,
        f"--addons-path={addons_path()}",
        "-i",
        modules,
        "--without-demo=all",
        "--stop-after-init",
        "--max-cron-threads=0",
        "--http-port=0",
        "--log-level=warn",
        f"--logfile={log}",
    ]
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - started


def drop_database(db):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid()",
            [db],
        )
        cr.execute(f'DROP DATABASE IF EXISTS "{db}"')
    conn.close()


def open_env(db):
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={addons_path()}", "-d", db, "--log-level=warn"])
    registry = Registry(db)
    cr = registry.cursor()
    return registry, cr, api.Environment(cr, odoo.SUPERUSER_ID, {})


# -- measurements -----------------------------------------------------------------------------
def bench_ingest(env, source, records, batch):
    created = updated = errors = 0
    started = time.perf_counter()
    for i in range(0, len(records), batch):
        report = source._ingest(records[i : i + batch])
        env.cr.commit()
        created += report["created"]
        updated += report["updated"]
        errors += len(report["errors"])
    return time.perf_counter() - started, created, updated, errors


def lead_values(rec):
    return {
        "name": rec["text"][:80],
        "description": rec["text"],
        "type": "lead",
        "contact_name": rec["author"]["name"],
        "website": rec["url"],
        "referred": rec["platform"],
    }


def bench_leads(env, records, batch):
    Lead = env["crm.lead"]
    started = time.perf_counter()
    for i in range(0, len(records), batch):
        Lead.create([lead_values(r) for r in records[i : i + batch]])
        env.cr.commit()
    return time.perf_counter() - started


def bench_copy(env, records):
    cr = env.cr
    cr.execute("""CREATE TABLE bench_copy (external_id varchar, url varchar, text text,
                  published_at timestamp, platform varchar, author_external_id varchar,
                  author_name varchar, likes int, reposts int, comments int, raw jsonb)""")
    cr.commit()
    started = time.perf_counter()
    buffer = io.StringIO()
    for r in records:
        row = [
            r["external_id"],
            r["url"],
            r["text"],
            r["published_at"][:19],
            r["platform"],
            r["author"]["external_id"],
            r["author"]["name"],
            str(r["likes"]),
            str(r["reposts"]),
            str(r["comments"]),
            json.dumps(r["raw"]),
        ]
        buffer.write(
            "\t".join(v.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") for v in row)
            + "\n"
        )
    buffer.seek(0)
    cr.copy_expert("COPY bench_copy FROM STDIN", buffer)
    cr.commit()
    return time.perf_counter() - started


def start_server(db, port, log):
    cmd = odoo_command() + [
        "-d",
        db,
        f"--addons-path={addons_path()}",
        f"--http-port={port}",
        f"--db-filter=^{db}$",
        "--max-cron-threads=0",
        "--log-level=warn",
        f"--logfile={log}",
    ]
    return wait_until_up(subprocess.Popen(cmd), port, log, timeout=60)


def wait_until_up(proc, port, log, timeout):
    """``proc`` once the Odoo server it runs answers /web/health on ``port``; stopped and
    RuntimeError when it exits or does not answer within ``timeout`` seconds."""
    import requests

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=1).ok:
                return proc
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"the Odoo server exited (see {log})")
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"the Odoo server did not answer on port {port} (see {log})")


def percentiles(samples):
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return ordered[len(ordered) // 2] * 1000, cut[94] * 1000


def bench_webhook(port, source_id, token, rounds_one, rounds_hundred, offset):
    import requests

    session = requests.Session()
    url = f"http://127.0.0.1:{port}/social_crm/webhook/{source_id}"
    headers = {"X-Social-CRM-Token": token, "Content-Type": "application/json"}

    def post(records):
        body = json.dumps(records)
        started = time.perf_counter()
        resp = session.post(url, data=body, headers=headers, timeout=30)
        elapsed = time.perf_counter() - started
        if resp.status_code != 200:
            raise RuntimeError(f"webhook answered {resp.status_code}: {resp.text[:200]}")
        return elapsed, resp.json()

    for i in range(10):  # warm-up: routing map, caches, first analysis
        post(make_records(1, offset + i))
    offset += 10
    one, hundred, replay = [], [], []
    for i in range(rounds_one):
        elapsed, answer = post(make_records(1, offset + i))
        assert answer["created"] == 1, answer
        one.append(elapsed)
    replay_body = make_records(1, offset)
    for _i in range(rounds_one // 2):
        elapsed, answer = post(replay_body)
        assert answer["created"] == 0 and answer["updated"] == 0, answer
        replay.append(elapsed)
    offset += rounds_one
    for i in range(rounds_hundred):
        elapsed, answer = post(make_records(100, offset + i * 100))
        assert answer["created"] == 100, answer
        hundred.append(elapsed)
    return one, hundred, replay


def bench_corrections(registry, port, source_id, hook_id, token, count, rounds, offset):
    """Staff correct ``count`` mentions and the background job fits them; then, ``rounds``
    times, one more correction is committed and one record delivered by webhook right after.
    Returns (seconds of the job's fit, [delivery seconds right after a correction],
    [delivery seconds right after the job stored a new fit])."""
    import requests

    from odoo import SUPERUSER_ID, api

    session = requests.Session()
    url = f"http://127.0.0.1:{port}/social_crm/webhook/{hook_id}"
    headers = {"X-Social-CRM-Token": token, "Content-Type": "application/json"}

    def deliver(n):
        started = time.perf_counter()
        resp = session.post(url, data=json.dumps(make_records(1, n)), headers=headers, timeout=120)
        elapsed = time.perf_counter() - started
        if resp.status_code != 200 or resp.json().get("created") != 1:
            raise RuntimeError(f"webhook answered {resp.status_code}: {resp.text[:200]}")
        return elapsed

    def correct(env, mention, k):
        # staff re-file some mentions (support, or a flipped tone) and confirm the others
        stage = "support" if k % 3 == 0 else mention.stage_id.code or "general"
        tone = {"positive": "negative", "negative": "neutral"}.get(mention.sentiment, "positive")
        mention.write(
            {
                "stage_id": env.ref(f"social_crm.stage_{stage}").id,
                "sentiment": tone if k % 4 == 0 else mention.sentiment or "neutral",
            }
        )

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        mentions = env["social_crm.mention"].search(
            [("source_id", "=", source_id)], order="id", limit=count + rounds
        )
        for k, mention in enumerate(mentions[:count]):
            correct(env, mention, k)
        cr.commit()
        started = time.perf_counter()
        env["social_crm.classifier"]._cron_fit_models()
        cr.commit()
        fit_seconds = time.perf_counter() - started
        after_fit = [deliver(offset)]
        after_correction = []
        for k, mention in enumerate(mentions[count:], start=count):
            correct(env, mention, k)
            cr.commit()
            after_correction.append(deliver(offset + 1 + k))
        env["social_crm.classifier"]._cron_fit_models()
        cr.commit()
        after_fit.append(deliver(offset + 2 + count + rounds))
    return fit_seconds, after_correction, after_fit


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--port", type=int, default=8189)
    parser.add_argument("--webhook-rounds", type=int, default=200)
    parser.add_argument(
        "--corrections",
        type=int,
        default=100,
        help="mentions staff correct before the webhook is measured again (0: skip)",
    )
    parser.add_argument("--keep", action="store_true", help="don't drop the database")
    args = parser.parse_args()

    db = f"social_crm_bench_{os.getpid()}"
    logdir = ROOT / "var"
    logdir.mkdir(exist_ok=True)
    log = logdir / "bench-ingest.log"
    print(f"database {db} (log {log})")
    server = None
    try:
        seconds = create_database(db, log)
        print(f"install crm + social_crm: {seconds:.0f} s")
        registry, cr, env = open_env(db)
        records = make_records(args.records)
        source = env["social_crm.source"].create({"name": "Bench", "source_type": "webhook"})
        hook = env["social_crm.source"].create({"name": "Bench webhook", "source_type": "webhook"})
        cr.commit()

        t_ingest, created, updated, errors = bench_ingest(env, source, records, args.batch)
        t_leads = bench_leads(env, records, args.batch)
        t_copy = bench_copy(env, records)
        t_again, created_again, updated_again, _ = bench_ingest(env, source, records, args.batch)
        total = env["social_crm.mention"].search_count([("source_id", "=", source.id)])
        n = len(records)
        rate_ingest, rate_leads, rate_copy = n / t_ingest, n / t_leads, n / t_copy
        print(f"\n{n} records in batches of {args.batch}:")
        print(
            f"  ingest (full pipeline) {t_ingest:7.2f} s  {rate_ingest:8.0f} mentions/s  "
            f"(created {created}, updated {updated}, errors {errors})"
        )
        print(f"  crm.lead ORM create    {t_leads:7.2f} s  {rate_leads:8.0f} records/s")
        print(f"  PostgreSQL COPY        {t_copy:7.2f} s  {rate_copy:8.0f} rows/s")
        print(f"  ingest / crm.lead      {rate_ingest / rate_leads:7.2f}×   (target ≥ 2×)")
        print(
            f"  re-ingest of the same  {t_again:7.2f} s  {n / t_again:8.0f} mentions/s  "
            f"(created {created_again}, updated {updated_again}; "
            f"{total} mentions in the source)"
        )
        token = hook.sudo().webhook_token
        hook_id, source_id = hook.id, source.id
        cr.close()

        server = start_server(db, args.port, log)
        one, hundred, replay = bench_webhook(
            args.port, hook_id, token, args.webhook_rounds, max(20, args.webhook_rounds // 5), 10**6
        )
        print(
            "\nwebhook POST /social_crm/webhook/<id> on a running server (sequential, keep-alive):"
        )
        for label, samples in (
            ("1 record", one),
            ("1 record, replayed", replay),
            ("100 records", hundred),
        ):
            p50, p95 = percentiles(samples)
            print(f"  {label:20s} n={len(samples):4d}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
        p95_one = percentiles(one)[1]
        print(f"  p95 for 1 record {p95_one:.1f} ms (target < 200 ms)")
        if args.corrections:
            fit, after_correction, after_fit = bench_corrections(
                registry, args.port, source_id, hook_id, token, args.corrections, 20, 2 * 10**6
            )
            p50, p95 = percentiles(after_correction)
            print(
                f"\nafter staff corrected {args.corrections} mentions (stage and sentiment):\n"
                f"  the background job's fit of them        {fit:7.2f} s "
                "(paid by the first delivery in each process before the job existed)\n"
                f"  1 record right after one more correction n={len(after_correction):4d}  "
                f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                f"({p50 / percentiles(one)[0]:.2f}× the p50 without corrections)\n"
                "  1 record right after the job stored a fit "
                + "  ".join(f"{s * 1000:7.1f} ms" for s in after_fit)
                + " (each process loads the stored fit once)"
            )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            drop_database(db)
            print(f"database {db} dropped")


if __name__ == "__main__":
    main()
