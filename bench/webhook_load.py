"""Webhook under load: concurrent deliveries to one source, on a throwaway database.

    python3 bench/webhook_load.py [--records 20000] [--batch 100] [--clients 8]
                                  [--repeats 0.25] [--workers 2,1] [--port 8290] [--db NAME]
                                  [--keep]

1. finds Odoo 18 the way ``scripts/find-odoo`` does (it runs that script) and installs
   ``social_crm`` (no demo data) in a throwaway database, kept as a template;
2. for each ``--workers`` value (``0`` is the threaded server, ``N`` the prefork server with N
   HTTP workers), copies the template, starts Odoo on it (loopback only), creates a webhook
   source over JSON-RPC and drives it from ``--clients`` concurrent clients delivering
   ``--records`` records in batches of ``--batch``, a share ``--repeats`` of them records
   already delivered (redeliveries), authors drawn from a shared pool so concurrent batches
   meet the same authors. A client retries a delivery answered 409 / 5xx, as senders do;
3. prints records/s (delivered and distinct), p50 / p95 latency per post, the retries, the
   ERROR lines of the server's log (and serialization failures at any level), and checks the
   database: exactly the distinct records, no duplicate mention or author, no lost record;
4. prints the ratio of distinct records/s between the first and the last run (by default
   2 workers / 1 worker) and drops the databases.

Prints figures; it is not a pass/fail test (the exit status is 1 when a check fails). Traffic
is loopback only, bounded by ``--records`` and ``--run-timeout``.
"""

import argparse
import collections
import json
import os
import pathlib
import queue
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from ingest import wait_until_up  # noqa: E402  (the same wait as the ingest benchmark's)


def ensure_python():
    """Run under Odoo's Python when this one lacks requests or psycopg2 (Odoo's has both)."""
    try:
        import psycopg2  # noqa: F401
        import requests  # noqa: F401
    except ImportError:
        odoo = find_odoo()
        if os.path.realpath(odoo["python"]) == os.path.realpath(sys.executable) or os.environ.get(
            "SOCIAL_CRM_BENCH_REEXEC"
        ):
            raise
        os.environ["SOCIAL_CRM_BENCH_REEXEC"] = "1"
        os.execvp(odoo["python"], [odoo["python"], __file__] + sys.argv[1:])


def find_odoo():
    """ODOO_CMD, ODOO_PYTHON and ODOO_ADDONS as ``scripts/find-odoo`` prints them."""
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "find-odoo")], check=True, capture_output=True, text=True
    ).stdout
    values = dict(re.findall(r"^(ODOO_\w+)='(.*)'$", out, flags=re.MULTILINE))
    return {
        "cmd": values["ODOO_CMD"].split(),
        "python": values["ODOO_PYTHON"],
        "addons": values["ODOO_ADDONS"],
    }


# -- the deliveries --------------------------------------------------------------------------
TEXTS = [
    "Третий день не могу перевести деньги в {brand}, поддержка молчит, заявка {n}",
    "Посоветуйте банк с кэшбэком: {brand} или другой? Вопрос {n}",
    "Как поменять тариф в приложении {brand}? Не нахожу кнопку ({n})",
    "Thanks {brand} for the quick refund, order {n} sorted in a day",
    "{brand} app keeps crashing after the update, ticket {n}",
    "Вчера открыл вклад в {brand}, первая неделя — всё нравится, №{n}",
    "Ухожу из {brand}, как закрыть счёт без визита в отделение? {n}",
    "Дякую {brand} за швидку відповідь, звернення {n}",
]
PLATFORMS = ["vk", "telegram", "youtube", "forum", "news"]


def make_record(i, rng, authors):
    platform = PLATFORMS[i % len(PLATFORMS)]
    author = rng.randrange(authors)
    return {
        "external_id": f"load-{i}",
        "url": f"https://example.org/{platform}/post/{i}",
        "text": rng.choice(TEXTS).format(brand=rng.choice(["Банк", "Bank", "Jusan"]), n=i),
        "published_at": (
            datetime(2026, 5, 1, tzinfo=timezone.utc) + timedelta(seconds=31 * i)
        ).isoformat(),
        "platform": platform,
        "likes": rng.randrange(40),
        "reposts": rng.randrange(4),
        "comments": rng.randrange(9),
        "author": {
            "external_id": f"u{author}",
            "name": f"User {author}",
            "handle": f"user{author}",
            "followers": author * 7,
        },
    }


