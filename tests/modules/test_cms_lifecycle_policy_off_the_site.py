"""A module whose policy is off the site (unpublished in the CMS, or past its expiry date) still names the policy and
its sections, without links to a page that is not there. Before, the module's "Policy sections covered" line, each
scenario's and key point's section numbers all linked to the policy page, and staff following them met "Page not
found" in the middle of a module they were asked to complete."""


def _module_page(client, module_page) -> str:
    return " ".join(client.get(module_page.url).content.decode().split())


def test_a_module_links_to_its_policy_while_the_policy_is_on_the_site(person_client, policy, module_page):
    page = _module_page(person_client, module_page)

    assert f'href="{policy.url}"' in page
    assert f'href="{policy.url}#clause-6-2"' in page


def test_a_module_whose_policy_is_off_the_site_names_it_without_dead_links(person_client, policy, module_page):
    policy.unpublish()

    page = _module_page(person_client, module_page)

    assert person_client.get(policy.url).status_code == 404  # what a link would lead to
    assert policy.url not in page
    assert policy.title in page
    assert f"Policy sections covered: 6.2, 9 of the {policy.title}." in page
    assert "About policy sections: 6.2, 9</p>" in page  # each scenario's sections, as text
