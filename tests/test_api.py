"""The read-only API (/api/v1/): its contract, privacy, cursor paging, errors, caching and CORS.

Personas: an outside developer's script (the anonymous client) reading the open data.
"""

import datetime

import pytest
from django.utils import timezone

from members.models import Competence, ContactPerson, Locality, Member
from opportunities.models import Opportunity

API = "/api/v1"


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def varied(make_member):
    """Thirty published members across categories, competences and places, and one unpublished."""
    mems = Competence.objects.get(slug="mems")
    robotics = Competence.objects.get(slug="industrial-robotics")
    voluntari = Locality.objects.get(slug="voluntari")
    for i in range(30):
        make_member(
            name=f"Firma {i:02d} SRL",
            category=Member.Category.values[i % 4],
            competences=[mems] if i % 3 == 0 else [robotics, mems] if i % 3 == 1 else [],
            locality=voluntari if i % 2 else None,
            size=Member.Size.values[i % 4],
            founded=1990 + i if i % 4 else None,
            offers_subcontracting=i % 5 == 0,
        )
    make_member(name="Nepublicat SRL", competences=[mems], is_published=False)


def test_the_member_list_pages_through_every_published_member_once(client, varied):
    seen, response = [], get(client, "/members/", limit=7)
    while True:
        data = response.json()
        assert data["count"] == 30
        seen += [row["name"] for row in data["results"]]
        if not data["next"]:
            break
        response = client.get(data["next"])
    assert seen == [f"Firma {i:02d} SRL" for i in range(30)]


def directory_names(client, **params):
    """What the HTML directory lists for the same parameters, in its order (every page)."""
    response = client.get("/en/members/", params)
    ids = list(response.context["page"].paginator.object_list)
    by_id = dict(Member.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [by_id[pk] for pk in ids]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "enterprise"},
        {"category": ["rd", "catalyzer"]},
        {"competence": "industrial-robotics"},
        {"competence": ["industrial-robotics", "mems"], "locality": "voluntari"},
        {"county": "ilfov"},
        {"size": "small", "subcontracting": "1"},
        {"q": "firma 1"},
        {"sort": "newest"},
        {"sort": "oldest-founded"},
        {"sort": "youngest-founded", "category": "rd"},
    ],
)
def test_the_api_lists_what_the_directory_lists_for_the_same_parameters(client, varied, params):
    assert names(get(client, "/members/", limit=100, **params)) == directory_names(client, **params)


@pytest.mark.parametrize("sort", ["name", "newest", "oldest-founded", "youngest-founded"])
def test_a_cursor_walks_every_sort_without_skipping_or_repeating(client, varied, sort):
    """Founding years and join dates include NULLs (listed last) and ties (broken by name)."""
    Member.objects.filter(name__in=["Firma 03 SRL", "Firma 07 SRL"]).update(founded=2000)
    Member.objects.filter(name__lt="Firma 10").update(member_since=datetime.date(2020, 1, 1))
    everything = names(get(client, "/members/", sort=sort, limit=100))
    seen, url = [], f"{API}/members/?sort={sort}&limit=4"
    while url:
        data = client.get(url).json()
        seen += [row["name"] for row in data["results"]]
        url = data["next"]
    assert seen == everything
    assert len(seen) == 30


def test_a_cursor_walks_a_search_ranked_by_name_first(client, make_member):
    for i in range(6):
        make_member(name=f"Alfa {i} SRL", short_description_en="robot arms")
        make_member(name=f"Robot {i} SRL")
    everything = names(get(client, "/members/", q="robot", limit=100))
    assert everything[:6] == [f"Robot {i} SRL" for i in range(6)]  # the name matches come first
    seen, url = [], f"{API}/members/?q=robot&limit=5"
    while url:
        data = client.get(url).json()
        seen += [row["name"] for row in data["results"]]
        url = data["next"]
    assert seen == everything


