"""`manage.py generate_members`: synthetic members for the benchmark (members/synthetic.py)."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from members.models import Member
from members.reference_data import BUCHAREST
from members.synthetic import generate_members
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_bulk_load_leaves_the_planner_statistics_of_what_it_filled_current():
    """Without autovacuum (these machines), the planner would otherwise assume empty tables."""
    generate_members(300, seed=9)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN"
            " ('members_member', 'members_facts', 'members_cells', 'members_member_competences')"
        )
        estimates = dict(cursor.fetchall())
    assert estimates["members_member"] >= 300 and estimates["members_facts"] >= 300
    assert estimates["members_member_competences"] >= 300 and estimates["members_cells"] > 0