def make_batches(total, batch, repeats, authors, seed=11):
    """Batches of ``batch`` records, ``repeats`` of each (after the first) copies of records
    of earlier batches. Returns (batches, the distinct records by external id)."""
    rng = random.Random(seed)
    distinct, batches, next_id = {}, [], 0
    per_batch_repeats = round(batch * repeats)
    while sum(len(b) for b in batches) < total:
        size = min(batch, total - sum(len(b) for b in batches))
        earlier = list(distinct)
        count = min(per_batch_repeats, len(earlier), size) if batches else 0
        chosen = [distinct[ext] for ext in rng.sample(earlier, count)]
        for _ in range(size - count):
            record = make_record(next_id, rng, authors)
            distinct[record["external_id"]] = record
            chosen.append(record)
            next_id += 1
        rng.shuffle(chosen)
        batches.append(chosen)
    return batches, distinct


# -- databases and servers -------------------------------------------------------------------
def pg():
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    return conn


def drop_database(db):
    conn = pg()
    with conn.cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [db],
        )
        cr.execute(f'DROP DATABASE IF EXISTS "{db}"')
    conn.close()


def copy_database(template, db):
    conn = pg()
    with conn.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
    conn.close()


def data_dir():
    return pathlib.Path(
        os.environ.get("ODOO_DATA_DIR") or pathlib.Path.home() / ".local" / "share" / "Odoo"
    )


def copy_filestore(template, db):
    source = data_dir() / "filestore" / template
    if source.is_dir():
        shutil.copytree(source, data_dir() / "filestore" / db, dirs_exist_ok=True)


def drop_filestore(db):
    shutil.rmtree(data_dir() / "filestore" / db, ignore_errors=True)


def addons_path(odoo):
    return f"{odoo['addons']},{ROOT}"


def install(odoo, db, log):
    cmd = odoo["cmd"] + [
        "-d",
        db,
        f"--addons-path={addons_path(odoo)}",
        "-i",
        "social_crm",
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


def start_server(odoo, db, port, workers, log):
    # The prefork server also listens for websockets: on a port far from the HTTP one.
    cmd = odoo["cmd"] + [
        "-d",
        db,
        f"--addons-path={addons_path(odoo)}",
        f"--http-port={port}",
        f"--gevent-port={port + 20000}",
        "--http-interface=127.0.0.1",
        f"--db-filter=^{db}$",
        f"--workers={workers}",
        "--max-cron-threads=0",
        "--log-level=info",
        f"--logfile={log}",
    ]
    return wait_until_up(subprocess.Popen(cmd), port, log, timeout=90)


def stop_server(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def create_source(port, db):
    """A webhook source, created over JSON-RPC as the administrator: its id and token."""
    import requests

    session = requests.Session()
    base = f"http://127.0.0.1:{port}"

    def call(path, params):
        resp = session.post(
            base + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            timeout=60,
        )
        resp.raise_for_status()
        data = resp.json()
        if "error" in data:
            raise RuntimeError(f"{path}: {data['error'].get('data', {}).get('message')}")
        return data["result"]

    call("/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})

    def kw(model, method, args):
        return call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": {}},
        )

    source_id = kw(
        "social_crm.source", "create", [{"name": "Load test webhook", "source_type": "webhook"}]
    )
    if isinstance(source_id, list):
        source_id = source_id[0]
    token = kw("social_crm.source", "read", [[source_id], ["webhook_token"]])[0]["webhook_token"]
    return source_id, token


# -- one run -----------------------------------------------------------------------------------
def deliver(port, source_id, token, batches, clients, post_timeout, run_timeout):
    """Post every batch from ``clients`` threads; returns the per-post results."""
    import requests

    url = f"http://127.0.0.1:{port}/social_crm/webhook/{source_id}"
    headers = {"X-Social-CRM-Token": token, "Content-Type": "application/json"}
    work = queue.Queue()
    for index, batch in enumerate(batches):
        work.put((index, json.dumps(batch)))
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + run_timeout

    def client():
        session = requests.Session()
        while time.monotonic() < deadline:
            try:
                index, body = work.get_nowait()
            except queue.Empty:
                return
            attempts = []
            for _attempt in range(6):
                started = time.perf_counter()
                try:
                    resp = session.post(url, data=body, headers=headers, timeout=post_timeout)
                    status = resp.status_code
                    answer = resp.json() if status in (200, 400) else {}
                except (requests.RequestException, ValueError) as exc:
                    status, answer = type(exc).__name__, {}
                attempts.append((status, time.perf_counter() - started))
                if status == 200 or (status == 400 and answer.get("errors")):
                    break
                time.sleep(0.2 * len(attempts))
            with lock:
                results.append({"batch": index, "attempts": attempts, "answer": answer})

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, deadline - time.monotonic() + post_timeout))
    return results, time.perf_counter() - started


