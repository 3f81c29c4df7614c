"""The public directory: one test per filter, per facet rule, search, chips, paging, bad input."""

import datetime
import re
from html import escape

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from members.filters import SORTS
from members.models import Competence, Locality, Member, MemberFacts
from tests.test_profile import png

URL = "members:directory"


def listed(response):
    return [member.name for member in response.context["members"]]


def english(name, **kwargs):
    """Tests read the English pages, so messages are the msgids."""
    with translation.override("en"):
        return reverse(name, **kwargs)


def get(client, **params):
    response = client.get(english(URL), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def robotics():
    return Competence.objects.get(slug="industrial-robotics")


@pytest.fixture
def mems():
    return Competence.objects.get(slug="mems")


@pytest.fixture
def voluntari():
    return Locality.objects.get(slug="voluntari")


@pytest.fixture
def sector_1():
    return Locality.objects.get(slug="sectorul-1")


# --- Filters --------------------------------------------------------------------------------------


def test_directory_lists_published_members_only(client, make_member):
    make_member(name="Vizibil SRL")
    make_member(name="Ascuns SRL", is_published=False)
    assert listed(get(client)) == ["Vizibil SRL"]


def test_directory_filters_by_category(client, make_member):
    make_member(name="Acme Robotics", category=Member.Category.ENTERPRISE)
    make_member(name="Lab X", category=Member.Category.RD)
    assert listed(get(client, category="enterprise")) == ["Acme Robotics"]


def test_several_categories_are_or_ed(client, make_member):
    make_member(name="Acme Robotics", category=Member.Category.ENTERPRISE)
    make_member(name="Lab X", category=Member.Category.RD)
    make_member(name="Primăria Y", category=Member.Category.PUBLIC_AUTHORITY)
    assert listed(get(client, category=["enterprise", "rd"])) == ["Acme Robotics", "Lab X"]


def test_directory_filters_by_competence_slug(client, make_member, robotics, mems):
    make_member(name="Roboți SRL", competences=[robotics])
    make_member(name="Senzori SRL", competences=[mems])
    assert listed(get(client, competence="industrial-robotics")) == ["Roboți SRL"]


def test_a_member_with_two_chosen_competences_is_listed_once(client, make_member, robotics, mems):
    make_member(name="Amândouă SRL", competences=[robotics, mems])
    make_member(name="Senzori SRL", competences=[mems])
    response = get(client, competence=["industrial-robotics", "mems"])
    assert listed(response) == ["Amândouă SRL", "Senzori SRL"]
    assert response.context["page"].paginator.count == 2


def test_directory_filters_by_locality(client, make_member, voluntari, sector_1):
    make_member(name="Din Voluntari SRL", locality=voluntari)
    make_member(name="Din Sector 1 SRL", locality=sector_1)
    assert listed(get(client, locality="voluntari")) == ["Din Voluntari SRL"]


def test_directory_filters_by_county(client, make_member, voluntari, sector_1):
    make_member(name="Din Voluntari SRL", locality=voluntari)
    make_member(name="Din Sector 1 SRL", locality=sector_1)
    assert listed(get(client, county="ilfov")) == ["Din Voluntari SRL"]
    assert listed(get(client, county="bucuresti")) == ["Din Sector 1 SRL"]


def test_directory_filters_by_size(client, make_member):
    make_member(name="Mic SRL", size=Member.Size.MICRO)
    make_member(name="Mare SA", size=Member.Size.LARGE)
    make_member(name="Fără mărime SRL")
    assert listed(get(client, size=["micro", "large"])) == ["Mare SA", "Mic SRL"]
    assert listed(get(client, size="large")) == ["Mare SA"]


def test_directory_filters_members_offering_subcontracting(client, make_member):
    make_member(name="Subcontractor SRL", offers_subcontracting=True)
    make_member(name="Altul SRL")
    assert listed(get(client, subcontracting="1")) == ["Subcontractor SRL"]


def test_directory_filters_members_seeking_partners(client, make_member):
    make_member(name="Partener SRL", seeks_partners=True)
    make_member(name="Altul SRL")
    assert listed(get(client, partners="1")) == ["Partener SRL"]


def test_different_parameters_are_and_ed(client, make_member, robotics, voluntari):
    make_member(name="Toate SRL", competences=[robotics], locality=voluntari, offers_subcontracting=True)
    make_member(name="Fără loc SRL", competences=[robotics], offers_subcontracting=True)
    make_member(name="Fără subcontractare SRL", competences=[robotics], locality=voluntari)
    response = get(client, competence="industrial-robotics", locality="voluntari", subcontracting="1")
    assert listed(response) == ["Toate SRL"]


def test_sort_by_newest_members_puts_recent_joiners_first(client, make_member):
    make_member(name="Vechi SRL", member_since=datetime.date(2015, 1, 1))
    make_member(name="Nou SRL", member_since=datetime.date(2025, 1, 1))
    make_member(name="Necunoscut SRL")
    assert listed(get(client, sort="newest")) == ["Nou SRL", "Vechi SRL", "Necunoscut SRL"]


def test_sort_by_oldest_founded_puts_old_firms_first(client, make_member):
    make_member(name="Tânăr SRL", founded=2020)
    make_member(name="Bătrân SA", founded=1950)
    assert listed(get(client, sort="oldest-founded")) == ["Bătrân SA", "Tânăr SRL"]
    assert listed(get(client, sort="youngest-founded")) == ["Tânăr SRL", "Bătrân SA"]


@pytest.mark.parametrize("sort", list(SORTS))
def test_on_postgresql_every_sort_reads_a_page_from_an_index_not_a_sort_of_every_member(make_member, sort):
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the facts are a view")
    make_member(founded=1990)
    page_ids = MemberFacts.objects.order_by(*SORTS[sort][1]).values("member_id")[:24]
    sql, params = page_ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show its hand
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan and "Sort" not in plan, plan


def test_default_order_is_by_name_ignoring_diacritics(client, make_member):
    make_member(name="Zeta SRL")
    make_member(name="Ștefan SRL")
    make_member(name="Alfa SRL")
    assert listed(get(client)) == ["Alfa SRL", "Ștefan SRL", "Zeta SRL"]


@pytest.mark.parametrize("sort", ["-name", "pk", "is_published", "name_key; DROP TABLE members_member"])
def test_a_sort_outside_the_fixed_list_is_ignored_with_a_message(client, make_member, sort):
    make_member(name="Beta SRL")
    make_member(name="Alfa SRL")
    response = get(client, sort=sort)
    assert listed(response) == ["Alfa SRL", "Beta SRL"]
    assert "was ignored" in response.content.decode()


# --- Invalid filter values: ignored, said so, list stays useful -----------------------------------


def test_an_unknown_category_is_ignored_and_the_page_says_so(client, make_member):
    make_member(name="Acme Robotics")
    response = get(client, category="nowhere")
    assert listed(response) == ["Acme Robotics"]
    assert "Unknown category “nowhere” was ignored." in response.content.decode()


def test_an_unknown_competence_is_ignored_but_the_known_one_still_filters(client, make_member, mems):
    make_member(name="Senzori SRL", competences=[mems])
    make_member(name="Altul SRL")
    response = get(client, competence=["mems", "no-such-competence"])
    assert listed(response) == ["Senzori SRL"]
    assert "Unknown competence “no-such-competence” was ignored." in response.content.decode()


def test_a_filterset_keeps_the_options_it_was_built_with_when_another_is_built(db, mems):
    """Each filterset has its own copy of the filters: a page being rendered while another
    request builds its own keeps its own competence list."""
    from members.filters import MemberFilter

    before = MemberFilter({})
    Competence.objects.create(slug="quantum-sensing", name_en="Quantum sensing", group=mems.group)
    after = MemberFilter({})

    def options(filterset):
        return {option.value for option in filterset.options["competence"]}

    assert "quantum-sensing" in options(after)
    assert "quantum-sensing" not in options(before)
    assert before.filters["competence"].parent is before and after.filters["competence"].parent is after


def test_a_flag_with_a_value_other_than_1_is_ignored_with_a_message(client, make_member):
    make_member(name="Altul SRL")
    response = get(client, subcontracting="0")
    assert listed(response) == ["Altul SRL"]
    assert "was ignored" in response.content.decode()


# --- Search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Asistență tehnică industrială", "tehnica"),
        ("Centrul de știință aplicată", "stiinta"),
        ("Centrul de ştiinţă aplicată", "știință"),  # cedilla text, comma-below query
        ("Centrul de știință aplicată", "ştiinţă"),  # comma-below text, cedilla query
        ("Institutul de ţesături tehnice", "țesături"),
        ("Institutul de țesături tehnice", "ţesături"),
        ("Mecatronică Avansată", "MECATRONICA"),
    ],
)
def test_search_ignores_accents_cedillas_and_case(client, make_member, stored, query):
    make_member(name="Găsit SRL", short_description_ro=stored)
    make_member(name="Altul SRL", short_description_ro="Nimic de văzut")
    assert listed(get(client, q=query)) == ["Găsit SRL"]


