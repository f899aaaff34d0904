"""The accessibility check every browser test relies on has teeth: axe_check fails on a page with a fault axe-core
knows, naming the rule and the element, however few of axe's results it is asked to collect (violations only)."""

import pytest

GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def test_a_page_with_an_image_without_alt_text_fails_the_check(page, axe_check):
    page.set_content(f'<html lang="en"><title>A page</title><main><h1>A page</h1><img src="{GIF}"></main></html>')
    with pytest.raises(AssertionError) as failure:
        axe_check(page)
    assert '"id": "image-alt"' in str(failure.value) and "<img src=" in str(failure.value)


def test_the_same_page_with_alt_text_passes(page, axe_check):
    page.set_content(
        f'<html lang="en"><title>A page</title><main><h1>A page</h1><img src="{GIF}" alt="A dot"></main></html>'
    )
    axe_check(page)
