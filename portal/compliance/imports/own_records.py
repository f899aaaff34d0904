"""No import changes the standing of the person who applies it, as no other way in lets a person change their own
(pausing their requirement, verifying their certificate, voiding their evidence): a completions file may not record
their completion, a roster may not move their start date or team. Each kind says which of its rows are someone's own
record (`Importer.own_refuse`); this says whose record counts as own at each step, and how a refusal reads.

Whose: on the dry run, whoever looks at it (they may be about to apply it); at the apply, whoever asked for it, checked
when they ask and again in the task worker (the roster may have changed meanwhile); for rows the API sent, which no
person applies, the HR officer who made the client and whoever was last shown its token, either of whom may send
anything through it. The command line applies as no one: its operator may have no account, so nothing is theirs."""

from portal.people.hr_roles import hr_colleague_can_sign_in

from ..models import ImportBatch

# The options the API keeps on its batches: the user who made the client sending the rows, and the user last shown its
# token (who rotated it since; the maker until then). The plans of every kind ignore them.
CLIENT_MADE_BY = "client_made_by"
CLIENT_SHOWN_TO = "client_shown_to"
# Who a row is refused to, each kind's refusal worded for them: the person looking at the dry run or asking to apply
# ("your own record"), the person who asked to apply it (the worker's words, which anyone in HR may read), a client's
# maker, and whoever was last shown its token.
VIEWER, APPLIER, CLIENTS_MAKER, TOKEN_HOLDER = "viewer", "applier", "client's maker", "token holder"
# A refusal names this many lines at most, then how many more.
LINES_NAMED = 10
# How each kind's refusal ends: whom to ask ("... to import it."). To the only member of HR who can sign in, who has
# no colleague to ask, the same refusal says the way out instead (`_worded_for_the_only_one`).
ASK_ANOTHER = "Ask another member of HR to "
# How the refusal of a row that is the own record of a client's maker or token holder ends: no one may apply it from
# what the client sent, by the API or by hand from its page, so asking another member of HR to apply that would be
# asking for what they will be refused. "{}" is the kind's verb ("import").
FROM_THEIR_OWN_FILE = "Another member of HR can {} it from a file they upload themselves."
THE_ONLY_ONE = (
    "You are the only member of HR who can sign in, so it waits until someone else can: give a colleague the HR role "
    "on the HR roles page and ask them to "
)


class OwnRecordRefused(ValueError):
    """Applying the file would change the standing of the person who asked for it."""


def clients_holders(options: dict) -> list[tuple[int, str]]:
    """(user id, who) for the people shown the token of the API client that sent a batch (`options`, kept on it)."""
    maker, holder = options.get(CLIENT_MADE_BY), options.get(CLIENT_SHOWN_TO)
    refused = [(maker, CLIENTS_MAKER)] if maker else []
    if holder and holder != maker:
        refused.append((holder, TOKEN_HOLDER))
    return refused


def whose_own_record(batch: ImportBatch) -> list[tuple[int, str]]:
    """(user id, who) for the users whose own record applying `batch` may not change: the person who asked to apply
    it, and for a batch the API sent, its client's maker and token holder, whoever applies it (the API, or HR by hand
    from its page, which shows their rows rejected). The command line applies as no one, so refuses nothing of its
    own."""
    applier = [(batch.applied_by_id, APPLIER)] if batch.applied_by_id is not None else []
    return applier + clients_holders(batch.summary.get("options", {}))


def own_record_refusal(lines: list[int], reason: str) -> str:
    """Why a file is not applied, naming its lines that are someone's own record: "Not applied. Line 4: <reason>",
    or "Lines 4, 9 and 12: ..." (the first LINES_NAMED, then how many more), as the dry run lists them by line."""
    named = [str(line) for line in lines[:LINES_NAMED]]
    if len(lines) > LINES_NAMED:
        named.append(f"{len(lines) - LINES_NAMED} more")
    where = f"Line {named[0]}" if len(named) == 1 else f"Lines {', '.join(named[:-1])} and {named[-1]}"
    return f"Not applied. {where}: {reason}"


def own_records_refuse(importer, plan, whose: list[tuple[int, str]]) -> str:
    """Reject the rows of `plan` that are the own record of each (user id, who) in `whose`, through the kind's
    `own_refuse` (in place: like any rejected row, one stops the whole file). Returns why the file may not be applied,
    naming the lines of the first of them who has any ("Not applied. Line 4: ..."), or "" when none has."""
    refusal = ""
    for user_id, who in whose:
        refused = importer.own_refuse(plan, user_id, who) if importer.own_refuse is not None and user_id else []
        if refused and who == VIEWER and not hr_colleague_can_sign_in(user_id):
            refused = _worded_for_the_only_one(plan, refused)
        if refused and not refusal:
            by_reason: dict[str, list[int]] = {}
            for line, reason in refused:
                by_reason.setdefault(reason, []).append(line)
            refusal = " ".join(own_record_refusal(sorted(lines), reason) for reason, lines in by_reason.items())
    return refusal


def _worded_for_the_only_one(plan, refused: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """`refused`, and the rows of `plan` it rejected, telling the person looking, the only member of HR who can sign
    in, the way out (`THE_ONLY_ONE`) rather than to ask a colleague who does not exist. Asked only once a row is
    refused, so a dry run with none of the viewer's rows reads nothing more."""
    worded = {(line, reason): (line, reason.replace(ASK_ANOTHER, THE_ONLY_ONE)) for line, reason in refused}
    plan.rejected = [worded.get(row, row) for row in plan.rejected]
    return [worded[row] for row in refused]
