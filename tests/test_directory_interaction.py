"""The directory's panel, empty states, downloads, pagination and "Back to results", as the server
renders them (the same pages filters.js loads in place; the browser journeys are in tests/browser)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from members.facets import LONG_LIST, TOP_OPTIONS
from members.models import Member
from tests.quality import assert_valid_html
from tests.test_directory import english, get, listed

ENTERPRISE = Member.Category.ENTERPRISE
RD = Member.Category.RD


def html_of(response):
    return response.content.decode()


# --- The panel --------------------------------------------------------------------------------------


def test_the_search_box_comes_before_every_filter_checkbox(client, make_member):
    make_member()
    html = html_of(get(client))
    assert html.index('id="id_q"') < html.index('type="checkbox"')


def test_each_section_of_the_panel_folds_away(client, make_member):
    make_member()
    html = html_of(get(client))
    sections = re.findall(r'<details class="facet-section" open>\s*<summary>([^<]+)</summary>', html)
    assert "Category" in sections and "Competences" in sections and len(sections) >= 4


def test_a_long_list_shows_its_top_options_by_count_and_a_show_all_toggle(client, make_member, competences):
    assert len(competences) > LONG_LIST
    busy = competences[:TOP_OPTIONS]
    for number, competence in enumerate(busy):
        for _ in range(number + 2):
            make_member(competences=[competence])
    chosen_rarely = competences[-1]
    make_member(competences=[chosen_rarely])
    response = get(client, competence=chosen_rarely.slug)
    html = html_of(response)
    assert f"Show all {len(competences)}</summary>" in html
    shown = re.findall(
        r'<label class="facet-option[^"]*"><input type="checkbox" name="competence" value="([^"]+)"', html
    )
    hidden = re.findall(
        r'<label class="facet-option[^"]*beyond-top"><input type="checkbox" '
        r'name="competence" value="([^"]+)"',
        html,
    )
    assert len(shown) == len(competences)  # every option is in the page once, none twice
    top = set(shown) - set(hidden)
    # The eight with the most members, and the chosen one though it has fewer.
    assert top == {c.slug for c in busy} | {chosen_rarely.slug}


def test_a_short_list_has_no_show_all_toggle(client, make_member):
    make_member()
    html = html_of(get(client))
    category_section = html.split('data-param="category"')[1].split("</fieldset>")[0]
    assert "Show all" not in category_section and "beyond-top" not in category_section


def test_filters_count_in_the_panel_summary_leaves_the_search_out(client, make_member):
    make_member(category=RD, short_description_ro="Roboți")
    assert "<summary>Filters</summary>" in html_of(get(client, q="roboti"))
    assert "<summary>Filters (1)</summary>" in html_of(get(client, q="roboti", category="rd"))


def test_the_panel_button_says_how_many_members_it_shows(client, make_member):
    for _ in range(3):
        make_member(category=RD)
    html = html_of(get(client, category="rd"))
    assert "Show 3 members</span>" in html
    assert "Apply filters</span>" in html  # what it says without JavaScript


# --- Empty states ---------------------------------------------------------------------------------


def test_an_empty_search_names_the_words_and_the_filters_that_would_give_results(client, make_member):
    make_member(name="Frezare Precisă SRL", category=ENTERPRISE)
    make_member(name="Laborator Frezare", category=RD, offers_subcontracting=False)
    response = get(client, q="frezare", category="catalyzer", subcontracting="1")
    html = html_of(response)
    assert "No member matches “frezare”." in html
    assert "No members match these filters." not in html
    removable = {chip.param: count for chip, count in response.context["ways_out"][1]}
    assert removable == {"category": 0} or removable == {}  # each alone still lists nobody
    # Clearing the search lists nobody either; removing both filters would, but one at a time not.
    response = get(client, q="frezare", category="catalyzer")
    html = html_of(response)
    assert "Without “" in html and ": 2 members</a>" in html
    link = re.search(r'<a href="\?([^"]*)">Without “[^”]+”: 2 members</a>', html).group(1)
    assert parse_qs(link) == {"q": ["frezare"]}
    assert "Clear the search</a>" in html


def test_the_clear_search_link_keeps_the_filters_and_says_what_it_lists(client, make_member):
    make_member(category=RD)
    make_member(category=RD)
    html = html_of(get(client, q="nimicasemanator", category="rd"))
    assert '<a href="?category=rd">Clear the search</a> (2 members)' in html


def test_an_empty_result_shows_no_sort_and_no_download(client, make_member):
    make_member(category=RD)
    html = html_of(get(client, q="nimicasemanator"))
    assert 'id="id_sort"' not in html
    assert "export.csv" not in html and "export.json" not in html


def test_an_empty_page_counts_its_ways_out_in_one_query(client, make_member, django_assert_max_num_queries):
    for _ in range(5):
        make_member(category=RD, offers_subcontracting=True)
    get(client)  # the options are cached from here on, as on a live site
    # facet counts with the number listed; the counts without each of the four filters
    with django_assert_max_num_queries(2):
        response = get(client, q="nimicasemanator", category="catalyzer", subcontracting="1", size="micro")
    assert response.context["ways_out"][0][1] == 0
    assert listed(response) == []


# --- Downloads beside the count ------------------------------------------------------------------------


def test_downloads_sit_beside_the_count_and_name_the_filtered_set(client, make_member):
    for _ in range(2):
        make_member(category=RD)
    html = html_of(get(client, category="rd"))
    bar = html.split('<div class="results-bar">')[1].split('<div class="sort">')[0]
    assert "Download:" in bar
    assert re.search(
        r'href="/en/members/export\.csv\?category=rd" download>'
        r'CSV<span class="visually-hidden"> \(these 2 members\)',
        bar,
    )
    assert "export.json?category=rd" in bar


# --- Pagination ---------------------------------------------------------------------------------------


def test_pagination_numbers_first_nearby_and_last_pages_and_keeps_the_filters(
    client, make_member, monkeypatch
):
    monkeypatch.setattr("members.views.PAGE_SIZE", 2)
    for _ in range(20):
        make_member(category=RD)
    make_member(category=ENTERPRISE)
    html = html_of(get(client, category="rd", page="5"))
    nav = html.split('<nav class="pagination"')[1].split("</nav>")[0]
    assert re.findall(r"<span class=\"visually-hidden\">Page </span>(\d+)</a>", nav) == [
        "1",
        "4",
        "5",
        "6",
        "10",
    ]
    assert '?category=rd&amp;page=5" aria-current="page"' in nav
    assert '?category=rd&amp;page=4" rel="prev">' in nav and '?category=rd&amp;page=6" rel="next">' in nav
    assert nav.count("…") == 2


def test_a_single_page_has_no_pagination(client, make_member):
    make_member()
    assert '<nav class="pagination"' not in html_of(get(client))


# --- Back to results -----------------------------------------------------------------------------------


def test_cards_link_profiles_with_the_filters_sort_and_page_they_were_listed_under(
    client, make_member, monkeypatch
):
    monkeypatch.setattr("members.views.PAGE_SIZE", 2)
    for _ in range(3):
        make_member(category=RD)
    html = html_of(get(client, category="rd", sort="newest", page="2"))
    [href] = re.findall(r'<h3 class="card-title"><a href="([^"]+)">', html)
    assert parse_qs(urlsplit(href.replace("&amp;", "&")).query) == {
        "from": ["category=rd&sort=newest&page=2"]
    }


def test_cards_on_the_unfiltered_first_page_link_plain_profiles(client, make_member):
    member = make_member()
    html = html_of(get(client))
    assert f'<h3 class="card-title"><a href="{member.get_absolute_url()}">' in html


def test_a_card_s_cached_fragments_do_not_freeze_its_link(client, make_member):
    make_member(category=RD)
    get(client)
    html = html_of(get(client, category="rd"))
    assert "?from=category%3Drd" in html


def test_a_profile_reached_from_a_filtered_list_offers_back_to_results(client, make_member):
    member = make_member(category=RD)
    response = client.get(member.get_absolute_url(), {"from": "category=rd&sort=newest&page=2"})
    assert '<a href="/en/members/?category=rd&amp;page=2&amp;sort=newest">← Back to results</a>' in html_of(
        response
    )


@pytest.mark.parametrize(
    "given",
    ["", "evil=1", "//evil.example/?x=1", "https://evil.example/", "javascript:alert(1)", "%ff%fe"],
)
def test_back_to_results_only_ever_carries_the_directory_s_own_parameters(client, make_member, given):
    member = make_member()
    response = client.get(member.get_absolute_url(), {"from": given})
    assert response.status_code == 200
    assert "Back to results" not in html_of(response)


def test_back_to_results_keeps_only_the_known_parameters(client, make_member):
    member = make_member()
    html = html_of(client.get(member.get_absolute_url(), {"from": "category=rd&next=https://evil.example/"}))
    assert '<a href="/en/members/?category=rd">← Back to results</a>' in html
    assert "evil" not in html


def test_profiles_with_a_from_are_cached_apart_from_those_without(client, make_member):
    cache.clear()
    member = make_member()
    assert "Back to results" not in html_of(client.get(member.get_absolute_url()))
    assert "Back to results" in html_of(client.get(member.get_absolute_url(), {"from": "category=rd"}))
    assert "Back to results" not in html_of(client.get(member.get_absolute_url()))


def test_the_profile_page_budget_is_unchanged_by_a_from(
    client, make_member, django_assert_max_num_queries, settings
):
    settings.DIRECTORY_CACHE = False
    member = make_member()
    client.get(member.get_absolute_url())
    with django_assert_max_num_queries(8):
        client.get(member.get_absolute_url(), {"from": "category=rd"})
    assert english("members:directory") == "/en/members/"


# --- Valid HTML in the new states ----------------------------------------------------------------------


def test_an_empty_search_and_page_3_are_valid_html_in_both_languages(client, make_member, monkeypatch):
    monkeypatch.setattr("members.views.PAGE_SIZE", 2)
    for _ in range(9):
        make_member(category=RD)
    pages = {}
    for language in ("ro", "en"):
        for name, query in [
            ("empty search", "q=frezare&category=rd"),
            ("page 3", "category=rd&page=3"),
        ]:
            response = client.get(f"/{language}/members/?{query}")
            assert response.status_code == 200
            pages[f"{name} ({language})"] = html_of(response)
    member = Member.objects.first()
    pages["profile with Back to results"] = html_of(
        client.get(member.get_absolute_url(), {"from": "category=rd&page=3"})
    )
    assert "Back to results" in pages["profile with Back to results"]
    assert_valid_html(pages)
