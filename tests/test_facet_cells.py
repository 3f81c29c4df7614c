"""On PostgreSQL the directory's counts come from tables the database keeps (migrations 0006–0008).

Whatever way a member or its competences change (a save in the admin, a bulk update, a bulk load,
a delete, a rolled-back transaction), the counts a visitor sees beside every option must equal
what counting the listed members by hand gives.
"""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.facets import facet_counts
from members.filters import MemberFilter
from members.models import Locality, Member
from members.synthetic import FULL_TEXT_INDEXES, generate_members
from members.text import fold

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the facet cells exist on PostgreSQL only"),
]


def members_listed(params, *leaving_out):
    """The members the directory lists for `params` without the filters `leaving_out`."""
    kept = {name: value for name, value in params.items() if name not in leaving_out}
    return list(MemberFilter(kept).qs)


def counted_by_hand(params):
    localities = {loc.pk: loc.slug for loc in Locality.objects.all()}
    placed = [m for m in members_listed(params, "locality") if m.locality_id]
    competent = members_listed(params, "competence")
    return {
        "total": len(members_listed(params)),
        "category": Counter(m.category for m in members_listed(params, "category")),
        "size": Counter(m.size for m in members_listed(params, "size") if m.size),
        "locality": Counter(localities[m.locality_id] for m in placed),
        "competence": Counter(c.slug for m in competent for c in m.competences.all()),
        "subcontracting": sum(m.offers_subcontracting for m in members_listed(params, "subcontracting")),
        "partners": sum(m.seeks_partners for m in members_listed(params, "partners")),
    }


def counts_shown(params):
    facets = facet_counts(MemberFilter(params))

    def nonzero(options):
        return Counter({option.value: option.count for option in options if option.count})

    return {
        "total": facets["total"],
        "category": nonzero(facets["category"]),
        "size": nonzero(facets["size"]),
        "locality": nonzero(option for group in facets["place"] for option in group.options),
        "competence": nonzero(option for group in facets["competence"] for option in group.options),
        "subcontracting": facets["flags"]["subcontracting"].count,
        "partners": facets["flags"]["partners"].count,
    }


@pytest.fixture
def filter_sets(competences, localities):
    return [
        {},
        {"category": ["enterprise"]},
        {"category": ["rd", "catalyzer"], "size": ["micro"]},
        {"competence": [competences[0].slug]},
        {"competence": [competences[1].slug], "category": ["enterprise"], "subcontracting": "1"},
        {"locality": [localities[0].slug, localities[1].slug], "partners": "1"},
        # Two competences: a member with both counts once (counted from the members instead).
        {"competence": [competences[0].slug, competences[1].slug]},
        # Searches: counted from the search facts (migration 0007), one query for every dimension.
        {"q": "membru"},
        {"q": "test membr", "category": ["enterprise", "rd"], "size": ["micro"]},
        {"q": fold(competences[0].name_ro).split()[0], "competence": [competences[1].slug]},
        {"q": "membru", "competence": [competences[0].slug, competences[2].slug], "partners": "1"},
        {"q": "renamed", "locality": [localities[1].slug]},
    ]


# The row migration 0007 keeps for every published member, computed from the members themselves.
EXPECTED_FACTS = """
    SELECT m.id, m.category, m.size, m.locality_id, m.offers_subcontracting, m.seeks_partners,
           ARRAY(SELECT competence_id FROM members_member_competences l WHERE l.member_id = m.id ORDER BY 1),
           strip(to_tsvector('simple', m.search_text))
    FROM members_member m WHERE m.is_published
"""
STORED_FACTS = """
    SELECT member_id, category, size, locality_id, offers_subcontracting, seeks_partners, competence_ids,
           document
    FROM members_searchfacts
"""


def differing_rows(expected, stored):
    """Rows in one of two queries' results but not in the other's: what a kept table got wrong."""
    with connection.cursor() as cursor:
        cursor.execute(f"({expected} EXCEPT {stored}) UNION ALL ({stored} EXCEPT {expected})")
        return cursor.fetchall()


