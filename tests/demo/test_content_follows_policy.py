"""The demo content says what the ratified policy says: checked against the policy's own words, not the content's.

The policy is read as staff attest to it (`portal/demo/content/policy.txt`, parsed by `modules.policy_import`), so a
rule, a section number, a contact or a disclaimer the content teaches is compared with the words of the policy.
"""

import html
import re

from modules.policy_import import decode_policy_bytes, parse_policy
from portal.demo.content import load_content
from portal.demo.loader import RATIFIED

CONTENT = load_content()
SECTIONS = {section.number: section for section in parse_policy(decode_policy_bytes(RATIFIED.read_bytes())).sections}
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def plain(text: str) -> str:
    """Lower-case text without tags, with straight quotes and single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).translate(QUOTES).lower().split())


def policy_text(*numbers: str) -> str:
    return plain(" ".join(SECTIONS[number].html for number in numbers))


def texts(value) -> list[str]:
    """Every string in the content (titles, situations, options, feedback, stems, the policy summary)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    return []


def right_answers() -> list[tuple[list[str], str, str]]:
    """(clauses, text, where) for each expected scenario option and each correct quiz choice."""
    found = []
    for module in CONTENT.modules:
        for block in module["blocks"]:
            if block["type"] == "scenario":
                found += [(block["clauses"], o["text"], block["title"]) for o in block["options"] if o["expected"]]
        for q in module["quiz"]["questions"]:
            found += [([q["clause"]], c["text"], q["stem"]) for c in q["choices"] if c["correct"]]
    return found


# "section 7.3", "sections 1 and 6.1", "(7.2, 6.2)", "7.1": the section numbers a sentence of the content cites.
CITATION = re.compile(
    r"\bsections?\s+(\d{1,2}(?:\.\d)?(?:(?:,\s*|\s+and\s+|\s+or\s+)\d{1,2}(?:\.\d)?)*)"
    r"|\((\d{1,2}(?:\.\d)?(?:(?:,\s*|\s+and\s+)\d{1,2}(?:\.\d)?)*)\)"
    r"|(?<![\d.])(\d{1,2}\.\d)(?![\d.])",
    re.IGNORECASE,
)


def cited_sections(text: str) -> set[str]:
    return {n for match in CITATION.finditer(text) for g in match.groups() if g for n in re.findall(r"\d+(?:\.\d)?", g)}


def test_every_section_the_content_cites_is_a_section_of_the_policy():
    cited = {
        number: text for text in texts([CONTENT.modules, CONTENT.policy["sections"]]) for number in cited_sections(text)
    }
    assert {"6.2", "7.3", "10.1", "13"} <= set(cited)  # the check is reading the citations, not passing for want of any
    assert {number: text[:80] for number, text in cited.items() if number not in SECTIONS} == {}


def disclaimers() -> list[str]:
    """The disclaimers the policy gives word for word (6.2, 8 and 9), as plain text without their quotation marks."""
    found = [quote for number in ("6.2", "8", "9") for quote in re.findall(r'"([^"]{40,})"', policy_text(number))]
    assert len(found) == 3, found
    return found


def test_every_disclaimer_the_content_quotes_is_the_policys_wording_in_full():
    # A disclaimer cut short or reworded is what a member of staff copies into a post: "these views are entirely my
    # own." drops "and not those of my employer", the half that says the employer does not share them.
    wrong = []
    for disclaimer in disclaimers():
        opening = " ".join(disclaimer.split()[:5])
        for text in texts([CONTENT.modules, CONTENT.policy]):
            for start in [m.start() for m in re.finditer(re.escape(opening), plain(text))]:
                if not plain(text)[start:].startswith(disclaimer):
                    wrong.append(plain(text)[start : start + len(disclaimer) + 10])
    assert wrong == []


def test_the_policys_rule_on_media_contact_is_never_stated_without_its_condition():
    # 6.2: "If someone from the media contacts you about posts you have made, you must notify and seek advice from
    # the Communications and Engagement Team." Feedback that drops "about posts you have made" states a wider rule.
    assert "if someone from the media contacts you about posts you have made, you must notify" in policy_text("6.2")
    media_rule = re.compile(r"\b(?:the )?media contacts? you\b(?P<rest>[^.;]*)")
    stated = [m for text in texts([CONTENT.modules, CONTENT.policy]) for m in media_rule.finditer(plain(text))]
    assert stated  # the rule is taught
    assert [m.group(0) for m in stated if not re.search(r"\babout\b.*\bpost", m.group("rest"))] == []


