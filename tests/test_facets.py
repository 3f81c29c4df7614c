"""Facet counts tell the truth: each option's count is the number of members the directory lists
when that option is chosen instead of its dimension's current choice, with every other filter
kept. Checked against the listing itself, on whichever database the suite runs on (the counts
come from the cells, the facts or, on SQLite, their views; the listing from the members)."""

import random

import pytest
from django.http import QueryDict

from members.dimensions import DIMENSIONS
from members.filters import MemberFilter
from members.models import Certification, Member

FILTER_STATES = [
    {},
    {"category": ["enterprise"]},
    {"category": ["rd", "catalyzer"], "size": ["micro"]},
    {"competence": ["industrial-robotics"]},
    {"competence": ["industrial-robotics"], "county": ["ilfov"]},
    {"competence": ["industrial-robotics", "mems"]},
    {"competence": ["mems"], "partners": ["1"], "locality": ["voluntari", "sectorul-1"]},
    {"county": ["bucuresti"], "subcontracting": ["1"]},
    {"q": ["automatizari"]},
    {"q": ["senzori ilfov"], "category": ["enterprise"]},
    {"q": ["frezare"], "competence": ["mems"]},
    {"certification": ["iso-9001"]},
    {"certification": ["iso-9001"], "competence": ["mems"], "size": ["micro", "small"]},
    {"certification": ["en-9100", "iso-14001"], "category": ["enterprise"]},
]


@pytest.fixture
def varied_members(make_member, competences, localities):
    """Sixty members spread over every dimension (seeded, so a failure can be replayed)."""
    rng = random.Random(7)
    slugs = ["industrial-robotics", "mems", "cnc-machining", "smart-sensors", "industrial-automation"]
    picked = [c for c in competences if c.slug in slugs]
    texts = ["Automatizări și senzori", "Frezare CNC", "Consultanță", ""]
    certifications = list(Certification.objects.filter(slug__in=["iso-9001", "iso-14001", "en-9100"]))
    for i in range(60):
        member = make_member(
            category=rng.choice(Member.Category.values),
            size=rng.choice(["", *Member.Size.values]),
            locality=rng.choice([None, *localities]),
            offers_subcontracting=rng.random() < 0.5,
            seeks_partners=rng.random() < 0.5,
            competences=rng.sample(picked, rng.randint(0, 3)),
            short_description_ro=rng.choice(texts),
            is_published=i % 10 != 0,
        )
        member.certifications.set(rng.sample(certifications, rng.randint(0, 2)))


def listed_count(data):
    return MemberFilter(data).qs.count()


def counted_by_hand(state):
    """The members `state` lets through, worked out in Python from the model instances."""
    searched = {m.pk for m in Member.objects.search(state["q"][0])} if "q" in state else set()
    members = (
        Member.objects.published()
        .select_related("locality")
        .prefetch_related("competences", "certifications")
    )
    return sum(
        all(passes(member, param, values, searched) for param, values in state.items()) for member in members
    )


def passes(member, param, values, searched):
    locality = member.locality
    if param in ("competence", "certification"):
        return bool({c.slug for c in getattr(member, f"{param}s").all()} & set(values))
    if param in ("locality", "county"):
        place = locality and (
            locality.slug if param == "locality" else locality.county.replace("ș", "s").lower()
        )
        return place in values
    return {
        "category": member.category in values,
        "size": member.size in values,
        "subcontracting": member.offers_subcontracting,
        "partners": member.seeks_partners,
        "q": member.pk in searched,
    }[param]


@pytest.mark.parametrize("state", FILTER_STATES, ids=lambda state: "&".join(state) or "nothing")
def test_every_option_counts_the_members_choosing_it_would_list(varied_members, state):
    filterset = MemberFilter(state)
    facets, total = filterset.facets()
    assert total == listed_count(state) == counted_by_hand(state)
    for dimension in DIMENSIONS:
        for option in facets[dimension.param].options:
            instead = {**state, dimension.param: [option.value]}
            assert option.count == listed_count(instead) == counted_by_hand(instead), (
                dimension.param,
                option.value,
            )


def test_the_counts_and_the_listing_ignore_unpublished_members(varied_members):
    assert MemberFilter({}).facets()[1] == Member.objects.published().count() == 54


def test_the_page_shows_the_counted_number_of_results(client, varied_members):
    response = client.get("/en/members/", QueryDict("competence=mems&county=ilfov"))
    assert response.context["page"].paginator.count == listed_count(
        {"competence": ["mems"], "county": ["ilfov"]}
    )
