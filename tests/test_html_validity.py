"""Our pages are valid HTML according to the W3C Nu validator (npm vnu-jar, run offline).

Django's admin is not ours to fix and is not validated. Locally the tests skip with a message
when Java or `node_modules` is missing; in CI they fail instead.
"""

import pytest

from tests.quality import assert_valid_html, html_validation_errors, public_page_paths


@pytest.fixture
def public_pages(client, complete_member, competences):
    member = complete_member
    pages = {}
    for language in ("ro", "en"):
        for name, (path, status) in public_page_paths(member, competences[2]).items():
            response = client.get(f"/{language}{path}")
            assert response.status_code == status, f"{name} ({language}) answered {response.status_code}"
            pages[f"{name} ({language})"] = response.content.decode()
    return pages


def test_every_public_page_type_is_valid_html_in_both_languages(public_pages):
    assert_valid_html(public_pages)


def test_the_validator_reports_each_error_with_its_page_and_line():
    head = '<!DOCTYPE html><html lang="en"><head><title>t</title></head>\n'
    errors = html_validation_errors(
        {"broken": head + "<body><p>Hi<div></body></html>", "fine": head + "<body><p>Hi</p></body></html>"}
    )
    assert errors["fine"] == []
    assert any(error.startswith("line 2: Unclosed element “div”") for error in errors["broken"])


def test_the_self_service_pages_are_valid_html_in_both_languages(client, complete_member, manager):
    from members import selfservice
    from members.models import UpdateLink

    member = complete_member
    link, key = selfservice.issue(member, member.contacts.get(), manager, purpose=UpdateLink.Purpose.YEARLY)
    pages = {}
    for language in ("ro", "en"):
        for name, path, status in [
            ("update form", f"/update/{key}/", 200),
            ("unknown link", "/update/1-nothing/", 404),
            ("changes sent", "/update/sent/", 200),
        ]:
            response = client.get(f"/{language}{path}")
            assert response.status_code == status, f"{name} ({language}) answered {response.status_code}"
            pages[f"{name} ({language})"] = response.content.decode()
    invalid = client.post(
        f"/en/update/{key}/", {"founded": "12", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}
    )
    assert invalid.status_code == 400
    pages["update form with errors (en)"] = invalid.content.decode()
    assert_valid_html(pages)
