"""What a newcomer types: `make run` and `make test`, checked without running them (`make -n`
prints the commands a target would run), and the login that `make run` prints."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

# Run from `make test`, a child make would inherit the parent's flags and variables.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}


def make_dry_run(*args: str) -> str:
    result = subprocess.run(
        ["make", "-n", *args],
        cwd=settings.BASE_DIR,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_passes_its_host_and_port_to_the_login_it_prints():
    commands = make_dry_run("run", "HOST=0.0.0.0", "PORT=8101").splitlines()
    assert "manage.py ensure_login --host 0.0.0.0 --port 8101" in "\n".join(commands)
    assert commands[-1].endswith("manage.py runserver 0.0.0.0:8101")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8101, "http://127.0.0.1:8101/login/"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000/login/"),
        ("localhost", 9000, "http://localhost:9000/login/"),
        ("::1", 8101, "http://[::1]:8101/login/"),
    ],
)
def test_ensure_login_prints_the_address_the_server_listens_on(
    capsys, monkeypatch, host, port, url
):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "pw-for-tests-1")
    call_command("ensure_login", host=host, port=port)
    out = capsys.readouterr().out
    assert f"Log in at {url} as 'admin'" in out
    assert ":8000" not in out or port == 8000


def test_make_test_installs_the_front_end_test_dependencies_before_the_tests():
    # -W: as if package-lock.json had just changed (a fresh clone has no node_modules at all).
    commands = make_dry_run("-W", "package-lock.json", "test").splitlines()
    npm = next(i for i, c in enumerate(commands) if c.startswith("npm ci"))
    pytest_runs = [i for i, c in enumerate(commands) if " -m pytest " in c]
    assert len(pytest_runs) == 2 and npm < pytest_runs[0]
    assert "pytest -m browser" in commands[pytest_runs[1]]  # the journeys run, not deselected
    assert "touch node_modules/.installed" in commands


def test_make_test_installs_nothing_again_when_nothing_changed(tmp_path):
    """The stamp is newer than the lock file: no second `npm ci` (the dry run asks make
    about a copy of the Makefile in a directory where the stamp is up to date)."""
    for name in ("Makefile", "package.json", "package-lock.json"):
        (tmp_path / name).write_bytes((settings.BASE_DIR / name).read_bytes())
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / ".installed").touch()
    result = subprocess.run(
        ["make", "-n", "node_modules/.installed"],
        cwd=tmp_path,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "npm ci" not in result.stdout


def test_a_missing_chromium_fails_the_journeys_naming_the_install_command(tmp_path):
    """Not a skip: a fresh machine without Chromium must not pass `make test` quietly."""
    env = {
        **os.environ,
        "CHROMIUM": str(tmp_path / "no-chromium"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-m",
            "browser",
            "-x",
            "-q",
            "tests/browser/test_live.py",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0, result.stdout
    assert "apt-get install -y chromium" in result.stdout
    assert "skipped" not in result.stdout
    assert "1 error" in result.stdout or "1 failed" in result.stdout


def test_make_demo_simulates_into_its_own_database_and_serves_it():
    commands = make_dry_run("demo", "DEMO_SEED=5", "PORT=8102").replace("\\\n", " ")
    lines = [line for line in commands.splitlines() if "manage.py" in line]
    assert [line.split("manage.py ")[1].split()[0] for line in lines] == [
        "migrate",
        "load_bank",
        "simulate_hiring",
        "ensure_login",
        "runserver",
    ]
    assert all("DATABASE_URL=sqlite:///" in line and "demo.sqlite3" in line for line in lines)
    assert "--seed 5 --candidates 300" in lines[2] and "--password interview-kit-demo" in lines[2]
    assert lines[4].endswith("runserver 127.0.0.1:8102")
