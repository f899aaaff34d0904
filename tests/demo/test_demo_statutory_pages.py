"""The demo has the accessibility statement, privacy notice and cookies page a real install gets from setup_site,
with the same starting text (one text, in templates/modules/statutory/, not a copy of it in the demo)."""

from modules.models import ContentPage
from modules.statutory_pages import STATUTORY_PAGES, starting_body


def test_the_demo_has_the_three_pages_setup_site_makes(demo_loaded, db):
    for statutory in STATUTORY_PAGES:
        page = ContentPage.objects.get(slug=statutory.slug)
        assert page.live and page.title == statutory.title
        assert page.body.raw_data[0]["value"] == starting_body(statutory)[0][1]
