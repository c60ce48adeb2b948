"""Import a generated 100,000-row CSV through the file import wizard, as a user would, and
print the time, the peak memory of the process and what was stored.

    odoo-bin shell -d DB --addons-path=... < bench/file_import.py   (ROWS=100000 by default)

The import runs in the background job (committed batches); the job is called here in a loop
instead of waiting for the cron worker, so the figures are the job's own.
"""
import base64
import os
import resource
import time

ROWS = int(os.environ.get("ROWS", "100000"))


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def csv_content(rows):
    lines = ["external_id;url;text;published_at;platform;author_name;likes"]
    for n in range(rows):
        lines.append(f"bench{n};https://vk.com/wall-1_{n};Сообщение {n}: карта не работает, "
                     f"помогите;2026-05-01T10:00:00Z;vk;Автор {n % 5000};{n % 50}")
    return ("\n".join(lines) + "\n").encode()


env = env  # noqa: F821 - provided by odoo-bin shell
source = env["social_crm.source"].create({"name": f"Bench file {time.time():.0f}",
                                          "source_type": "file"})
content = csv_content(ROWS)
env.cr.commit()
print(f"file: {ROWS} rows, {len(content) / 1e6:.1f} MB; process before: {rss_mb():.0f} MB")
Wizard = env["social_crm.import.wizard"]
started = time.monotonic()
cpu = time.process_time()
wizard = Wizard.create({"source_id": source.id, "file": base64.b64encode(content),
                        "filename": "bench.csv", "tz": "UTC"})
wizard.action_import()
env.cr.commit()
print(f"started in {time.monotonic() - started:.1f} s: state {wizard.state}, "
      f"{wizard.rows_total} rows to read")
calls = 0
while wizard.state == "running":
    t = time.monotonic()
    Wizard._cron_import_files()
    env.cr.commit()
    calls += 1
    print(f"  job call {calls}: {time.monotonic() - t:.1f} s, rows read {wizard.rows_done}, "
          f"{wizard.progress:.0f} %, peak {rss_mb():.0f} MB")
elapsed = time.monotonic() - started
stored = env["social_crm.mention"].search_count([("source_id", "=", source.id)])
print(f"done: {wizard.state}, created {wizard.created_count}, errors {wizard.error_count}, "
      f"stored {stored}, {elapsed:.1f} s ({ROWS / elapsed:.0f} rows/s; this process's CPU "
      f"{time.process_time() - cpu:.1f} s), peak process memory {rss_mb():.0f} MB")
again = Wizard.create({"source_id": source.id, "file": base64.b64encode(content),
                       "filename": "bench.csv", "tz": "UTC"})
t = time.monotonic()
again.action_import()
env.cr.commit()
while again.state == "running":
    Wizard._cron_import_files()
    env.cr.commit()
stored = env["social_crm.mention"].search_count([("source_id", "=", source.id)])
print(f"same file again: created {again.created_count}, updated {again.updated_count}, "
      f"stored {stored}, {time.monotonic() - t:.1f} s")