def test_a_member_row_has_the_public_fields_only(client, complete_member):
    response = get(client, "/members/", q="tehnica")
    [row] = response.json()["results"]
    assert row == {
        "slug": complete_member.slug,
        "name": "Tehnică Avansată SRL",
        "url": f"http://testserver/ro/members/{complete_member.slug}/",
        "category": "enterprise",
        "size": "small",
        "founded": 2004,
        "member_since": "2019-03-15",
        "website": "https://tehnica.example.ro",
        "phone": "+40 21 555 0101",
        "address": "Str. Fabricii 3",
        "postal_code": "077190",
        "locality": {
            "slug": complete_member.locality.slug,
            "name": complete_member.locality.name,
            "county": complete_member.locality.county,
        },
        "short_description": {"ro": "Roboți industriali la comandă", "en": "Custom industrial robots"},
        "offers_subcontracting": True,
        "seeks_partners": True,
        "competences": sorted(
            (c.slug for c in complete_member.competences.all()),
            key=lambda slug: Competence.objects.get(slug=slug).name_en,
        ),
        "certifications": [],
    }


def test_e_mail_addresses_are_never_in_the_api(client, complete_member):
    for path in ["/members/", f"/members/{complete_member.slug}/"]:
        body = get(client, path).content.decode()
        assert "@" not in body  # neither the organisation's nor the contact person's
        assert "email" not in body


def test_a_profile_lists_only_contact_persons_with_consent_recorded(client, complete_member):
    ContactPerson.objects.create(member=complete_member, name="Ion Privat", phone="+40 700 000 001")
    data = get(client, f"/members/{complete_member.slug}/").json()
    assert data["contacts"] == [{"name": "Ana Popescu", "role": "Director", "phone": "+40 721 000 000"}]
    assert data["description"] == {
        "ro": "Proiectare și execuție.\n\nȘi testare.",
        "en": "Design and build.\n\nTesting too.",
    }
    assert data["logo"].startswith("http://testserver/media/")
    assert "Ion Privat" not in get(client, "/members/").content.decode()


