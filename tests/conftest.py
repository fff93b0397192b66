from pathlib import Path

import pytest
from django.conf import settings

from questionbank.services import guide_import_file
from tests.factories import UserFactory


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


_skipped: list[str] = []


def pytest_sessionfinish(session, exitstatus):
    """A skipped test fails the run: every test runs everywhere `make test` runs (a missing
    tool is a failure that names its install command, see tests/browser/conftest.py)."""
    if _skipped and not hasattr(session.config, "workerinput") and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _skipped and not hasattr(config, "workerinput"):
        terminalreporter.write_line(
            f"{len(_skipped)} test(s) skipped, which fails the run: " + ", ".join(_skipped[:5]),
            red=True,
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests log users in often; a strong, slow hash buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _database_cache_and_sessions(settings):
    """Tests run on the Redis-free configuration `make run` has (the query counts pin it),
    whatever REDIS_URL says; tests/test_two_servers.py runs app servers with Redis too."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "interviewkit_cache",
            "KEY_PREFIX": "interviewkit",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture
def user(db):
    return UserFactory(username="ivy", groups=["Interviewers"])


@pytest.fixture
def client_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def curator(db):
    user = UserFactory(username="cora", groups=["Curators"])
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def guide_bank(db):
    """The real bank. Imported from the guide (fast); test_import proves the committed fixture
    that `make run` loads holds exactly the same bank."""
    guide_import_file(path=Path(settings.BASE_DIR) / "fixtures" / "llm_guide.txt")
