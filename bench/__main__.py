"""python -m bench [--files 100000] [--members 20000] [--sample 500] [--latency 200] [--per-file 1000]
                 [--history-members 300] [--no-worker]

Builds a fresh PostgreSQL database (default mutuelle_bench), generates the data set, then measures in one run,
with fresh statistics (ANALYZE) before every phase and the load average noted at each: the SQL-only floor
(the same rows written by plain set-based SQL), bulk liquidation and its ratio to the floor (lines counted are
lines written), the plans of the hot reads (EXPLAIN ANALYZE), a naive per-file ORM baseline on a sample,
statements and time per task of the per-file path in this process (a file with no history; a beneficiary with
20 files of history and 3 pending), submission -> liquidated latency through Redis and a real worker, and
per-file throughput through 1 and 2 worker processes for both cases. Prints a table and writes JSON (default
bench-results/liquidation.json)."""

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2, help="processes for bulk liquidation (one per core)")
    parser.add_argument("--sample", type=int, default=500, help="files for the naive baseline")
    parser.add_argument("--latency", type=int, default=200, help="files submitted one by one through the broker")
    parser.add_argument("--latency-interval", type=float, default=0.25,
                        help="seconds between two submissions (members file one by one, not in a burst)")
    parser.add_argument("--per-file", type=int, default=1000, help="files queued for per-file throughput")
    parser.add_argument("--history-members", type=int, default=300,
                        help="beneficiaries with 20 files of history and 3 pending, for the per-file measure")
    parser.add_argument("--no-worker", action="store_true", help="skip the measurements through Celery workers")
    parser.add_argument("--db", default="mutuelle_bench")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--json", default="bench-results/liquidation.json")
    return parser.parse_args(argv)


def _fresh_database(pg: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{pg}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main(argv: list[str] | None = None) -> dict:
    args = _args(argv)
    os.environ["DATABASE_URL"] = f"{args.pg}/{args.db}"
    os.environ["CELERY_BROKER_URL"] = args.redis
    os.environ["DJANGO_SETTINGS_MODULE"] = "mutuelle.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(24).hex())  # DEBUG=false requires one
    os.environ.setdefault("MUTUELLE_VAR_DIR", "/tmp/mutuelle-bench-var")
    _fresh_database(args.pg, args.db)

    import django

    django.setup()
    from django.core.management import call_command

    from . import measure

    started = time.perf_counter()
    print(f"database {args.db}: migrating…", file=sys.stderr)
    call_command("migrate", verbosity=0)
    results = measure.run(args)
    results["wall_seconds"] = round(time.perf_counter() - started, 1)
    measure.print_table(results)
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {path}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
