"""Settings for the RQ workers tests/scaleout/test_tasks_on_redis.py starts: the test settings, with the tasks on
the Redis that base.py's TASKS_BACKEND=redis selects (the test passes TASKS_REDIS_URL), in the test's own database,
as the app role the test suite acts as (tests/dbrole.py), and with the test's own file stores."""

import os

from portal.settings import base
from portal.settings.test import *  # noqa: F403
from portal.settings.test import DATABASES, STORAGES

if base.TASKS_BACKEND != "redis":
    raise RuntimeError("The scale-out workers run with TASKS_BACKEND=redis.")
TASKS = base.TASKS  # test.py runs tasks at once, in the caller's process: these go through Redis

DATABASES["default"]["NAME"] = os.environ["SCALEOUT_DATABASE_NAME"]
DATABASES["default"]["OPTIONS"] = {"options": f"-c role={os.environ['SCALEOUT_DATABASE_ROLE']}"}
STORAGES["private"] = {
    **STORAGES["private"],
    "OPTIONS": {"location": os.environ["SCALEOUT_PRIVATE_ROOT"], "base_url": None},
}
PORTAL_RECEIPT_DIR = os.environ["SCALEOUT_RECEIPT_DIR"]
