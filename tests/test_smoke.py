def test_module_page_renders_for_the_person(person_client, module_page):
    response = person_client.get(module_page.url)
    assert response.status_code == 200
    assert b"Scenario 1" in response.content
