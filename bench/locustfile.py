"""The load test's users (Locust), driven headless by `python -m bench.load`.

Members are the portal's users: one arrives, looks at the dashboard, then at the list of files, opens one
or two, sometimes filters the list, comes back to the dashboard; between two pages, 1 to 3 s of reading (2 s
on average). Half read in Arabic, half in French. Front-desk agents (none by default) browse the desk.
Each virtual user holds its own member's session (BENCH_SESSIONS: the JSON written by bench.load)."""

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, events, task

SESSIONS = json.loads(open(os.environ["BENCH_SESSIONS"]).read())
THINK = (float(os.environ.get("BENCH_THINK_MIN", "1")), float(os.environ.get("BENCH_THINK_MAX", "3")))
_lock = threading.Lock()
_next = {"member": itertools.count(), "agent": itertools.count()}
_REQUESTS = open(os.environ["BENCH_REQUEST_LOG"], "a") if os.environ.get("BENCH_REQUEST_LOG") else None


@events.request.add_listener
def _request_logged(request_type, name, response_time, response, context, exception, start_time=None, **_) -> None:
    """One line per request (when it started, page, ms, status): the run's slowest requests can be placed in time."""
    if _REQUESTS is not None:
        status = getattr(response, "status_code", 0) if exception is None else "error"
        _REQUESTS.write(f"{start_time or 0:.3f},{name},{response_time:.1f},{status}\n")
        _REQUESTS.flush()


def _take(role: str) -> dict:
    with _lock:
        pool = SESSIONS[role]
        return pool[next(_next[role]) % len(pool)]


class Member(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.me = _take("member")
        self.client.cookies.set("sessionid", self.me["session"])
        self.client.headers["Accept-Language"] = self.me["language"]
        self.client.get("/me/", name="/me/")

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/me/", name="/me/")

    @task(4)
    def files(self) -> None:
        self.client.get("/me/claims/", name="/me/claims/")

    @task(1)
    def files_filtered(self) -> None:
        status = random.choice(["liquidated", "paid", "received", "in_review"])
        self.client.get(f"/me/claims/?status={status}", name="/me/claims/?status=")

    @task(3)
    def one_file(self) -> None:
        if self.me["claim_ids"]:
            self.client.get(f"/me/claims/{random.choice(self.me['claim_ids'])}/", name="/me/claims/<id>/")


class Agent(HttpUser):
    wait_time = between(*THINK)
    fixed_count = int(os.environ.get("BENCH_AGENTS", "0"))  # the rest of the users are members

    def on_start(self) -> None:
        self.me = _take("agent")
        self.client.cookies.set("sessionid", self.me["session"])
        self.client.headers["Accept-Language"] = self.me["language"]

    @task(2)
    def desk(self) -> None:
        self.client.get("/desk/", name="/desk/")

    @task(2)
    def desk_files(self) -> None:
        self.client.get("/desk/claims/", name="/desk/claims/")

    @task(2)
    def search(self) -> None:
        self.client.get(f"/desk/search/?q={random.choice(self.me['member_numbers'])}", name="/desk/search/")
