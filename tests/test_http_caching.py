"""Headers a shared cache (nginx's proxy_cache, a CDN) may act on: public pages are public for a
short time with an ETag that a revalidation matches without any query; everything else is
private and never stored."""

import pytest
from django.core import signals
from django.db import close_old_connections
from django.urls import reverse
from django.utils import translation

from members.models import Member


def english(name, **kwargs):
    with translation.override("en"):
        return reverse(name, **kwargs)


@pytest.fixture
def public_urls(make_member):
    member = make_member(name="Antet Public SRL")
    return [
        english("members:home"),
        english("members:directory"),
        english("members:directory") + "?category=enterprise&sort=name",
        member.get_absolute_url(),
        english("members:statistics") + "?category=enterprise",
        english("members:map"),
        # Open data (issue 22): files, built from the same data, cached the same way.
        english("members:export_xlsx") + "?category=enterprise",
        english("members:vcard", args=[member.slug]),
        english("members:feed"),
        "/sitemap.xml",
        "/sitemap-members.xml",
        english("opportunities:list") + "?kind=capacity&page=1",
        english("opportunities:feed") + "?kind=capacity",
        english("members:membership"),
    ]


def test_public_pages_are_shared_for_a_minute_and_revalidated_by_browsers(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=300"}, url
        assert response["ETag"].startswith('"')
        assert response["X-Accel-Expires"] == "60"  # nginx's lifetime (it reads no s-maxage)
        # The language is in the path (or, for the sitemaps, both languages are in every
        # answer): nothing else makes two visitors' pages differ.
        assert "Cookie" not in response.get("Vary", "")
        assert "Accept-Language" not in response.get("Vary", ""), url


def test_the_shared_lifetime_follows_the_setting(client, public_urls, settings):
    settings.HTTP_CACHE_SECONDS = 120
    assert "s-maxage=120" in client.get(public_urls[1])["Cache-Control"]


def test_the_same_data_gives_the_same_etag_and_any_saved_change_a_new_one(client, public_urls):
    directory = public_urls[1]
    first = client.get(directory)["ETag"]
    assert client.get(directory)["ETag"] == first
    member = Member.objects.get(name="Antet Public SRL")
    member.short_description_en = "Now with a description"
    member.save()
    assert client.get(directory)["ETag"] != first


def test_a_revalidation_with_the_current_etag_is_a_304_without_any_query(
    client, public_urls, django_assert_num_queries
):
    for url in public_urls:
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(0):
            response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 304 and response.content == b""
        assert response["ETag"] == etag and "public" in response["Cache-Control"]


def test_a_stale_etag_gets_the_new_page(client, public_urls):
    directory = public_urls[1]
    etag = client.get(directory)["ETag"]
    Member.objects.get(name="Antet Public SRL").save()
    response = client.get(directory, headers={"if-none-match": etag})
    assert response.status_code == 200 and "Antet Public SRL" in response.content.decode()


def test_with_the_page_cache_off_pages_still_carry_their_http_caching_headers(client, public_urls, settings):
    settings.DIRECTORY_CACHE = False
    response = client.get(public_urls[1])
    assert "public" in response["Cache-Control"] and response.has_header("ETag")


def test_staff_with_a_session_get_public_pages_privately(client, manager, public_urls):
    client.force_login(manager)
    for url in public_urls:
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url
        assert not response.has_header("ETag")


def test_no_private_page_is_ever_marked_public(client, manager, make_member):
    member = make_member()
    anonymous = [
        reverse("admin:login"),
        english("members:directory") + "?category=no-such-thing",  # answered, never stored
        english("members:profile", kwargs={"slug": "no-such-member"}),
        reverse("switch_language", args=["en"]) + "?next=/en/",
        english("members:export_csv"),
        english("opportunities:list") + "?kind=no-such-kind",  # answered, never stored
        english("opportunities:list") + "?trl_min=ten",
        english("opportunities:contact_member", kwargs={"slug": member.slug}),  # a form
        english("opportunities:contact_sent"),
    ]
    for url in anonymous:
        assert "public" not in client.get(url).get("Cache-Control", ""), url
    client.force_login(manager)
    staff = [
        reverse("admin:index"),
        reverse("admin:members_member_changelist"),
        reverse("admin:members_member_change", args=[member.pk]),
        reverse("admin:members_member_import"),
        reverse("admin:opportunities_message_changelist"),
    ]
    for url in staff:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" not in response["Cache-Control"] and "no-store" in response["Cache-Control"], url


def test_the_purge_command_empties_the_proxy_cache_directory(tmp_path, settings):
    from django.core.management import call_command

    (tmp_path / "a" / "b1").mkdir(parents=True)
    (tmp_path / "a" / "b1" / "0123abcd").write_bytes(b"KEY: https://membri.mechatrec.ro/ro/members/")
    (tmp_path / "c0ffee").write_bytes(b"KEY: https://membri.mechatrec.ro/ro/")
    settings.PROXY_CACHE_DIR = str(tmp_path)
    call_command("purge_proxy_cache")
    assert list(tmp_path.iterdir()) == []


def test_the_purge_command_refuses_without_a_directory(settings):
    from django.core.management import CommandError, call_command

    settings.PROXY_CACHE_DIR = ""
    with pytest.raises(CommandError, match="PROXY_CACHE_DIR"):
        call_command("purge_proxy_cache")


def wsgi(path, **headers):
    """(status, headers) of the site's WSGI application, as gunicorn calls it."""
    from django.test import RequestFactory

    from mechatrec.wsgi import application

    answer = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client does: the request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = application(RequestFactory().get(path, headers=headers).environ, start_response)
        body = b"".join(response)
        if hasattr(response, "close"):
            response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_gunicorns_application_answers_a_current_revalidation_304_with_the_same_headers_and_no_query(
    client, public_urls, django_assert_num_queries
):
    for url in public_urls + [public_urls[2] + "&utm_source=newsletter"]:
        page = client.get(url)
        with django_assert_num_queries(0):
            status, headers, body = wsgi(url, if_none_match=page["ETag"])
        assert status == "304 Not Modified" and body == b"", url
        assert headers["ETag"] == page["ETag"]
        assert headers["Cache-Control"] == page["Cache-Control"]
        assert headers["X-Accel-Expires"] == page["X-Accel-Expires"]


def test_revalidations_decided_before_django_are_only_those_django_would_answer_304(
    client, public_urls, manager
):
    from django.test import RequestFactory

    from members.cache import not_modified_early

    directory = public_urls[1]
    etag = client.get(directory)["ETag"]

    def early(path=directory, method="get", **headers):
        request = getattr(RequestFactory(), method)(path, headers={"if-none-match": etag, **headers})
        return not_modified_early(request.environ)

    assert early().status_code == 304
    assert early(method="head").status_code == 304
    assert early(cookie="sessionid=abc") is None  # staff may see more: Django answers
    assert early(method="post") is None
    assert early(host="forged.example") is None  # Django answers 400
    assert early(directory + "?category=enterprise") is None  # another page, another tag
    assert early("/admin/members/member/") is None  # not a public page
    assert early("/members/") is None  # no language: Django redirects
    Member.objects.get(name="Antet Public SRL").save()
    assert early() is None  # the data changed: the tag is stale


def test_early_revalidations_see_another_process_saving_within_a_second(client, public_urls, monkeypatch):
    import time

    from django.core.cache import cache
    from django.test import RequestFactory

    from members import cache as page_cache

    directory = public_urls[1]
    etag = client.get(directory)["ETag"]

    def early():
        request = RequestFactory().get(directory, headers={"if-none-match": etag})
        return page_cache.not_modified_early(request.environ)

    assert early().status_code == 304
    # Another app server saves a change: the shared version moves, this process is not told.
    cache.set(page_cache.VERSION_KEY, time.time_ns())
    assert early().status_code == 304  # judged on the version read less than a second ago
    monkeypatch.setattr(page_cache, "RECENT_VERSION_SECONDS", 0)  # that second has passed
    assert early() is None
    assert client.get(directory, headers={"if-none-match": etag}).status_code == 200


def test_the_api_sitemaps_and_robots_read_the_same_in_every_language_and_say_so(client, make_member):
    make_member(name="Roboți Ilfov SRL", short_description_ro="Roboți.", short_description_en="Robots.")
    for url in ("/api/v1/members/?facets=1", "/api/v1/competences/", "/sitemap.xml", "/robots.txt"):
        answers = [client.get(url, headers={"accept-language": language}) for language in ("ro", "en", "de")]
        assert len({answer.content for answer in answers}) == 1, url
        assert "Accept-Language" not in answers[0].get("Vary", ""), url
    # The admin, outside the language prefixes too, does answer in the browser's language.
    assert "Accept-Language" in client.get("/admin/login/").get("Vary", "")
