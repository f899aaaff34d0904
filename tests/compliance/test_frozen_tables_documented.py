"""The release step's instructions name every table the portal's own database role may only add to. An operator
reading docs/deploy.md to check a database's grants by hand (or to grant them without `db_roles`) must see the whole
list: it once left out three tables frozen after it was written."""

from pathlib import Path

import pytest

from portal.compliance.roles import FROZEN_TABLES

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


@pytest.mark.parametrize("table", [table for table, _ in FROZEN_TABLES])
def test_deploy_md_names_each_frozen_table(table):
    assert f"`{table}`" in DEPLOY.read_text(encoding="utf-8")
