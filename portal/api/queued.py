"""A client's import checked again when the task worker applies it (compliance.imports.senders calls this): the
request was checked when it came, but the file may wait for the worker, and meanwhile HR may have revoked the client
(its token may be in the wrong hands), the HR officer given its token may have left HR (the API refuses the token from
then on), or the people in its rows may have moved out of its teams (its row would move them back). Either way the
import is refused, changing nothing, and the batch's error says why."""

import csv
import io

from django.utils import timezone

from portal.compliance.models import ImportBatch
from portal.lib import uploads
from portal.lib.csvfiles import number_value

from .models import ApiClient
from .problems import Problem

NAMED = 5  # the rows a refusal names, then how many more


def client_batch_refusal(client_id: int, batch: ImportBatch) -> str:
    """Why the client `client_id` may no longer apply `batch`, which it sent ("Not applied: ..."), or "". A client
    limited to a team is held to its teams as they are now, by the same check its request passed, on the rows read
    back from the kept file (the columns `writes` wrote)."""
    client = ApiClient.objects.with_holder().select_related("team").filter(pk=client_id).first()
    if client is None:
        return f"Not applied: the API client #{client_id} that sent this import no longer exists. Nothing was changed."
    if client.is_revoked:
        revoked = timezone.localtime(client.revoked_at)
        return (
            f"Not applied: the API client {client.name!r} was revoked on {revoked:%Y-%m-%d} at {revoked:%H:%M}, "
            "before this import was applied. Nothing was changed."
        )
    if client.holder_lapsed:
        holder = client.token_shown_to.display_name
        return (
            f"Not applied: {holder}, the HR officer given the API client {client.name!r}'s token, no longer signs in, "
            "has left the organisation or is no longer in HR, so the API refuses the token until HR rotates it. "
            "Nothing was changed."
        )
    if client.team is None:
        return ""
    # Imported here, not at the top: ApiConfig.ready imports this module in every process (a command, the worker,
    # the web server), and the request's checks bring in the API's whole framework (0.6 s of each start).
    from .writes import ROSTER_COLUMNS, _check_people_in_scope, _check_roster_in_scope
    from .writes_schemas import PersonIn

    rows = list(csv.DictReader(io.StringIO(uploads.load_named(batch.stored_name, batch.sha256).decode(), newline="")))
    try:
        if batch.kind == ImportBatch.COMPLETIONS:
            # Each number as the import reads it (number_value), as the request was checked: a cell written as a text
            # formula (writes._as_written) is read as what it gives
            numbers = [number_value(row["Assignment Number"]) or number_value(row["Employee Number"]) for row in rows]
            _check_people_in_scope(client, numbers)
        else:
            fields = {label: field for field, label in ROSTER_COLUMNS}
            people = [PersonIn.model_validate({fields[label]: cell for label, cell in row.items()}) for row in rows]
            _check_roster_in_scope(client, people)
    except Problem as problem:
        found = [e["message"] for e in problem.errors]
        more = f"; and {len(found) - NAMED} more" if len(found) > NAMED else ""
        return (
            f"Not applied: the API client {client.name!r} is limited to {client.team.name} and the teams below it, "
            f"and as the roster is now, {len(found)} of its rows {'is' if len(found) == 1 else 'are'} not its to "
            f"send: {'; '.join(found[:NAMED])}{more}. Nothing was changed."
        )
    return ""
