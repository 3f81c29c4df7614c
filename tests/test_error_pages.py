"""Error pages a visitor may meet: in the site's look, with a way back, and valid HTML."""

from django.template.loader import render_to_string

from tests.quality import assert_valid_html


def test_a_missing_profile_answers_404_with_a_way_back_to_the_directory(client, db):
    response = client.get("/en/members/no-such-member/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1>Page not found</h1>" in text
    assert 'href="/en/members/"' in text


def test_the_server_error_page_renders_without_a_request_and_is_valid_html():
    # Django renders 500.html with an empty context, possibly while the database is down.
    html = render_to_string("500.html")
    assert "Sorry, something went wrong" in html
    assert_valid_html({"server error": html})