def test_a_right_answer_about_reporting_names_only_people_the_policy_names():
    # 7.2 and 7.3 name who hears about what: the CCG safeguarding lead, your line manager, the Safeguarding Team,
    # Human Resources. A right answer in a reporting scenario that sends the worry to someone else ("the on-call
    # manager", "your manager") teaches a route the policy does not give.
    role = re.compile(r"\b([\w-]+) (manager|lead|team)s?\b")
    named = {match.groups() for match in role.finditer(policy_text("7.2", "7.3"))}
    assert {("line", "manager"), ("safeguarding", "lead"), ("safeguarding", "team")} <= named
    wrong = [
        f"{where[:40]}: {' '.join(match.groups())}"
        for clauses, text, where in right_answers()
        if "7.3" in clauses
        for match in role.finditer(plain(text))
        if match.groups() not in named
    ]
    assert wrong == []


def test_a_right_answer_that_tells_the_safeguarding_lead_does_not_put_it_off():
    # 7.3: "Any online concerns should be reported as soon identified". A deadline later than now ("today",
    # "tomorrow", "on Monday") lets someone sit on a worry for hours.
    assert "any online concerns should be reported as soon identified" in policy_text("7.3")
    later = re.compile(r"\b(?:today|tomorrow|monday|next week|later|when you can|first thing)\b")
    telling_the_lead = [(where, text) for _, text, where in right_answers() if "safeguarding lead" in plain(text)]
    assert len(telling_the_lead) >= 5
    assert [f"{where[:40]}: {text}" for where, text in telling_the_lead if later.search(plain(text))] == []


def test_the_rule_against_accepting_a_request_from_someone_suspected_underage_is_taught():
    # 7.1 has the rule in its own words; the friend-request scenario (a 15-year-old, over the platform's minimum
    # age) teaches the official-channels rule of section 7 instead, so a question must teach this one.
    assert "don't accept 'friend' requests from anyone you suspect to be underage" in policy_text("7.1")
    teaching = [
        q
        for module in CONTENT.modules
        for q in module["quiz"]["questions"]
        if q["clause"] == "7.1" and re.search(r"\b(?:friend|follow) request", plain(q["scenario"] + " " + q["stem"]))
    ]
    assert teaching, "no 7.1 question about a friend or follow request from someone who may be underage"
    for q in teaching:
        (right,) = [plain(c["text"]) for c in q["choices"] if c["correct"]]
        assert re.search(r"\b(?:don't|do not) accept\b", right), right


def test_a_right_answer_on_an_official_account_names_the_approvers_as_section_10_1_does():
    # 10.1: the business case is "approved by the Communication and Engagement Team and appropriate Director": the
    # director whose area the account serves, not "the Director", which reads as one post a new starter must find.
    assert "approved by the communication and engagement team and appropriate director" in policy_text("10.1")
    directors = [
        (where, match.group(0))
        for clauses, text, where in right_answers()
        if {"10", "10.1"} & set(clauses)
        for match in re.finditer(r"\b\w+ director\b", plain(text))
    ]
    assert directors  # the approvers are taught
    assert [f"{where[:40]}: {found}" for where, found in directors if found != "appropriate director"] == []


def test_where_you_sign_up_to_something_personal_with_nhsmail_the_answer_says_7_2_rules_it_out():
    # 7.2: work contact details "should not be used on a personal account". Feedback on the right answer that only
    # warns the address can identify you (6.2) leaves someone free to keep using it, as long as they mind their posts.
    assert "they should not be used on a personal account" in policy_text("7.2")
    found = [
        q
        for module in CONTENT.modules
        for q in module["quiz"]["questions"]
        if "nhsmail" in plain(q["scenario"])
        and re.search(r"\b(?:sign(?:s|ed)? up|register(?:s|ed)?)\b", plain(q["scenario"]))
    ]
    assert found
    for q in found:
        (feedback,) = [plain(c["feedback"]) for c in q["choices"] if c["correct"]]
        assert "7.2" in cited_sections(feedback) and "personal account" in feedback, q["stem"]


def test_a_scenario_that_teaches_a_personal_reply_to_media_comment_also_teaches_7_2s_limit():
    # Section 9 allows a personal reply to published comment (identified, for yourself, with its disclaimer), but 7.2
    # says that even in a personal capacity staff must not "comment on work-related issues". A scenario whose right
    # answer is such a reply must say where that line is, or it reads as leave to discuss CCG business personally.
    assert "comment on work-related issues" in policy_text("7.2")
    (media_disclaimer,) = [d for d in disclaimers() if d.startswith("these views")]
    replies = [
        (block, option)
        for module in CONTENT.modules
        for block in module["blocks"]
        if block["type"] == "scenario"
        for option in block["options"]
        if option["expected"] and media_disclaimer in plain(option["text"])
    ]
    assert replies
    for block, option in replies:
        assert "7.2" in block["clauses"], block["title"]
        assert "7.2" in cited_sections(option["feedback"]) and "work-related" in plain(option["feedback"]), block[
            "title"
        ]
        # And the situation it answers is not itself work-related: 7.2's limit would rule the reply out (helper 235's
        # review: the blog's topic "relates to your work", and the right answer still commented).
        situation = plain(block["situation"])
        assert not re.search(r"relates? to your (work|job)|work-related|your own work", situation), block["title"]
