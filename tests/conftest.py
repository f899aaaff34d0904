import pytest

from tests import factories


@pytest.fixture
def user_factory(db):
    return factories.make_user


@pytest.fixture
def person(db):
    return factories.make_user(first_name="Priya", last_name="Shah", email="priya.shah@example.nhs.uk")


@pytest.fixture
def someone_else(db):
    return factories.make_user(first_name="Owen", last_name="Jones", email="owen.jones@example.nhs.uk")


@pytest.fixture
def home_page(db):
    return factories.make_home_page()


@pytest.fixture
def policy(home_page):
    return factories.make_policy(parent=home_page)


@pytest.fixture
def module_page(policy):
    return factories.make_module(policy=policy)


@pytest.fixture
def person_client(client, person):
    client.force_login(person)
    return client
