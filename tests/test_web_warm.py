"""A gunicorn process warms itself before its first request (mutuelle/gunicorn_conf.py → mutuelle/warm.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, sys
import django
django.setup()
from django.urls import get_resolver
from django.utils.translation import trans_real
from mutuelle import gunicorn_conf
assert gc.get_freeze_count() == 0
resolver = get_resolver()
print("before", resolver._populated, sorted(trans_real._translations))
gunicorn_conf.post_worker_init(worker=None)
print("after", resolver._populated, sorted(trans_real._translations), gc.get_freeze_count() > 10000)
"""


def test_a_web_process_loads_urls_and_catalogues_then_freezes_them_for_the_collector():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mutuelle.settings", "DEBUG": "false", "SECRET_KEY": "x" * 50,
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    before, after = out.stdout.strip().splitlines()[-2:]
    assert before.startswith("before False")
    assert after == "after True ['ar', 'en', 'fr'] True"
