"""What a newcomer types: `make run` and `make test`, checked without running them (`make -n`
prints the commands a target would run), and the login that `make run` prints."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="needs make")


def make_dry_run(*args: str) -> str:
    result = subprocess.run(
        ["make", "-n", *args],
        cwd=settings.BASE_DIR,
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
