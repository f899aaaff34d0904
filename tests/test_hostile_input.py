"""Hostile input to every page of the portal, as everyone: no answer may be a server error.

Every named URL of our code (found by walking the URLconf, as tests/test_url_permissions.py does) has a row in INPUTS
naming the query parameters it reads and the fields its forms post; a new URL fails the test until it has one, and a
form field found on a rendered page but missing from its row fails it too. Each persona (anonymous, staff, a manager,
HR) then sends every hostile value to every parameter and field, hostile path segments, hostile files to every upload,
and raw bytes that are not UTF-8 in query strings and bodies. Each request runs in a savepoint rolled back afterwards,
so one request cannot change what the next one sees.

An import whose dry run says it can be applied is applied, and must then be recorded.
"""

import time
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from modules.models import ModulePage
from portal.compliance.imports.services import import_batch_create, import_batch_plan
from portal.compliance.models import CompetenceMapping, ImportBatch
from portal.people.models import Team
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories, test_url_permissions
from tests.test_url_permissions import TABLE, _our_named_urls

world = test_url_permissions.world  # the fixture: every kind of record, and a person of each kind

HOSTILE = {
    "NUL": "Sam\x00Person",
    "10,000 characters": "x" * 10_000,
    "not a number": "abc",
    "too big a number": "9" * 30,
    "negative": "-1",
    "right-to-left override": "\u202egpj.exe",
    "line break": "a\r\nb",
    "impossible date": "2026-02-30",
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
}
NOT_UTF8 = "%FF%FE%C3%28"  # percent-encoded bytes that do not decode as UTF-8
SHORT = ("NUL", "10,000 characters", "right-to-left override")
# For the cells of an import file: text columns get text, date columns dates.
TEXT_VALUES = ("NUL", "10,000 characters", "right-to-left override", "line break")
DATE_VALUES = ("NUL", "impossible date", "year 1", "year 9999")
# The day a report is as at: the date boxes, or `as_at=YYYY-MM-DD` from a link.
AS_AT = ("as_at", "as_at_day", "as_at_month", "as_at_year", "team")
PAUSE_DAYS = tuple(f"{day}_{part}" for day in ("first_day", "last_day") for part in ("day", "month", "year"))
OK, FOUND = 200, 302

