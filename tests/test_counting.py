"""The counting tables (members.counting) always equal their definitions.

On PostgreSQL `members_facts` and `members_cells` are tables kept by triggers; after every kind of
change they must hold exactly what their defining SELECTs give over the members as they are now.
On SQLite they are views of those very SELECTs.
"""

import pytest
from django.db import connection, transaction

from members import counting
from members.models import Competence, Member
from members.synthetic import delete_synthetic_members, generate_members

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="tables kept by triggers")


def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall(), key=repr)


def facts_kept():
    return rows(f"SELECT * FROM {counting.FACTS}")  # noqa: S608


def facts_defined():
    return rows(counting.facts_select(connection.vendor))


def cells_kept():
    return rows(f"SELECT * FROM {counting.CELLS} WHERE n <> 0")  # noqa: S608 (a cell may stay at 0)


def cells_defined():
    # The cells of the members as they are now: the definition over the defined facts.
    vendor = connection.vendor
    return rows(
        f"WITH defined AS ({counting.facts_select(vendor)}) {counting.cells_select(vendor, 'defined')}"
    )


def assert_kept():
    assert facts_kept() == facts_defined()
    assert cells_kept() == cells_defined()


@pytest.fixture
def some_members(make_member, competences, localities):
    made = [
        make_member(category="rd", locality=localities[0], competences=competences[:3], size="small"),
        make_member(category="enterprise", locality=localities[1], competences=competences[2:4]),
        make_member(category="enterprise", seeks_partners=True, offers_subcontracting=True),
        make_member(category="catalyzer", is_published=False, competences=competences[:1]),
    ]
    assert_kept()
    return made


@postgresql_only
def test_saving_a_member_rewrites_its_facts_and_moves_it_between_cells(some_members, localities):
    member = some_members[0]
    member.category, member.locality, member.short_description_en = "enterprise", localities[2], "New words"
    member.save()
    assert_kept()


@postgresql_only
def test_publishing_and_unpublishing_add_and_remove_the_member(some_members):
    hidden, shown = some_members[3], some_members[1]
    hidden.is_published, shown.is_published = True, False
    hidden.save()
    shown.save()
    assert_kept()


@postgresql_only
def test_adding_removing_and_clearing_competences_in_any_way_is_counted(some_members, competences):
    some_members[0].competences.add(competences[5])
    some_members[1].competences.remove(competences[2])
    links = Member.competences.through.objects  # straight into the link table: no signal, no history
    links.bulk_create([links.model(member=m, competence=competences[6]) for m in some_members[2:]])
    some_members[0].competences.clear()
    assert_kept()


@postgresql_only
def test_bulk_updates_and_deletes_bypassing_signals_are_counted(some_members):
    Member.objects.filter(category="enterprise").update(size="large", seeks_partners=False)
    Member.objects.filter(pk=some_members[0].pk).delete()
    assert_kept()


@postgresql_only
def test_a_rolled_back_change_leaves_nothing_behind(some_members, competences):
    before = (facts_kept(), cells_kept())
    with pytest.raises(RuntimeError), transaction.atomic():
        some_members[1].competences.add(competences[9])
        Member.objects.update(category="rd")
        raise RuntimeError("the manager's import failed")
    assert (facts_kept(), cells_kept()) == before


@postgresql_only
def test_a_bulk_load_and_its_removal_rebuild_the_tables(some_members):
    generate_members(40, seed=5)
    assert_kept()
    delete_synthetic_members()
    assert_kept()


@postgresql_only
def test_renaming_a_competence_changes_no_member(some_members, competences):
    before = facts_kept()
    Competence.objects.filter(pk=competences[0].pk).update(name_en="Renamed", keywords_en="new words")
    assert facts_kept() == before


def test_the_facts_hold_the_published_members_only(some_members):
    assert {row[0] for row in facts_kept()} == {m.pk for m in some_members if m.is_published}


@postgresql_only
def test_a_change_the_triggers_missed_would_be_noticed(some_members, competences):
    """Guards the comparisons above: with the triggers' work put off, the facts go stale."""
    counting.defer()
    some_members[1].competences.add(competences[8])
    assert facts_kept() != facts_defined()
