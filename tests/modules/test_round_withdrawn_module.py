"""A round that reopened a module, withdrawn by HR: the module reads "Completed" again on its page, in the list of
modules and on My training (module progress reads only the rounds in force), and the person's status row agrees."""

import pytest
from django.utils import timezone

from portal.compliance import status
from portal.compliance.models import ReattestationRound, RequirementStatus
from portal.compliance.services import reattestation_round_withdraw
from tests import factories
from tests.modules.test_module_due_again import _complete, _module_list, _module_page, _require
from tests.modules.test_module_state_agrees import my_training_says
from tests.modules.test_reopen_modules import _publish_v2


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person)


def test_a_withdrawn_module_round_asks_for_the_module_no_more(
    person, person_client, staff, policy, module_page, monkeypatch
):
    requirement = _require(module_page, staff, renewal_months=None)
    _complete(person_client, person, module_page, 30, monkeypatch)
    _publish_v2(policy, reopen=True, section="9")[1].publish()  # the module teaches 6.2 and 9
    assert _module_page(person_client, module_page)[0] == "Due soon"

    round_ = ReattestationRound.objects.get(requirement=requirement)
    reattestation_round_withdraw(round_=round_, reason="Section 9 was a wording fix", user=factories.make_user())

    assert _module_page(person_client, module_page)[0] == "Completed"
    assert _module_list(person_client, module_page) == "Completed"
    assert my_training_says(person_client, "Social media module") == "Compliant"
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    assert (row.state(timezone.localdate()), row.renew_from, row.due_on) == (status.COMPLIANT, None, None)
