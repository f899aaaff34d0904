"""A yes-or-no setting takes true/false, 1/0, yes/no, y/n or on/off in any case, and refuses anything else by name.
Before, any other word read as false: PORTAL_PASSWORD_LOGIN=ture turned password sign-in off, EMAIL_USE_TLS=ture sent
mail in clear."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.lib.env import env_bool
from tests.settings.test_production import load_production, load_settings


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "yes", "Yes", "y", "Y", "on", "ON", " true "])
def test_words_for_yes_read_as_true(monkeypatch, value):
    monkeypatch.setenv("EMAIL_USE_TLS", value)
    assert env_bool("EMAIL_USE_TLS", False) is True


@pytest.mark.parametrize("value", ["false", "FALSE", "False", "0", "no", "No", "n", "N", "off", "Off", " off\n"])
def test_words_for_no_read_as_false(monkeypatch, value):
    monkeypatch.setenv("EMAIL_USE_TLS", value)
    assert env_bool("EMAIL_USE_TLS", True) is False


@pytest.mark.parametrize("default", [True, False])
@pytest.mark.parametrize("value", [None, "", "  "])
def test_unset_or_blank_keeps_the_default(monkeypatch, value, default):
    monkeypatch.delenv("EMAIL_USE_TLS", raising=False)
    if value is not None:
        monkeypatch.setenv("EMAIL_USE_TLS", value)
    assert env_bool("EMAIL_USE_TLS", default) is default


@pytest.mark.parametrize("value", ["ture", "flase", "enabled", "2", "t", "yes please", "-1"])
def test_any_other_word_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("EMAIL_USE_TLS", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("EMAIL_USE_TLS", True)
    assert str(refused.value) == (f"EMAIL_USE_TLS must be true or false (or 1/0, yes/no, y/n, on/off), not {value!r}.")


def test_production_will_not_start_with_a_misspelt_tls_switch():
    loaded = load_production(EMAIL_USE_TLS="ture")
    assert loaded.returncode != 0
    assert "EMAIL_USE_TLS must be true or false (or 1/0, yes/no, y/n, on/off), not 'ture'." in loaded.stderr


def test_a_misspelt_password_switch_stops_every_settings_module():
    loaded = load_settings("portal.settings.dev", "PORTAL_PASSWORD_LOGIN", PORTAL_PASSWORD_LOGIN="ture")
    assert loaded.returncode != 0
    assert "PORTAL_PASSWORD_LOGIN must be true or false" in loaded.stderr


def test_the_switch_spelt_in_capitals_is_read():
    loaded = load_settings("portal.settings.dev", "PORTAL_PASSWORD_LOGIN", PORTAL_PASSWORD_LOGIN="FALSE")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "False"
