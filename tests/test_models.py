import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import ContactPerson, Member, normalize_fiscal_code, validate_fiscal_code


@pytest.mark.parametrize(
    "code", ["18547290", "14399840", "6859662", "RO18547290", "ro 1854 7290", " RO 4221306 "]
)
def test_a_valid_fiscal_code_is_accepted_with_or_without_ro_prefix_and_spaces(code):
    validate_fiscal_code(code)


@pytest.mark.parametrize("code", ["18547291", "14399841", "6859663"])
def test_a_fiscal_code_with_a_wrong_check_digit_is_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_fiscal_code(code)
    assert error.value.code == "fiscal_code_check_digit"


@pytest.mark.parametrize("code", ["", "RO", "1", "12345678901", "ABC123", "12-34", "１８５４７２９０"])
def test_garbage_is_not_a_fiscal_code(code):
    with pytest.raises(ValidationError) as error:
        validate_fiscal_code(code)
    assert error.value.code == "fiscal_code_format"


def test_fiscal_code_is_stored_as_digits_only(make_member):
    member = make_member(fiscal_code="RO 1854 7290")
    member.refresh_from_db()
    assert member.fiscal_code == "18547290"
    assert normalize_fiscal_code("ro18547290") == "18547290"


def test_two_members_cannot_share_a_fiscal_code(make_member):
    make_member(fiscal_code="18547290")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(fiscal_code="RO18547290")


def test_many_members_may_have_no_fiscal_code(make_member):
    make_member(fiscal_code="")
    make_member(fiscal_code="")
    assert Member.objects.filter(fiscal_code="").count() == 2


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.ro/", "data:text/html,hi"])
def test_a_website_must_be_http_or_https(make_member, url):
    member = make_member(website=url)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "website" in error.value.message_dict


def test_an_https_website_is_accepted(make_member):
    member = make_member(website="https://robotica.example.ro/")
    member.full_clean()


def test_slug_comes_from_the_name_without_diacritics(make_member):
    member = make_member(name="Științe Tehnice Ţării SRL")
    assert member.slug == "stiinte-tehnice-tarii-srl"


def test_slug_does_not_change_when_the_name_changes(make_member):
    member = make_member(name="Mecatronica Veche SRL")
    member.name = "Mecatronica Nouă SRL"
    member.save()
    member.refresh_from_db()
    assert member.slug == "mecatronica-veche-srl"


def test_slugs_stay_unique_for_names_that_fold_alike(make_member):
    first = make_member(name="Robo-Tech SRL")
    second = make_member(name="Robo Tech S.R.L.")
    assert first.slug != second.slug


def test_names_differing_only_in_case_accents_or_spaces_are_one_member(make_member):
    make_member(name="Știința Aplicată SRL")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(name="stiinta  aplicata srl")


def test_the_model_form_explains_a_duplicate_name(make_member):
    make_member(name="Știința Aplicată SRL")
    duplicate = Member(name="ŞTIINŢA aplicată SRL", category="enterprise")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "name" in error.value.message_dict


def test_an_unknown_category_is_refused_by_the_database(make_member):
    member = make_member()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(category="spaceship")


def test_contact_persons_are_private_by_default(make_member):
    contact = ContactPerson.objects.create(member=make_member(), name="Ioana Popescu")
    assert contact.is_public is False
    assert not ContactPerson.objects.public().exists()


def test_consent_without_when_and_how_is_refused(make_member):
    member = make_member()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPerson.objects.create(member=member, name="Ioana Popescu", public_consent=True)
    contact = ContactPerson(member=member, name="Ioana Popescu", public_consent=True)
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert {"consent_given_at", "consent_method"} <= set(error.value.message_dict)


def test_a_member_is_found_by_its_competences_and_its_locality(make_member, competences, localities):
    member = make_member(name="Alfa SRL", locality=localities[0], competences=competences[:2])
    make_member(name="Beta SRL")
    assert list(Member.objects.search(competences[0].name_en)) == [member]
    assert list(Member.objects.search(competences[1].name_ro)) == [member]
    assert list(Member.objects.search(f"alfa {localities[0].name}")) == [member]


def test_renaming_a_competence_or_editing_its_keywords_finds_its_members_by_the_new_words(
    make_member, competences
):
    member = make_member(competences=[competences[0]])
    competences[0].name_en = "Quantum widget polishing"
    competences[0].keywords_ro = "lustruire cuantică"
    competences[0].save()
    assert Member.objects.search("quantum widget").get() == member
    assert Member.objects.search("lustruire cuantica").get() == member
    assert not Member.objects.search("quantum gadget").exists()


def _fold_char_by_char(text):
    """`members.text.fold` as first written: each character of the decomposed text tested."""
    import re
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.casefold()).strip()


def test_fold_equals_the_character_by_character_definition_on_every_unicode_character():
    from members.text import fold

    every_character = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    assert fold(every_character) == _fold_char_by_char(every_character)
    for text in [
        "  Știință\tşi ŞTIINŢĂ \u00a0 aplicată\u2003 ",
        "İstanbul ΐ ﬁ① e\u0301\u0327",
        "\u0301\u0301",
        "\x1c\x85\u1680x",
    ]:
        assert fold(text) == _fold_char_by_char(text)
    assert fold("Ştiinţă  Aplicată") == fold("stiinta aplicata") == "stiinta aplicata"