def test_search_finds_words_by_their_beginning(client, make_member):
    make_member(name="Mecatronică Avansată SRL")
    make_member(name="Altceva SRL", short_description_ro="Nimic de văzut")
    assert listed(get(client, q="mecatron")) == ["Mecatronică Avansată SRL"]
    assert listed(get(client, q="avans meca")) == ["Mecatronică Avansată SRL"]


def test_search_syntax_characters_are_only_text(client, make_member):
    make_member(name="Robotică SRL")
    for query in ["robot:*", "robot & !x", "(robot)", "robot|", "'robot'", "robot <-> x"]:
        assert listed(get(client, q=query)) == ([] if "x" in query else ["Robotică SRL"]), query


def test_search_with_several_words_needs_all_of_them(client, make_member):
    make_member(name="Robotică și Senzori SRL")
    make_member(name="Robotică Fără Altceva SRL")
    assert listed(get(client, q="robotica senzori")) == ["Robotică și Senzori SRL"]


def test_search_looks_in_english_descriptions_competences_and_locality(client, make_member, mems, voluntari):
    make_member(name="Unu SRL", description_en="We build conveyor belts")
    make_member(name="Doi SRL", competences=[mems])
    make_member(name="Trei SRL", locality=voluntari)
    assert listed(get(client, q="conveyor")) == ["Unu SRL"]
    assert listed(get(client, q="microsisteme")) == ["Doi SRL"]
    assert listed(get(client, q="voluntari")) == ["Trei SRL"]


