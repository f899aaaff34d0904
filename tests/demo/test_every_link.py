"""Every link the portal prints leads somewhere the reader may go. On the demo organisation, each kind of person signs
in and follows every same-site link from their home page (the header's links are on it) breadth first: each <a href>,
each redirect's Location, and each GET form's address with the values it would send as it stands, where it has no
required field. Every page fetched must answer without a server error, must exist (a 404 is a link that leads
nowhere), must not be refused (a 403 is a page offering what it would refuse), a download must come back whole with
its file's type, and the crawl as a whole must change nothing (a GET with a side effect).

Left out: the Wagtail admin beyond its front door (Wagtail's own pages), static and media files, and signing out."""

import datetime
import re
import subprocess
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound, HttpResponseRedirect
from django.test import Client
from django.utils import timezone

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.people.models import Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.models import EvidencePack
from tests import factories
from tests.compliance.test_certificates import PDF

PAGES_PER_PERSON = 400
SAME_SITE = {"", "testserver", "localhost", urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc}
LEFT_OUT = ("/static/", "/media/", "/accounts/logout/", settings.STATIC_URL, settings.MEDIA_URL)
DOWNLOADS = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}
# Reading someone's records, or taking them away, is audited: those rows are the point of the GET, not a side effect.
AUDITED_READS = (AuditEvent.VIEW_PERSON, AuditEvent.VIEW_TEAM, AuditEvent.VIEW_CERTIFICATE, AuditEvent.EXPORT)
# The session's row, which every signed-in request writes (its last activity).
NOT_COMPARED = {"django_session"}
# Rows a read may add, but never change or take away: the code a certificate's PDF prints, kept so that the paper
# checks out (reports.certificates), and a past day's figures, computed from the ledger the first time anyone asks
# about that day and read ever after (reports.kept: they cannot change, so this is a cache, not a fact).
ADDED_BY_A_READ = {"compliance_verificationcode", "reports_keptday", "reports_dailyfigure"}
SIGN_IN_PAGES = ("/accounts/login/", "/accounts/2fa/", "/accounts/reauthenticate/")
PRINTED_ADDRESS = re.compile(r"https?://\S+")


@dataclass
class Crawl:
    fetched: dict = field(default_factory=dict)  # url -> status
    found_on: dict = field(default_factory=dict)  # url -> the page that printed the link
    failures: list = field(default_factory=list)

    def fail(self, url: str, problem: str) -> None:
        self.failures.append(f"{url} ({problem}), linked from {self.found_on.get(url, 'the start')}")


def _same_site(href: str, page: str) -> str | None:
    """The address `href` on `page` leads to, as a path and query, or None if it leaves the site or is left out."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(urljoin(page, href))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in SAME_SITE:
        return None
    path = parts.path or "/"
    if path.startswith(LEFT_OUT) or (path.startswith("/cms/") and path != "/cms/"):
        return None
    return urlunsplit(("", "", path, parts.query, ""))


def _form_values(form) -> list[tuple[str, str]]:
    """What a browser sends for `form` as it stands: each named field's value, the checked boxes, the chosen options."""
    values = []
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "select":
            chosen = control.find_all("option", selected=True) or control.find_all("option")[:1]
            values += [(name, option.get("value", option.get_text())) for option in chosen]
        elif control.name == "textarea":
            values.append((name, control.get_text()))
        elif control.get("type", "text") in ("checkbox", "radio"):
            if control.has_attr("checked"):
                values.append((name, control.get("value", "on")))
        elif control.get("type") not in ("submit", "button", "image", "reset", "file"):
            values.append((name, control.get("value", "")))
    return values


