"""`import_file KIND FILE --apply --background` says where to watch the batch and what applies it: it said only "its
page shows how far it has got", naming neither the page's address nor the task worker it waits for."""

from io import StringIO

from django.core.management import call_command

from portal.compliance.models import ImportBatch
from tests.compliance.test_import_utf16 import private_files, roster_text, team  # noqa: F401


def test_a_background_apply_names_its_page_and_the_worker(tmp_path, team, settings):  # noqa: F811
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(team), encoding="utf-8")
    out = StringIO()
    call_command("import_roster", str(path), "--apply", "--background", stdout=out)
    batch = ImportBatch.objects.latest("pk")
    said = out.getvalue()
    assert f"Batch {batch.pk} is waiting for the task worker (manage.py db_worker" in said
    assert f"https://training.example.nhs.uk/hr/imports/{batch.pk}/" in said
