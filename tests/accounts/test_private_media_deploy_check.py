"""`manage.py check --deploy` refuses a PRIVATE_MEDIA_ROOT (uploaded certificates, served only through a
permission-checked view) inside a directory that is served to anyone, naming both."""

import pytest
from django.core.checks.registry import registry

from portal.accounts.checks import private_media_not_served_check


@pytest.fixture
def roots(settings, tmp_path):
    """Separate media, static and private directories, as .env.example has them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STATICFILES_DIRS = [tmp_path / "assets"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": str(tmp_path / "private")}},
    }
    return tmp_path


def _private(settings, location) -> None:
    settings.STORAGES["private"]["OPTIONS"]["location"] = str(location)


def test_separate_directories_pass(roots):
    assert private_media_not_served_check() == []


def test_a_private_root_beside_media_with_a_similar_name_passes(roots, settings):
    _private(settings, roots / "media-private")  # a prefix of the string, not a directory inside it
    assert private_media_not_served_check() == []


@pytest.mark.parametrize(
    ("name", "served"),
    [("MEDIA_ROOT", "media"), ("STATIC_ROOT", "static"), ("STATICFILES_DIRS", "assets")],
)
def test_a_private_root_inside_a_served_directory_is_refused(roots, settings, name, served):
    _private(settings, roots / served / "certificates")
    [error] = private_media_not_served_check()
    assert error.id == "accounts.E004" and error.is_serious()
    assert f"PRIVATE_MEDIA_ROOT ({roots / served / 'certificates'}) is inside {name} ({roots / served})" in error.msg
    assert "PRIVATE_MEDIA_ROOT" in error.hint


def test_the_same_directory_as_media_is_refused(roots, settings):
    _private(settings, roots / "media")
    [error] = private_media_not_served_check()
    assert "is inside MEDIA_ROOT" in error.msg


def test_a_path_that_climbs_into_a_served_directory_is_refused(roots, settings):
    (roots / "private").mkdir()
    (roots / "media").mkdir()
    (roots / "private" / "link").symlink_to(roots / "media")
    _private(settings, roots / "private" / "link" / "certificates")
    [error] = private_media_not_served_check()
    assert f"is inside MEDIA_ROOT ({roots / 'media'})" in error.msg


def test_a_prefixed_static_directory_is_read(roots, settings):
    settings.STATICFILES_DIRS = [("vendor", roots / "vendor")]
    _private(settings, roots / "vendor" / "private")
    [error] = private_media_not_served_check()
    assert "is inside STATICFILES_DIRS" in error.msg


def test_it_is_a_deploy_check():
    assert private_media_not_served_check in registry.get_checks(include_deployment_checks=True)
    assert private_media_not_served_check not in registry.get_checks(include_deployment_checks=False)