def test_search_keeps_the_typed_text_in_the_search_box(client, make_member):
    response = get(client, q="tehnică")
    assert 'value="tehnică"' in response.content.decode()


# --- Facets ---------------------------------------------------------------------------------------


def facet(response, name):
    return {option.value: option for option in response.context["facets"][name].options}


def test_category_counts_apply_the_other_filters_but_not_their_own(client, make_member, mems):
    make_member(category=Member.Category.ENTERPRISE, competences=[mems])
    make_member(category=Member.Category.ENTERPRISE, competences=[mems])
    make_member(category=Member.Category.RD, competences=[mems])
    make_member(category=Member.Category.RD)
    response = get(client, category="rd", competence="mems")
    counts = {value: option.count for value, option in facet(response, "category").items()}
    assert counts == {"rd": 1, "enterprise": 2, "catalyzer": 0, "public-authority": 0}


def test_an_option_with_no_members_is_dimmed_but_still_a_checkbox_that_says_0(client, make_member):
    make_member(category=Member.Category.ENTERPRISE, size=Member.Size.MICRO)
    response = get(client, size="micro", category="catalyzer")
    categories = facet(response, "category")
    assert categories["rd"].empty
    assert not categories["enterprise"].empty
    assert categories["catalyzer"].count == 0 and not categories["catalyzer"].empty
    html = response.content.decode()
    # Not disabled (a keyboard reaches it, a screen reader reads its count), not struck through.
    rd = re.search(r'<label class="facet-option is-empty"><input [^>]*value="rd">.*?</label>', html)
    assert rd and "disabled" not in rd.group() and '<span class="facet-count">0</span>' in rd.group()
    assert 'value="catalyzer" checked>' in html


