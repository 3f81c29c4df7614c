"""/statistics/ and /map/: the directory's filtered members counted by dimension, founding decade
and year of joining, and placed by locality. Their numbers are the directory's facet counts for
the same filters; their tables download as CSV; both pages are cached like the directory."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from members.models import Locality, Member
from members.reference_data import LOCALITIES
from tests.quality import assert_valid_html

ENTERPRISE, RD = Member.Category.ENTERPRISE, Member.Category.RD


@pytest.fixture
def varied_members(make_member, competences, localities):
    """Members across categories, sizes, places, competences, founding years and joining years,
    with one unpublished member who must never be counted."""
    a, b, c, d = competences[:4]
    one, two = localities[0], localities[1]
    rows = [
        (ENTERPRISE, Member.Size.SMALL, one, [a, b], 1995, 2018),
        (ENTERPRISE, Member.Size.SMALL, one, [a], 2004, 2018),
        (ENTERPRISE, Member.Size.MEDIUM, two, [b, c], 2008, 2020),
        (ENTERPRISE, "", two, [c], None, None),
        (RD, "", one, [a, d], 1971, 2020),
        (RD, "", two, [d], 2015, 2021),
    ]
    members = [
        make_member(
            category=category,
            size=size,
            locality=locality,
            competences=held,
            founded=founded,
            member_since=datetime.date(joined, 5, 1) if joined else None,
        )
        for category, size, locality, held, founded, joined in rows
    ]
    make_member(category=RD, locality=one, competences=[a], founded=1990, is_published=False)
    return members


def get(client, name, **params):
    return client.get(reverse(name), params)


def chart(response, slug):
    return next(c for c in response.context["charts"] if c.slug == slug)


def numbers(found):
    return {bar.label: bar.count for bar in found.bars}


FILTERS = [
    {},
    {"category": "enterprise"},
    {"size": "small", "category": ["enterprise", "rd"]},
    {"q": "Membru"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_the_statistics_are_the_directorys_facet_counts_for_the_same_filters(
    client, varied_members, competences, params
):
    listing = get(client, "members:directory", **params)
    directory = listing.context["facets"]
    statistics = get(client, "members:statistics", **params)
    for slug, param in [("category", "category"), ("size", "size")]:
        assert numbers(chart(statistics, slug)) == {o.label: o.count for o in directory[param].options}
    for slug, param in [("competence", "competence"), ("place", "locality")]:
        listed = {o.label: o.count for o in directory[param].options if o.count}
        assert numbers(chart(statistics, slug)) == listed, slug
    assert statistics.context["total"] == listing.context["page"].paginator.count


def test_a_competence_filter_leaves_the_competence_charts_counting_the_other_competences(
    client, varied_members, competences
):
    a, b = competences[0], competences[1]
    response = get(client, "members:statistics", competence=a.slug)
    assert response.context["total"] == 3
    # As the filter panel: with competence A chosen, B still shows its own 2 members.
    assert numbers(chart(response, "competence"))[str(b)] == 2


def test_a_member_counts_once_in_a_competence_group_however_many_of_its_competences_it_holds(
    client, varied_members, competences
):
    response = get(client, "members:statistics")
    groups = numbers(chart(response, "competence-group"))
    expected = {}
    for member in varied_members:
        for group in {str(competence.group) for competence in member.competences.all()}:
            expected[group] = expected.get(group, 0) + 1
    assert {label: n for label, n in groups.items() if n} == expected
    # The competence filter is left out, as in the competence facet; every other filter applies.
    chosen = get(client, "members:statistics", competence=competences[0].slug)
    assert numbers(chart(chosen, "competence-group")) == groups
    research = get(client, "members:statistics", category="rd", q="Membru")
    expected = {}
    for member in varied_members:
        for group in {str(c.group) for c in member.competences.all()} if member.category == RD else ():
            expected[group] = expected.get(group, 0) + 1
    assert {label: n for label, n in numbers(chart(research, "competence-group")).items() if n} == expected


def test_founding_decades_and_growth_count_the_listed_members(client, varied_members):
    response = get(client, "members:statistics", category="enterprise")
    assert numbers(chart(response, "founded")) == {"1990–1999": 1, "2000–2009": 2}
    growth = chart(response, "growth")
    assert list(growth.rows()) == [["2018", 2, 2], ["2019", 0, 2], ["2020", 1, 3]]
    everyone = chart(get(client, "members:statistics"), "growth")
    assert [row[2] for row in everyone.rows()][-1] == 5  # the member without a date is left out


def test_each_chart_is_drawn_as_svg_with_its_table_and_csv_link(client, varied_members):
    html = get(client, "members:statistics", category="enterprise").content.decode()
    for slug in ["category", "competence-group", "competence", "place", "size", "founded", "growth"]:
        assert f'id="{slug}"' in html
        assert f"/en/statistics/{slug}.csv?category=enterprise" in html
    assert html.count('<svg class="bars"') == 7 and html.count("<table>") == 7
    # Each table row is named by its label (a header cell), its numbers after it.
    assert '<th scope="row">Enterprise</th><td class="number">4</td>' in html
    competence = next(c for c in varied_members[0].competences.all())
    assert f'<td>{competence.group}</td><th scope="row">{competence}</th>' in html


def test_a_charts_csv_holds_its_table_in_the_pages_language(client, varied_members):
    response = client.get(reverse("members:statistics_csv", args=["category"]), {"category": "rd"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="mechatrec-statistics-category-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Category", "Members"]
    assert ["R&D entity", "2"] in rows and ["Enterprise", "4"] in rows
    romanian = client.get("/ro/statistics/place.csv")
    rows = list(csv.reader(io.StringIO(romanian.content.decode("utf-8-sig"))))
    assert rows[0] == ["Județ", "Localitate", "Membri"]


def test_the_csv_keeps_its_file_name_when_served_from_the_page_cache(client, varied_members):
    url = reverse("members:statistics_csv", args=["growth"])
    first, second = client.get(url), client.get(url)
    assert first.content == second.content
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_an_unknown_chart_is_not_found_and_an_unknown_filter_value_is_reported(client, varied_members):
    assert client.get("/en/statistics/nothing.csv").status_code == 404
    response = get(client, "members:statistics", category="nowhere")
    assert response.status_code == 200
    assert "Unknown category “nowhere” was ignored." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response.context["total"] == 6  # the other (no) filters still apply


@pytest.mark.parametrize("params", [{}, {"category": "enterprise", "competence": "industrial-robotics"}])
def test_the_statistics_page_needs_at_most_six_queries(
    client, varied_members, django_assert_max_num_queries, params
):
    # The options: localities, competences with their groups, certifications; every facet
    # count in one query; the competence groups; the founding and joining years together.
    with django_assert_max_num_queries(6):
        assert get(client, "members:statistics", **params).status_code == 200


def test_the_map_lists_each_locality_with_members_and_its_facet_count(client, varied_members, localities):
    for params in [{}, {"category": "rd"}, {"locality": localities[0].slug}]:
        response = get(client, "members:map", **params)
        facet = get(client, "members:directory", **params).context["facets"]["locality"]
        expected = {o.value: o.count for o in facet.options if o.count}
        assert {p["slug"]: p["count"] for p in response.context["places"]} == expected
        data = response.content.decode().split('id="map-places" type="application/json">')[1]
        places = json.loads(data.split("</script>")[0])
        assert {p["slug"]: p["count"] for p in places} == expected  # what the markers show


def test_the_map_works_without_javascript_as_a_list_linking_to_the_directory(
    client, varied_members, localities
):
    html = get(client, "members:map", category="enterprise").content.decode()
    one = localities[0]
    assert f'<a href="/en/members/?category=enterprise&amp;locality={one.slug}">{one.name}</a>' in html
    assert "2 members" in html
    assert 'id="member-map" class="member-map" hidden' in html  # shown by map.js only


def test_the_map_holds_no_street_address(client, make_member, localities):
    make_member(locality=localities[0], address="Strada Secretă 7", postal_code="077190")
    html = get(client, "members:map").content.decode()
    assert "Secretă" not in html and "077190" not in html


def test_every_shipped_locality_has_coordinates_in_bucharest_ilfov():
    for row in LOCALITIES:
        assert 44.2 < row["latitude"] < 44.8 and 25.8 < row["longitude"] < 26.4, row["name"]


@pytest.mark.django_db
def test_the_gazetteer_in_the_database_carries_the_coordinates():
    assert not Locality.objects.filter(latitude=None).exists()
    assert not Locality.objects.filter(longitude=None).exists()


def test_a_markers_members_follow_the_filters_and_link_to_profiles(client, varied_members, localities):
    one = localities[0]
    response = get(client, "members:map_members", locality=one.slug, category="enterprise")
    answer = response.json()
    expected = sorted(m.name for m in varied_members if m.locality == one and m.category == ENTERPRISE)
    assert [m["name"] for m in answer["members"]] == expected
    assert answer["members"][0]["url"].startswith("/en/members/") and answer["more"] is False
    everyone = get(client, "members:map_members", locality=one.slug).json()["members"]
    # The unpublished member in that locality is not listed.
    assert [m["name"] for m in everyone] == sorted(m.name for m in varied_members if m.locality == one)


def test_a_markers_list_needs_one_known_locality(client, varied_members, localities):
    assert get(client, "members:map_members").status_code == 400
    assert get(client, "members:map_members", locality="nowhere").json()["error"]
    both = get(client, "members:map_members", locality=[localities[0].slug, localities[1].slug])
    assert both.status_code == 400


def test_the_map_pages_need_few_queries(client, varied_members, localities, django_assert_max_num_queries):
    # The options (3); every facet count in one query.
    with django_assert_max_num_queries(4):
        assert get(client, "members:map", category="enterprise").status_code == 200
    # The options (3); the locality's first members.
    with django_assert_max_num_queries(4):
        assert get(client, "members:map_members", locality=localities[0].slug).status_code == 200


def test_both_pages_are_public_cached_and_revalidated_like_the_directory(
    client, varied_members, django_assert_num_queries
):
    for url in ["/en/statistics/?category=rd", "/ro/map/", "/en/statistics/size.csv", "/en/map/members.json"]:
        response = client.get(url)
        if response.status_code != 200:
            continue  # the pop-up's list without a locality is a 400, never stored
        assert "public" in response["Cache-Control"] and "s-maxage=60" in response["Cache-Control"]
        with django_assert_num_queries(0):
            assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_the_pages_are_linked_from_the_footer_and_the_directory(client, varied_members):
    html = get(client, "members:directory", category="rd").content.decode()
    assert 'href="/en/statistics/?category=rd"' in html and 'href="/en/map/?category=rd"' in html
    home = client.get("/ro/").content.decode()
    assert 'href="/ro/statistics/"' in home and 'href="/ro/map/"' in home


def test_the_pages_read_in_romanian(client, varied_members):
    statistics = client.get("/ro/statistics/").content.decode()
    assert "Statistici" in statistics and "Membri după categorie" in statistics
    assert "Harta membrilor" in client.get("/ro/map/").content.decode()


def test_the_csp_allows_images_from_the_tile_host_and_no_other(client, varied_members):
    policy = client.get("/en/map/")["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img.split() == ["img-src", "'self'", "data:", "https://tile.openstreetmap.org"]
    assert django_settings.MAP_TILE_URL == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://tiles.example.org/osm/{z}/{x}/{y}.png", True),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", False),  # no single host for the CSP
        ("ftp://tiles.example.org/{z}/{x}/{y}.png", False),
        ("https://tiles.example.org/tile.png", False),
    ],
)
def test_the_tile_address_comes_from_the_environment_and_a_bad_one_fails_loudly(url, accepted):
    code = (
        "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    env = {
        **os.environ,
        "MAP_TILE_URL": url,
        "DJANGO_SETTINGS_MODULE": "mechatrec.settings",
        "SECRET_KEY": "x",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=django_settings.BASE_DIR,
    )
    if accepted:
        assert result.returncode == 0 and "'https://tiles.example.org'" in result.stdout
    else:
        assert result.returncode != 0 and "MAP_TILE_URL must be" in result.stderr


def test_both_pages_are_valid_html_in_both_languages(client, varied_members):
    pages = {}
    for language in ("ro", "en"):
        for path in ("statistics/?category=enterprise", "map/", "statistics/?q=nimicdegasit", "map/?q=nimic"):
            response = client.get(f"/{language}/{path}")
            assert response.status_code == 200
            pages[f"{path} ({language})"] = response.content.decode()
    assert_valid_html(pages)
