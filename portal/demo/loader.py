"""Builds the demo organisation: the site, the policy, its modules and quizzes, people and some history.

Every step looks for what it would create first and leaves anything already there alone, so loading twice
changes nothing (and never overwrites an editor's changes).
"""

from dataclasses import dataclass, field

from django.db import transaction
from wagtail.models import Page, Site

from modules.models import HomePage, ModuleIndexPage, ModulePage, PolicyPage
from modules.policy_import import decode_policy_bytes, parse_policy
from modules.statutory_pages import statutory_pages_create
from quizzes.models import Choice, Question, QuestionBank, Quiz

from . import history, organisation
from .content import CONTENT_DIR, DemoContent, load_content, module_body, paragraphs
from .people import DEMO_PASSWORD, PEOPLE

HOME_INTRO = (
    "<p>This is where you read the policies you must follow at work, practise applying them in realistic "
    "situations, and show that you understand them.</p>"
)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def note(self, created: bool, what: str) -> None:
        (self.created if created else self.kept).append(what)


@transaction.atomic
def load_demo(content: DemoContent | None = None) -> LoadReport:
    content = content or load_content()
    report = LoadReport()
    home = _home_page(report)
    _statutory_pages(home, report)
    policy = _policy(home, content.policy, report)
    index = _module_index(home, report)
    modules = [_module(index, policy, data, report) for data in content.modules]
    team_by_code = organisation.teams(report)
    reqs = organisation.requirements(policy, modules, report)
    organisation.people(policy, modules, team_by_code, reqs, report)
    history.history(report)
    return report


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _home_page(report: LoadReport) -> HomePage:
    home = HomePage.objects.first()
    if home:
        report.note(False, "home page")
        return home
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Staff training and attestation", slug="training", intro=HOME_INTRO))
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    placeholder = site.root_page if site else None
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"root_page": home, "hostname": "localhost", "port": 80, "site_name": "Staff training"},
    )
    # Wagtail's "Welcome to your new Wagtail site!" page is no use to anyone once the portal has its own home.
    if placeholder and type(placeholder.specific) is Page and not placeholder.get_children().exists():
        placeholder.delete()
    report.note(True, "home page")
    return home


def _statutory_pages(home: HomePage, report: LoadReport) -> None:
    """The accessibility statement, privacy notice and cookies page a real install gets (`manage.py setup_site`)."""
    for outcome in statutory_pages_create(home=home):
        report.note(outcome.created, outcome.statutory.title.lower())


RATIFIED = CONTENT_DIR / "policy.txt"  # the policy as ratified, as import_policy reads it


def _policy(home: HomePage, data: dict, report: LoadReport) -> PolicyPage:
    slug = "social-media-and-digital-content-policy"
    policy = PolicyPage.objects.filter(slug=slug).first()
    if policy:
        report.note(False, f"policy {policy.title} {policy.version_label}")
        return policy
    parsed = parse_policy(decode_policy_bytes(RATIFIED.read_bytes()))
    ratified = {section.number: section for section in parsed.sections}
    policy = _publish(
        home,
        PolicyPage(
            title=data["title"],
            slug=slug,
            version_label=data["version"],
            effective_date=data["effective_date"],
            next_review_date=data["next_review_date"],
            owner_team=data["owner_team"],
            summary=paragraphs(data.get("intro", "")),
            # The front matter as import_policy keeps it: whom it applies to, the policies section 13 relies on.
            applies_to=parsed.applies_to,
            related_policies="\n".join(parsed.related_policies),
            front_matter=parsed.other_front_matter,
            # The ratified text as the policy states it (what staff attest to), each section's plain-English
            # summary beside it as a reading aid.
            sections=[
                (
                    "section",
                    {
                        "number": s["number"],
                        "heading": s["heading"],
                        "body": ratified[s["number"]].html if s["number"] in ratified else s["html"],
                        "summary": s["html"],
                    },
                )
                for s in data["sections"]
            ],
        ),
    )
    report.note(True, f"policy {policy.title} {policy.version_label} ({len(data['sections'])} sections)")
    return policy


def _module_index(home: HomePage, report: LoadReport) -> ModuleIndexPage:
    index = ModuleIndexPage.objects.child_of(home).first()
    created = index is None
    if created:
        index = _publish(
            home,
            ModuleIndexPage(
                title="Training modules",
                slug="modules",
                intro="<p>Each module takes a part of the policy, shows it at work in realistic situations, and "
                "ends with a short quiz.</p>",
            ),
        )
    report.note(created, "module index")
    return index


def _quiz(data: dict, module_title: str) -> Quiz:
    quiz_data = data["quiz"]
    quiz = Quiz.objects.filter(title=quiz_data["title"]).first()
    if quiz:
        return quiz
    bank, _ = QuestionBank.objects.get_or_create(
        title=module_title, defaults={"description": f"Questions for the module {module_title}."}
    )
    if not bank.questions.exists():
        for q in quiz_data["questions"]:
            question = Question.objects.create(
                bank=bank, kind=q["kind"], scenario=q.get("scenario", ""), stem=q["stem"], clause=q["clause"]
            )
            Choice.objects.bulk_create(
                Choice(question=question, sort_order=i, text=c["text"], is_correct=c["correct"], feedback=c["feedback"])
                for i, c in enumerate(q["choices"])
            )
    quiz = Quiz.objects.create(
        title=quiz_data["title"],
        questions_per_attempt=quiz_data["questions_per_attempt"],
        pass_mark=quiz_data["pass_mark"],
        attempts_before_reread=quiz_data["attempts_before_reread"],
    )
    quiz.banks.add(bank)
    quiz.save()  # ParentalManyToManyField changes are written on save
    return quiz


def _module(index: ModuleIndexPage, policy: PolicyPage, data: dict, report: LoadReport) -> ModulePage:
    page = ModulePage.objects.filter(slug=data["slug"]).first()
    if page:
        report.note(False, f"module {page.title}")
        return page
    quiz = _quiz(data, data["title"])
    body = [*module_body(data), ("quiz", {"quiz": quiz, "intro": ""})]
    page = _publish(
        index,
        ModulePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            policy=policy,
            estimated_minutes=data.get("estimated_minutes", 15),
            clauses=", ".join(data["clauses"]),
            body=body,
        ),
    )
    report.note(True, f"module {page.title} ({len(page.scenario_blocks())} scenarios, {quiz.title})")
    return ModulePage.objects.get(pk=page.pk)


def demo_sign_ins() -> list[tuple[str, str, str]]:
    return [(f"{p.role}, {p.job_title}", p.email, DEMO_PASSWORD) for p in PEOPLE]
