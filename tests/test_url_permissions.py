"""Every named URL of the portal, found by walking the URLconf, asked for by six people: anonymous, a member of
staff, a manager of another team, HR, and two whose session stopped at the password (an HR officer and a CMS
editor, each with an authenticator app they did not use). Each answer is checked against the table below, and a URL
with no row in the table fails the test: a new page cannot be added without deciding who may reach it. The two
password-only people act exactly as plain staff, except that their role's own pages ask for the code.

The records asked for (a certificate, an attempt, an evidence entry, a pack, an import) belong to Sam, a member of
the Communications team, or to HR; "staff" is someone else in Communications, "manager" manages Finance.
"""

import datetime
import hashlib

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from modules.models import ContentPage, ReviewFlag
from modules.statutory_pages import statutory_pages_create
from portal.accounts.mfa import PRIVILEGED_PREFIXES
from portal.api.clients import api_client_create
from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import Certificate, CompetenceMapping, EvidenceEntry
from portal.compliance.pauses import pause_add
from portal.compliance.projection import refresh
from portal.compliance.services import reattestation_round_open
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from portal.reports.certificates import verification_code_for
from portal.reports.models import EvidencePack
from portal.reports.packs import pack_build
from quizzes.services import attempt_start
from tests import factories

OUR_CODE = ("portal.", "modules.", "quizzes.")
PERSONAS = ("anonymous", "staff", "manager", "hr", "hr_password_only", "editor_password_only")
PASSWORD_ONLY = {"hr_password_only", "editor_password_only"}
LOGIN = "login"  # a redirect to the sign-in page
CODE = "code"  # a redirect to enter the code from the authenticator app
OK, MOVED, FOUND, FORBIDDEN, MISSING = 200, 301, 302, 403, 404
NO_TOKEN = dict.fromkeys(("anonymous", "staff", "manager", "hr"), 401)

