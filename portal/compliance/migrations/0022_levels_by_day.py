"""No schema change: applying it tells `upgrade.status_history_fill` (on `post_migrate`) to rebuild the status of
everyone on a level family whose levels changed in the requirement history, whose runs were written counting
evidence by the families of the day they were built (`upgrade.LEVELS_BY_DAY_ADDED`)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("compliance", "0021_requirement_history")]

    operations = []