def test_an_unpublished_member_does_not_exist_for_the_api(client, make_member):
    hidden = make_member(name="Ascuns SRL", is_published=False)
    response = get(client, f"/members/{hidden.slug}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert get(client, "/members/").json()["count"] == 0


def test_facet_counts_come_on_request_and_equal_the_directorys(client, varied):
    assert (
        "facets" not in get(client, "/members/").json() or get(client, "/members/").json()["facets"] is None
    )
    data = get(client, "/members/", facets=1, category="enterprise").json()
    page = client.get("/en/members/", {"category": "enterprise"}).context["facets"]
    for param, facet in page.items():
        assert [(o["value"], o["count"], o["selected"]) for o in data["facets"][param]] == [
            (o.value, o.count, o.selected) for o in facet.options
        ]
    category = {o["value"]: o for o in data["facets"]["category"]}
    assert category["enterprise"]["label"] == {"ro": "Întreprindere", "en": "Enterprise"}
    assert data["count"] == 7


@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"competence": "no-such-thing"}, "no-such-thing"),
        ({"category": "nowhere"}, "category"),
        ({"sort": "random"}, "sort"),
        ({"subcontracting": "2"}, "subcontracting"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"facets": "maybe"}, "facets"),
        ({"cursor": "forged"}, "cursor"),
        ({"sort": ""}, "sort: an empty value"),
        ({"size": ["small", ""]}, "size: an empty value"),
    ],
)
def test_invalid_parameters_are_a_400_in_json_that_names_them(client, varied, params, mentions):
    response = get(client, "/members/", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert mentions in " ".join(response.json()["detail"])


def test_a_cursor_from_another_sort_is_refused(client, varied):
    cursor = get(client, "/members/", limit=2, sort="newest").json()["next"].split("cursor=")[1]
    response = client.get(f"{API}/members/?sort=name&cursor={cursor}")
    assert response.status_code == 400
    assert "another sort" in response.json()["detail"][0]


def test_an_unknown_slug_is_a_404_in_json(client, db):
    for path in ["/members/nobody/", "/opportunities/nothing/"]:
        response = get(client, path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_competences_and_localities_list_the_reference_data_with_member_counts(client, varied):
    competences = {row["slug"]: row for row in get(client, "/competences/").json()}
    assert len(competences) == Competence.objects.count()
    assert competences["mems"]["members"] == 20
    assert competences["industrial-robotics"]["members"] == 10
    mems = Competence.objects.select_related("group").get(slug="mems")
    assert competences["mems"]["name"] == {"ro": mems.name_ro, "en": mems.name_en}
    assert competences["mems"]["group"]["slug"] == mems.group.slug
    localities = {row["slug"]: row for row in get(client, "/localities/").json()}
    assert len(localities) == Locality.objects.count()
    assert localities["voluntari"]["members"] == 15
    assert localities["voluntari"]["county"] == "Ilfov"


def titles(response):
    assert response.status_code == 200, response.content
    return [row["title"]["en"] for row in response.json()["results"]]


def test_opportunities_are_the_open_ones_filtered_as_the_board_filters(
    client, publish, competences, make_member
):
    today = timezone.localdate()
    publish(title_en="Robotics call", programme="Horizon Europe", competences=competences[:1], trl=6)
    publish(
        title_en="Milling", kind=Opportunity.Kind.SUBCONTRACTING, deadline=today + datetime.timedelta(days=5)
    )
    publish(title_en="Gone", deadline=today - datetime.timedelta(days=1))
    Opportunity.objects.create(title_en="Draft", kind=Opportunity.Kind.CAPACITY)
    firm = make_member(name="Firma Poster SRL")
    publish(title_en="From a firm", kind=Opportunity.Kind.CAPACITY, poster=firm)
    assert titles(get(client, "/opportunities/")) == ["Milling", "Robotics call", "From a firm"]
    assert titles(get(client, "/opportunities/", kind="subcontracting")) == ["Milling"]
    assert titles(get(client, "/opportunities/", competence=competences[0].slug)) == ["Robotics call"]
    assert titles(get(client, "/opportunities/", trl_min=5, trl_max=7)) == ["Robotics call"]
    assert titles(get(client, "/opportunities/", poster="enterprise")) == ["From a firm"]
    row = get(client, "/opportunities/", poster="enterprise").json()["results"][0]
    assert row["poster"] == {"office": False, "name": "Firma Poster SRL", "slug": firm.slug}
    office = get(client, "/opportunities/", kind="subcontracting").json()["results"][0]
    assert office["poster"] == {"office": True, "name": None, "slug": None}
    assert "status" not in row and "expiry_warning_sent_on" not in row


def test_opportunities_page_with_a_cursor(client, publish):
    today = timezone.localdate()
    for i in range(7):
        publish(title_en=f"Call {i}", deadline=today + datetime.timedelta(days=10 + i // 2))
    seen, url = [], f"{API}/opportunities/?limit=3"
    while url:
        data = client.get(url).json()
        assert data["count"] == 7
        seen += [row["title"]["en"] for row in data["results"]]
        url = data["next"]
    assert seen == [f"Call {i}" for i in range(7)]


def test_an_opportunity_detail_shows_only_open_ones(client, publish):
    today = timezone.localdate()
    shown = publish(title_en="Open call")
    gone = publish(title_en="Gone", deadline=today - datetime.timedelta(days=1))
    assert get(client, f"/opportunities/{shown.slug}/").json()["title"]["en"] == "Open call"
    assert get(client, f"/opportunities/{gone.slug}/").status_code == 404


@pytest.mark.parametrize(
    "params", [{"kind": "party"}, {"trl_min": "high"}, {"trl_max": 12}, {"competence": "nothing"}]
)
def test_invalid_opportunity_filters_are_a_400_in_json(client, publish, params):
    publish(title_en="Open call")
    response = get(client, "/opportunities/", **params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_answers_are_open_to_other_sites_and_cached_like_the_pages(client, varied):
    response = get(client, "/members/", category="rd")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    again = client.get(f"{API}/members/", {"category": "rd"}, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    error = get(client, "/members/", category="nowhere")
    assert error["Access-Control-Allow-Origin"] == "*"
    assert "no-store" in error["Cache-Control"]


def test_a_change_to_a_member_shows_at_once(client, make_member):
    member = make_member(name="Vechi SRL")
    assert names(get(client, "/members/")) == ["Vechi SRL"]
    member.name = "Nou SRL"
    member.save()
    assert names(get(client, "/members/")) == ["Nou SRL"]


def test_too_many_requests_from_one_address_are_a_429(client, db, monkeypatch, settings):
    from api import views

    settings.DIRECTORY_CACHE = False  # a cached answer is never counted; these must reach the API
    monkeypatch.setattr(views.THROTTLE, "num_requests", 3)
    for _ in range(3):
        assert get(client, "/competences/").status_code == 200
    response = get(client, "/competences/")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests."}
    assert 0 < int(response["Retry-After"]) <= 60  # seconds until the oldest request leaves the minute
    other = client.get(f"{API}/competences/", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200  # counted per client address


def test_the_list_needs_at_most_four_queries_whatever_the_filters(
    client, varied, django_assert_max_num_queries
):
    get(client, "/members/")  # the reference rows are then cached, as on a running site
    # The page's facts rows (keyset); the page's members with their localities; their
    # competences and certifications in one query; every facet count and the total in one.
    for params in [
        {},
        {"competence": "mems", "q": "firma", "sort": "newest"},
        {"facets": 1, "county": "ilfov"},
    ]:
        with django_assert_max_num_queries(4):
            assert get(client, "/members/", **params).status_code == 200


def test_the_other_endpoints_need_few_queries(
    client, varied, publish, complete_member, django_assert_max_num_queries
):
    publish(title_en="Open call")
    get(client, "/members/")  # the reference rows are cached
    # The member with its locality; its competences and certifications; its public contacts.
    with django_assert_max_num_queries(3):
        get(client, f"/members/{complete_member.slug}/")
    # The counts of every option in one query (the rows are cached).
    with django_assert_max_num_queries(1):
        get(client, "/competences/")
    with django_assert_max_num_queries(1):
        get(client, "/localities/")
    # The board's options (competences with groups, programmes named); the page of opportunities
    # with their posters; their competences; their certifications; the count.
    with django_assert_max_num_queries(6):
        get(client, "/opportunities/")


def test_the_openapi_description_lists_every_operation_and_the_directory_parameters(client, db):
    response = get(client, "/openapi.json")
    assert response.status_code == 200
    description = response.json()
    assert description["openapi"].startswith("3.")
    assert set(description["paths"]) == {
        "/api/v1/members/",
        "/api/v1/members/{slug}/",
        "/api/v1/competences/",
        "/api/v1/localities/",
        "/api/v1/opportunities/",
        "/api/v1/opportunities/{slug}/",
    }
    parameters = {p["name"] for p in description["paths"]["/api/v1/members/"]["get"]["parameters"]}
    assert parameters == {
        "q", "sort", "category", "subcontracting", "partners", "competence", "certification",
        "county", "locality", "size", "facets", "cursor", "limit",
    }  # fmt: skip


def test_the_api_root_leads_to_a_reference_page_read_from_the_description(client, db):
    response = client.get(f"{API}/")
    assert response.status_code == 302 and response["Location"] == f"{API}/docs/"
    page = client.get(f"{API}/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    for path in ["/api/v1/members/", "/api/v1/members/{slug}/", "/api/v1/opportunities/"]:
        assert f"<code>GET {path}</code>" in html
    assert "youngest-founded" in html and "120/min" in html
    assert "cdn" not in html.lower()
    explorer = client.get(f"{API}/explorer/").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in explorer and "cdn" not in explorer.lower()


def test_other_methods_and_addresses_are_answered_in_json(client, db):
    head = client.head(f"{API}/competences/")
    assert head.status_code == 200 and head.content == b""
    post = client.post(f"{API}/competences/")
    assert post.status_code == 405 and post.json() == {"detail": "Read only: use GET."}
    assert post["Allow"] == "GET, HEAD, OPTIONS"
    preflight = client.options(f"{API}/members/", headers={"origin": "https://example.org"})
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    unknown = client.get(f"{API}/nothing/here")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Not found."}
    assert unknown["Access-Control-Allow-Origin"] == "*"


def test_a_member_added_between_two_pages_neither_shifts_nor_repeats_the_next_page(
    client, varied, make_member
):
    first = get(client, "/members/", limit=10).json()
    make_member(name="Aaa Primul SRL")  # sorts before everything on the first page
    second = client.get(first["next"]).json()
    assert [row["name"] for row in second["results"]] == [f"Firma {i:02d} SRL" for i in range(10, 20)]


def test_an_unpublished_poster_is_not_named(client, publish, make_member):
    hidden = make_member(name="Ascuns Poster SRL", is_published=False)
    shown = publish(title_en="From a hidden firm", poster=hidden)
    for path in ["/opportunities/", f"/opportunities/{shown.slug}/"]:
        body = get(client, path).content.decode()
        assert "Ascuns" not in body and hidden.slug not in body
    assert get(client, f"/opportunities/{shown.slug}/").json()["poster"] == {
        "office": False,
        "name": None,
        "slug": None,
    }


def test_the_documentation_pages_are_valid_html(client, db):
    from tests.quality import assert_valid_html

    assert_valid_html(
        {
            "API reference": client.get(f"{API}/docs/").content.decode(),
            "API explorer": client.get(f"{API}/explorer/").content.decode(),
        }
    )