def _links(html: bytes, page: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    for form in soup.find_all("form"):
        if form.get("method", "get").lower() != "get" or form.find(attrs={"required": True}):
            continue
        action = urljoin(page, form.get("action") or page)
        hrefs.append(urlunsplit(urlsplit(action)._replace(query=urlencode(_form_values(form)), fragment="")))
    return [url for url in (_same_site(href, page) for href in hrefs) if url]


def _pdf_links(body: bytes, page: str) -> list[str]:
    """The addresses a PDF prints (a certificate's check, a pack's): as text, which is how a reader follows them."""
    text = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()
    return [url for url in (_same_site(found.rstrip(".,)"), page) for found in PRINTED_ADDRESS.findall(text)) if url]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _download_checked(crawl: Crawl, url: str, response, body: bytes) -> str | None:
    """The file's suffix if `url` is a download (it must come back whole, with its type), else None."""
    path = urlsplit(url).path
    suffix = next((suffix for suffix in DOWNLOADS if path.endswith(suffix)), None)
    kind = response.get("Content-Type", "")
    if suffix and response.status_code == 200 and (not kind.startswith(DOWNLOADS[suffix]) or not body):
        crawl.fail(url, f"a {suffix} download answered {kind!r}, {len(body)} bytes")
    return suffix


def crawl_from(client: Client, *starts: str) -> Crawl:
    """Every same-site address reachable from `starts`, each fetched once, breadth first, up to PAGES_PER_PERSON."""
    crawl = Crawl()
    queue = deque(starts)
    seen = set(starts)
    while queue and len(crawl.fetched) < PAGES_PER_PERSON:
        url = queue.popleft()
        try:
            response = client.get(url)
            body = _body(response)
        except Exception as error:  # a server error: named, and the crawl goes on
            crawl.fetched[url] = 500
            crawl.fail(url, f"server error {error!r}")
            continue
        status = crawl.fetched[url] = response.status_code
        if status >= 500 or status in (403, 404):
            crawl.fail(url, f"answered {status}")
        suffix = _download_checked(crawl, url, response, body)
        if status in (301, 302, 303, 307, 308):
            found = [_same_site(response["Location"], url)]
            if urlsplit(response["Location"]).path.startswith(SIGN_IN_PAGES):
                crawl.fail(url, f"sent a signed-in person to {response['Location']}")
        elif status != 200 or suffix not in (None, ".pdf"):
            found = []
        elif suffix == ".pdf" and response["Content-Type"].startswith(DOWNLOADS[".pdf"]):
            found = _pdf_links(body, url)
        else:
            found = _links(body, url) if response.get("Content-Type", "").startswith("text/html") else []
        for link in found:
            if link and link not in seen:
                seen.add(link)
                crawl.found_on[link] = url
                queue.append(link)
    return crawl


def database_rows() -> dict[str, list]:
    """Every table's rows, but the audit log's records of reads and the rows any request writes."""
    tables = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in NOT_COMPARED or table in tables:
                continue
            query, reads = f"SELECT * FROM {connection.ops.quote_name(table)}", ()  # noqa: S608 (names from models)
            if model is AuditEvent:
                query, reads = f"{query} WHERE action NOT IN ({', '.join(['%s'] * len(AUDITED_READS))})", AUDITED_READS
            cursor.execute(query, reads)
            tables[table] = sorted(repr(row) for row in cursor.fetchall())
    return tables


def changed(before: dict[str, list], after: dict[str, list]) -> dict[str, str]:
    """The tables whose rows changed, each with how many rows went and came."""
    changes = {}
    for table, was in before.items():
        gone, came = set(was) - set(after[table]), set(after[table]) - set(was)
        if gone or (came and table not in ADDED_BY_A_READ):
            changes[table] = f"{len(gone)} rows changed or gone, {len(came)} new or changed: {sorted(gone | came)[:3]}"
    return changes


def _form_sent(client: Client, page: str, action: str, *, choose: bool = False) -> str:
    """Send the form on `page` whose address holds `action` as it stands (`choose`: with the first option of each
    set of radio buttons or boxes ticked too), as the person would; return the page it sends them to."""
    html = BeautifulSoup(client.get(page).content, "html.parser")
    form = next(form for form in html.find_all("form", method="post") if action in form.get("action", ""))
    values = dict(_form_values(form))
    for box in form.find_all("input", type=["radio", "checkbox"]) if choose else ():
        values.setdefault(box["name"], box["value"])
    response = client.post(form["action"], values)
    assert response.status_code == 302, (page, response)
    return response["Location"]


def quiz_taken(client: Client) -> list[str]:
    """A module's quiz started and answered (the demo's new starter has taken none): its attempt's page and result."""
    attempt = _form_sent(client, "/modules/principles-and-best-practice/", "/quiz/start/")
    return [attempt, _form_sent(client, attempt, attempt, choose=True)]


def certificate_uploaded(client: Client) -> str:
    """A course's certificate uploaded, for the first training the form offers (the demo has none awaiting HR)."""
    html = BeautifulSoup(client.get("/certificates/upload/").content, "html.parser")
    training = next(option["value"] for option in html.select("select[name=requirement] option") if option["value"])
    done = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        "/certificates/upload/",
        {
            "requirement": training,
            **factories.date_boxes("completed_on", done),
            "file": SimpleUploadedFile("c.pdf", PDF),
        },
    )
    assert response.status_code == 302, response
    return response["Location"]


def pack_asked(client: Client, code: str) -> str:
    """An evidence pack asked for about a team through its form (the demo has none; the test settings build it at
    once): the pack's page, which only the form's answer leads to."""
    team = Team.objects.get(code=code)
    pack = _form_sent(client, f"/exports/packs/new/?team={team.pk}", "/exports/packs/new/")
    assert EvidencePack.objects.filter(team=team).exists()
    return pack


def year_ago(page: str) -> list[str]:
    """`page` about a day a year ago on each clock, as its date boxes send it: past teams, leavers and movers."""
    day = timezone.localdate() - datetime.timedelta(days=365)
    return [
        f"{page}?as_at_day={day.day}&as_at_month={day.month}&as_at_year={day.year}&basis={basis}"
        for basis in (AS_IT_WAS, AS_RECORDED)
    ]


def new_starter_first(client: Client) -> list[str]:
    return [*quiz_taken(client), certificate_uploaded(client)]


def manager_first(client: Client) -> list[str]:
    return [pack_asked(client, "CORP"), *year_ago("/team/")]


