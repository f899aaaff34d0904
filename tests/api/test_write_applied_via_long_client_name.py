"""A batch an API client sent names the client as the audit log does, whole: a client's name may be 100 characters,
and "API client <name> (#<id>)" was cut to 100 on the batch."""

from portal.api.clients import api_client_create
from portal.api.models import ApiClient
from portal.audit.models import AuditEvent
from portal.compliance.models import ImportBatch

from .conftest import completion


def test_a_client_with_the_longest_name_is_named_whole_on_its_batch(api, org):
    client, token = api_client_create(
        name="Electronic Staff Record nightly completions feed, " + "x" * 50,
        scopes=[ApiClient.WRITE_COMPLETIONS],
        team=None,
        user=org["people"]["hr"].user,
    )
    assert len(client.name) == 100
    body = {"completions": [completion(org["people"]["sam"])]}
    response = api("post", "/api/v1/completions", body=body, key="long-name", token=token)
    assert response.status_code == 202, response.content
    assert ImportBatch.objects.get().applied_via == client.audit_name
    assert AuditEvent.objects.filter(action=AuditEvent.IMPORT, actor_name=client.audit_name).exists()
