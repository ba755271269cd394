"""The benchmark's code runs end to end on a tiny data set (the real measurements are `make bench`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_generates_liquidates_and_reports_on_a_tiny_data_set(tmp_path):
    database = f"mutuelle_bench_smoke_{os.environ.get('TEST_DB_SUFFIX') or 'default'}"
    out = tmp_path / "liquidation.json"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    try:
        subprocess.run([sys.executable, "-m", "bench", "--files", "200", "--members", "60", "--sample", "20",
                        "--chunk", "50", "--no-worker", "--db", database, "--json", str(out)],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    finally:
        connection = psycopg2.connect("postgres://postgres@127.0.0.1:5432/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.close()

    results = json.loads(out.read_text())
    files = results["data"]["files"]
    assert files == 200 + 20 * results["data"]["history_members"]
    assert results["bulk"]["files"] == files and results["floor"]["files"] == files
    # Lines counted are lines written (a forwarded file's lines are not priced here).
    assert 0 < results["bulk"]["lines_written"] == results["bulk"]["lines_in_db"] <= results["data"]["lines"]
    assert results["baseline"]["files"] == 20 and results["ratio_bulk_vs_baseline"] > 0
    assert results["bulk_vs_floor"] > 0
    assert sum(results["statuses"].values()) == files and "received" not in results["statuses"]
    assert results["plans"]["history"]["beneficiary_led"] and results["plans"]["pending"]["beneficiary_led"]
    for case in ("single", "history"):
        assert results["in_process"][case]["not_priced"] == 0
        assert results["in_process"][case]["statements_per_task_max"] > 0
    assert results["in_process"]["history"]["files"] == 3 * results["in_process"]["history"]["timed_tasks"]
    assert set(results["load_average"]) >= {"start", "bulk liquidation", "end"}
