"""One search, the same on SQLite and PostgreSQL: every typed word must begin a word of the
member's name or descriptions (either language), or of the names and keywords of its competences
or its locality; case, accents and ş/ș do not matter. Members whose name has every word come
first. The suite runs on both databases, so each case here is checked on both."""

import pytest

from members.filters import MemberFilter
from members.models import Competence, Locality, Member


def found(query, **filters):
    filterset = MemberFilter({"q": query, **filters})
    ids = list(filterset.qs.values_list("member_id", flat=True))
    names = dict(Member.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[pk] for pk in ids]


@pytest.fixture
def cnc(make_member):
    machining = Competence.objects.get(slug="cnc-machining")
    return make_member(name="Prelucrări Precise SRL", competences=[machining], short_description_en="Parts")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("frezare", True),  # a Romanian keyword of "CNC machining"
        ("milling", True),  # an English one
        ("prelucrari prin aschiere", True),  # a keyword phrase typed without diacritics
        ("Precision CNC", True),  # the competence's English name
        ("prec", True),  # the start of a word of the name
        ("recise", False),  # the middle of a word finds nothing
        ("parts", True),  # the English short description
        ("frezare sudura", False),  # every word must match
    ],
)
def test_a_search_finds_a_member_by_its_texts_and_its_competences_keywords(cnc, query, expected):
    assert (found(query) == [cnc.name]) is expected


def test_a_search_for_a_county_or_locality_finds_the_members_there(make_member):
    voluntari = Locality.objects.get(slug="voluntari")
    make_member(name="Acolo SRL", locality=voluntari)
    make_member(name="Altundeva SRL", locality=Locality.objects.get(slug="sectorul-2"))
    assert found("voluntari") == found("ILFOV") == ["Acolo SRL"]


def test_cedilla_and_comma_below_letters_are_the_same_letter(make_member):
    make_member(name="Ţesătoria Ştefan SRL")  # cedilla, as old keyboards typed it
    make_member(name="Țesătoria Ștefan Nouă SRL")  # comma below
    assert found("ţesătoria ştefan") == found("tesatoria stefan") == found("ȚESĂTORIA")
    assert len(found("tesatoria")) == 2


def test_members_whose_name_holds_every_word_come_first(make_member):
    make_member(name="Alfa Consulting SRL", short_description_ro="Roboți pentru sudură")
    make_member(name="Zeta Roboți SRL")
    assert found("roboti") == ["Zeta Roboți SRL", "Alfa Consulting SRL"]
    # A chosen sort applies as it is.
    assert found("roboti", sort="name") == ["Alfa Consulting SRL", "Zeta Roboți SRL"]


def test_punctuation_is_no_part_of_a_word(cnc, make_member):
    make_member(name="Alt Membru SRL")
    assert found("frezare!!!") == found("(frezare)") == [cnc.name]
    assert len(found("'%_\\")) == 2  # no word at all: no search
    assert found("#competence") == []  # the tokens competences leave in search texts are out of reach


def test_the_manager_edits_a_competences_keywords_in_the_admin_and_search_follows(manager_client, cnc):
    machining = Competence.objects.get(slug="cnc-machining")
    url = f"/admin/members/competence/{machining.pk}/change/"
    form = manager_client.get(url).content.decode()
    assert 'name="keywords_ro"' in form and 'name="keywords_en"' in form
    response = manager_client.post(
        url,
        {
            "name_ro": machining.name_ro,
            "name_en": machining.name_en,
            "slug": machining.slug,
            "group": machining.group_id,
            "keywords_ro": "ajustaj",
            "keywords_en": "fitting",
        },
    )
    assert response.status_code == 302
    assert found("ajustaj") == found("fitting") == [cnc.name]
    assert found("frezare") == []  # the old keyword is gone