def test_competence_counts_are_grouped_and_apply_the_other_filters(client, make_member, mems, robotics):
    make_member(category=Member.Category.RD, competences=[mems, robotics])
    make_member(category=Member.Category.ENTERPRISE, competences=[mems])
    response = get(client, category="rd", competence="mems")
    options = facet(response, "competence")
    assert options["mems"].count == 1 and options["mems"].selected
    assert options["industrial-robotics"].count == 1
    assert options["smart-sensors"].empty
    groups = response.context["facets"]["competence"].groups
    assert list(groups)[0] == "Robotics and automation"
    assert [o.value for o in groups["Robotics and automation"]][:2] == [
        "collaborative-robots",
        "industrial-automation",
    ]


def test_county_counts_sum_their_localities_and_locality_counts_respect_a_chosen_county(
    client, make_member, voluntari, sector_1
):
    make_member(locality=voluntari)
    make_member(locality=voluntari)
    make_member(locality=sector_1)
    response = get(client, county="bucuresti")
    places = facet(response, "county")
    assert places["ilfov"].count == 2 and places["bucuresti"].count == 1
    assert "voluntari" in [o.value for o in places["ilfov"].children]  # listed under its county
    localities = {value: o.count for value, o in facet(response, "locality").items()}
    assert localities["sectorul-1"] == 1
    assert localities["voluntari"] == 0  # outside the chosen county: choosing it would empty the page


def test_county_counts_respect_a_chosen_locality(client, make_member, voluntari, sector_1):
    make_member(locality=voluntari)
    make_member(locality=sector_1)
    response = get(client, locality="voluntari")
    places = facet(response, "county")
    assert places["ilfov"].count == 1 and places["bucuresti"].count == 0


def test_size_counts_apply_the_other_filters(client, make_member):
    make_member(size=Member.Size.MICRO, offers_subcontracting=True)
    make_member(size=Member.Size.MICRO)
    make_member(size=Member.Size.LARGE, offers_subcontracting=True)
    response = get(client, subcontracting="1", size="micro")
    counts = {value: option.count for value, option in facet(response, "size").items()}
    assert counts == {"micro": 1, "small": 0, "medium": 0, "large": 1}


def test_each_flag_is_counted_with_the_other_flag_applied_but_not_itself(client, make_member):
    make_member(offers_subcontracting=True, seeks_partners=True)
    make_member(offers_subcontracting=True)
    make_member(seeks_partners=True)
    unfiltered = get(client)
    assert (facet(unfiltered, "subcontracting")["1"].count, facet(unfiltered, "partners")["1"].count) == (
        2,
        2,
    )
    filtered = get(client, partners="1")
    assert (facet(filtered, "subcontracting")["1"].count, facet(filtered, "partners")["1"].count) == (1, 2)


def test_unpublished_members_are_not_counted_in_any_facet(client, make_member, mems, voluntari):
    make_member(
        category=Member.Category.RD,
        competences=[mems],
        locality=voluntari,
        size=Member.Size.MICRO,
        offers_subcontracting=True,
        seeks_partners=True,
        is_published=False,
    )
    facets = get(client).context["facets"]
    assert all(option.count == 0 for facet in facets.values() for option in facet.options)


# --- Chips, counts, paging, empty state -----------------------------------------------------------


def test_each_active_filter_is_a_chip_whose_link_removes_only_it(client, make_member, mems):
    make_member(category=Member.Category.RD, competences=[mems])
    response = get(client, category="rd", competence="mems", q="senzori")
    chips = {chip.label: chip.remove_query for chip in response.context["chips"]}
    assert set(chips) == {"R&D entity", "MEMS microsystems", "Search: “senzori”"}
    assert dict(QueryDict(chips["R&D entity"]).lists()) == {"q": ["senzori"], "competence": ["mems"]}
    assert dict(QueryDict(chips["Search: “senzori”"]).lists()) == {"category": ["rd"], "competence": ["mems"]}
    html = response.content.decode()
    assert "Clear all" in html