def hr_first(client: Client) -> list[str]:
    certificate_uploaded(factories.sign_in(Client(), User.objects.get(email="sam.taylor@example.nhs.uk")))
    return [pack_asked(client, "WCCG"), *year_ago("/hr/reports/"), *year_ago("/team/")]


def nothing_first(client: Client) -> list[str]:
    return []


PROVED, NOT_PROVED = "proved", "not proved"  # an authenticator app, and whether the session gave its code

# (who, their demo sign-in, their second factor, what they do before following links: the pages that leads to, which
# no link does, are where the crawl starts besides their home page). A privileged role counts only in a session that
# proved its second factor: one that stopped at the password is shown, and may open, what any member of staff may.
PEOPLE = [
    ("new starter", "sam.taylor@example.nhs.uk", None, new_starter_first),
    ("member of staff re-attesting", "tomasz.nowak@example.nhs.uk", None, nothing_first),
    ("line manager", "grace.oconnor@example.nhs.uk", None, manager_first),
    ("HR", "dev.patel@example.nhs.uk", PROVED, hr_first),
    ("HR before the second factor", "dev.patel@example.nhs.uk", NOT_PROVED, nothing_first),
    ("CMS editor", "chloe.evans@example.nhs.uk", PROVED, nothing_first),
]


@pytest.fixture
def demo(demo_loaded, db, settings):
    """The demo, loaded once for this module (tests/conftest.py); each test's changes roll back."""
    settings.DEBUG = False


@pytest.mark.parametrize(("who", "email", "second_factor", "first"), PEOPLE, ids=[who for who, *_ in PEOPLE])
def test_every_link_leads_somewhere_the_reader_may_go(demo, who, email, second_factor, first):
    user = User.objects.get(email=email)
    if second_factor:
        factories.with_mfa(user)
    client = factories.sign_in(Client(), user, second_factor=second_factor == PROVED)
    starts = ["/", *first(client)]
    before = database_rows()

    crawl = crawl_from(client, *starts)

    assert len(crawl.fetched) > 10, crawl.fetched  # it got past the home page
    assert not crawl.failures, f"{who}: " + "\n".join(crawl.failures)
    assert changed(before, database_rows()) == {}, who


class _Site:
    """A test client's stand-in for the crawler's own tests: each address answers the response given for it."""

    def __init__(self, pages: dict):
        self.pages, self.asked = pages, []

    def get(self, url):
        self.asked.append(url)
        return self.pages.get(url) or HttpResponseNotFound()


def _page(html: str) -> HttpResponse:
    return HttpResponse(f"<html><body>{html}</body></html>")


def test_the_crawl_names_each_bad_link_and_the_page_that_printed_it():
    site = _Site(
        {
            "/": _page(
                '<a href="/gone/">x</a> <a href="/refused/">x</a> <a href="/a.csv">x</a> <a href="/next/">x</a>'
            ),
            "/refused/": HttpResponseForbidden(),
            "/a.csv": HttpResponse("<html></html>", content_type="text/html"),
            "/next/": HttpResponseRedirect("/accounts/login/?next=/next/"),
            "/accounts/login/?next=/next/": _page(""),
        }
    )
    assert crawl_from(site, "/").failures == [
        "/gone/ (answered 404), linked from /",
        "/refused/ (answered 403), linked from /",
        "/a.csv (a .csv download answered 'text/html', 13 bytes), linked from /",
        "/next/ (sent a signed-in person to /accounts/login/?next=/next/), linked from /",
    ]


def test_the_crawl_sends_get_forms_as_they_stand_and_leaves_out_what_it_should():
    site = _Site(
        {
            "/": _page(
                '<form action="/find/"><input name="q" value=""><select name="s"><option value="a">A</option>'
                '<option value="b" selected>B</option></select><button name="go">Go</button></form>'
                '<form action="/code/"><input name="code" required></form>'
                '<form method="post" action="/accounts/logout/"><button>Sign out</button></form>'
                '<a href="/cms/">CMS</a> <a href="/cms/pages/">pages</a> <a href="/static/a.css">a</a>'
                '<a href="https://www.nhs.uk/">NHS</a> <a href="mailto:hr@example.nhs.uk">HR</a>'
                '<a href="#main">top</a>'
            ),
        }
    )
    crawl_from(site, "/")
    assert site.asked == ["/", "/cms/", "/find/?q=&s=b"]


def test_a_read_may_add_a_certificate_code_but_nothing_else_and_change_no_row():
    before = {"compliance_verificationcode": ["(1, 'A')"], "compliance_evidenceentry": ["(1,)"]}
    assert changed(before, {**before, "compliance_verificationcode": ["(1, 'A')", "(2, 'B')"]}) == {}
    assert set(changed(before, {**before, "compliance_verificationcode": ["(1, 'C')"]})) == {
        "compliance_verificationcode"
    }
    assert set(changed(before, {**before, "compliance_evidenceentry": ["(1,)", "(2,)"]})) == {
        "compliance_evidenceentry"
    }
