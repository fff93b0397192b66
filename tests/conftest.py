import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="ivy")


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
    """The real bank, loaded from the committed fixture."""
    call_command("load_bank", verbosity=0)
