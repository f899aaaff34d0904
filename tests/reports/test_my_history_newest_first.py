"""My history is newest first, as it says: by the date each entry shows, the latest recorded first on the same date,
however late a completion was recorded (an import of last year's course arrives today)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from portal.reports.selectors import evidence_history_for_staff
from tests import factories


def history_names(html: str) -> list[str]:
    history = html.split("<h2>My history</h2>", 1)[1]
    rows = re.findall(r'<tbody class="nhsuk-table__body">(.*?)</tbody>', history, flags=re.S)[0]
    return re.findall(r"Training </span>([^<]+)</td>", rows)


def test_my_history_is_newest_first_whatever_order_it_was_recorded_in(client, person):
    staff = factories.make_staff(user=person)
    last_week = timezone.now() - datetime.timedelta(days=7)
    last_year = timezone.now() - datetime.timedelta(days=300)
    # Recorded in this order: last week's, then last year's (imported late), then another of last week's.
    factories.make_completion(staff, factories.make_requirement(name="Fire safety"), last_week)
    factories.make_completion(staff, factories.make_requirement(name="Moving and handling"), last_year)
    factories.make_completion(staff, factories.make_requirement(name="Information governance"), last_week)

    factories.sign_in(client, person)
    html = client.get(reverse("reports:my_training")).content.decode()
    assert "newest first" in html
    assert history_names(html) == ["Information governance", "Fire safety", "Moving and handling"]
    # The person's page for their manager and HR reads the same selector, in the same order.
    assert [entry.requirement.name for entry in evidence_history_for_staff(staff)] == history_names(html)
