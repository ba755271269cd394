"""What a web process pays once, before it serves anyone (gunicorn's `post_worker_init`, mutuelle/gunicorn_conf.py).

Without it, the first requests of every gunicorn process import the URLconf (every app's URLs, the API and FHIR
schemas) and load each language's catalogue, and the objects they leave behind are scanned by every full garbage
collection for the life of the process: `make bench` saw both processes pause 250–290 ms together in a full
collection, which made the slowest 1% of member pages wait 0.5–1.2 s. Here the process loads them, then freezes
everything it holds so far (`gc.freeze()`): the collector no longer walks the code, the URL patterns and the
catalogues, only what requests allocate."""

import gc

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def web_process_warm() -> None:
    reverse("dashboard")  # imports the URLconf and builds the resolver's reverse tables
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads the language's catalogues once
            pass
    gc.collect()
    gc.freeze()