# name -> (method, the arguments' keys in the world, {persona: expected}). Keys missing from the dict: see DEFAULTS.
TABLE = {
    # Public
    "accessibility_statement": ("GET", (), {"anonymous": OK, "staff": OK, "manager": OK, "hr": OK}),
    "privacy": ("GET", (), {"anonymous": OK, "staff": OK, "manager": OK, "hr": OK}),
    "cookies": ("GET", (), {"anonymous": OK, "staff": OK, "manager": OK, "hr": OK}),
    # The Wagtail admin's own sign-in and password-reset doors, closed: everyone is sent to the portal's
    # (signed-in people who are not CMS editors are refused anything under /cms/ first)
    "cms_sign_in": ("POST", (), {"anonymous": LOGIN}),
    "cms_password_reset": ("POST", (), {"anonymous": FOUND}),
    "page_sign_in": ("POST", (), {"anonymous": LOGIN, "staff": LOGIN, "manager": LOGIN, "hr": LOGIN}),
    # Wagtail's password on a page (portal.accounts.page_password): anyone signed in may try it; none given here
    "page_password": ("POST", ("page_restriction", "restricted_page"), {"staff": OK, "manager": OK, "hr": OK}),
    # The same for a collection of documents (Wagtail's documents app's own door): anyone signed in may try it
    "document_password": ("POST", ("document_restriction",), {"staff": OK, "manager": OK, "hr": OK}),
    "reports:verify": ("GET", ("code",), {"anonymous": OK, "staff": OK, "manager": OK, "hr": OK}),
    # Anyone signed in, for themselves
    "reports:my_training": ("GET", (), {"staff": OK, "manager": OK, "hr": OK}),
    # "Stay signed in", from the warning before the session ends (portal.accounts.views_session): a session that has
    # ended already is sent to sign in, and extends nothing
    "session_keep": ("POST", (), {"staff": OK, "manager": OK, "hr": OK}),
    # Where the list of modules was, and the header's "Modules": a temporary redirect to the module index page
    "modules:index": ("GET", (), {"staff": FOUND, "manager": FOUND, "hr": FOUND}),
    "attestation:list": ("GET", (), {"staff": OK, "manager": OK, "hr": OK}),
    "attestation:attest": ("GET", ("attest_requirement",), {"staff": OK, "manager": OK, "hr": OK}),
    "certificates:mine": ("GET", (), {"staff": OK, "manager": OK, "hr": OK}),
    "account_email": ("GET", (), {"staff": OK, "manager": OK, "hr": OK}),
    # Setting up an authenticator app (portal.accounts.views_mfa): one who has an app already is sent to remove it
    "mfa_activate_totp": (
        "GET",
        (),
        {"staff": OK, "manager": OK, "hr": FOUND, "hr_password_only": FOUND, "editor_password_only": FOUND},
    ),
    # Recovery codes (none here): a privileged session that stopped at the password is sent to enter the code first
    # (portal.accounts.mfa.SECOND_FACTOR_PREFIXES; tests/accounts/test_doors_recovery_codes.py)
    "mfa_view_recovery_codes": (
        "GET",
        (),
        {"staff": MISSING, "manager": MISSING, "hr": MISSING, "hr_password_only": CODE, "editor_password_only": CODE},
    ),
    # Setting a first password (portal.accounts.views_password): everyone here has one, so is sent to change it
    "account_set_password": ("GET", (), {"staff": FOUND, "manager": FOUND, "hr": FOUND}),
    "certificates:upload": ("GET", (), {"staff": OK, "manager": OK, "hr": OK}),
    "modules:scenario_choose": ("POST", ("module", "block"), {"staff": FOUND, "manager": FOUND, "hr": FOUND}),
    "modules:quiz_start": ("POST", ("module",), {"staff": FOUND, "manager": FOUND, "hr": FOUND}),
    # Sam's own records: nobody else's business (HR may see a certificate's file to verify it)
    "modules:attempt": ("GET", ("attempt",), {"staff": MISSING, "manager": MISSING, "hr": MISSING}),
    "modules:attempt_result": ("GET", ("attempt",), {"staff": MISSING, "manager": MISSING, "hr": MISSING}),
    "attestation:done": ("GET", ("attestation_entry",), {"staff": MISSING, "manager": MISSING, "hr": MISSING}),
    "certificates:file": ("GET", ("certificate",), {"staff": MISSING, "manager": MISSING, "hr": OK}),
    "reports:certificate_pdf": ("GET", ("entry",), {"staff": MISSING, "manager": MISSING, "hr": OK}),
    # Managers (their teams) and HR (everyone)
    "reports:team": ("GET", (), {"staff": FORBIDDEN, "manager": OK, "hr": OK}),
    "reports:find": ("GET", (), {"staff": FORBIDDEN, "manager": OK, "hr": OK}),
    "reports:team_person": ("GET", ("sam",), {"staff": MISSING, "manager": MISSING, "hr": OK}),
    "reports:team_remind": ("POST", (), {"staff": FORBIDDEN, "manager": FOUND, "hr": FOUND}),
    "exports:csv": ("GET", (), {"staff": FORBIDDEN, "manager": OK, "hr": OK}),
    "exports:xlsx": ("GET", (), {"staff": FORBIDDEN, "manager": OK, "hr": OK}),
    "exports:pack_new": ("GET", (), {"staff": FORBIDDEN, "manager": OK, "hr": OK}),
    "exports:pack_detail": ("GET", ("pack",), {"staff": MISSING, "manager": MISSING, "hr": OK}),
    "exports:pack_status": ("GET", ("pack",), {"staff": MISSING, "manager": MISSING, "hr": OK}),
    "exports:pack_again": ("POST", ("pack",), {"staff": MISSING, "manager": MISSING, "hr": FOUND}),
    "exports:pack_pdf": ("GET", ("pack",), {"staff": MISSING, "manager": MISSING, "hr": OK}),
    "exports:pack_csv": ("GET", ("pack",), {"staff": MISSING, "manager": MISSING, "hr": OK}),
    # HR only
    "hr_reports:organisation": ("GET", (), {"hr": OK}),
    "hr_reports:trend": ("GET", (), {"hr": OK}),
    "hr_reports:lists": ("GET", (), {"hr": OK}),
    "hr_reports:list_csv": ("GET", ("list_name",), {"hr": OK}),
    "hr_reports:audit_log": ("GET", (), {"hr": OK}),
    "certificates:queue": ("GET", (), {"hr": OK}),
    "certificates:decide": ("POST", ("certificate",), {"hr": FOUND}),
    "imports:index": ("GET", (), {"hr": OK}),
    "imports:upload": ("GET", ("import_kind",), {"hr": OK}),
    "imports:batch": ("GET", ("completion_batch",), {"hr": OK}),
    "imports:planned_csv": ("GET", ("completion_batch",), {"hr": OK}),
    "imports:map": ("POST", ("completion_batch",), {"hr": FOUND}),
    "imports:apply": ("POST", ("roster_batch",), {"hr": FOUND}),
    "imports:send_again": ("POST", ("roster_batch",), {"hr": FOUND}),
    "corrections:void": ("GET", ("entry",), {"hr": OK}),
    "pauses:list": ("GET", ("sam",), {"hr": OK}),
    "pauses:add": ("GET", ("sam",), {"hr": OK}),
    "pauses:change": ("GET", ("sam", "pause"), {"hr": OK}),
    "pauses:withdraw": ("GET", ("sam", "pause"), {"hr": OK}),
    "requirements:list": ("GET", (), {"hr": OK}),
    "requirements:add": ("GET", (), {"hr": OK}),
    "requirements:edit": ("GET", ("requirement",), {"hr": OK}),
    "requirements:retire": ("GET", ("requirement",), {"hr": OK}),
    "requirements:reinstate": ("POST", ("requirement",), {"hr": FOUND}),
    "requirements:rounds": ("GET", (), {"hr": OK}),
    "requirements:round_withdraw": ("GET", ("reattestation_round",), {"hr": OK}),
    "organisation:teams": ("GET", (), {"hr": OK}),
    "organisation:team": ("GET", ("org_team",), {"hr": OK}),
    "organisation:team_add": ("GET", (), {"hr": OK}),
    "organisation:team_rename": ("GET", ("org_team",), {"hr": OK}),
    "organisation:team_move": ("GET", ("org_team",), {"hr": OK}),
    "organisation:team_close": ("GET", ("org_team",), {"hr": OK}),
    "organisation:manager_add": ("GET", ("org_team",), {"hr": OK}),
    "organisation:manager_end": ("GET", ("manager_link",), {"hr": OK}),
    "hr_roles:list": ("GET", (), {"hr": OK}),
    "hr_roles:remove": ("GET", ("hr_officer",), {"hr": OK}),
    # CMS editors only (none of the four is one)
    "modules_review_list": ("GET", (), {"hr": FORBIDDEN}),
    # (which CMS users may confirm which flag: tests/modules/test_review_confirm_permission.py)
    "modules_review_confirm": ("POST", ("flag",), {"hr": FORBIDDEN}),
    # The Wagtail admin API's pages endpoint, with the portal's refusals (modules.admin_api): CMS editors only
    "wagtailadmin_api:pages:listing": ("GET", (), {}),
    "wagtailadmin_api:pages:detail": ("GET", ("module",), {}),
    "wagtailadmin_api:pages:find": ("GET", (), {}),
    "wagtailadmin_api:pages:action": ("POST", ("module", "page_action"), {}),
    # The Wagtail admin's group editor and delete, keeping the HR group (portal.accounts.cms_groups): superusers only
    "wagtailusers_groups:add": ("POST", (), {}),
    "wagtailusers_groups:edit": ("POST", ("group",), {}),
    "wagtailusers_groups:delete": ("POST", ("group",), {}),
    # The Wagtail admin's new-user form, making accounts with an unusable password (portal.accounts.cms_users)
    "wagtailusers_users:add": ("POST", (), {}),
    "wagtailsnippets_compliance_requirement:add": ("POST", (), {}),
    "wagtailsnippets_compliance_requirement:edit": ("POST", ("requirement",), {}),
    "wagtailsnippets_compliance_requirement:copy": ("GET", ("requirement",), {}),
    "wagtailsnippets_compliance_requirement:delete": ("POST", ("requirement",), {}),
    # The copy pages of quizzes, banks and questions only show the form (quizzes.wagtail_hooks): CMS editors only
    "wagtailsnippets_quizzes_quiz:copy": ("GET", ("quiz",), {}),
    "wagtailsnippets_quizzes_questionbank:copy": ("GET", ("question_bank",), {}),
    "wagtailsnippets_quizzes_question:copy": ("GET", ("question",), {}),
    # Their edit pages refuse a save from a page opened before someone else's (quizzes.wagtail_hooks): CMS editors only
    "wagtailsnippets_quizzes_quiz:edit": ("POST", ("quiz",), {}),
    "wagtailsnippets_quizzes_question:edit": ("POST", ("question",), {}),
    # A course mapping's edit page refuses a save from a page opened before someone else's (compliance.wagtail_hooks):
    # CMS editors with the mappings' permissions only
    "wagtailsnippets_compliance_competencemapping:edit": ("POST", ("course_mapping",), {}),
    # Its delete page goes through the mappings' service, audited (compliance.mappings): the same people only
    "wagtailsnippets_compliance_competencemapping:delete": ("POST", ("course_mapping",), {}),
    # The copy page of a site only shows the form (portal.accounts.cms_sites): CMS editors with the sites' permissions
    # only (any id will do: nobody here reaches the site)
    "cms_site_copy": ("GET", ("api_import",), {}),
    # A page's Privacy dialog, refusing to shut out the staff a requirement asks (modules.privacy): CMS editors only
    "cms_page_privacy": ("POST", ("module",), {}),
    # Public: where anyone types the code printed on a certificate, to reach its check (reports:verify)
    "reports:verify_start": ("GET", (), {"anonymous": OK, "staff": OK, "manager": OK, "hr": OK}),
    # HR's API clients
    "api_clients:list": ("GET", (), {"hr": OK}),
    "api_clients:detail": ("GET", ("api_client",), {"hr": OK}),
    "api_clients:rotate": ("POST", ("api_client",), {"hr": FOUND}),
    "api_clients:revoke": ("POST", ("api_client",), {"hr": 400}),  # no reason given
    # The API: a client's token only; a session, whoever's, opens nothing (tests/api/ has the tokens' table)
    "api:api-root": ("GET", (), dict.fromkeys(("anonymous", "staff", "manager", "hr"), FOUND)),
    "api:docs": ("GET", (), dict.fromkeys(("anonymous", "staff", "manager", "hr"), OK)),
    "api:openapi-json": ("GET", (), dict.fromkeys(("anonymous", "staff", "manager", "hr"), OK)),
    "api:person_standing": ("GET", ("employee_number",), NO_TOKEN),
    "api:team_standing": ("GET", ("team_code",), NO_TOKEN),
    "api:organisation_figures": ("GET", (), NO_TOKEN),
    "api:ledger_entries": ("GET", (), NO_TOKEN),
    "api:completions_send": ("POST", (), NO_TOKEN),
    "api:roster_send": ("POST", (), NO_TOKEN),
    "api:import_status": ("GET", ("api_import",), NO_TOKEN),
}
# Anonymous visitors are sent to sign in, and anyone else is refused, unless the row says otherwise.
COMPLETIONS = b"Person,Competence Name,Achievement Date,Expiry Date\nE0000001,Fire Safety,2026-01-05,\n"
ROSTER = b"Employee Number,First Name,Last Name,Work Email,Org Code,Start Date\n"
DEFAULTS = {"anonymous": LOGIN, "staff": FORBIDDEN, "manager": FORBIDDEN, "hr": FORBIDDEN}


