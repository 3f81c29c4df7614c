"""The public board: filters, facet counts, search, sorting, the detail page and its matches."""

import datetime

from django.urls import reverse
from django.utils import timezone

from members.models import Member
from opportunities.models import Opportunity

S = Opportunity.Status


def titles(response):
    return [o.title_en for o in response.context["page"]]


def test_the_list_shows_open_ones_sorted_by_deadline(client, publish):
    today = timezone.localdate()
    publish(title_en="Later", deadline=today + datetime.timedelta(days=40))
    publish(title_en="Sooner", deadline=today + datetime.timedelta(days=5))
    publish(title_en="Gone", deadline=today - datetime.timedelta(days=1))
    response = client.get(reverse("opportunities:list"))
    assert response.status_code == 200
    assert titles(response) == ["Sooner", "Later"]
    assert "2 open opportunities" in response.text


def test_the_list_filters_by_kind_competence_programme_trl_and_poster(
    client, publish, competences, make_member
):
    robot = publish(title_en="Robotics call", programme="Horizon Europe", competences=competences[:1], trl=6)
    publish(title_en="Milling", kind=Opportunity.Kind.SUBCONTRACTING, competences=competences[1:2])
    firm = make_member(category=Member.Category.ENTERPRISE)
    publish(title_en="From a firm", kind=Opportunity.Kind.CAPACITY, poster=firm)
    url = reverse("opportunities:list")
    assert titles(client.get(url, {"kind": "subcontracting"})) == ["Milling"]
    assert titles(client.get(url, {"competence": competences[0].slug})) == ["Robotics call"]
    assert titles(client.get(url, {"programme": "Horizon Europe"})) == ["Robotics call"]
    assert titles(client.get(url, {"trl_min": 5, "trl_max": 7})) == ["Robotics call"]
    assert titles(client.get(url, {"poster": "enterprise"})) == ["From a firm"]
    assert set(titles(client.get(url, {"poster": "office"}))) == {"Robotics call", "Milling"}
    assert robot.get_absolute_url() == f"/en/opportunities/{robot.slug}/"


def test_facets_count_each_dimension_with_the_other_filters_applied(client, publish, competences):
    publish(title_en="A", competences=competences[:2])
    publish(title_en="B", kind=Opportunity.Kind.SUBCONTRACTING, competences=competences[:1])
    publish(title_en="C", kind=Opportunity.Kind.SUBCONTRACTING, competences=competences[1:2])
    response = client.get(reverse("opportunities:list"), {"kind": "subcontracting"})
    facets = {
        f["dimension"].param: {o["option"].value: o["count"] for o in f["options"]}
        for f in response.context["facets"]
    }
    assert facets["kind"] == {"partner-search": 1, "subcontracting": 2}  # its own filter left out
    assert facets["competence"] == {competences[0].slug: 1, competences[1].slug: 1}
    assert facets["poster"] == {"office": 2}


def test_search_is_romanian_aware(client, publish):
    publish(title_ro="Căutăm parteneri pentru știința materialelor", title_en="")
    publish(title_en="Other")
    response = client.get(reverse("opportunities:list"), {"q": "stiinta"})
    assert [o.title_ro for o in response.context["page"]] == ["Căutăm parteneri pentru știința materialelor"]


def test_an_unknown_filter_value_is_named_and_the_rest_still_apply(client, publish):
    publish(title_en="A")
    response = client.get(reverse("opportunities:list"), {"kind": "nonsense", "trl_min": "x"})
    assert response.status_code == 200
    assert "Ignored unknown kind: nonsense." in response.text
    assert "The TRL must be a number from 1 to 9" in response.text
    assert titles(response) == ["A"]


def test_the_list_works_in_romanian(client, publish):
    publish(title_ro="Subcontractare", title_en="")
    response = client.get("/ro/opportunities/", headers={"accept-language": "ro"})
    assert response.status_code == 200
    assert "Subcontractare" in response.text


def test_the_list_query_count_does_not_grow(client, publish, competences, django_assert_max_num_queries):
    for n in range(25):
        publish(title_en=f"Opportunity {n}", competences=competences[n % 5 : n % 5 + 2])
    # programme options, competence options, count, page rows + poster, competences,
    # certifications, 5 facets; (+ session/savepoints slack)
    with django_assert_max_num_queries(12):
        client.get(reverse("opportunities:list"), {"competence": competences[0].slug})


def test_the_detail_page_ranks_matching_members_and_explains_the_match(
    client, publish, competences, make_member, django_assert_max_num_queries
):
    a, b, c, d = competences[:4]
    opportunity = publish(title_en="Twin transition", competences=[a, b, c, d])
    make_member(name="Trei SRL", competences=[a, b, c])
    make_member(name="Unu SRL", competences=[d])
    for _n in range(10):
        make_member(competences=[a])
    # opportunity + poster, its competences, its certifications, members, their competences,
    # their certifications
    with django_assert_max_num_queries(7):
        response = client.get(opportunity.get_absolute_url())
    text = response.text
    assert "The cluster office" in text
    assert text.index("Trei SRL") < text.index("Unu SRL")
    assert f"3 of 4 competences: {a.name_en}, {b.name_en}, {c.name_en}" in text


def test_a_closed_or_draft_opportunity_has_no_public_page(client, db):
    draft = Opportunity.objects.create(kind=Opportunity.Kind.CAPACITY, title_en="Draft")
    assert client.get(reverse("opportunities:detail", args=[draft.slug])).status_code == 404


def test_a_profile_lists_open_opportunities_for_its_competences_and_its_own_within_budget(
    client, publish, make_member, competences, django_assert_max_num_queries
):
    member = make_member(name="Frezare SRL", competences=competences[:2])
    publish(title_en="Needs your milling", competences=competences[1:2])
    publish(title_en="Posted by Frezare", poster=member, kind=Opportunity.Kind.CAPACITY)
    publish(title_en="Not for it", competences=competences[6:7])
    client.get(make_member(name="Alt Membru SRL").get_absolute_url())  # the reference data, cached
    # the profile's four, then one for the opportunities
    with django_assert_max_num_queries(5):
        response = client.get(member.get_absolute_url())
    assert "Needs your milling" in response.text
    assert "Posted by Frezare" in response.text and "posted by this member" in response.text
    assert "Not for it" not in response.text


def test_every_page_links_the_opportunities_board_in_its_main_navigation(client, db):
    from django.utils import translation

    with translation.override("ro"):
        home, board = reverse("members:home"), reverse("opportunities:list")
    page = client.get(home).content.decode()
    nav = page[page.index('class="site-nav"') : page.index("</nav>")]
    assert f'href="{board}"' in nav and "Oportunități" in nav