REQUIREMENT_FIELDS = (
    "name",
    "kind",
    "page",
    "renewal_months",
    "new_starter_days",
    "introduced_on",
    "reminder_days",
    "audience",
    "staff_groups",
    "teams",
    "job_title_patterns",
    "level_family",
    "level",
    "saved_as",  # the requirement as saved when the edit page was opened
)
# URL name -> (query parameters it reads, fields its forms post, file fields). "q*" stands for the quiz's questions.
INPUTS = {
    # Doors that lead to allauth's sign-in (they read only where to go next)
    "cms_sign_in": (("next",), ("username", "password", "next"), ()),
    "page_sign_in": (("next",), ("username", "password", "next"), ()),
    # Wagtail's password on a page, limited and audited (portal.accounts.page_password)
    "page_password": ((), ("password", "return_url"), ()),
    "document_password": ((), ("password", "return_url"), ()),
    "cms_password_reset": ((), ("email",), ()),
    "account_email": ((), ("email", "action_add", "action_primary", "action_remove"), ()),
    "mfa_activate_totp": (("next",), ("code", "next"), ()),
    "mfa_view_recovery_codes": (("next",), (), ()),
    "account_set_password": (("next",), ("password1", "password2", "next"), ()),
    "accessibility_statement": ((), (), ()),
    "privacy": ((), (), ()),
    "cookies": ((), (), ()),
    "reports:verify": ((), (), ()),
    "reports:my_training": ((), (), ()),
    "session_keep": ((), (), ()),
    "modules:index": ((), (), ()),
    "attestation:list": ((), (), ()),
    "attestation:attest": ((), ("confirm", "snapshot"), ()),
    "certificates:mine": ((), (), ()),
    "certificates:upload": (
        ("requirement", "completed_on"),
        ("requirement", "completed_on_day", "completed_on_month", "completed_on_year"),
        ("file",),
    ),
    "modules:scenario_choose": ((), ("option", "shown", "answered"), ()),
    "modules:quiz_start": ((), (), ()),
    "modules:attempt": ((), ("q*",), ()),
    "modules:attempt_result": ((), (), ()),
    "attestation:done": ((), (), ()),
    "certificates:file": ((), (), ()),
    "reports:certificate_pdf": ((), (), ()),
    "reports:team": ((*AS_AT, "requirement", "state", "basis"), (), ()),
    "reports:find": (("q",), (), ()),
    "reports:team_person": ((*AS_AT, "basis"), (), ()),
    "reports:team_remind": ((), ("team", "staff", "next"), ()),
    "exports:csv": ((*AS_AT, "basis"), (), ()),
    "exports:xlsx": ((*AS_AT, "basis"), (), ()),
    "exports:pack_new": ((*AS_AT, "basis"), (*AS_AT, "basis"), ()),
    "exports:pack_detail": ((), (), ()),
    "exports:pack_status": ((), (), ()),
    "exports:pack_again": ((), (), ()),
    "exports:pack_pdf": ((), (), ()),
    "exports:pack_csv": ((), (), ()),
    "hr_reports:organisation": (("requirement", "staff_group", *AS_AT, "basis"), (), ()),
    "hr_reports:trend": (("requirement", "basis"), (), ()),
    "hr_reports:lists": ((), (), ()),
    "hr_reports:list_csv": ((), (), ()),
    "hr_reports:audit_log": (("page",), (), ()),
    "certificates:queue": ((), (), ()),
    "certificates:decide": ((), ("decision", "reason"), ()),
    "imports:index": ((), (), ()),
    "imports:upload": ((), ("sheet", "strict"), ("file",)),
    "imports:planned_csv": ((), (), ()),
    "imports:batch": ((), (), ()),
    "imports:map": ((), ("competence", "requirement"), ()),
    "imports:apply": ((), ("confirm_identity_changes", "dry_run"), ()),
    "imports:send_again": ((), (), ()),
    "corrections:void": ((), ("reason",), ()),
    "pauses:list": ((), (), ()),
    "pauses:add": ((), ("requirement", "reason", "other", *PAUSE_DAYS), ()),
    "pauses:change": ((), ("reason", "other", *PAUSE_DAYS), ()),
    "pauses:withdraw": ((), ("why",), ()),
    "requirements:list": ((), (), ()),
    "requirements:add": ((), REQUIREMENT_FIELDS, ()),
    "requirements:edit": ((), REQUIREMENT_FIELDS, ()),
    "requirements:retire": ((), ("reason",), ()),
    "requirements:reinstate": ((), (), ()),
    "requirements:rounds": ((), (), ()),
    "requirements:round_withdraw": ((), ("reason",), ()),
    "organisation:teams": ((), (), ()),
    "organisation:team": ((), (), ()),
    "organisation:team_add": (("parent",), ("name", "code", "kind", "parent"), ()),
    "organisation:team_rename": ((), ("name", "code"), ()),
    "organisation:team_move": ((), ("parent",), ()),
    "organisation:team_close": ((), ("closed_on_day", "closed_on_month", "closed_on_year"), ()),
    "organisation:manager_add": (
        (),
        ("employee_number", "started_on_day", "started_on_month", "started_on_year", "reason"),
        (),
    ),
    "organisation:manager_end": ((), ("ended_on_day", "ended_on_month", "ended_on_year", "reason"), ()),
    "hr_roles:list": ((), ("employee_number", "reason"), ()),
    "hr_roles:remove": ((), ("reason",), ()),
    "modules_review_list": ((), (), ()),
    "modules_review_confirm": ((), (), ()),
    # The Wagtail admin API's pages endpoint (CMS editors only; modules.admin_api): its query parameters, and the JSON
    # the portal's own actions read (create_alias, revert_to_page_revision; delete reads none)
    "wagtailadmin_api:pages:listing": (
        (
            *("limit", "offset", "fields", "type", "order", "search", "search_operator", "locale"),
            *("child_of", "ancestor_of", "descendant_of", "translation_of", "for_explorer", "has_children"),
            "include_root",
        ),
        (),
        (),
    ),
    "wagtailadmin_api:pages:detail": (("fields",), (), ()),
    "wagtailadmin_api:pages:find": (("html_path",), (), ()),
    "wagtailadmin_api:pages:action": ((), ("destination_page_id", "recursive", "update_slug", "revision_id"), ()),
    "wagtailusers_groups:add": ((), ("name", "permissions"), ()),
    "wagtailusers_groups:edit": ((), ("name", "permissions"), ()),
    "wagtailusers_groups:delete": ((), (), ()),
    "wagtailusers_users:add": ((), ("email", "first_name", "last_name", "is_superuser", "groups"), ()),
    "cms_site_copy": ((), (), ()),
    "cms_page_privacy": ((), ("restriction_type", "password", "groups"), ()),
    "reports:verify_start": (("code",), (), ()),
    "api_clients:list": ((), ("name", "scopes", "team"), ()),
    "api_clients:detail": ((), (), ()),
    "api_clients:rotate": ((), (), ()),
    "api_clients:revoke": ((), ("reason",), ()),
    # The API, without a token (every answer a problem document); tests/api/test_hostile_api.py sends hostile JSON
    # with one.
    "api:api-root": ((), (), ()),
    "api:docs": ((), (), ()),
    "api:openapi-json": ((), (), ()),
    "api:person_standing": (("as_at",), (), ()),
    "api:team_standing": (("as_at",), (), ()),
    "api:organisation_figures": (("team", "as_at"), (), ()),
    "api:ledger_entries": (("after", "limit"), (), ()),
    "api:completions_send": ((), ("completions", "dry_run", "strict"), ()),
    "api:roster_send": ((), ("people", "dry_run", "confirm_identity_changes"), ()),
    "api:import_status": ((), (), ()),
}
# The CMS's snippet views (our viewsets, Wagtail's forms and views): only CMS editors reach them, and none of the
# personas here is one, so each is sent one hostile request and must refuse it cleanly.
WAGTAIL_FORMS = "wagtailsnippets_"
# Read by every page that shows a list or a date, and harmless elsewhere: sent to every GET.
EVERY_PAGE = ("as_at", "team", "page", "next", "unanswered")
IMPORTS = ("imports:upload",)

