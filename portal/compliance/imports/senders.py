"""A batch the API sent names its client in its options, and the API checks that client again when the task worker
applies it: a request is checked when it comes, but the file may wait for the worker, and meanwhile HR may have
revoked the client (its token may be in the wrong hands), or the people in its rows may have left its teams. This app
may not import the API (the layers point down), so the API registers its check here, in its AppConfig.ready."""

from collections.abc import Callable

from ..models import ImportBatch

# The option the API keeps on its batches: the id of the client that sent the rows. The plans of every kind ignore it.
SENT_BY_CLIENT = "client"

# (client id, batch) -> why the client may no longer apply the batch ("Not applied: ..."), or "" if it may
ClientCheck = Callable[[int, ImportBatch], str]
_client_check: list[ClientCheck] = []


def client_check_register(check: ClientCheck) -> None:
    """The API's check of a client's batch at the apply (called once, from its AppConfig.ready)."""
    _client_check[:] = [check]


def sender_refusal(batch: ImportBatch) -> str:
    """Why the client that sent `batch` may no longer apply it, or "" (and for a batch no client sent). A batch naming
    a client is refused while no check is registered: unchecked, it would apply whatever became of the client."""
    client_id = batch.summary.get("options", {}).get(SENT_BY_CLIENT)
    if not client_id:
        return ""
    if not _client_check:
        return "Not applied: nothing can check the API client that sent this import now. Nothing was changed."
    return _client_check[0](client_id, batch)
