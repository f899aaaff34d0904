"""What a requirement's edit page carries of the requirement as it was opened (`saved_as`, 0b910ee), at HR's page and
the CMS's, beyond the stale saves test_requirement_edited_at_two_doors.py refuses: the person's own second try after
a mistake on the page saves; a save that changed nothing does not stop a page opened before it; a value the portal
did not give (a forged or garbled hidden field) is refused with the reason shown, and changes nothing."""

from wagtail.test.utils.form_data import querydict_from_html

from tests.compliance import test_requirement_edited_at_two_doors as two_doors
from tests.compliance.test_requirement_edited_at_two_doors import REFUSED, cms_form, cms_url, hr_form, hr_url, words
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends

fire, hr = two_doors.fire, two_doors.hr


def test_hrs_page_shown_again_after_a_mistake_saves_when_corrected(hr, fire):
    opened = hr_form(hr, fire)
    opened["renewal_months"] = "twelve"
    shown_again = hr.post(hr_url(fire), opened)
    assert shown_again.status_code == 400 and REFUSED not in words(shown_again)
    corrected = querydict_from_html(shown_again.content.decode(), form_id="requirement-form")
    corrected["renewal_months"] = "12"
    assert hr.post(hr_url(fire), corrected).status_code == 302
    fire.refresh_from_db()
    assert fire.renewal_months == 12


def test_the_cms_page_shown_again_after_a_mistake_saves_when_corrected(cms, fire):
    opened = cms_form(cms, fire)
    opened["name"] = ""
    shown_again = cms.post(cms_url(fire), opened)
    assert shown_again.status_code == 200 and REFUSED not in words(shown_again)
    corrected = _as_the_browser_sends(shown_again.content.decode())
    corrected["name"] = "Fire safety"
    assert cms.post(cms_url(fire), corrected).status_code == 302
    fire.refresh_from_db()
    assert fire.name == "Fire safety"


def test_a_save_that_changed_nothing_does_not_stop_a_page_opened_before_it(cms, hr, fire):
    opened = hr_form(hr, fire)
    assert cms.post(cms_url(fire), cms_form(cms, fire)).status_code == 302  # saved as it was
    assert hr.post(hr_url(fire), hr_form(hr, fire)).status_code == 302  # and again, at HR's page
    opened["name"] = "Fire safety"
    assert hr.post(hr_url(fire), opened).status_code == 302
    fire.refresh_from_db()
    assert fire.name == "Fire safety"


def test_a_value_the_portal_did_not_give_is_refused_with_the_reason(hr, cms, fire):
    for forged in ("0" * 64, "a\x00b", "x" * 10_000):
        opened = hr_form(hr, fire)
        opened["saved_as"], opened["name"] = forged, "Fire safety"
        refused = hr.post(hr_url(fire), opened)
        assert refused.status_code == 400 and REFUSED in words(refused), repr(forged[:10])
        in_cms = cms_form(cms, fire)
        in_cms["saved_as"], in_cms["name"] = forged, "Fire safety"
        assert REFUSED in words(cms.post(cms_url(fire), in_cms)), repr(forged[:10])
    fire.refresh_from_db()
    assert fire.name == "Fire safty"
