"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Every test in this folder is marked `browser`. Without Chromium they skip locally with a message
saying how to install it; in CI (`CI=true`) they fail instead, so CI cannot pass without them.
The live server serves /static/ through Django's staticfiles handler, so pages load their CSS.
"""

import os
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from tests.quality import require
from tools.chromium import CHROMIUM_PATH, chromium_available, playwright_launch_args

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM
# calls made by the test itself ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_TESTS = os.path.dirname(__file__)


def pytest_itemcollected(item):
    # At collection, so that `-m browser` / `-m "not browser"` select on it.
    if str(item.path).startswith(BROWSER_TESTS):
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last, after pytest-django's own ordering.

    They need committed data, so each ends by flushing the database; the reference data comes
    back only for the next serialized_rollback test, not for the ordinary tests that expect it.
    """
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    items[:] = [item for item in items if item not in browser_tests] + browser_tests


expect.set_options(timeout=5000)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture runs: launching a missing browser would fail with a stack trace instead.
    if item.get_closest_marker("browser"):
        require(
            chromium_available(),
            f"browser tests need Chromium at {CHROMIUM_PATH} (apt-get install chromium, "
            "or set CHROMIUM_PATH); Playwright's own browser download is not used",
        )


@pytest.fixture(scope="session")
def _serialized_test_databases(django_db_setup):
    """The reference data Django serialized when it created the test databases."""
    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(scope="session")
def playwright(_serialized_test_databases, playwright):
    # Starting Playwright's sync API leaves the test running in a new context, where Django's
    # (context-local) connection objects are new ones that lack the serialized reference data;
    # serialized_rollback would then silently restore nothing after the first browser test.
    for alias, contents in _serialized_test_databases.items():
        connections[alias]._test_serialized_contents = contents
    return playwright


@pytest.fixture(scope="session")
def live_server(live_server, browser):
    yield live_server
    # Chromium keeps its connections open, and the server thread serving each one closes the
    # database connection when it ends. After the server stopped, that in-memory SQLite connection
    # is no longer shared with those threads and they fail; so close the browser and let them end
    # before the server stops (this teardown runs before both the browser's and the server's).
    browser.close()
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM_PATH),
        "args": playwright_launch_args(),
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def page(page):
    # Pages answer in milliseconds; a missing element should fail in seconds, not Playwright's 30.
    page.set_default_timeout(5000)
    return page


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher costs about half a second per login on these machines; hashing is not
    # what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def log_in_through_the_form(page, live_server, manager):
    """Log the manager in through the admin's login form, as a person would."""

    def log_in(next_path="/admin/"):
        page.goto(f"{live_server.url}/admin/login/?next={next_path}")
        page.get_by_label("Username").fill(manager.username)
        page.get_by_label("Password").fill("a-long-password-123")
        page.get_by_role("button", name="Log in").click()
        return page

    return log_in


@pytest.fixture
def manager_page(page, live_server, manager, client, settings):
    """A page whose browser holds the manager's session (the login form has its own test)."""
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": session.key, "value": session.value, "url": live_server.url}])
    return page
