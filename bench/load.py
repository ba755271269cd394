"""python -m bench.load [--seconds 30] [--members 50] [--agents 5] [--ratio-seconds 8] [--think 0.5] [--reuse]

Load test on loopback: builds a PostgreSQL bench database (seed_demo + generated members, agents and claim files),
serves it with gunicorn under the production settings (DEBUG=false; SECURE=false only because it is plain http on
127.0.0.1), then, for a bounded time, drives it with members browsing their dashboard and files and front-desk
agents browsing the desk and registering paper files. Prints p50/p95/p99 per page and the error count, and the
ratio of the dashboard's throughput to /healthz's measured in the same run; writes bench-results/load.json.

The page list is data: a route that answers 404 (not built yet) is skipped and reported."""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"  # loopback only, by construction
BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_PREFIX = "bench-load"

# What members and agents do. {claim_id}, {member_id}, {member_number} are filled per virtual user.
PAGES = [
    {"name": "dashboard", "role": "member", "path": "/me/", "weight": 4},
    {"name": "my files", "role": "member", "path": "/me/claims/", "weight": 4},
    {"name": "my file", "role": "member", "path": "/me/claims/{claim_id}/", "weight": 2},
    {"name": "desk", "role": "agent", "path": "/desk/", "weight": 2},
    {"name": "desk files", "role": "agent", "path": "/desk/claims/", "weight": 2},
    {"name": "desk search", "role": "agent", "path": "/desk/search/?q={member_number}", "weight": 2},
    {"name": "register file", "role": "agent", "path": "/desk/claims/new/?member={member_id}", "weight": 2,
     "register": True},
]
# Fields of the front-desk registration form the agent fills in (the rest keep the form's own values).
REGISTRATION = {"lines-0-act_code": "C", "lines-0-quantity": "1", "lines-0-billed_amount": "150.00",
                "provider_name": "Dr Bench"}


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[1])
    parser.add_argument("--seconds", type=float, default=30, help="length of the mixed browsing phase")
    parser.add_argument("--ratio-seconds", type=float, default=8, help="length of each throughput phase")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--files-per-member", type=int, default=30)
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between a user's requests (s)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--db", default="mutuelle_load")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_LOAD_REDIS", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--reuse", action="store_true", help="reuse the bench database if it is already built")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--json", default="bench-results/load.json")
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------------------------------- setup