ROSTER_HEADER = (
    "Employee Number,Assignment Number,First Name,Last Name,Work Email,Job Title,Staff Group,Org Code,"
    "Line Manager Employee Number,Start Date,Leave Date,Employment Type"
)
COMPLETIONS_HEADER = "Employee Number,Competence Name,Achievement Date,Expiry Date"


class _Forms(HTMLParser):
    """The forms of a page: (action, method, field names)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", (attrs.get("method") or "get").lower(), set()))
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1][2].add(attrs["name"])


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name if match.view_name in INPUTS else None


@pytest.fixture
def hostile_world(world):
    """The permissions test's world, plus an attempt of each signed-in persona's own (so that their answers reach
    the quiz form), a course mapping for the completions files, a completions file waiting for a mapping, and the
    pages Wagtail serves."""
    module = ModulePage.objects.get(pk=world["args"]["module"])
    own = {
        persona: {"attempt": attempt_start(user=staff.user, quiz=module.quiz, page=module).pk}
        for persona, staff in world["clients"].items()
    }
    CompetenceMapping.objects.create(
        competence_name="Safeguarding Adults", requirement=factories.make_requirement(name="Safeguarding Adults")
    )
    world["own"] = own
    # A completions file whose course is not mapped yet, so that its page shows the form to map it.
    unmapped = f"{COMPLETIONS_HEADER}\r\n{world['clients']['staff'].employee_number},Fire Safety,2025-06-01,\r\n"
    hr = world["clients"]["hr"].user
    world["args"]["completion_batch"] = import_batch_create(
        kind="completions", data=unmapped.encode(), filename="c.csv", user=hr
    )[0].pk
    world["pages"] = [module.url, module.get_parent().url, module.policy.url, module.get_parent().get_parent().url]
    world["reached"] = set()
    world["comms"] = Team.objects.get(name="Communications")
    world["roster_numbers"] = iter(range(900_000, 999_999))
    return world


def _roster_files(world):
    """A roster file per (column, hostile value): a good row with that one column made hostile."""
    code = world["comms"].code
    for column in range(12):
        for label in DATE_VALUES if column in (9, 10) else TEXT_VALUES:
            value = HOSTILE[label]
            n = next(world["roster_numbers"])
            cells = [
                f"H{n}",
                f"H{n}",
                "Robin",
                "Hostile",
                f"robin.{n}@example.nhs.uk",
                "Officer",
                "Administrative and Clerical",
                code,
                "",
                "2024-01-08",
                "",
                "Permanent",
            ]
            cells[column] = value
            row = ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)
            yield f"roster column {column} {label}", f"{ROSTER_HEADER}\r\n{row}\r\n".encode()


def _completions_files(world):
    number = world["clients"]["staff"].employee_number
    for column in range(4):
        for label in DATE_VALUES if column in (2, 3) else TEXT_VALUES:
            value = HOSTILE[label]
            cells = [number, "Safeguarding Adults", "2025-06-01", "2028-06-01"]
            cells[column] = value
            row = ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)
            yield f"completions column {column} {label}", f"{COMPLETIONS_HEADER}\r\n{row}\r\n".encode()


RAW_FILES = {
    "NUL bytes": b"Employee Number,Competence Name\x00,Achievement Date\r\n\x00\x00,\x00,\x00\r\n",
    "broken UTF-8": b"Employee Number,Competence Name,Achievement Date\r\n\xff\xfe\xc3\x28,\xc0\xaf,2025-01-01\r\n",
    "binary": bytes(range(256)) * 4,
    "one long line": b"x" * 100_000,
    "unclosed quote": b'Employee Number,First Name\r\n"E1,Ann\r\n',
}
HOSTILE_NAMES = ("file\x00.csv", "\u202evsc.csv", "x" * 300 + ".csv", "../../etc/passwd.csv", ".csv")


def _args(world, persona, keys):
    own = world["own"].get(persona, {})
    return [own.get(key, world["args"][key]) for key in keys]


def _path_variants(name, args):
    """The real path, then each argument replaced by a hostile one its converter lets through."""
    yield reverse(name, args=args)
    for index, value in enumerate(args):
        for hostile in (10**17, 10**20) if isinstance(value, int) else ("\x00", "x" * 10_000, "\u202e", "%FF"):
            changed = list(args)
            changed[index] = hostile
            try:
                yield reverse(name, args=changed)
            except NoReverseMatch:  # a value this converter refuses is not a URL at all
                continue


def _roll_back_to(savepoint):
    """Undo the request, even one whose database error has left the transaction unusable (PostgreSQL)."""
    transaction.set_rollback(False)
    transaction.savepoint_rollback(savepoint)


class Walk:
    def __init__(self, client):
        self.client = client
        self.errors = []
        self.requests = 0
        self.forms = []

    def send(self, what, method, path, **kwargs):
        """One request in a savepoint that is always rolled back. Returns the response."""
        savepoint = transaction.savepoint()
        self.requests += 1
        try:
            response = getattr(self.client, method)(path, **kwargs)
            if response.status_code >= 500:
                self.errors.append(f"{response.status_code} {method.upper()} {path[:120]!r} {what}")
            if method == "get" and response.status_code == 200 and "html" in response.get("Content-Type", ""):
                parser = _Forms()
                parser.feed(response.content.decode())
                self.forms.extend((action or path, method, names) for action, method, names in parser.forms)
            return response
        finally:
            _roll_back_to(savepoint)

    def upload_and_apply(self, what, kind, data, filename="file.csv"):
        """Upload a file; if its dry run says it can be applied, apply it and check it was recorded."""
        savepoint = transaction.savepoint()
        self.requests += 1
        try:
            file = SimpleUploadedFile(filename, data, content_type="text/csv")
            response = self.client.post(reverse("imports:upload", args=[kind]), {"file": file})
            if response.status_code >= 500:
                self.errors.append(f"{response.status_code} upload {kind} {what}")
                return
            batch = ImportBatch.objects.order_by("-pk").first()
            if response.status_code != 302 or batch is None or not import_batch_plan(batch).can_apply:
                return
            self.requests += 1
            response = self.client.post(reverse("imports:apply", args=[batch.pk]))
            batch.refresh_from_db()
            if response.status_code >= 500 or batch.applied_at is None:
                self.errors.append(f"{response.status_code} apply {kind} {what}: the dry run said it could")
        finally:
            _roll_back_to(savepoint)


def _post_data(fields, value, questions):
    data = {}
    for field in fields:
        for name in questions if field == "q*" else [field]:
            data[name] = value
    return data


def _reaches_the_view(world, persona, name, keys) -> bool:
    """Whether this persona's request gets past sign-in and permission checks to the code that reads its input."""
    if persona == "anonymous":
        return getattr(resolve(reverse(name, args=_args(world, persona, keys))).func, "login_required", True) is False
    _, _, expected = TABLE[name]
    return expected.get(persona) in (OK, FOUND) or any(key in world["own"][persona] for key in keys)


