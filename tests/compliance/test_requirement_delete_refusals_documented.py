"""HR reads about requirements in docs/setup.md (step 7): it says a requirement is retired, not deleted, and names
each reason the CMS's delete refuses one, in the words the refusal uses, so that HR meeting one knows it from the
page. It once named none of them."""

from pathlib import Path

import pytest

from portal.compliance.requirement_reads import requirement_records

SETUP = Path(__file__).resolve().parents[2] / "docs" / "setup.md"

# The refusals' own words (services.requirement_delete, requirement_reads.requirement_measured_refusal).
REFUSALS = ["has evidence recorded against it", "is named by an evidence pack", "has been applied to"]


def _step_7() -> str:
    text = SETUP.read_text(encoding="utf-8")
    return " ".join(text[text.index("7. **Requirements.**") : text.index("8. **The first policy.**")].split())


@pytest.mark.parametrize("words", REFUSALS + [what for what, _, _ in requirement_records()])
def test_setup_md_names_each_refusal_to_delete_a_requirement(words):
    assert words in _step_7()


def test_setup_md_says_to_retire_one_instead():
    assert "is **retired**, not deleted" in _step_7()
