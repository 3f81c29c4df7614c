"""`manage.py generate_members`: synthetic members for the benchmark (members/synthetic.py)."""

import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from members.models import Competence, Locality, Member
from members.reference_data import BUCHAREST
from members.synthetic import _copy_members, _reserve_ids, _Sampler
from members.text import fold

pytestmark = pytest.mark.django_db

CEDILLAS = "\u015f\u015e\u0163\u0162"


def generate(count, *extra):
    call_command("generate_members", "--count", str(count), *extra)


def synthetic():
    return Member.objects.filter(is_synthetic=True)


def drawn_members():
    """What a seed decides, in a comparable form."""
    members = synthetic().order_by("name_key").prefetch_related("competences")
    return [
        (
            m.name,
            m.category,
            m.locality_id,
            m.size,
            m.founded,
            m.description_en,
            [c.slug for c in m.competences.all()],
        )
        for m in members
    ]


def test_generated_members_are_published_synthetic_and_in_the_cluster_ratio():
    generate(288)  # twice the cluster's 144: 200 enterprises, 44 catalyzers, 26 R&D, 18 authorities

    assert synthetic().count() == 288
    assert synthetic().filter(is_published=True).count() == 288
    assert Counter(synthetic().values_list("category", flat=True)) == {
        "enterprise": 200,
        "catalyzer": 44,
        "rd": 26,
        "public-authority": 18,
    }


def test_each_member_has_one_to_five_competences_and_a_few_competences_are_most_popular(competences):
    generate(500)

    per_member = Counter(Member.competences.through.objects.values_list("member_id", flat=True))
    assert set(per_member.values()) == {1, 2, 3, 4, 5}
    assert len(per_member) == 500
    per_competence = Counter(Member.competences.through.objects.values_list("competence_id", flat=True))
    top_ten = sum(count for _id, count in per_competence.most_common(10))
    # Evenly spread, 10 of the ~34 competences would hold under a third of the links.
    assert top_ten > 0.6 * sum(per_competence.values())


def test_most_generated_members_are_in_bucharest_with_bilingual_descriptions_of_about_300_characters():
    generate(300)

    in_bucharest = synthetic().filter(locality__county=BUCHAREST).count()
    assert in_bucharest > 0.7 * 300
    for member in synthetic():
        assert 200 <= len(member.description_ro) <= 600
        assert 200 <= len(member.description_en) <= 600
        assert member.short_description_ro and member.short_description_en


def test_generated_names_are_unique_romanian_and_never_use_cedillas():
    generate(400)

    names = list(synthetic().values_list("name", flat=True))
    assert len({fold(name) for name in names}) == 400
    assert any(set(name) & set("ăâîșțĂÂÎȘȚ") for name in names)
    assert not any(set(name) & set(CEDILLAS) for name in names)


def test_search_finds_generated_members_typed_without_diacritics_and_their_profile_shows(client):
    generate(50)
    member = synthetic().filter(name__regex=r"[ăâîșț]").first()

    assert member in Member.objects.search(fold(member.name))
    response = client.get(reverse("members:profile", kwargs={"slug": member.slug}))
    assert response.status_code == 200
    assert member.name in response.content.decode()


def test_generated_search_text_and_name_key_are_what_saving_the_member_would_store():
    generate(60)

    for member in synthetic().select_related("locality").prefetch_related("competences"):
        assert member.search_text == member.build_search_text()
        stored = (member.search_text, member.name_key, member.slug)
        member.save()
        member.refresh_from_db()
        assert (member.search_text, member.name_key, member.slug) == stored


def test_the_same_seed_draws_the_same_members_and_another_seed_does_not():
    generate(80, "--seed", "7")
    first = drawn_members()
    generate(80, "--seed", "7", "--delete")
    again = drawn_members()
    generate(80, "--seed", "8", "--delete")

    assert again == first
    assert drawn_members() != first


def test_running_twice_adds_more_members_with_new_names():
    generate(30)
    generate(30)

    assert synthetic().count() == 60


def test_delete_removes_synthetic_members_only(make_member, competences):
    real = make_member(name="Membru Real SRL", competences=competences[:2])
    generate(40)

    call_command("generate_members", "--delete")

    assert not synthetic().exists()
    assert list(Member.objects.all()) == [real]
    assert list(real.competences.all()) == competences[:2]
    assert Member.competences.through.objects.count() == 2


def test_the_command_asks_for_a_count_or_delete():
    with pytest.raises(CommandError, match="--count"):
        call_command("generate_members")
    with pytest.raises(CommandError, match="zero or more"):
        call_command("generate_members", "--count", "-3")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the members are written with COPY on PostgreSQL only"
)
def test_copy_stores_tabs_line_ends_backslashes_and_empty_values_as_they_are():
    text = "Linia 1\tcu tab\nLinia 2\r\nun \\N și o bară \\ la sfârșit\\"
    member = Member(
        name="Ștanțare\tși \\Sudură SRL",
        name_key="stantare si sudura srl",
        slug="stantare-si-sudura-srl",
        category="enterprise",
        description_ro=text,
        search_text="stantare",
        is_published=True,
        is_synthetic=True,
    )
    (member.pk,) = _reserve_ids(1)
    _copy_members([member])

    stored = Member.objects.get(pk=member.pk)
    assert (stored.name, stored.description_ro, stored.description_en) == (member.name, text, "")
    assert (stored.founded, stored.locality_id, stored.member_since, stored.logo.name) == (
        None,
        None,
        None,
        "",
    )
    assert stored.is_published is True and stored.offers_subcontracting is False
    assert stored.created_at is not None and stored.updated_at == stored.created_at


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the members are written with COPY on PostgreSQL only"
)
def test_copy_stores_every_field_of_drawn_members_as_bulk_create_would():
    """Every concrete field read back equals the unsaved member's value, so a field added later
    whose text form PostgreSQL would read differently (JSON, arrays…) fails here, not in a bench."""
    sampler = _Sampler(random.Random(3), Competence.objects.all(), Locality.objects.all())
    members = [sampler.member(category, 900 + i)[0] for i, category in enumerate(["enterprise", "rd"] * 10)]
    for member, pk in zip(members, _reserve_ids(len(members)), strict=True):
        member.pk = pk
    _copy_members(members)

    fields = [field.attname for field in Member._meta.concrete_fields]
    for member in members:
        stored = Member.objects.get(pk=member.pk)
        differing = [name for name in fields if getattr(stored, name) != getattr(member, name)]
        assert differing == [], (member.name, differing)