def _walk_one_persona(world, persona, walk):
    """Hostile paths, query strings and form fields to every URL this persona may reach; one request with NUL to each
    it may not (the refusal must be clean too). Hostile files go to each upload once; imports have their own walk
    (below), which applies what the dry run accepts."""
    questions = []
    if persona != "anonymous":
        attempt = Attempt.objects.get(pk=world["own"][persona]["attempt"])
        questions = [f"q{question.id}" for question in attempt.frozen_questions()]
    send = walk.send
    for name, (method, keys, _) in TABLE.items():
        if name not in INPUTS and not name.startswith(WAGTAIL_FORMS):
            continue  # test_every_url_of_the_portal_says_what_input_it_takes names it
        query, fields, files = INPUTS.get(name, ((), (), ()))
        args = _args(world, persona, keys)
        path = reverse(name, args=args)
        if not _reaches_the_view(world, persona, name, keys):
            send("NUL", method.lower(), path, data=_post_data({*query, *fields}, "\x00", questions))
            continue
        # The first persona to reach a view sends it everything; the others (the same code, other records and scopes)
        # a short battery. So does a page that reads no query parameter of its own.
        first = name not in world["reached"]
        world["reached"].add(name)
        if first:
            for variant in _path_variants(name, args):
                send("hostile path", method.lower(), variant)
        short = {key: HOSTILE[key] for key in SHORT}
        for label, value in (HOSTILE if query and first else short).items():
            send(label, "get", path, data=dict.fromkeys({*query, *EVERY_PAGE}, value))
        params = "&".join(f"{key}={NOT_UTF8}" for key in sorted({*query, *EVERY_PAGE}))
        send("not UTF-8", "get", f"{path}?{params}")
        if fields:
            for label, value in (HOSTILE if first else short).items():
                send(label, "post", path, data=_post_data(fields, value, questions))
            body = "&".join(f"{quote(key)}={NOT_UTF8}" for key in _post_data(fields, "", questions))
            send("not UTF-8", "post", path, data=body, content_type="application/x-www-form-urlencoded")
        if files and first and name not in IMPORTS:
            _send_files(send, path, fields, files)
    if persona == "staff":
        # Pages Wagtail serves (no URL name): the module page reads ?unanswered= after a scenario with no choice.
        for page in world["pages"]:
            if send("", "get", page).status_code != 200:
                walk.errors.append(f"{page} does not open, so hostile values to it prove nothing")
            for label, value in HOSTILE.items():
                send(label, "get", page, data=dict.fromkeys(EVERY_PAGE, value))