def test_each_card_lists_its_own_competences_by_name_and_counts_the_rest(client, make_member):
    many = list(Competence.objects.order_by("name_en")[:6])
    make_member(name="Alfa Competențe SRL", competences=many)
    make_member(name="Beta Competențe SRL", competences=[many[5]])
    make_member(name="Gama Fără Competențe SRL")
    html = get(client).content.decode()
    cards = {
        card.split("</a></h3>")[0].rsplit(">", 1)[1]: card
        for card in html.split('<article class="member-card">')[1:]
    }
    tags = lambda card: re.findall(r"<li>([^<]*)</li>", card)  # noqa: E731
    # The first four by name, then how many more.
    assert tags(cards["Alfa Competențe SRL"]) == [escape(c.name_en) for c in many[:4]]
    assert '<li class="more">+2 more</li>' in cards["Alfa Competențe SRL"]
    assert tags(cards["Beta Competențe SRL"]) == [escape(many[5].name_en)]
    assert 'class="more"' not in cards["Beta Competențe SRL"]
    assert 'class="tags"' not in cards["Gama Fără Competențe SRL"]


def test_the_result_count_is_said_in_words(client, make_member):
    make_member()
    assert "1 member</h2>" in get(client).content.decode()
    make_member()
    make_member()
    assert "3 members</h2>" in get(client).content.decode()


def test_pages_hold_24_members_and_page_links_keep_the_filters(client, make_member):
    for _ in range(30):
        make_member(category=Member.Category.RD)
    make_member(category=Member.Category.ENTERPRISE)
    first = get(client, category="rd")
    assert len(listed(first)) == 24
    assert "?category=rd&amp;page=2" in first.content.decode()
    second = get(client, category="rd", page="2")
    assert len(listed(second)) == 6


@pytest.fixture
def members_with_ties(make_member, competences, localities):
    """37 members whose sort keys often tie or are unknown; two in three automate."""
    for i in range(37):
        make_member(
            category=Member.Category.values[i % 2],
            member_since=None if i % 5 == 0 else datetime.date(2020 + i % 3, 1, 1),
            founded=None if i % 4 == 0 else 1990 + i % 3,
            competences=competences[i % 3 : i % 3 + 2],
            locality=localities[i % 2],
            short_description_ro="Automatizări industriale" if i % 3 else "Consultanță",
        )
    make_member(name="Automatizări ascunse SRL", is_published=False)


