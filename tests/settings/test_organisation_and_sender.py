"""Production takes the organisation's name and the emails' sender from its environment, never base.py's demo values
(another body's name on every page, email and certificate; an example.nhs.uk sender), nor .env.example's
placeholders. Development and the demo keep the demo's."""

import pytest

from tests.settings.test_production import load_production, load_settings


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("PORTAL_ORGANISATION_NAME", "NHS Example Integrated Care Board"),
        ("DEFAULT_FROM_EMAIL", "Training portal <training-portal@example-icb.nhs.uk>"),
        ("SERVER_EMAIL", "Training portal <training-portal@example-icb.nhs.uk>"),
    ],
)
def test_production_uses_the_name_and_sender_it_is_given(setting, expected):
    loaded = load_settings("portal.settings.production", setting)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == expected


@pytest.mark.parametrize("name", ["PORTAL_ORGANISATION_NAME", "DEFAULT_FROM_EMAIL"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_production_refuses_to_start_without_them(name, value):
    loaded = load_production(**{name: value})
    assert loaded.returncode != 0
    assert f"Set the {name} environment variable to " in loaded.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORTAL_ORGANISATION_NAME", "CHANGE-ME Your NHS Organisation"),
        ("DEFAULT_FROM_EMAIL", "change-me@your-organisation.nhs.uk"),
    ],
)
def test_production_refuses_the_example_files_placeholders(name, value):
    loaded = load_production(**{name: value})
    assert loaded.returncode != 0
    assert f"{name} still holds .env.example's placeholder" in loaded.stderr


@pytest.mark.parametrize("value", ["training-portal", "Training portal", "training portal@nhs.net"])
def test_a_sender_that_is_not_an_address_is_refused(value):
    loaded = load_production(DEFAULT_FROM_EMAIL=value)
    assert loaded.returncode != 0
    assert "DEFAULT_FROM_EMAIL must be the address the portal's emails come from" in loaded.stderr
    assert f"not {value!r}" in loaded.stderr


def test_development_keeps_the_demo_organisation():
    loaded = load_settings(
        "portal.settings.dev",
        "PORTAL_ORGANISATION_NAME",
        PORTAL_ORGANISATION_NAME=None,
        DEFAULT_FROM_EMAIL=None,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "NHS Warrington CCG"