def _send_files(send, path, fields, files):
    for file_field in files:
        for label, content in {**RAW_FILES, "PDF then overrides": b"%PDF-1.4" + "\u202e".encode() * 1000}.items():
            upload = SimpleUploadedFile("certificate.pdf", content)
            send(label, "post", path, data={**_post_data(fields, "1", []), file_field: upload})
        for filename in HOSTILE_NAMES:
            upload = SimpleUploadedFile(filename, b"%PDF-1.4 hostile name")
            send(f"file name {filename[:20]!r}", "post", path, data={file_field: upload})


def _walk_imports(world, walk):
    for what, data in _roster_files(world):
        walk.upload_and_apply(what, "roster", data)
    for what, data in _completions_files(world):
        walk.upload_and_apply(what, "completions", data)
    for kind in ("roster", "completions"):
        for what, data in RAW_FILES.items():
            walk.upload_and_apply(what, kind, data)
        for filename in HOSTILE_NAMES:
            walk.upload_and_apply(f"file name {filename[:20]!r}", kind, b"Employee Number\r\n", filename=filename)


def _is_question(field: str, fields) -> bool:
    return "q*" in fields and field[:1] == "q" and field[1:].isdigit()


def test_every_url_of_the_portal_says_what_input_it_takes():
    found = {name for name in _our_named_urls() if not name.startswith(WAGTAIL_FORMS)}
    assert found - set(INPUTS) == set(), "new URLs: name the query parameters and form fields they read in INPUTS"
    assert set(INPUTS) - found == set(), "URLs in INPUTS that no longer exist"


def test_no_hostile_input_gets_a_server_error(hostile_world):
    started = time.monotonic()
    walks = {}
    for persona in ("anonymous", "staff", "manager", "hr"):
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            factories.sign_in(client, hostile_world["clients"][persona].user)
        walks[persona] = walk = Walk(client)
        _walk_one_persona(hostile_world, persona, walk)
    _walk_imports(hostile_world, walks["hr"])
    errors = [f"{persona}: {error}" for persona, walk in walks.items() for error in walk.errors]
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors)
    undeclared = set()
    for action, _, names in (form for walk in walks.values() for form in walk.forms):
        name = _url_name(action)
        if name is None:
            continue
        query, fields, files = INPUTS[name]
        declared = {*query, *fields, *files, "csrfmiddlewaretoken"}
        undeclared |= {(name, field) for field in names if field not in declared and not _is_question(field, fields)}
    assert undeclared == set(), "form fields on the pages that INPUTS does not send hostile values to"
    print(f"{sum(w.requests for w in walks.values())} requests in {time.monotonic() - started:.1f}s")
