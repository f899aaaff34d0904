"""Every numbered clause of the policy that states an obligation is taught: a question or scenario is tagged with it.

The clauses are found in the policy as ratified, read from the copy in the repository
(`portal/demo/content/policy.txt`, `portal.demo.loader.RATIFIED`) by the importer editors use
(modules.policy_import), and in the demo policy page's plain-English summary (policy.toml); not listed by hand.

What counts as an obligation (docs/content-notes.md, "Coverage and weight"): a sentence with a word of obligation
(must, should, shall, will, have to, are required, need to, do not, never, ensure, may not, refrain, please contact)
that says who must act, when that is a person: it names the people it asks (you, staff, employees, managers, Human
Resources, he / she), or is an instruction (it starts with the verb), or is a duty line ("To provide advice ...") of a
clause headed "Responsibility of" someone other than the CCG, or is a passive must / should / shall ("should be
accepted", "must be branded"), which asks whoever applies the policy. "Will" with any other subject ("this Policy
will be reviewed") is a statement of what happens, not a duty. That leaves out the organisation's own duties as a
body (1, 4.1) and the review cycle (14, 15): no learner can act on them.
"""

import html
import re

from modules.policy_import import decode_policy_bytes, parse_policy
from portal.demo.content import load_content
from portal.demo.loader import RATIFIED

CONTENT = load_content()

OBLIGATION = re.compile(
    r"\b(?:must|should|shall|will|have to|has to|need to|(?:is|are) required|do not|don't|never|ensure|may not"
    r"|refrain|please (?:contact|discuss))\b",
    re.IGNORECASE,
)
# A sentence asks something of the people who take this training when it names them, or is an instruction. "The CCG
# ... will have responsibility ... to ensure that any social media activity ... is managed" (4.1) is the
# organisation's duty, not theirs.
ADDRESSED = re.compile(
    r"\b(?:you|your|yourself|staff|employees?|managers?|individual|he / she|human resources|hr)\b"
    r"|^(?:do not|don't|never|please|ensure|avoid|be|keep|respect|show|correct|identify|write|have|only|consider"
    r"|promote|remind)\b",
    re.IGNORECASE,
)
# "... should be accepted as including other formats" (5.4), "... must be branded appropriately" (11): a passive
# must / should / shall names no one and so asks whoever applies the policy. A passive "will be" does not count.
PASSIVE_DUTY = re.compile(r"\b(?:must|should|shall)(?: not)? be \w+(?:ed|en)\b", re.IGNORECASE)
# "Responsibility of Human Resources": "To provide advice and support to managers ..." (4.2) is HR's duty.
RESPONSIBILITY_OF_PEOPLE = re.compile(r"^responsibilit(?:y|ies) of (?!the ccg\b)", re.IGNORECASE)
DUTY_LINE = re.compile(r"^to \w+", re.IGNORECASE)

# The clauses of the ratified policy that state an obligation, as the rule above finds them: written out so that a
# change to the rule, or to the policy, shows here for a reviewer.
RATIFIED_OBLIGATIONS = [
    "2", "3", "4.2", "4.3", "4.4", "5.4", "6.1", "6.2", "7", "7.1", "7.2", "7.3",
    "8", "9", "10", "10.1", "10.2", "11", "12", "12.1", "13",
]  # fmt: skip


def sentences(section_html: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</(?:li|p)>", "\n", section_html)))
    return [part.strip() for line in text.splitlines() for part in re.split(r"(?<=[.!?])\s+", line) if part.strip()]


def states_an_obligation(sentence: str, heading: str) -> bool:
    if PASSIVE_DUTY.search(sentence):
        return True
    if RESPONSIBILITY_OF_PEOPLE.search(heading) and DUTY_LINE.search(sentence):
        return True
    return bool(OBLIGATION.search(sentence) and ADDRESSED.search(sentence))


def obligation_clauses(sections: list[tuple[str, str, str]]) -> list[str]:
    """The numbers of the sections (number, heading, html) with at least one sentence that states an obligation."""
    return [
        number
        for number, heading, body in sections
        if any(states_an_obligation(sentence, heading) for sentence in sentences(body))
    ]


def tagged_clauses() -> set[str]:
    tagged = set()
    for module in CONTENT.modules:
        tagged |= {question["clause"] for question in module["quiz"]["questions"]}
        tagged |= {clause for block in module["blocks"] if block["type"] == "scenario" for clause in block["clauses"]}
    return tagged


def ratified_sections() -> list[tuple[str, str, str]]:
    policy = parse_policy(decode_policy_bytes(RATIFIED.read_bytes()))
    return [(section.number, section.heading, section.html) for section in policy.sections]


def test_the_ratified_policys_obligations_are_the_ones_listed():
    assert obligation_clauses(ratified_sections()) == RATIFIED_OBLIGATIONS


def test_every_obligation_of_the_ratified_policy_is_taught_by_a_question_or_scenario():
    obligations = obligation_clauses(ratified_sections())
    assert {"4.2", "5.4"} <= set(obligations)  # HR's duties, and the policy reaching instant messaging
    assert not {"1", "4.1", "14", "15"} & set(obligations)  # the organisation's duties and the review cycle
    assert [clause for clause in obligations if clause not in tagged_clauses()] == []


def test_the_demo_summarys_obligations_are_each_taught_by_a_question_or_scenario():
    sections = [(s["number"], s["heading"], s["html"]) for s in CONTENT.policy["sections"]]
    obligations = obligation_clauses(sections)
    assert len(obligations) >= 15, obligations  # the check is finding the rules, not passing for want of any
    assert [clause for clause in obligations if clause not in tagged_clauses()] == []


def test_the_obligation_finder_reads_duties_to_people_and_not_the_organisations():
    found = obligation_clauses(
        [
            ("9", "Responding to the Media", "<p>You must not comment.</p>"),
            ("4.1", "Responsibility of the CCG", "<p>The CCG will ensure it.</p><p>To run the organisation.</p>"),
            ("7.1", "Mitigating the Risk", "<ul><li>Don't accept requests.</li></ul>"),
            ("4.2", "Responsibility of Human Resources", "<p>To provide advice and support to managers.</p>"),
            ("5.4", "Instant Messaging", "<p>The examples should be accepted as including other formats.</p>"),
            ("14", "Monitoring", "<p>This Policy will be reviewed on an annual basis.</p>"),
            ("2", "Purpose", "<p>If a member of staff meets service users, he / she will behave.</p>"),
        ]
    )
    assert found == ["9", "7.1", "4.2", "5.4", "2"]
