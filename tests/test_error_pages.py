"""Error pages a visitor may meet are valid HTML, with a way back (the validator's view of them;
their content and headers are tested with the production settings elsewhere)."""

import pytest
from django.template.loader import render_to_string

from tests.quality import assert_valid_html


def test_a_missing_profile_answers_404_with_a_way_back(client, db):
    response = client.get("/en/members/no-such-member/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "This page does not exist" in text
    assert 'href="/en/"' in text


def test_the_server_error_page_renders_without_a_request_and_is_valid_html():
    # Django renders 500.html with an empty context, possibly while the database is down.
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert_valid_html({"server error": html})


@pytest.mark.parametrize(
    "query", ["size__exact=%00", "category__exact=%00", "county=%00", "q=a%00b", "%00=1"]
)
def test_a_nul_character_in_an_admin_filter_is_a_bad_request_not_a_server_error(admin_client, query):
    response = admin_client.get(f"/admin/members/member/?{query}")
    assert response.status_code == 400
