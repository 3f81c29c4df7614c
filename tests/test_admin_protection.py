"""The one admin account that can change everything: throttled logins, a movable address,
sessions that end, and a log that records events but not people."""

import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

PASSWORD = "a-long-password-123"  # the manager fixture's


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Dozens of logins here; PBKDF2's deliberate slowness is not what these tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, username="manager", password=PASSWORD, **headers):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **headers)


def fail_logins(client, times, username="manager", **headers):
    """Wrong passwords; returns the status codes (200: the form again; 429: locked out)."""
    return [log_in(client, username, "wrong-password", **headers).status_code for _ in range(times)]


def test_five_failures_lock_the_username_even_with_the_right_password(client, manager):
    fail_logins(client, 5, REMOTE_ADDR="198.51.100.1")
    response = log_in(client, REMOTE_ADDR="198.51.100.2")  # another address does not help
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_fifth_failure_locks_and_four_do_not(client, manager, django_user_model):
    django_user_model.objects.create_user("other", password=PASSWORD)
    assert fail_logins(client, 5, username="other", REMOTE_ADDR="198.51.100.9") == [200, 200, 200, 200, 429]
    fail_logins(client, 4, REMOTE_ADDR="198.51.100.1")
    assert log_in(client, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_five_failures_from_one_address_lock_that_address_for_every_username(client, manager):
    for name in ("ana", "bogdan", "corina", "dan", "elena"):
        fail_logins(client, 1, username=name, REMOTE_ADDR="203.0.113.9")
    assert log_in(client, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert log_in(client, REMOTE_ADDR="203.0.113.10").status_code == 302


def test_the_lock_lifts_after_the_15_minute_cool_off(client, manager):
    fail_logins(client, 5, REMOTE_ADDR="198.51.100.1")
    assert log_in(client, REMOTE_ADDR="198.51.100.1").status_code == 429
    # Let 14 minutes pass: still locked.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert log_in(client, REMOTE_ADDR="198.51.100.1").status_code == 429
    # A failure during the lockout restarts the cool-off; let 16 minutes pass since then.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, REMOTE_ADDR="198.51.100.1").status_code == 302


def via_nginx(forwarded_for):
    """A request as the documented nginx passes it on: it appends the peer it saw."""
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for}


def test_behind_the_proxy_a_forged_forwarded_for_does_not_reset_the_ip_lock(client, manager, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    for n, name in enumerate(("ana", "bogdan", "corina", "dan", "elena")):
        # The attacker at 203.0.113.9 invents a new left-most address every time.
        fail_logins(client, 1, username=name, **via_nginx(f"10.0.0.{n}, 203.0.113.9"))
    response = log_in(client, **via_nginx("192.0.2.77, 203.0.113.9"))
    assert response.status_code == 429
    # Someone else behind the same nginx is not affected.
    assert log_in(client, **via_nginx("198.51.100.20")).status_code == 302


@pytest.mark.parametrize("forwarded", ["garbage", "1.2.3.4:5678", "300.1.1.1", "10.0.0.1, ::zz"])
def test_behind_the_proxy_a_malformed_forwarded_for_counts_against_the_peer_address(
    client, manager, settings, forwarded
):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    assert log_in(client, password="wrong", **via_nginx(forwarded)).status_code == 200
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"  # nginx's peer address
    assert log_in(client, **via_nginx(forwarded)).status_code == 302


def test_without_the_proxy_setting_forwarded_for_is_ignored(client, manager, settings):
    settings.BEHIND_PROXY = False
    for n, name in enumerate(("ana", "bogdan", "corina", "dan", "elena")):
        fail_logins(client, 1, username=name, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert log_in(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_login_events_are_logged_without_names_or_addresses(client, manager, caplog):
    with caplog.at_level(logging.INFO):
        fail_logins(client, 5, username="ana.popescu@example.ro", REMOTE_ADDR="198.51.100.23")
        log_in(client, REMOTE_ADDR="198.51.100.24", HTTP_USER_AGENT="Mozilla/5.0 (Ana's laptop)")
        log_in(client, username="ana.popescu@example.ro", REMOTE_ADDR="198.51.100.25")
    text = caplog.text
    assert "Locking out" in text
    assert "Successful login" in text
    for personal in ("ana.popescu", "198.51.100.", "manager", "Ana's laptop"):
        assert personal not in text


def test_passwords_shorter_than_12_characters_are_refused():
    with pytest.raises(ValidationError):
        validate_password("Xq7#mK2!pL9")  # 11 characters, otherwise strong
    validate_password("Xq7#mK2!pL9@")


def test_the_admin_moves_with_admin_url():
    environment = {**os.environ, "DEBUG": "True", "ADMIN_URL": "/gestiune-7f3k/"}
    script = (
        "import django; django.setup()\n"
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/')\n    print('old path still answers')\n"
        "except Resolver404:\n    print('old path gone')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**environment, "DJANGO_SETTINGS_MODULE": "mechatrec.settings"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["/gestiune-7f3k/", "old", "path", "gone"]


def test_a_staff_session_past_its_age_no_longer_opens_the_admin(client, manager, settings):
    assert log_in(client).status_code == 302
    session = Session.objects.get()
    assert session.expire_date <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert client.get(reverse("admin:index")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
