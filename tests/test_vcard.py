"""A vCard per member: the organisation's public data, read back by a real vCard parser
(vobject), never a contact person."""

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone, translation

from members.models import ContactPerson, Locality


def card_url(member, language="en"):
    with translation.override(language):
        return reverse("members:vcard", args=[member.slug])


@pytest.fixture
def member(make_member):
    member = make_member(
        name="Roboți; Scule, și Matrițe SRL",
        locality=Locality.objects.get(slug="voluntari"),
        address="Str. Fabricii 3",
        postal_code="077190",
        phone="+40 21 555 0101",
        email="office@roboti.example.ro",
        website="https://roboti.example.ro",
        short_description_en="Custom industrial robots, " + "precisely built " * 8,
        short_description_ro="Roboți industriali la comandă",
    )
    ContactPerson.objects.create(
        member=member,
        name="Ana Consimțită",
        email="ana@roboti.example.ro",
        phone="+40 721 000 000",
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="form",
    )
    return member


def test_the_card_carries_the_organisations_public_data(client, member):
    response = client.get(card_url(member))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{member.slug}.vcf"'
    card = vobject.readOne(response.content.decode())
    assert card.version.value == "3.0"
    assert card.fn.value == "Roboți; Scule, și Matrițe SRL"  # escaped, read back whole
    assert card.org.value == ["Roboți; Scule, și Matrițe SRL"]
    address = card.adr.value
    assert (address.street, address.city, address.region, address.code, address.country) == (
        "Str. Fabricii 3",
        "Voluntari",
        "Ilfov",
        "077190",
        "Romania",
    )
    assert card.tel.value == "+40 21 555 0101"
    assert card.email.value == "office@roboti.example.ro"
    assert card.url.value == "https://roboti.example.ro"
    profile = "http://testserver" + member.get_absolute_url()
    assert card.note.value.startswith("Custom industrial robots, precisely built")
    assert card.note.value.endswith("\nMECHATREC member profile: " + profile)
    assert card.uid.value == profile


def test_the_card_never_holds_a_contact_person_even_with_consent(client, member):
    text = client.get(card_url(member)).content.decode()
    for private in ("Ana Consimțită", "ana@roboti.example.ro", "+40 721 000 000"):
        assert private not in text


def test_lines_end_in_crlf_and_are_folded_at_75_octets(client, member):
    raw = client.get(card_url(member)).content
    assert raw.endswith(b"END:VCARD\r\n")
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long note was folded
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_the_romanian_card_is_in_romanian(client, member):
    card = vobject.readOne(client.get(card_url(member, "ro")).content.decode())
    assert card.adr.value.country == "România"
    assert card.note.value.startswith("Roboți industriali la comandă\nProfilul de membru MECHATREC: ")


def test_a_member_with_only_a_name_gets_a_valid_card_pointing_at_its_profile(client, make_member):
    bare = make_member(name="Doar Nume SRL")
    card = vobject.readOne(client.get(card_url(bare)).content.decode())
    assert card.fn.value == "Doar Nume SRL" and not hasattr(card, "adr") and not hasattr(card, "tel")
    assert card.url.value == "http://testserver" + bare.get_absolute_url()


def test_unpublished_and_unknown_members_have_no_card(client, make_member):
    hidden = make_member(is_published=False)
    assert client.get(card_url(hidden)).status_code == 404
    with translation.override("en"):
        assert client.get(reverse("members:vcard", args=["no-such-member"])).status_code == 404


def test_the_card_is_a_public_cached_answer_in_one_query(client, member, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the member with its locality
        response = client.get(card_url(member))
    assert "public" in response["Cache-Control"] and response.has_header("ETag")
    again = client.get(card_url(member))  # from the page cache: still a download with its name
    assert again["Content-Disposition"] == response["Content-Disposition"]


def test_the_profile_links_its_card(client, member):
    html = client.get(member.get_absolute_url()).content.decode()
    assert f'<a href="{card_url(member)}" rel="nofollow" download>Add to your contacts (vCard)</a>' in html
    # Crawlers (the polite ones) are asked not to collect the cards' plain e-mail addresses.
    assert "Disallow: /*/vcard.vcf" in client.get("/robots.txt").content.decode().splitlines()
