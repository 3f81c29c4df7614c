"""What a browser receives on every kind of page under the production security settings."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def production_security(settings):
    """The values the production environment gives (tests otherwise run with DEBUG=True)."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.ALLOWED_HOSTS = ["membri.mechatrec.ro"]
    return settings


@pytest.fixture
def browser():
    return Client(HTTP_HOST="membri.mechatrec.ro", HTTP_ACCEPT_LANGUAGE="en")


def page_urls(member):
    return {
        "home": reverse("members:home"),
        "directory": reverse("members:directory"),
        "profile": member.get_absolute_url(),
        "privacy": reverse("members:privacy"),
        "not found": "/ro/members/no-such-member/",
        "admin login": reverse("admin:login"),
        "health check": reverse("healthz"),
    }


@pytest.mark.parametrize(
    "page", ["home", "directory", "profile", "privacy", "not found", "admin login", "health check"]
)
def test_every_page_type_carries_the_security_headers(production_security, browser, make_member, page):
    url = page_urls(make_member())[page]
    response = browser.get(url, secure=True)
    assert response.status_code in (200, 404)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("host", "url", "status"),
    [
        ("membri.mechatrec.ro", "/", 302),
        ("evil.example", "/ro/", 400),
        ("membri.mechatrec.ro", "/admin/?q=%00", 400),
    ],
)
def test_redirects_and_refusals_carry_the_security_headers_too(production_security, db, host, url, status):
    response = Client(HTTP_HOST=host).get(url, secure=True)
    assert response.status_code == status
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_max_age_follows_the_setting(production_security, browser, db):
    production_security.SECURE_HSTS_SECONDS = 600
    production_security.SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    response = browser.get(reverse("members:privacy"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=600"


def test_session_and_csrf_cookies_are_secure_and_hidden_from_scripts(production_security, browser, manager):
    login_page = browser.get(reverse("admin:login"), secure=True)
    csrf_cookie = login_page.cookies["csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]

    response = browser.post(
        reverse("admin:login"),
        {"username": "manager", "password": "a-long-password-123", "next": reverse("admin:index")},
        secure=True,
    )
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    # Ends with the browser session; the server also expires it after SESSION_COOKIE_AGE.
    assert not session_cookie["max-age"] and not session_cookie["expires"]


def test_an_unknown_host_header_gets_400_and_the_site_error_page(production_security, db):
    response = Client(HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en").get(reverse("members:privacy"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "This request could not be understood" in text
    assert "evil.example" not in text


def test_admin_login_refuses_a_post_without_csrf_token(production_security, manager):
    browser = Client(HTTP_HOST="membri.mechatrec.ro", HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    response = browser.post(
        reverse("admin:login"), {"username": "manager", "password": "a-long-password-123"}, secure=True
    )
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_admin_login_accepts_a_post_with_its_csrf_token(production_security, manager):
    browser = Client(HTTP_HOST="membri.mechatrec.ro", HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    token = browser.get(reverse("admin:login"), secure=True).cookies["csrftoken"].value
    response = browser.post(
        reverse("admin:login"),
        {"username": "manager", "password": "a-long-password-123", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_REFERER="https://membri.mechatrec.ro/admin/login/",
    )
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(manager.pk)
