"""python -m bench.load [--users 50] [--ramp 10] [--seconds 60] [--agents 0] [--workers 2] [--threads 4]

The member pages under load, on loopback: builds a PostgreSQL database (seed_demo + members with accounts and
claim files), serves it with gunicorn under the production settings (DEBUG=false; SECURE=false only because it
is plain http on 127.0.0.1), and drives it with Locust, headless: `--users` members arriving over `--ramp`
seconds, each reading 1-3 s between pages (bench/locustfile.py). Gunicorn is pinned to `--server-cpus` and
Locust to `--client-cpus` (taskset), so the client's CPU is not the server's; PostgreSQL is shared and not
pinned. Prints per page p50/p95/p99 and errors, CPU per request of the server, of PostgreSQL and of the client,
and the in-process cost of /me/ and /me/claims/ (CPU ms and queries per request); writes bench-results/load.json."""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from .cpu import cpu_seconds, process_tree

HOST = "127.0.0.1"  # loopback only, by construction
ROOT = Path(__file__).resolve().parent.parent


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[1])
    parser.add_argument("--users", type=int, default=50, help="members browsing at once")
    parser.add_argument("--agents", type=int, default=0, help="front-desk agents among the users")
    parser.add_argument("--ramp", type=float, default=10, help="seconds to bring every user in")
    parser.add_argument("--seconds", type=float, default=60, help="length of the run, ramp-up included")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--files-per-member", type=int, default=30)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)),
                        help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", 4)),
                        help="threads per gunicorn worker (gthread)")
    parser.add_argument("--server-cpus", default="0", help="taskset CPU list for gunicorn")
    parser.add_argument("--client-cpus", default="1", help="taskset CPU list for Locust")
    parser.add_argument("--in-process", type=int, default=50, help="requests per page for the in-process cost")
    parser.add_argument("--db", default="mutuelle_load")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_LOAD_REDIS", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--json", default="bench-results/load.json")
    return parser.parse_args(argv)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _pinned(cpus: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpus, *command] if cpus and shutil.which("taskset") else command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _postgres_backends(db: str) -> list[psutil.Process]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db])
        pids = [row[0] for row in cursor.fetchall()]
    return [psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)]


def start_server(args, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = _pinned(args.server_cpus, [
        str(gunicorn), "mutuelle.wsgi:application", "-c", str(ROOT / "mutuelle" / "gunicorn_conf.py"),
        "--bind", f"{HOST}:{port}", "--workers", str(args.workers), "--threads", str(args.threads)])
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"load: gunicorn exited at start (see {log})")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return process, port
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"load: gunicorn did not answer /healthz within 60 s (see {log})")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _warm(port: int, sessions: dict) -> None:
    """One request per page and member first: every gunicorn worker imports, connects and compiles templates
    before the clock runs (a deployment's first minute is not what the targets are about)."""
    for member in sessions["member"][:10]:
        for path in ("/me/", "/me/claims/", f"/me/claims/{member['claim_ids'][0]}/"):
            request = urllib.request.Request(f"http://{HOST}:{port}{path}",
                                             headers={"Cookie": f"sessionid={member['session']}"})
            with urllib.request.urlopen(request, timeout=30):
                pass


def run_locust(args, port: int, env: dict[str, str], sessions_file: Path, out: Path) -> tuple[list[dict], float]:
    """Runs Locust headless; returns its per-page rows and the client's CPU seconds."""
    prefix = out / "locust"
    classes = ["Member", "Agent"] if args.agents else ["Member"]
    command = _pinned(args.client_cpus, [
        str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--users", str(args.users), "--spawn-rate", f"{args.users / max(args.ramp, 0.1):g}",
        "--run-time", f"{int(args.seconds)}s", "--host", f"http://{HOST}:{port}", "--csv", str(prefix),
        "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10", *classes])
    client_env = {**env, "BENCH_SESSIONS": str(sessions_file), "BENCH_AGENTS": str(args.agents),
                  "BENCH_REQUEST_LOG": str(out / "requests.csv"),
                  "BENCH_THINK_MIN": str(args.think_min), "BENCH_THINK_MAX": str(args.think_max)}
    process = subprocess.Popen(command, cwd=ROOT, env=client_env, stdout=(out / "locust.log").open("w"),
                               stderr=subprocess.STDOUT)
    ps = psutil.Process(process.pid)
    client_cpu = 0.0
    while process.poll() is None:
        try:
            times = ps.cpu_times()
            client_cpu = times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
        time.sleep(0.5)
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    return rows, client_cpu


def slowest(requests_csv: Path, count: int = 8) -> list[dict]:
    """The run's slowest requests, each placed in time (seconds after the first request started)."""
    if not requests_csv.exists():
        return []
    rows = [line.split(",") for line in requests_csv.read_text().splitlines() if line.count(",") == 3]
    if not rows:
        return []
    first = min(float(row[0]) for row in rows)
    rows.sort(key=lambda row: -float(row[2]))
    return [{"at_s": round(float(at) - first, 1), "page": page, "ms": float(ms), "status": status}
            for at, page, ms, status in rows[:count]]


def in_process_cost(sessions: dict, requests: int) -> dict:
    """CPU and queries per request of the member pages inside this process (Django's test client, production
    settings): the server's own cost, without HTTP, gunicorn or any other load's queueing."""
    from django.db import connection
    from django.test import Client

    member = sessions["member"][0]
    client = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST=HOST)
    client.cookies["sessionid"] = member["session"]
    out = {}
    for name, path in (("/me/", "/me/"), ("/me/claims/", "/me/claims/"),
                       ("/me/claims/<id>/", f"/me/claims/{member['claim_ids'][0]}/")):
        assert client.get(path).status_code == 200, path
        timings: list[float] = []

        def timed(execute, sql, params, many, context, timings=timings):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            client.get(path)
        started = time.process_time()
        for _ in range(requests):
            client.get(path)
        cpu = (time.process_time() - started) / requests
        out[name] = {"cpu_ms": round(cpu * 1000, 2), "queries": len(timings), "sql_ms": round(sum(timings) * 1000, 2)}
    return out