def check_database(db, source_id, distinct):
    """What the database holds for the source against what was delivered."""
    import psycopg2

    conn = psycopg2.connect(dbname=db)
    with conn.cursor() as cr:
        cr.execute("SELECT external_id FROM social_crm_mention WHERE source_id = %s", [source_id])
        stored = [row[0] for row in cr.fetchall()]
        cr.execute("""SELECT count(*) FROM (SELECT a.platform_id, a.external_id
                        FROM social_crm_author a GROUP BY a.platform_id, a.external_id,
                             a.company_id HAVING count(*) > 1) d""")
        duplicate_authors = cr.fetchone()[0]
        cr.execute(
            """SELECT count(DISTINCT m.author_id), count(*) FILTER (WHERE m.author_id
                      IS NULL) FROM social_crm_mention m WHERE m.source_id = %s""",
            [source_id],
        )
        authors, without_author = cr.fetchone()
    conn.close()
    expected_authors = len({(r["platform"], r["author"]["external_id"]) for r in distinct.values()})
    counts = collections.Counter(stored)
    return {
        "stored": len(stored),
        "duplicates": sum(c - 1 for c in counts.values() if c > 1),
        "missing": len(set(distinct) - set(counts)),
        "unexpected": len(set(counts) - set(distinct)),
        "duplicate_authors": duplicate_authors,
        "authors": authors,
        "expected_authors": expected_authors,
        "without_author": without_author,
    }


