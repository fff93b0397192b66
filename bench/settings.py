"""Settings for the bench's gunicorn: the app's own, plus the floor page's URL."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
