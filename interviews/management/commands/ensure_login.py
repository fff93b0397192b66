import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

PASSWORD_FILE = Path(settings.BASE_DIR) / ".admin-password"
# A server bound to every interface is reached, from this machine, on the loopback address.
WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}


class Command(BaseCommand):
    help = (
        "Make sure a login exists: on first run create the 'admin' superuser with "
        "DJANGO_SUPERUSER_PASSWORD, or a generated password saved to .admin-password, and say "
        "how to log in (at --host and --port: where `make run` serves)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        )
        parser.add_argument("--host", default="127.0.0.1", help="where the server listens")
        parser.add_argument("--port", type=int, default=8000, help="the server's port")

    def handle(self, *args, username: str, host: str, port: int, **options):
        User = get_user_model()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                password = secrets.token_urlsafe(12)
                PASSWORD_FILE.write_text(password + "\n")
                PASSWORD_FILE.chmod(0o600)
            user = User.objects.create_superuser(username=username, email="", password=password)
            # The first login holds the admin role: the People page lists who administers.
            Group.objects.get_or_create(name="Admins")[0].user_set.add(user)
            self.stdout.write(self.style.SUCCESS(f"Created the superuser '{username}'."))
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(f"Set the password of '{username}' from DJANGO_SUPERUSER_PASSWORD.")
        if password:
            where = (
                password
                if not os.environ.get("DJANGO_SUPERUSER_PASSWORD")
                else "$DJANGO_SUPERUSER_PASSWORD"
            )
        elif PASSWORD_FILE.exists():
            where = f"{PASSWORD_FILE.read_text().strip()} (kept in {PASSWORD_FILE.name})"
        else:
            where = "the password you set before"
        if host in WILDCARD_HOSTS:
            host = "127.0.0.1"
        elif ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address in a URL
        self.stdout.write(
            f"Log in at http://{host}:{port}/login/ as '{username}' with password: {where}"
        )
