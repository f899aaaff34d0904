"""Every numbered clause of the policy that asks something of staff is taught: a question or scenario is tagged with it.

The clauses are found in the policy as imported, not listed by hand: the demo's policy page (policy.toml) and, when it
is beside the repository, the original document read by the same importer editors use (modules.policy_import).
"""

import html
import re
from pathlib import Path

import pytest

from modules.policy_import import decode_policy_bytes, parse_policy
from portal.demo.content import load_content

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_f326fb3b3dc84b92.txt"
CONTENT = load_content()

OBLIGATION = re.compile(
    r"\b(?:must|should|shall|do not|don't|never|ensure|expectation|have to|may not|refrain"
    r"|please (?:contact|discuss))\b",
    re.IGNORECASE,
)
# A sentence asks something of the people who take this training when it names them, or is an instruction. "The CCG
# ... to ensure that any social media activity ... is managed" (4.1) is the organisation's duty, not theirs.
ADDRESSED = re.compile(
    r"\b(?:you|your|yourself|staff|employees?|managers?|individual|he / she)\b|^(?:do not|don't|never|please|ensure)\b",
    re.IGNORECASE,
)


def sentences(section_html: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</(?:li|p)>", "\n", section_html)))
    return [part.strip() for line in text.splitlines() for part in re.split(r"(?<=[.!?])\s+", line) if part.strip()]


def obligation_clauses(sections: list[tuple[str, str]]) -> list[str]:
    """The numbers of the sections with at least one sentence that asks something of staff."""
    return [
        number
        for number, body in sections
        if any(OBLIGATION.search(sentence) and ADDRESSED.search(sentence) for sentence in sentences(body))
    ]


def tagged_clauses() -> set[str]:
    tagged = set()
    for module in CONTENT.modules:
        tagged |= {question["clause"] for question in module["quiz"]["questions"]}
        tagged |= {clause for block in module["blocks"] if block["type"] == "scenario" for clause in block["clauses"]}
    return tagged


def demo_policy_sections() -> list[tuple[str, str]]:
    return [(section["number"], section["html"]) for section in CONTENT.policy["sections"]]


def test_the_demo_policys_obligations_are_each_taught_by_a_question_or_scenario():
    obligations = obligation_clauses(demo_policy_sections())
    assert len(obligations) >= 15, obligations  # the check is finding the rules, not passing for want of any
    assert [clause for clause in obligations if clause not in tagged_clauses()] == []


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed policy is kept beside the repository, at {SEED}")
def test_the_original_policys_obligations_are_each_taught_by_a_question_or_scenario():
    policy = parse_policy(decode_policy_bytes(SEED.read_bytes()))
    obligations = obligation_clauses([(section.number, section.html) for section in policy.sections])
    assert {"3", "4.3", "6.2", "7.1", "8", "13"} <= set(obligations)
    assert not {"1", "4.1", "14", "15"} & set(obligations)  # the organisation's duties and the review cycle
    assert [clause for clause in obligations if clause not in tagged_clauses()] == []


def test_the_obligation_finder_reads_duties_to_staff_and_not_the_organisations():
    assert obligation_clauses([("9", "<p>You must not comment.</p>"), ("4.1", "<p>The CCG will ensure it.</p>")]) == [
        "9"
    ]
    assert obligation_clauses([("7.1", "<ul><li>Don't accept requests.</li></ul>")]) == ["7.1"]