def server_errors(log, offset):
    """ERROR lines written to ``log`` after ``offset``, grouped by what failed (a failed
    query: its statement, table and PostgreSQL's reason), and the serialization failures
    (concurrent updates of one row) among them."""
    with open(log, encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        lines = handle.read().splitlines()
    errors, kinds = [], collections.Counter()
    for index, line in enumerate(lines):
        if not re.search(r"\d+ ERROR ", line):
            continue
        errors.append(line)
        query = re.search(
            r"bad query: b'\s*(INSERT INTO|UPDATE|DELETE FROM|SELECT) "
            r"\W*(\w+)",
            line,
        )
        if query:
            reason = next(
                (
                    lines[j]
                    for j in range(index + 1, min(index + 4, len(lines)))
                    if lines[j].startswith("ERROR:")
                ),
                "",
            )
            reason = reason.partition(":")[2].strip()[:90]
            kinds[f"{query.group(1)} {query.group(2)}: {reason}"] += 1
        else:
            kinds[re.sub(r"^\S+ \S+ \d+ ERROR \S+ ", "", line)[:110]] += 1
    serialization = sum(count for kind, count in kinds.items() if "could not serialize" in kind)
    return errors, kinds, serialization


def percentile(samples, share):
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


def run(odoo, template, workers, args, batches, distinct, logdir):
    db = f"{template}_w{workers}"
    log = logdir / f"webhook-load-w{workers}.log"
    log.write_text("")
    copy_database(template, db)
    copy_filestore(template, db)
    proc = None
    try:
        proc = start_server(odoo, db, args.port, workers, log)
        source_id, token = create_source(args.port, db)
        # Warm every worker up (routing map, registry, first analysis) outside the figures.
        import requests

        for _warm_up in range(max(2, workers) * 2):
            requests.post(
                f"http://127.0.0.1:{args.port}/social_crm/webhook/{source_id}",
                data=json.dumps([]),
                headers={"X-Social-CRM-Token": token, "Content-Type": "application/json"},
                timeout=60,
            )
        offset = log.stat().st_size
        results, seconds = deliver(
            args.port, source_id, token, batches, args.clients, args.post_timeout, args.run_timeout
        )
        errors, kinds, serialization = server_errors(log, offset)
        check = check_database(db, source_id, distinct)
    finally:
        if proc is not None:
            stop_server(proc)
        if not args.keep:
            drop_database(db)
            drop_filestore(db)
    latencies = [t for r in results for _s, t in r["attempts"]]
    delivered = sum(
        len(batches[r["batch"]]) for r in results if r["attempts"] and r["attempts"][-1][0] == 200
    )
    failed = [r for r in results if not r["attempts"] or r["attempts"][-1][0] != 200]
    created = sum(r["answer"].get("created", 0) for r in results)
    retries = sum(len(r["attempts"]) - 1 for r in results)
    statuses = collections.Counter(str(s) for r in results for s, _t in r["attempts"])
    return {
        "workers": workers,
        "db": db,
        "log": log,
        "seconds": seconds,
        "posts": len(results),
        "unsent": len(batches) - len(results),
        "failed": len(failed),
        "delivered": delivered,
        "created": created,
        "retries": retries,
        "statuses": dict(statuses),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "rate": delivered / seconds if seconds else 0.0,
        "distinct_rate": check["stored"] / seconds if seconds else 0.0,
        "errors": errors,
        "kinds": kinds,
        "serialization": serialization,
        "check": check,
    }


def report(result, distinct):
    check = result["check"]
    label = "threaded server" if result["workers"] == 0 else f"--workers={result['workers']}"
    print(
        f"\n{label}: {result['posts']} posts in {result['seconds']:.1f} s "
        f"(HTTP answers {result['statuses']}, {result['retries']} retried)"
    )
    print(
        f"  {result['rate']:8.0f} records/s delivered, {result['distinct_rate']:6.0f} "
        f"distinct records/s"
    )
    print(
        f"  latency per post: p50 {result['p50'] * 1000:7.0f} ms   "
        f"p95 {result['p95'] * 1000:7.0f} ms"
    )
    print(
        f"  server log: {len(result['errors'])} ERROR line(s), of which "
        f"{result['serialization']} serialization failure(s)  ({result['log']})"
    )
    for kind, count in result["kinds"].most_common(8):
        print(f"    {count:5d} × {kind}")
    ok = (
        check["stored"] == len(distinct)
        and not check["duplicates"]
        and not check["missing"]
        and not check["unexpected"]
        and not check["duplicate_authors"]
        and check["authors"] == check["expected_authors"]
        and not result["failed"]
        and not result["unsent"]
        and result["created"] == len(distinct)
    )
    print(
        f"  database: {check['stored']} mentions for {len(distinct)} distinct records "
        f"(created answers {result['created']}), {check['duplicates']} duplicate(s), "
        f"{check['missing']} lost, {check['unexpected']} unexpected; "
        f"{check['authors']} authors for {check['expected_authors']} distinct, "
        f"{check['duplicate_authors']} duplicate author(s)"
    )
    if result["failed"] or result["unsent"]:
        print(
            f"  {result['failed']} post(s) failed after retries, {result['unsent']} not "
            "sent before the run's time limit"
        )
    print(f"  check: {'OK' if ok else 'FAILED'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--records", type=int, default=20000, help="records delivered in all (repeats included)"
    )
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--repeats",
        type=float,
        default=0.25,
        help="share of each batch that redelivers earlier records",
    )
    parser.add_argument("--authors", type=int, default=3000, help="size of the author pool")
    parser.add_argument(
        "--workers",
        default="2,1",
        help="comma-separated runs: N HTTP workers, 0 for the threaded server",
    )
    parser.add_argument("--port", type=int, default=8290)
    parser.add_argument("--post-timeout", type=float, default=120.0)
    parser.add_argument(
        "--run-timeout", type=float, default=900.0, help="seconds after which a run stops sending"
    )
    parser.add_argument(
        "--db",
        default=f"social_crm_load_{os.getpid()}",
        help="name of the throwaway database (runs add _w<workers>)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()
    runs = [int(w) for w in args.workers.split(",") if w.strip()]

    odoo = find_odoo()
    batches, distinct = make_batches(args.records, args.batch, args.repeats, args.authors)
    print(
        f"{args.records} records in {len(batches)} batches of {args.batch} "
        f"({args.records - len(distinct)} repeats, {len(distinct)} distinct), "
        f"{args.clients} concurrent clients; Odoo: {' '.join(odoo['cmd'])}"
    )
    template = args.db
    logdir = ROOT / "var"
    logdir.mkdir(exist_ok=True)
    results, ok = [], True
    try:
        seconds = install(odoo, template, logdir / "webhook-load-install.log")
        print(f"install social_crm: {seconds:.0f} s (database {template})")
        for workers in runs:
            result = run(odoo, template, workers, args, batches, distinct, logdir)
            ok = report(result, distinct) and ok
            results.append(result)
    finally:
        if not args.keep:
            drop_database(template)
            drop_filestore(template)
    if len(results) >= 2 and results[-1]["distinct_rate"]:
        first, last = results[0], results[-1]
        print(
            f"\ndistinct records/s, workers={first['workers']} / workers={last['workers']}: "
            f"{first['distinct_rate']:.0f} / {last['distinct_rate']:.0f} = "
            f"{first['distinct_rate'] / last['distinct_rate']:.2f}×"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    ensure_python()
    main()
