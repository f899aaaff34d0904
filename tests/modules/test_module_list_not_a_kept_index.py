"""The list of modules My training and /learn/ lead to is one staff can open. With two module index pages published,
the first in the tree kept behind a password or for certain groups only (an editor's index for trying modules out,
which no requirement names, so the CMS allows it), My training linked "See all the training modules" to it and
/learn/ redirected there: everyone met a password form, or was refused, while an open list of modules stood beside
it. The open index is now chosen; a kept index is still linked when it is the only one."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from modules.models import ModuleIndexPage
from tests import factories

LINK = re.compile(r'<a href="([^"]+)">See all the training modules</a>')


def kept(page, how):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=how, password="letmein")
    if how == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.get_or_create(name="Editors trying modules")[0])


def an_index(home, slug):
    index = home.add_child(instance=ModuleIndexPage(title=slug.title(), slug=slug))
    index.save_revision().publish()
    return ModuleIndexPage.objects.get(pk=index.pk)


@pytest.mark.parametrize("how", [PageViewRestriction.PASSWORD, PageViewRestriction.GROUPS])
def test_the_open_index_is_linked_not_the_kept_one_before_it(how, person, person_client, home_page):
    factories.make_staff(user=person)
    trying = an_index(home_page, "trying-modules")
    kept(trying, how)
    open_index = an_index(home_page, "modules")
    assert trying.path < open_index.path
    html = person_client.get(reverse("reports:my_training")).content.decode()
    assert LINK.search(html).group(1) == open_index.url == "/modules/"
    response = person_client.get("/learn/")
    assert response.status_code == 302 and response["Location"] == "/modules/"


def test_a_kept_index_that_is_the_only_one_is_still_linked(person, person_client, home_page):
    factories.make_staff(user=person)
    only = an_index(home_page, "modules")
    kept(only, PageViewRestriction.PASSWORD)
    assert LINK.search(person_client.get(reverse("reports:my_training")).content.decode()).group(1) == "/modules/"