def stale_search_facts():
    """Rows of members_searchfacts missing, extra or different from what the members say."""
    return differing_rows(EXPECTED_FACTS, STORED_FACTS)


# Published members per competence (migration 0008), from the members themselves; a total of 0
# may be kept as a row or as no row.
EXPECTED_TOTALS = """
    SELECT link.competence_id, COUNT(*) FROM members_member_competences link
    JOIN members_member m ON m.id = link.member_id WHERE m.is_published GROUP BY 1
"""
STORED_TOTALS = "SELECT competence_id, n FROM members_competencetotal WHERE n <> 0"


def stale_competence_totals():
    """Rows of members_competencetotal missing, extra or different from what the members say."""
    return differing_rows(EXPECTED_TOTALS, STORED_TOTALS)


# The cells of migration 0006, from the members themselves; an empty cell may be kept as a row.
EXPECTED_CELLS = """
    SELECT category, size, locality_id, offers_subcontracting, seeks_partners, COUNT(*)
    FROM members_member WHERE is_published GROUP BY 1, 2, 3, 4, 5
"""
STORED_CELLS = """
    SELECT category, size, locality_id, offers_subcontracting, seeks_partners, n
    FROM members_facetcell WHERE n <> 0
"""
EXPECTED_COMPETENCE_CELLS = """
    SELECT link.competence_id, m.category, m.size, m.locality_id, m.offers_subcontracting, m.seeks_partners,
           COUNT(*)
    FROM members_member_competences link JOIN members_member m ON m.id = link.member_id
    WHERE m.is_published GROUP BY 1, 2, 3, 4, 5, 6
"""
STORED_COMPETENCE_CELLS = """
    SELECT competence_id, category, size, locality_id, offers_subcontracting, seeks_partners, n
    FROM members_competencefacetcell WHERE n <> 0
"""


def stale_facet_cells():
    """Rows of the two cell tables missing, extra or different from what the members say."""
    return differing_rows(EXPECTED_CELLS, STORED_CELLS) + differing_rows(
        EXPECTED_COMPETENCE_CELLS, STORED_COMPETENCE_CELLS
    )


def assert_counts_match(filter_sets):
    assert stale_facet_cells() == []
    assert stale_search_facts() == []
    assert stale_competence_totals() == []
    for params in filter_sets:
        assert counts_shown(params) == counted_by_hand(params), params


def test_counts_follow_saves_competence_changes_bulk_updates_and_deletes(
    make_member, competences, localities, filter_sets
):
    first, second, third = competences[:3]
    a = make_member(category="rd", size="micro", locality=localities[0], competences=[first, second])
    b = make_member(size="micro", locality=localities[1], offers_subcontracting=True, competences=[second])
    c = make_member(category="catalyzer", seeks_partners=True, competences=[first, third])
    make_member(is_published=False, competences=[first])  # never counted
    assert_counts_match(filter_sets)

    a.category = "enterprise"
    a.locality = localities[1]
    a.save()
    b.competences.add(first, third)
    c.competences.remove(first)
    assert_counts_match(filter_sets)

    Member.objects.filter(pk=b.pk).update(is_published=False, size="small")
    Member.objects.filter(is_published=False).update(is_published=True)
    a.competences.clear()
    c.competences.set([second])
    assert_counts_match(filter_sets)

    b.delete()
    c.is_published = False
    c.save()
    assert_counts_match(filter_sets)