def _our_named_urls():
    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(
                    pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace
                )
            elif pattern.name and getattr(pattern.callback, "__module__", "").startswith(OUR_CODE):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


def test_every_url_of_the_portal_has_a_row_in_the_table():
    found = _our_named_urls()
    assert found - set(TABLE) == set(), "new URLs: decide who may reach them and add them to TABLE"
    assert set(TABLE) - found == set(), "URLs in TABLE that no longer exist"


@pytest.fixture
def world(db, home_page, tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    organisation = factories.make_team("Organisation", kind="organisation")
    comms = factories.make_team("Communications", parent=organisation)
    finance = factories.make_team("Finance", parent=organisation)
    sam = factories.make_staff(team=comms, first_name="Sam", last_name="Person")
    staff = factories.make_staff(team=comms, first_name="Kim", last_name="Colleague")
    manager = factories.make_staff(team=finance, first_name="Felix", last_name="Finance")
    manager_link = TeamManager.objects.create(staff=manager, team=finance)
    hr = factories.make_staff(team=finance, first_name="Hana", last_name="HR")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    hr_password_only = factories.make_staff(team=finance, first_name="Harriet", last_name="Password")
    hr_password_only.user.groups.add(hr_group())
    factories.with_mfa(hr_password_only.user)
    editor = factories.make_staff(team=finance, first_name="Eddie", last_name="Editor")
    editor.user.groups.add(Group.objects.get(name="Editors"))
    factories.with_mfa(editor.user)

    statutory_pages_create(home=home_page)  # the accessibility statement, privacy notice and cookies page
    policy = factories.make_policy(parent=home_page)
    module = factories.make_module(policy=policy)
    snapshot = factories.make_snapshot(policy, "1")
    second = factories.make_snapshot(policy, "2")
    attest = factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)
    course = factories.make_requirement(name="Safeguarding Adults Level 1")
    refresh()
    attestation = factories.make_completion(sam, attest, source=EvidenceEntry.ATTESTATION, snapshot=snapshot)
    reattestation_round = reattestation_round_open(
        snapshot=second, deadline=timezone.localdate() + datetime.timedelta(days=30), reason="Section 1: a new rule"
    )[0]
    entry = factories.make_completion(sam, course)
    certificate = Certificate(
        staff=sam,
        requirement=course,
        original_name="certificate.pdf",
        content_type="application/pdf",
        size=8,
        sha256=hashlib.sha256(b"%PDF-1.4").hexdigest(),  # the file view serves only the file the upload recorded
        completed_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    certificate.file.save("certificate.pdf", ContentFile(b"%PDF-1.4"), save=True)
    flag = ReviewFlag.objects.create(page=module, clause="1", snapshot=snapshot)
    handbook = ContentPage(title="Ward 7 handbook", slug="ward-7-handbook", body=[])
    home_page.add_child(instance=handbook).save_revision().publish()
    page_restriction = PageViewRestriction.objects.create(
        page=handbook, restriction_type=PageViewRestriction.PASSWORD, password="ward7-2026"
    )
    document_restriction = CollectionViewRestriction.objects.create(
        collection=Collection.get_first_root_node().add_child(name="Board papers"),
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="board-2026",
    )
    verification = verification_code_for(entry)
    pack = EvidencePack.objects.create(
        team=comms, as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )
    pack_build(pack)
    pause = pause_add(
        staff=sam,
        requirements=[course],
        reason_code="sickness",
        first_day=timezone.localdate(),
        last_day=None,
        user=hr.user,
    )
    return {
        "clients": {
            "staff": staff,
            "manager": manager,
            "hr": hr,
            "hr_password_only": hr_password_only,
            "editor_password_only": editor,
        },
        "args": {
            "code": verification.code,
            "attest_requirement": attest.pk,
            "module": module.pk,
            "quiz": module.quiz.pk,
            "question_bank": module.quiz.banks.first().pk,
            "question": module.quiz.banks.first().questions.first().pk,
            "block": next(iter(module.scenario_blocks())).id,
            "attempt": attempt_start(user=sam.user, quiz=module.quiz, page=module).pk,
            "attestation_entry": attestation.pk,
            "certificate": certificate.pk,
            "entry": entry.pk,
            "sam": sam.pk,
            "pause": pause.ref,
            "pack": pack.pk,
            "completion_batch": import_batch_create(
                kind="completions", data=COMPLETIONS, filename="c.csv", user=hr.user
            )[0].pk,
            "roster_batch": import_batch_create(kind="roster", data=ROSTER, filename="r.csv", user=hr.user)[0].pk,
            "import_kind": "roster",
            "list_name": "never-signed-in",
            "flag": flag.pk,
            "page_restriction": page_restriction.pk,
            "restricted_page": handbook.pk,
            "document_restriction": document_restriction.pk,
            "page_action": "delete",
            "group": Group.objects.create(name="Reviewers").pk,
            "requirement": course.pk,
            "course_mapping": CompetenceMapping.objects.create(
                competence_name="Moving and Handling", requirement=course
            ).pk,
            "reattestation_round": reattestation_round.pk,
            "org_team": comms.pk,
            "manager_link": manager_link.pk,
            "hr_officer": hr_password_only.user.pk,
            "api_client": api_client_create(name="ESR", scopes=["read_standing"], team=None, user=hr.user)[0].pk,
            "employee_number": sam.employee_number,
            "team_code": comms.code,
            "api_import": 1,
        },
    }


def _answer(response) -> object:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    if response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/"):
        return CODE
    return response.status_code


def _expected(persona: str, url: str, expected: dict) -> object:
    if persona not in PASSWORD_ONLY:
        return expected.get(persona, DEFAULTS[persona])
    if url.startswith(PRIVILEGED_PREFIXES) or "/decide/" in url:
        return CODE
    # Only where a row names them: what differs is their own account (setting up an app they already have).
    return expected.get(persona, expected.get("staff", DEFAULTS["staff"]))


def _client_for(world, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        factories.sign_in(client, world["clients"][persona].user, second_factor=persona not in PASSWORD_ONLY)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_person_gets_the_answer_the_table_gives(world, persona):
    client = _client_for(world, persona)
    wrong = {}
    for name, (method, keys, expected) in TABLE.items():
        url = reverse(name, args=[world["args"][key] for key in keys])
        response = client.post(url) if method == "POST" else client.get(url)
        want = _expected(persona, url, expected)
        if _answer(response) != want:
            wrong[name] = (_answer(response), want)
    assert wrong == {}, "(got, expected) by URL name"


def _wagtail_admin_paths():
    """Every page of the Wagtail admin that needs no object id: its URL patterns under /cms/, without converters."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif "<" not in route and "(" not in route and "^" not in route and route.endswith("/"):
                yield "/" + route

    return sorted({path for path in walk(get_resolver().url_patterns, "") if path.startswith("/cms/")})


@pytest.mark.parametrize("persona", sorted(PASSWORD_ONLY))
def test_a_password_only_session_gets_nothing_of_the_wagtail_admin(world, persona):
    client = _client_for(world, persona)
    paths = _wagtail_admin_paths()
    assert len(paths) > 30  # the walk found the admin
    served = {path for path in paths if client.get(path).status_code == 200}
    assert served == set()