def main(argv: list[str] | None = None) -> dict:
    from . import load_data

    args = _args(argv)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutuelle.settings", "DATABASE_URL": f"{args.pg}/{args.db}",
           "CELERY_BROKER_URL": args.redis, "REDIS_URL": args.redis, "DEBUG": "false", "SECURE": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST, "STAFF_OTP_REQUIRED": "true",
           "MUTUELLE_VAR_DIR": "/tmp/mutuelle-load-var", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "60"}
    out = ROOT / args.json
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    os.environ.update(env)
    load_data.database_fresh(args.pg, args.db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    print(f"load: building database {args.db} (migrate, seed_demo, generated data)...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    load_data.generate(members=max(args.users, 1), agents=args.agents, files_per_member=args.files_per_member)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sessions = load_data.sessions()
    sessions_file = work / "sessions.json"
    sessions_file.write_text(json.dumps(sessions))
    result: dict = {"load_average": {"start": _load()}}
    server, port = start_server(args, env, work / "gunicorn.log")
    try:
        _warm(port, sessions)
        server_procs, pg_procs = process_tree(server.pid), _postgres_backends(args.db)
        server_cpu0, pg_cpu0 = cpu_seconds(server_procs), cpu_seconds(pg_procs)
        print(f"load: {args.users} users over {args.ramp:g} s, {args.seconds:g} s in all, think "
              f"{args.think_min:g}-{args.think_max:g} s...", flush=True)
        started = time.perf_counter()
        rows, client_cpu = run_locust(args, port, env, sessions_file, work)
        elapsed = time.perf_counter() - started
        server_procs = {p.pid: p for p in server_procs + process_tree(server.pid)}.values()
        pg_now = {p.pid: p for p in pg_procs + _postgres_backends(args.db)}.values()
        server_cpu, pg_cpu = cpu_seconds(list(server_procs)) - server_cpu0, cpu_seconds(list(pg_now)) - pg_cpu0
        result["load_average"]["after_run"] = _load()
        result["slowest"] = slowest(work / "requests.csv")
    finally:
        stop(server)
    connections.close_all()
    result["in_process"] = in_process_cost(sessions, args.in_process)
    if not args.keep:
        connections.close_all()
        load_data.database_drop(args.pg, args.db)

    pages = {}
    for row in rows:
        pages[row["Name"]] = {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                              "rps": round(float(row["Requests/s"]), 1), "p50_ms": row["50%"],
                              "p95_ms": row["95%"], "p99_ms": row["99%"]}
    total = pages.pop("Aggregated", {"requests": 0, "errors": 0})
    n = max(total["requests"], 1)
    result.update({
        "server": {"workers": args.workers, "threads": args.threads, "cpus": args.server_cpus,
                   "settings": "production (DEBUG=false, SECURE=false on loopback)"},
        "client": {"tool": "locust (headless)", "cpus": args.client_cpus, "users": args.users, "agents": args.agents,
                   "ramp_s": args.ramp, "think_s": [args.think_min, args.think_max]},
        "machine_cpus": os.cpu_count(), "seconds": round(elapsed, 1), "pages": pages, "total": total,
        "cpu_ms_per_request": {"server": round(1000 * server_cpu / n, 2), "postgres": round(1000 * pg_cpu / n, 2),
                               "client": round(1000 * client_cpu / n, 2)},
        "errors": total["errors"],
    })
    out.write_text(json.dumps(result, indent=2) + "\n")
    _print(result, out)
    shutil.rmtree(work, ignore_errors=True)
    return result


def _print(r: dict, out: Path) -> None:
    s, c = r["server"], r["client"]
    print(f"\nserver: gunicorn {s['workers']} workers x {s['threads']} threads on CPU {s['cpus']}; client: Locust on "
          f"CPU {c['cpus']} (kept apart with taskset); PostgreSQL shared, not pinned; {r['machine_cpus']} CPUs")
    print(f"{c['users']} users ({c['agents']} agents), ramp-up {c['ramp_s']:g} s, think {c['think_s'][0]:g}-"
          f"{c['think_s'][1]:g} s, {r['seconds']} s")
    print(f"\n{'page':<24}{'requests':>9}{'errors':>8}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for name, page in r["pages"].items():
        print(f"{name:<24}{page['requests']:>9}{page['errors']:>8}{page['rps']:>7}{page['p50_ms']:>8}"
              f"{page['p95_ms']:>8}{page['p99_ms']:>8}")
    cpu = r["cpu_ms_per_request"]
    print(f"\nCPU per request: server {cpu['server']} ms, PostgreSQL {cpu['postgres']} ms, client {cpu['client']} ms")
    print("in-process cost (one request, no HTTP): " + "; ".join(
        f"{k} {v['cpu_ms']} ms CPU, {v['queries']} queries ({v['sql_ms']} ms SQL)" for k, v in r["in_process"].items()))
    print("slowest requests (s after the start: page ms): " + "; ".join(
        f"+{x['at_s']:g} s: {x['page']} {x['ms']:g}" for x in r.get("slowest", [])))
    print("load average: " + "; ".join(f"{k} {v}" for k, v in r["load_average"].items()))
    print(f"errors: {r['errors']}\nwritten: {out}")


if __name__ == "__main__":
    outcome = main()
    sys.exit(1 if outcome["errors"] else 0)
