"""Our pages are valid HTML according to the W3C Nu validator (npm vnu-jar, run offline).

Django's admin is not ours to fix and is not validated. Locally the tests skip with a message
when Java or `node_modules` is missing; in CI they fail instead.
"""

import pytest

from tests.quality import assert_valid_html, html_validation_errors


@pytest.fixture
def pages_in_both_languages(client, make_member, competences):
    member = make_member(name="Tehnică Avansată SRL", competences=competences[:3])
    pages = {}
    for language in ("ro", "en"):
        pages[f"profile ({language})"] = client.get(f"/{language}/members/{member.slug}/")
        pages[f"page not found ({language})"] = client.get(f"/{language}/members/no-such-member/")
    return pages


def test_profile_and_error_pages_are_valid_html_in_both_languages(pages_in_both_languages):
    statuses = {name: response.status_code for name, response in pages_in_both_languages.items()}
    assert statuses == {
        "profile (ro)": 200,
        "page not found (ro)": 404,
        "profile (en)": 200,
        "page not found (en)": 404,
    }
    assert_valid_html({name: response.content.decode() for name, response in pages_in_both_languages.items()})


def test_the_validator_reports_each_error_with_its_page_and_line():
    head = '<!DOCTYPE html><html lang="en"><head><title>t</title></head>\n'
    errors = html_validation_errors(
        {"broken": head + "<body><p>Hi<div></body></html>", "fine": head + "<body><p>Hi</p></body></html>"}
    )
    assert errors["fine"] == []
    assert any(error.startswith("line 2: Unclosed element “div”") for error in errors["broken"])
