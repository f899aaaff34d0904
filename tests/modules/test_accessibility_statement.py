from modules.models import ContentPage


def test_the_accessibility_statement_is_public(client, home_page):
    page = home_page.add_child(
        instance=ContentPage(
            title="Accessibility statement", slug="accessibility-statement", body=[("text", "<p>We test.</p>")]
        )
    )
    page.save_revision().publish()
    response = client.get("/accessibility-statement/")
    assert response.status_code == 200 and "We test." in response.content.decode()


def test_without_a_published_statement_the_page_is_not_found(client, home_page):
    assert client.get("/accessibility-statement/").status_code == 404