def test_counts_follow_a_bulk_load_and_its_removal(make_member, competences, filter_sets):
    make_member(competences=[competences[0]])
    call_command("generate_members", count=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Member.objects.filter(is_synthetic=True).count() == 60
    assert_counts_match(filter_sets)

    call_command("generate_members", delete=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_counts_match(filter_sets)


def test_a_bulk_load_writes_each_search_copy_row_once_and_every_kept_table_equals_its_members(
    make_member, competences
):
    make_member(competences=[competences[0]])

    def search_copy_writes():
        """Rows of members_searchfacts inserted and updated so far in this (the test's) transaction."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables"
                " WHERE relname = 'members_searchfacts'"
            )
            return cursor.fetchone()

    inserted, updated = search_copy_writes()
    generate_members(50, seed=3, batch_size=20)  # three batches

    # Written once, by the member inserts: the links were there before their members.
    assert search_copy_writes() == (inserted + 50, updated)
    assert stale_facet_cells() == []
    assert stale_search_facts() == []
    assert stale_competence_totals() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM members_searchfacts facts JOIN members_member m ON m.id = facts.member_id"
            " WHERE m.is_synthetic AND cardinality(facts.competence_ids) BETWEEN 1 AND 5"
        )
        assert cursor.fetchone() == (50,)


def test_a_big_load_builds_the_full_text_indexes_again_as_the_migrations_made_them(
    make_member, competences, filter_sets
):
    """A load from REBUILD_INDEXES_FROM members on drops the two GIN indexes and creates them again.

    Whether PostgreSQL chooses them is not checked: it may use a new index only in transactions
    that began after every transaction older than the one that built it (pg_index.indcheckxmin),
    which another test running meanwhile can hold open.
    """
    make_member(name="Ștanțare Precisă SRL", competences=[competences[0]])

    def full_text_indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef, x.indisvalid AND x.indisready FROM pg_indexes i"
                " JOIN pg_index x ON x.indexrelid = to_regclass(i.indexname)"
                " WHERE i.indexname = ANY(%s) ORDER BY 1",
                [list(FULL_TEXT_INDEXES)],
            )
            return cursor.fetchall()

    before = full_text_indexes()
    assert [(name, valid) for name, _definition, valid in before] == [
        ("members_search_fts", True),
        ("members_searchfacts_document", True),
    ]
    generate_members(40, seed=5, batch_size=15, rebuild_indexes_from=1)

    assert full_text_indexes() == before
    assert_counts_match(filter_sets)
    synthetic = Member.objects.filter(is_synthetic=True).order_by("pk")
    assert synthetic.count() == 40
    word = fold(synthetic.first().name).split()[0]
    assert synthetic.first() in Member.objects.search(word)
    assert Member.objects.search("stantare").get().name == "Ștanțare Precisă SRL"
    assert counts_shown({"q": word}) == counted_by_hand({"q": word})
    # The load's deferred foreign key checks ran before the indexes were built; later ones are
    # deferred again, as Django expects: a link to no member yet is refused at the commit only.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_member_competences (member_id, competence_id) VALUES (-1, %s)",
            [competences[0].pk],
        )
        cursor.execute("DELETE FROM members_member_competences WHERE member_id = -1")


def test_a_rolled_back_change_leaves_the_counts_as_they_were(make_member, competences, filter_sets):
    member = make_member(category="rd", competences=[competences[0]])
    before = counts_shown({})
    with pytest.raises(RuntimeError), transaction.atomic():
        member.category = "enterprise"
        member.save()
        member.competences.add(competences[1])
        make_member(competences=[competences[2]])
        raise RuntimeError("the manager's save failed half-way")
    assert counts_shown({}) == before
    assert_counts_match(filter_sets)


def test_search_counts_follow_renames_of_members_competences_and_localities(
    make_member, competences, localities, filter_sets
):
    first, second = competences[:2]
    a = make_member(locality=localities[1], competences=[first])
    make_member(category="rd", size="micro", locality=localities[1], competences=[second])
    assert counts_shown({"q": "renamed"})["total"] == 0

    a.name = "Renamed Robotics SRL"
    a.save()
    assert_counts_match(filter_sets)
    assert counts_shown({"q": "renamed"})["total"] == 1

    # Renaming a competence rewrites the search text of its members in bulk (signals).
    second.name_ro = "Renamed competence"
    second.save()
    assert_counts_match(filter_sets)
    assert counts_shown({"q": "renamed"})["total"] == 2

    localities[1].name = "Renamedville"
    localities[1].save()
    # A link written directly (as the bulk loader does), without the signals of `competences.add`.
    Member.competences.through.objects.bulk_create([Member.competences.through(member=a, competence=second)])
    assert_counts_match(filter_sets)
    Member.competences.through.objects.filter(member=a, competence=first).delete()
    assert_counts_match(filter_sets)


def test_truncating_members_or_their_competences_empties_the_search_facts(
    make_member, competences, filter_sets
):
    make_member(competences=competences[:2])
    make_member(category="rd", competences=[competences[0]])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
        cursor.execute("TRUNCATE members_member_competences")
    assert_counts_match(filter_sets)
    assert counts_shown({"q": "membru"})["competence"] == Counter()

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_member CASCADE")
    assert_counts_match(filter_sets)
    assert counts_shown({"q": "membru"})["total"] == 0


def make_every_kind_of_change(make_member, competences, check):
    """Change members and their links in every way the totals' triggers answer, `check` after each.

    Besides Django's ways (a member saved before its links, its links deleted before it), the
    database's own orders: links written before their member (deferred foreign keys, as a restore
    may) and a member deleted before its links (as a database-level cascade would).
    """
    first, second, third = competences[:3]
    through = Member.competences.through
    a = make_member(competences=[first, second])
    b = make_member(category="rd", competences=[second])
    check()
    a.competences.add(third)
    b.competences.remove(second)
    check()
    through.objects.filter(member=a, competence=first).update(competence=competences[3])
    check()
    Member.objects.filter(pk=a.pk).update(is_published=False)
    check()
    Member.objects.filter(pk=a.pk).update(is_published=True, size="micro")
    b.category = "enterprise"
    b.save()
    check()

    early = Member.objects.order_by("-pk").first().pk + 1000
    through.objects.bulk_create([through(member_id=early, competence=first)])
    make_member(id=early)
    check()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_member WHERE id = %s", [early])
    check()
    through.objects.filter(member_id=early).delete()
    b.delete()
    check()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
        cursor.execute("TRUNCATE members_member_competences")
    check()


def test_competence_totals_follow_every_kind_of_change(make_member, competences, filter_sets):
    make_every_kind_of_change(make_member, competences, lambda: assert_counts_match(filter_sets))


TOTALS_TRIGGERS = [
    ("members_member", "members_totals_member_insert"),
    ("members_member", "members_totals_member_update"),
    ("members_member", "members_totals_member_delete"),
    ("members_member_competences", "members_totals_link_insert"),
    ("members_member_competences", "members_totals_link_update"),
    ("members_member_competences", "members_totals_link_delete"),
    ("members_member_competences", "members_totals_link_truncate"),
]


@pytest.mark.parametrize(("table", "trigger"), TOTALS_TRIGGERS)
def test_the_checks_notice_any_one_totals_trigger_missing(make_member, competences, table, trigger):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'members_totals_%%'"
        )
        assert sorted(cursor.fetchall()) == sorted(TOTALS_TRIGGERS)  # every trigger is tested here
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")  # undone with the test's rollback
    stale = []
    make_every_kind_of_change(make_member, competences, lambda: stale.append(stale_competence_totals()))
    assert any(stale)


def test_the_unfiltered_directory_counts_competences_from_their_totals(
    client, make_member, competences, localities
):
    make_member(category="rd", locality=localities[0], competences=competences[:2])
    make_member(competences=[competences[1], competences[2]])
    make_member(is_published=False, competences=[competences[0]])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:directory"))
    shown = response.context["facets"]["competence"]
    counts = Counter(
        {option.value: option.count for group in shown for option in group.options if option.count}
    )
    assert (
        counts
        == counted_by_hand({})["competence"]
        == {competences[0].slug: 1, competences[1].slug: 2, competences[2].slug: 1}
    )
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "members_competencetotal" in read
    assert "members_competencefacetcell" not in read
