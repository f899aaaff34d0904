"""A completions dry run from the command line that skips courses not yet mapped says where to map them: the
command line cannot, and it listed the courses ("not mapped to a requirement (1 rows)") with no word of the import
page's form or the CMS's Course mappings, so whoever ran it had nowhere to go."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from portal.compliance.models import ImportBatch
from tests.compliance.test_import_utf16 import private_files  # noqa: F401

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "esr" / "competences.csv"


def test_unmapped_courses_say_where_to_map_them(db, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    out = StringIO()
    call_command("import_completions", str(SAMPLE), stdout=out)
    said = out.getvalue()
    batch = ImportBatch.objects.latest("pk")
    assert "not mapped to a requirement (1 row): NHS|CSTF|Fire Safety - 2 Years|" in said
    assert "not mapped to a requirement (3 rows): NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|" in said
    assert f"on this dry run's page, https://training.example.nhs.uk/hr/imports/{batch.pk}/, or in the CMS" in said
    assert "Course mappings" in said and "/hr/requirements/" in said
