"""No schema change: applying it tells `upgrade.status_history_fill` (on `post_migrate`) to rebuild the status of
everyone with a completion that ran out (or a re-attestation round's deadline) before the end of their new-starter
window counted from their start, whose rows and runs were written with that earlier day as their due date
(`upgrade.WINDOW_FROM_START_ADDED`)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("compliance", "0022_levels_by_day")]

    operations = []
