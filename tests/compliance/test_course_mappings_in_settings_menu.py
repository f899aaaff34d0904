"""The completions import says to map a course "in the CMS (Settings > Course mappings)", on the command line, the
import page and the API, but the CMS had no such item: the mappings were only under Snippets, as "Competence
mappings", so an HR officer or an IT officer following the message found nothing under Settings. The CMS's Settings
menu now has "Course mappings", where the messages say it is, and the command line says it as they do (it said
"in the CMS under Course mappings")."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from tests import factories
from tests.compliance.test_import_command_unmapped_courses import SAMPLE
from tests.compliance.test_import_utf16 import private_files  # noqa: F401

MAPPINGS = "/cms/snippets/compliance/competencemapping/"


@pytest.fixture
def mapper_client(client, db):
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="compliance", codename__endswith="_competencemapping")
    )
    user = factories.make_user(first_name="Eddie", last_name="Editor")
    user.groups.add(editors)
    factories.sign_in(client, factories.with_mfa(user))
    return client


def _settings_menu(html: str) -> list[dict]:
    props = html.split('<script id="wagtail-sidebar-props" type="application/json">', 1)[1].split("</script>", 1)[0]
    [main] = [module for module in json.loads(props)["modules"] if module["_type"] == "wagtail.sidebar.MainMenuModule"]
    menu = main["_args"][0]
    [settings] = [item for item in menu if item["_args"][0]["name"] == "settings"]
    return [item["_args"][0] for item in settings["_args"][1]]


def test_the_settings_menu_has_the_course_mappings_the_messages_name(mapper_client):
    items = _settings_menu(mapper_client.get("/cms/").content.decode())
    assert {"label": "Course mappings", "url": MAPPINGS} in [
        {"label": item["label"], "url": item["url"]} for item in items
    ]
    assert mapper_client.get(MAPPINGS).status_code == 200


def test_the_command_line_names_the_same_place(db, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    out = StringIO()
    call_command("import_completions", str(SAMPLE), stdout=out)
    assert "or in the CMS (Settings > Course mappings), to an external course requirement" in out.getvalue()