def listing(name, competences, localities):
    """The directory's filters for `name`, and the same members picked by hand from the model."""
    members = Member.objects.published()
    return {
        "everyone": ({}, members),
        "a category": ({"category": "rd"}, members.filter(category="rd")),
        "a competence": ({"competence": competences[2].slug}, members.filter(competences=competences[2])),
        "a locality": ({"locality": localities[0].slug}, members.filter(locality=localities[0])),
        "a search and a category": (
            {"q": "automatizari", "category": "rd"},
            members.search("automatizari").filter(category="rd"),
        ),
    }[name]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize(
    "name", ["everyone", "a category", "a competence", "a locality", "a search and a category"]
)
def test_every_page_shows_the_members_the_plain_offset_query_would_in_every_order(
    client, members_with_ties, competences, localities, monkeypatch, sort, name
):
    monkeypatch.setattr("members.views.PAGE_SIZE", 4)
    params, members = listing(name, competences, localities)
    expected = members.order_by(*SORTS[sort][1])  # each page: this query's OFFSET and LIMIT
    names = [member.name for member in expected]
    assert len(names) > 8  # several pages
    shown = []
    for page in range(1, (len(names) + 3) // 4 + 1):
        on_page = listed(get(client, **params, sort=sort, page=page))
        assert on_page == [member.name for member in expected[(page - 1) * 4 : page * 4]]
        shown += on_page
    assert shown == names  # so no member is on two pages and none is missed


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999", "", "1.5", "٣"])
def test_a_strange_page_number_still_shows_a_page(client, make_member, page):
    make_member(name="Singur SRL")
    assert listed(get(client, page=page)) == ["Singur SRL"]


def test_an_empty_result_offers_a_way_out(client, make_member):
    make_member(category=Member.Category.RD)
    response = get(client, category="catalyzer")
    html = response.content.decode()
    assert "No members match these filters." in html
    assert "Clear all filters" in html
    [(chip, count)] = response.context["ways_out"][1]  # removing the one filter lists the member
    assert count == 1
    assert f'<a href="?">Without “{chip.label}”: 1 member</a>' in html


def test_export_links_carry_the_filters_but_not_the_page(client, make_member):
    make_member(category=Member.Category.RD)
    html = get(client, category="rd", page="1").content.decode()
    assert english("members:export_csv") + "?category=rd" in html
    assert "page=1" not in html.split("export.csv")[1].split('"')[0]


# --- Bad input: never a 500, always escaped ---------------------------------------------------------


def test_script_in_any_parameter_is_escaped(client, make_member):
    make_member()
    payload = "<script>alert(1)</script>"
    response = get(client, q=payload, category=payload, competence=payload, sort=payload)
    html = response.content.decode()
    assert payload not in html
    assert "&lt;script&gt;" in html


def test_a_nul_byte_in_the_search_is_explained_not_a_500(client, make_member):
    make_member(name="Singur SRL")
    response = get(client, q="robo\x00tica")
    assert listed(response) == ["Singur SRL"]
    assert "Null characters are not allowed" in response.content.decode()


def test_a_huge_or_empty_search_is_harmless(client, make_member):
    make_member(name="Singur SRL")
    assert listed(get(client, q="")) == ["Singur SRL"]
    assert listed(get(client, q="   ")) == ["Singur SRL"]
    assert get(client, q="a" * 5000).status_code == 200


def test_a_thousand_repeated_parameters_are_answered(client, make_member, mems):
    make_member(name="Senzori SRL", competences=[mems])
    make_member(name="Altul SRL")
    response = get(client, competence=["mems"] * 1000, category=[f"x{i}" for i in range(1000)])
    assert listed(response) == ["Senzori SRL"]


def test_invalid_utf8_in_the_query_string_is_answered(client, make_member):
    make_member(name="Singur SRL")
    response = client.get(english(URL), QUERY_STRING="q=%ff%fe&category=%c3%28")
    assert response.status_code == 200


# --- Query budget ---------------------------------------------------------------------------------


@pytest.fixture
def sixty_members(make_member, competences, localities):
    for i in range(60):
        make_member(
            category=Member.Category.values[i % 4],
            competences=competences[i % 7 : i % 7 + 4],
            locality=localities[i % len(localities)],
            size=Member.Size.values[i % 4],
            offers_subcontracting=i % 2 == 0,
        )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": ["rd", "enterprise"], "competence": "mems", "county": "ilfov", "q": "membru"},
        {"locality": "voluntari", "size": "micro", "subcontracting": "1", "partners": "1", "sort": "newest"},
    ],
)
def test_the_directory_needs_at_most_six_queries_whatever_the_filters(
    client, sixty_members, django_assert_max_num_queries, params
):
    # The options: localities, competences with their groups, certifications; every facet count
    # and the number of results in one query; the page's members with their localities (the
    # page's ids a subquery); the page's competences and certifications in one query.
    with django_assert_max_num_queries(6):
        get(client, **params)


def test_logos_in_cards_add_no_queries_once_their_thumbnails_exist(
    client, make_member, competences, django_assert_max_num_queries, settings
):
    settings.DIRECTORY_CACHE = False  # render the page again rather than serve the cached one
    for i in range(30):
        make_member(logo=png(120 + i, 60), competences=competences[i % 5 : i % 5 + 3])
    html = get(client).content.decode()  # makes the thumbnails (and records them in sorl's store)
    assert 'width="96" height="48"' in html  # fitted in the 96 px box, proportions kept
    # As in the budget above; the thumbnails' sizes are then remembered, not looked up.
    with django_assert_max_num_queries(6):
        response = get(client)
    assert response.content.decode().count('<img src="/media/') == 24  # the cards' logos, not the site's mark
