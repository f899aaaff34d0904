"""The errors a clause-by-clause review found in the demo content (issue 13, section 1) stay corrected."""

import re

from portal.demo.content import load_content

CONTENT = load_content()
MODULES = {module["slug"]: module for module in CONTENT.modules}
SECTIONS = {section["number"]: section["html"] for section in CONTENT.policy["sections"]}


def scenario(slug: str, title: str) -> dict:
    return next(b for b in MODULES[slug]["blocks"] if b["type"] == "scenario" and b["title"] == title)


def expected_option(block: dict) -> dict:
    (option,) = [option for option in block["options"] if option["expected"]]
    return option


def question(slug: str, stem_contains: str) -> dict:
    (found,) = [q for q in MODULES[slug]["quiz"]["questions"] if stem_contains in q["stem"]]
    return found


def correct_texts(q: dict) -> list[str]:
    return [choice["text"] for choice in q["choices"] if choice["correct"]]


def every_text() -> str:
    return "\n".join([CONTENT.policy.get("intro", ""), *SECTIONS.values(), *map(repr, CONTENT.modules)])


def test_a_public_debate_about_a_service_is_referred_to_communications_not_corrected_personally():
    block = scenario("principles-and-best-practice", "Joining a public debate about a local service")
    assert {"9", "7.2"} <= set(block["clauses"])
    right = expected_option(block)
    assert "Communications and Engagement Team" in right["text"]
    own_account = next(o for o in block["options"] if "own account" in o["text"])
    assert not own_account["expected"]
    assert "disclaimer" in own_account["feedback"]


def test_consent_for_an_adult_at_risk_comes_from_the_adult_unless_they_lack_capacity():
    q = question("safeguarding-online", "photo of an adult at risk")
    consent = [text for text in correct_texts(q) if "consent" in text]
    assert consent and all("capacity" in text for text in consent)
    assert not any("from a Lasting Power of Attorney" in text for text in correct_texts(q))
    assert "health and welfare Lasting Power of Attorney" in SECTIONS["7.1"]


def test_the_profile_picture_question_is_about_your_own_accounts_not_official_ones():
    q = question("safeguarding-online", "profile picture")
    assert "your own accounts" in q["stem"]


def test_a_young_persons_follow_request_is_neither_accepted_nor_answered_and_a_worry_goes_to_the_safeguarding_lead():
    block = scenario("safeguarding-online", "A young person sends you a friend request")
    assert {"7", "7.3"} <= set(block["clauses"])
    right = expected_option(block)
    assert "Don't accept or reply" in right["text"] and "safeguarding lead" in right["text"]
    # "Underage" in 7.1 means below the platform's minimum age, which a teenager of 13 or over is not.
    age = int(re.search(r"(\d+)-year-old", block["situation"]).group(1))
    assert age >= 13 and "minimum age" in right["feedback"]
    assert all(not o["expected"] for o in block["options"] if "Reply from your personal account" in o["text"])


def test_a_comment_about_self_harm_gets_999_crisis_contacts_the_platform_and_the_out_of_hours_route():
    block = scenario("reporting-safeguarding-concerns", "A worrying comment under a CCG post")
    assert {"7.1", "7.3"} <= set(block["clauses"])
    text = expected_option(block)["text"]
    for step in ["999", "crisis contacts", "platform", "on-call"]:
        assert step in text, step


def test_contractor_endorsements_are_declined_for_the_real_reasons_not_because_section_8_forbids_them():
    block = scenario("references-and-endorsements", "A contractor wants an endorsement")
    assert {"8", "6.2"} <= set(block["clauses"])
    right = expected_option(block)
    assert "disclaimer" in right["text"] and "bid" in right["text"]
    assert "conflict of interest" in right["feedback"]
    q = question("references-and-endorsements", "What is your response, and why?")
    assert any("cannot carry the personal-capacity disclaimer" in text for text in correct_texts(q))
    assert "Section 8 allows an accurate personal recommendation of a contractor" in q["choices"][0]["feedback"]


def test_an_official_presence_needs_the_directors_approval_and_the_team_is_named_correctly():
    q = question("representing-the-ccg-officially", "before your team's page speaks for the CCG")
    assert any("appropriate Director" in text for text in correct_texts(q))
    assert "Communication and Engagement" not in every_text()


def test_the_information_governance_question_asks_how_not_where():
    q = question("video-surveys-and-collaboration", "notes and contact lists")
    assert q["stem"].startswith("How ")


def test_scenarios_are_tagged_with_every_clause_they_teach():
    assert "7.2" in scenario("principles-and-best-practice", "A post about a busy week")["clauses"]
    assert "11" in scenario("safeguarding-online", "Photos from a community event")["clauses"]
    assert "7.3" in scenario("safeguarding-online", "A heated thread on the CCG's page")["clauses"]


def test_the_policy_summary_says_what_the_policy_says():
    assert "minimise and if possible remove" in SECTIONS["15"] and "make sure" not in SECTIONS["15"]
    assert "professional code of conduct where you have one" in SECTIONS["2"]
    related = ["IT Equipment", "Whistleblowing", "Bullying and Harassment", "Behaviour Charter", "IG Staff Code"]
    for name in related:
        assert name in SECTIONS["13"] and name in CONTENT.policy["intro"], name