def _database(pg: str, name: str, *, reuse: bool) -> bool:
    """Creates the bench database (fresh unless reuse). Returns True when it already existed and is reused."""
    import psycopg2

    connection = psycopg2.connect(f"{pg}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and not reuse:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not reuse:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return exists and reuse


def _drop_database(pg: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{pg}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def _generate(*, members: int, agents: int, files_per_member: int) -> None:
    """Members with web accounts, each with a self beneficiary, cover and claim files; agents on the demo units."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from claims.models import ClaimFile
    from members.identifiers import membership_number_from_sequence
    from members.models import AffiliationPeriod, Beneficiary, Member, Mutual
    from units.models import ServiceUnit, StaffAssignment, StaffRole

    user_model = get_user_model()
    if user_model.objects.filter(username__startswith=BENCH_PREFIX).exists():
        return
    rng = random.Random(2026)
    ours = Mutual.objects.get(is_ours=True)
    units = list(ServiceUnit.objects.order_by("code"))
    password = "!"  # unusable: the bench logs in through sessions it creates, not the (slow) password hasher
    for n in range(agents):
        user = user_model.objects.create(username=f"{BENCH_PREFIX}-agent-{n}", password=password, is_staff=True)
        StaffAssignment.objects.create(user=user, unit=units[n % len(units)], role=StaffRole.FRONT_DESK)
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    statuses = ["received", "liquidated", "paid", "rejected", "incomplete", "in_review"]
    files = []
    for n in range(members):
        user = user_model.objects.create(username=f"{BENCH_PREFIX}-member-{n}", password=password)
        member = Member.objects.create(
            user=user, mutual=ours, membership_number=membership_number_from_sequence(7_000_000 + n),
            cin=f"LD{n:06d}", first_name="Bench", last_name=f"Member{n}", birth_date=date(1970 + n % 30, 1, 1 + n % 28),
            sex="MF"[n % 2], home_unit=units[n % len(units)])
        AffiliationPeriod.objects.create(member=member, start=date(2015, 1, 1))
        beneficiary = Beneficiary.objects.create(member=member, relation="member", first_name="Bench",
                                                 last_name=f"Member{n}", birth_date=member.birth_date, sex=member.sex)
        for k in range(files_per_member):
            billed = Decimal(rng.randrange(5_000, 200_000)) / 100
            files.append(ClaimFile(
                tracking_code=f"LT{n:04d}{k:05d}", member=member, beneficiary=beneficiary,
                status=statuses[k % len(statuses)], channel="front_desk" if k % 2 else "online",
                unit=units[n % len(units)], received_on=date(2025, 1, 1) + timedelta(days=k * 7 % 400),
                total_billed=billed, total_reimbursed=(billed * Decimal("0.8")).quantize(Decimal("0.01"))))
    ClaimFile.objects.bulk_create(files, batch_size=2000)


def _sessions() -> dict[str, list[dict]]:
    """Logged-in (and, for agents, TOTP-verified) sessions, made directly in the session store."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from claims.models import ClaimFile
    from members.models import Member

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = "django.contrib.auth.backends.ModelBackend"

    def session(user, **extra) -> str:
        s = store()
        s.update({"_auth_user_id": str(user.pk), "_auth_user_backend": backend,
                  "_auth_user_hash": user.get_session_auth_hash(), **extra})
        s.create()
        return s.session_key

    users = get_user_model().objects.filter(username__startswith=BENCH_PREFIX)
    result: dict[str, list[dict]] = {"member": [], "agent": []}
    for member in Member.objects.filter(user__in=users).select_related("user").order_by("pk"):
        claims = list(ClaimFile.objects.filter(member=member).values_list("pk", flat=True)[:10])
        result["member"].append({"session": session(member.user, second_factor={"staff": False, "device": False}),
                                 "claim_ids": claims, "member_id": member.pk,
                                 "member_number": member.membership_number, "unit_id": member.home_unit_id})
    bench_members = result["member"]
    for user in users.filter(is_staff=True).order_by("pk"):
        device = TOTPDevice.objects.get(user=user)
        unit_id = user.assignments.values_list("unit_id", flat=True).first()
        mine = [m for m in bench_members if m["unit_id"] == unit_id] or bench_members
        result["agent"].append({"session": session(user, otp_device_id=device.persistent_id,
                                                   second_factor={"staff": True, "device": True}),
                                "members": [{"member_id": m["member_id"], "member_number": m["member_number"]}
                                            for m in mine]})
    return result


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict[str, list[dict]]:
    os.environ.update(env)
    reused = _database(args.pg, args.db, reuse=args.reuse)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    if not reused:
        print(f"load: building database {args.db} (migrate, seed_demo, generated data)...", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", verbosity=0)
    _generate(members=args.members, agents=args.agents, files_per_member=args.files_per_member)
    sessions = _sessions()
    connections.close_all()
    return sessions


# ------------------------------------------------------------------------------------------------ the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn) if gunicorn.exists() else "gunicorn", "mutuelle.wsgi:application",
               "--bind", f"{HOST}:{port}", "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"load: gunicorn exited at start (see {log})")
        try:
            if _request(port, "GET", "/healthz", {}).status == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"load: gunicorn did not answer /healthz within 60 s (see {log})")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ------------------------------------------------------------------------------------------------ the client


@dataclass
class Answer:
    status: int
    body: bytes
    cookies: dict[str, str]
    location: str


def _request(port: int, method: str, path: str, cookies: dict[str, str], form: dict | None = None) -> Answer:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Host": f"{HOST}:{port}", "Accept-Language": "fr"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        set_cookies = {}
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                set_cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, data, set_cookies, response.getheader("Location", ""))
    finally:
        connection.close()


class _FormParser(HTMLParser):
    """The fields of the first POST form holding a CSRF token: name -> value (first option for a select)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._select_has_value = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {}
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and a["name"] not in self._form):
                    self._form[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self._form[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select, self._select_has_value = a["name"], False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a or (value and not self._select_has_value):
                self._form[self._select] = value
                self._select_has_value = bool(value) or "selected" in a
        elif tag == "textarea" and a.get("name"):
            self._form[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def registration_form(html: bytes) -> dict[str, str] | None:
    parser = _FormParser()
    parser.feed(html.decode("utf-8", "replace"))
    form = next((f for f in parser.forms if "csrfmiddlewaretoken" in f and "lines-TOTAL_FORMS" in f), None)
    if form is None:
        return None
    today = date.today().isoformat()
    form.update(REGISTRATION)
    form.setdefault("lines-0-care_date", today)
    if not form.get("lines-0-care_date"):
        form["lines-0-care_date"] = today
    return form


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies.setdefault(page, []).append(seconds)
            if not ok:
                self.errors[page] = self.errors.get(page, 0) + 1
                if len(self.samples) < 10:
                    self.samples.append(f"{page}: {detail}")


def _timed(tally: Tally, page: str, port: int, method: str, path: str, cookies: dict, expect: tuple[int, ...],
           form: dict | None = None) -> Answer | None:
    started = time.perf_counter()
    try:
        answer = _request(port, method, path, cookies, form)
    except OSError as error:
        tally.record(page, time.perf_counter() - started, False, f"{method} {path}: {type(error).__name__}")
        return None
    tally.record(page, time.perf_counter() - started, answer.status in expect, f"{method} {path}: {answer.status}")
    cookies.update(answer.cookies)
    return answer


def _fill(path: str, user: dict, rng: random.Random) -> str:
    values = {"claim_id": rng.choice(user["claim_ids"]) if user.get("claim_ids") else 0}
    if "members" in user:
        values.update(rng.choice(user["members"]))
    else:
        values.update(member_id=user["member_id"], member_number=user["member_number"])
    return path.format(**values)


def virtual_user(user: dict, pages: list[dict], port: int, tally: Tally, stop: threading.Event, think: float,
                 seed: int) -> None:
    rng = random.Random(seed)
    cookies = {"sessionid": user["session"]}
    weights = [p["weight"] for p in pages]
    while not stop.is_set():
        page = rng.choices(pages, weights)[0]
        path = _fill(page["path"], user, rng)
        answer = _timed(tally, page["name"], port, "GET", path, cookies, (200,))
        if page.get("register") and answer is not None and answer.status == 200:
            form = registration_form(answer.body)
            if form is None:
                tally.record(page["name"] + " POST", 0.0, False, "no registration form found on the page")
            else:
                _timed(tally, page["name"] + " POST", port, "POST", path, cookies, (302, 303), form)
        if think:
            stop.wait(rng.uniform(0, 2 * think))


def closed_loop(port: int, path: str, cookies: list[dict], concurrency: int, seconds: float) -> dict:
    """Throughput of one path with `concurrency` clients and no pause: completed requests per second."""
    tally, stop = Tally(), threading.Event()

    def loop(n: int) -> None:
        jar = dict(cookies[n % len(cookies)]) if cookies else {}
        while not stop.is_set():
            _timed(tally, path, port, "GET", path, jar, (200,))

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=35)
    elapsed = time.perf_counter() - started
    done = len(tally.latencies.get(path, []))
    return {"requests": done, "seconds": round(elapsed, 2), "rps": round(done / elapsed, 1),
            "errors": sum(tally.errors.values()), "p50_ms": _pct(tally.latencies.get(path, []), 50)}


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return round(ordered[rank] * 1000, 1)


def probe(port: int, sessions: dict[str, list[dict]]) -> tuple[list[dict], list[dict]]:
    """Which pages exist yet: one GET each with a real session. 404: skipped (route not built yet)."""
    usable, skipped = [], []
    rng = random.Random(1)
    for page in PAGES:
        user = sessions[page["role"]][0]
        path = _fill(page["path"], user, rng)
        answer = _request(port, "GET", path, {"sessionid": user["session"]})
        if answer.status == 200:
            usable.append(page)
        else:
            reason = "404: route not built yet" if answer.status == 404 else f"answered {answer.status}"
            skipped.append({"page": page["name"], "path": page["path"], "reason": reason})
    return usable, skipped


# --------------------------------------------------------------------------------------------------- running


def main(argv: list[str] | None = None) -> dict:
    args = _args(argv)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutuelle.settings", "DATABASE_URL": f"{args.pg}/{args.db}",
           "CELERY_BROKER_URL": args.redis, "REDIS_URL": args.redis, "DEBUG": "false", "SECURE": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST, "STAFF_OTP_REQUIRED": "true",
           "MUTUELLE_VAR_DIR": "/tmp/mutuelle-load-var", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "60"}
    env.pop("DJANGO_DEBUG", None)
    out = BASE_DIR / args.json
    out.parent.mkdir(parents=True, exist_ok=True)
    sessions = prepare(args, env)
    server, port = start_server(env, args.workers, out.with_name("load-gunicorn.log"))
    try:
        pages, skipped = probe(port, sessions)
        for item in skipped:
            print(f"load: skipped {item['page']} ({item['path']}): {item['reason']}", flush=True)
        member_pages = [p for p in pages if p["role"] == "member"]
        agent_pages = [p for p in pages if p["role"] == "agent"]
        concurrency = args.members + args.agents
        member_cookies = [{"sessionid": m["session"]} for m in sessions["member"]]
        print(f"load: throughput phases, {concurrency} clients, {args.ratio_seconds:g} s each...", flush=True)
        healthz = closed_loop(port, "/healthz", [], concurrency, args.ratio_seconds)
        dashboard = closed_loop(port, "/me/", member_cookies, concurrency, args.ratio_seconds)

        print(f"load: mixed phase, {args.members} members + {args.agents} agents, {args.seconds:g} s...", flush=True)
        tally, stop = Tally(), threading.Event()
        threads = []
        for n in range(args.members):
            if member_pages:
                user = sessions["member"][n % len(sessions["member"])]
                threads.append(threading.Thread(target=virtual_user, daemon=True, args=(
                    user, member_pages, port, tally, stop, args.think, n)))
        for n in range(args.agents):
            if agent_pages:
                user = sessions["agent"][n % len(sessions["agent"])]
                threads.append(threading.Thread(target=virtual_user, daemon=True, args=(
                    user, agent_pages, port, tally, stop, args.think, 1000 + n)))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        stop.wait(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
        elapsed = time.perf_counter() - started
    finally:
        stop_server(server)
        _cleanup(args)

    per_page = {
        name: {"requests": len(values), "errors": tally.errors.get(name, 0), "p50_ms": _pct(values, 50),
               "p95_ms": _pct(values, 95), "p99_ms": _pct(values, 99)}
        for name, values in sorted(tally.latencies.items())
    }
    errors = sum(tally.errors.values()) + healthz["errors"] + dashboard["errors"]
    ratio = round(dashboard["rps"] / healthz["rps"], 3) if healthz["rps"] else None
    result = {
        "server": {"workers": args.workers, "settings": "production (DEBUG=false, SECURE=false on loopback)",
                   "cpus": os.cpu_count()},
        "users": {"members": args.members, "agents": args.agents, "think_mean_s": args.think},
        "mixed": {"seconds": round(elapsed, 1), "requests": sum(p["requests"] for p in per_page.values()),
                  "pages": per_page},
        "throughput": {"healthz": healthz, "dashboard": dashboard, "dashboard_to_healthz": ratio},
        "skipped": skipped, "errors": errors, "error_samples": tally.samples,
    }
    out.write_text(json.dumps(result, indent=2))
    _print(result, out)
    return result


def _cleanup(args: argparse.Namespace) -> None:
    try:
        import redis

        redis.Redis.from_url(args.redis).flushdb()  # tasks queued by the registrations: no worker runs here
    except Exception as error:  # noqa: BLE001 - cleanup must not hide the results
        print(f"load: could not empty the bench Redis db: {error}", file=sys.stderr)
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _drop_database(args.pg, args.db)


def _print(result: dict, out: Path) -> None:
    print(f"\n{'page':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, page in result["mixed"]["pages"].items():
        print(f"{name:<22}{page['requests']:>9}{page['errors']:>8}{page['p50_ms']!s:>9}{page['p95_ms']!s:>9}"
              f"{page['p99_ms']!s:>9}")
    t = result["throughput"]
    print(f"\nthroughput with {result['users']['members'] + result['users']['agents']} clients: "
          f"/healthz {t['healthz']['rps']} req/s, /me/ {t['dashboard']['rps']} req/s, "
          f"dashboard/healthz = {t['dashboard_to_healthz']}")
    for item in result["skipped"]:
        print(f"skipped: {item['page']} ({item['path']}): {item['reason']}")
    print(f"errors: {result['errors']}" + (f"  e.g. {result['error_samples'][:3]}" if result["errors"] else ""))
    print(f"written: {out}")


if __name__ == "__main__":
    outcome = main()
    sys.exit(1 if outcome["errors"] else 0)
