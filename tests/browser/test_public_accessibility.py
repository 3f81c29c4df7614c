"""Every public page type meets WCAG 2.1 A and AA (axe-core in Chromium), in both languages,
on a desktop and on a phone, where the filters panel collapses."""

import pytest

from tests.quality import assert_no_axe_violations, public_page_paths

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["ro", "en"])
def test_public_pages_have_no_accessibility_violations(
    page, live_server, complete_member, competences, language, width
):
    member = complete_member
    page.set_viewport_size({"width": width, "height": 900})
    failures = []
    for name, (path, _status) in public_page_paths(member, competences[2]).items():
        page.goto(f"{live_server.url}/{language}{path}")
        try:
            assert_no_axe_violations(page)
        except AssertionError as failure:
            failures.append(f"{name}: {failure}")
    assert not failures, "\n".join(failures)
