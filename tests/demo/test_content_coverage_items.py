"""The content added for coverage (issue 13, section 2) stays: each item found by its key, with the clause it teaches.

Each test fails if its scenario or question is deleted (the look-up finds nothing) or loses its clause tag.
"""

from portal.demo.content import load_content
from tests.demo.test_content_corrections import correct_texts, expected_option, question, scenario

CONTENT = load_content()
MODULES = {module["slug"]: module for module in CONTENT.modules}


def test_agency_staff_and_personal_equipment_are_in_scope():
    q = question("principles-and-best-practice", "Does the CCG's policy apply to what you post?")
    assert q["clause"] == "3"
    assert "agency" in q["scenario"] and "own phone" in q["scenario"]
    (right,) = correct_texts(q)
    assert "agency staff" in right and "own phone" in right


def test_a_patient_screenshot_in_whatsapp_or_teams_is_covered_by_the_policy():
    block = scenario("principles-and-best-practice", "A screenshot in the team WhatsApp group")
    assert "5.4" in block["clauses"]
    assert "delete" in expected_option(block)["text"]
    q = question("principles-and-best-practice", "The social media policy applies to this chat")
    assert q["clause"] == "5.4" and "Teams" in q["scenario"]
    assert correct_texts(q) == ["True"]


def test_copyright_is_taught():
    q = question("principles-and-best-practice", "Can you use the photo?")
    assert q["clause"] == "6.2"
    assert any("licence" in text for text in correct_texts(q))


def test_defamation_and_financial_disclosure_are_taught():
    q = question("principles-and-best-practice", "could break the law")
    assert q["clause"] == "6.2"
    right = {choice["text"]: choice["feedback"] for choice in q["choices"] if choice["correct"]}
    assert any("stealing" in text and "defamation" in feedback for text, feedback in right.items())
    assert any("value of the contract" in t and "financial disclosure" in feedback for t, feedback in right.items())


def test_the_logo_ban_is_taught():
    q = question("principles-and-best-practice", "because it is your own page")
    assert q["clause"] == "6.2" and "logo" in q["scenario"]
    assert correct_texts(q) == ["False"]


def test_information_is_never_used_to_locate_or_meet_a_child_or_adult_at_risk():
    block = scenario("safeguarding-online", "You could work out where she lives")
    assert "7.1" in block["clauses"]
    assert all(not option["expected"] for option in block["options"] if option["text"].startswith("Go,"))
    q = question("safeguarding-online", "What should you do with that information?")
    assert q["clause"] == "7.1"
    (right,) = correct_texts(q)
    assert "Not use it to find him" in right


def test_intimate_or_sexual_conversation_is_refused():
    block = scenario("safeguarding-online", "Messages that turn personal")
    assert "7.2" in block["clauses"]
    assert "intimate or sexual conversation" in expected_option(block)["feedback"]
    q = question("safeguarding-online", "reply in kind")
    assert q["clause"] == "7.2" and "sexual" in q["scenario"]
    assert correct_texts(q) == ["False"]


def test_managers_have_a_module_on_their_duties():
    module = MODULES["supporting-your-team-online"]
    assert "4.3" in module["clauses"]
    assert sum(q["clause"] == "4.3" for q in module["quiz"]["questions"]) >= 2
    assert all("4.3" in b["clauses"] for b in module["blocks"] if b["type"] == "scenario")


def test_the_policy_covers_what_is_said_and_printed_as_well_as_posted():
    letter = question("principles-and-best-practice", "Does the policy apply to your letter?")
    assert letter["clause"] == "13" and "in print" in letter["scenario"]
    assert correct_texts(letter) == ["Yes: it covers print and speech too"]
    radio = next(q for q in MODULES["responding-to-the-media"]["quiz"]["questions"] if "radio" in q["scenario"])
    assert radio["clause"] == "13"
    assert any("only verbal" in c["text"] and not c["correct"] for c in radio["choices"])


def test_a_clinician_contacted_by_a_patients_relative_has_a_scenario():
    block = scenario("principles-and-best-practice", "A patient's daughter messages the clinical lead")
    assert {"2", "7.2"} <= set(block["clauses"])
    assert "clinical lead" in block["situation"]
    assert "Don't reply on Facebook" in expected_option(block)["text"]
