"""A member's public profile: what it shows, what it never shows, and its query budget."""

import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from members.models import Competence, ContactPerson, Locality


def profile_url(member):
    with translation.override("en"):
        return reverse("members:profile", kwargs={"slug": member.slug})


def png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#0b5cad").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


@pytest.fixture
def mems():
    return Competence.objects.get(slug="mems")


@pytest.fixture
def robotics():
    return Competence.objects.get(slug="industrial-robotics")


def consenting(member, **fields):
    return ContactPerson.objects.create(
        member=member,
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="signed form",
        **fields,
    )


def test_the_profile_shows_the_member_and_links_each_competence_to_the_directory(client, make_member, mems):
    member = make_member(
        name="Senzori Ilfov SRL",
        short_description_en="Smart sensors for factories",
        description_en="We design MEMS sensors.",
        locality=Locality.objects.get(slug="voluntari"),
        address="Strada Fabricii 3",
        founded=2004,
        offers_subcontracting=True,
        competences=[mems],
    )
    html = client.get(profile_url(member)).content.decode()
    assert "<h1>Senzori Ilfov SRL</h1>" in html
    assert "Smart sensors for factories" in html and "We design MEMS sensors." in html
    assert "Strada Fabricii 3" in html and "Voluntari" in html
    assert "Offers subcontracting" in html
    assert 'href="/en/members/?competence=mems"' in html


def test_an_unpublished_member_has_no_profile(client, make_member):
    member = make_member(is_published=False)
    assert client.get(profile_url(member)).status_code == 404


def test_an_unknown_slug_is_a_404(client, db):
    with translation.override("en"):
        assert client.get(reverse("members:profile", kwargs={"slug": "nobody"})).status_code == 404


def test_only_contact_persons_with_recorded_consent_are_shown(client, make_member):
    member = make_member()
    consenting(member, name="Ana Publică", role="Director")
    ContactPerson.objects.create(member=member, name="Ion Privat", email="ion.privat@example.ro")
    html = client.get(profile_url(member)).content.decode()
    assert "Ana Publică" in html
    assert "Ion Privat" not in html and "ion.privat" not in html


def test_email_addresses_are_never_in_the_html_as_raw_addresses(client, make_member):
    member = make_member(email="office@senzori.example.ro")
    consenting(member, name="Ana Publică", email="ana@senzori.example.ro")
    html = client.get(profile_url(member)).content.decode()
    assert "office@senzori.example.ro" not in html and "ana@senzori.example.ro" not in html
    assert "office [at] senzori.example.ro" in html
    assert 'data-email-user="ana" data-email-domain="senzori.example.ro"' in html


def test_the_profile_has_organisation_json_ld_that_cannot_close_its_script(client, make_member):
    member = make_member(
        name="Evil </script><script>alert(1)</script> SRL", website="https://evil.example.ro"
    )
    html = client.get(profile_url(member)).content.decode()
    assert "</script><script>alert(1)" not in html
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Organization"
    assert data["name"] == member.name
    assert data["sameAs"] == ["https://evil.example.ro"]


def test_the_profile_has_opengraph_and_description_meta(client, make_member):
    member = make_member(name="Meta SRL", short_description_en="Precision machining")
    html = client.get(profile_url(member)).content.decode()
    assert '<meta property="og:title" content="Meta SRL">' in html
    assert '<meta name="description" content="Precision machining">' in html


def test_similar_members_are_those_sharing_most_competences_and_published(
    client, make_member, mems, robotics
):
    cnc = Competence.objects.get(slug="cnc-machining")
    member = make_member(competences=[mems, robotics, cnc])
    make_member(name="Două comune SRL", competences=[mems, robotics])
    make_member(name="Una comună SRL", competences=[cnc])
    make_member(name="Ascuns SRL", competences=[mems, robotics, cnc], is_published=False)
    make_member(name="Nimic comun SRL")
    response = client.get(profile_url(member))
    assert [m.name for m in response.context["similar"]] == ["Două comune SRL", "Una comună SRL"]
    assert "Ascuns SRL" not in response.content.decode()


def test_similar_members_rank_by_shared_competences_then_by_name_and_say_how_many(
    client, make_member, mems, robotics
):
    cnc = Competence.objects.get(slug="cnc-machining")
    member = make_member(name="Eu SRL", competences=[mems, robotics, cnc])
    for letter in "EDCBA":
        make_member(name=f"{letter} Una SRL", competences=[robotics])
    make_member(name="Zeta Două SRL", competences=[mems, cnc])
    make_member(
        name="Omega Trei SRL", competences=[mems, robotics, cnc, Competence.objects.get(slug="tooling")]
    )
    similar = client.get(profile_url(member)).context["similar"]
    assert [(m.name, m.shared) for m in similar] == [
        ("Omega Trei SRL", 3),
        ("Zeta Două SRL", 2),
        ("A Una SRL", 1),
        ("B Una SRL", 1),
    ]


def test_a_logo_is_shown_as_a_thumbnail_that_keeps_its_proportions(client, make_member):
    member = make_member(logo=png(400, 200))
    html = client.get(profile_url(member)).content.decode()
    image = re.search(
        r'<img class="profile-logo" src="[^"]+" width="(\d+)" height="(\d+)" alt="([^"]+)"', html
    )
    assert image.groups() == ("160", "80", f"Logo of {member.name}")


def test_a_logo_whose_file_is_missing_does_not_break_the_pages(client, make_member):
    member = make_member(logo=png(100, 100))
    member.logo.storage.delete(member.logo.name)
    assert client.get(profile_url(member)).status_code == 200
    with translation.override("en"):
        assert client.get(reverse("members:directory")).status_code == 200


def test_a_profile_needs_at_most_five_queries_once_the_reference_data_is_cached(
    client, make_member, competences, django_assert_max_num_queries
):
    member = make_member(competences=competences[:5], locality=Locality.objects.first())
    consenting(member, name="Ana Publică")
    for i in range(50):
        make_member(competences=competences[i % 5 : i % 5 + 3], locality=Locality.objects.first())
    # member with locality, its competences and certifications, its public contacts, similar
    # members with locality; the first page after a change also loads the reference data (the
    # options every page labels with) into the cache.
    with django_assert_max_num_queries(8):  # 4 + the open opportunities it can answer (1) + 3
        response = client.get(profile_url(member))
    assert len(response.context["similar"]) == 4
    with django_assert_max_num_queries(5):
        assert client.get(profile_url(response.context["similar"][0])).status_code == 200


def test_a_profile_says_when_its_data_was_last_verified(client, make_member):
    import datetime

    member = make_member(verified_on=datetime.date(2026, 3, 12))
    assert "<dt>Data verified</dt><dd>March 2026</dd>" in client.get(profile_url(member)).content.decode()
    with translation.override("ro"):
        romanian = reverse("members:profile", kwargs={"slug": member.slug})
    assert "<dt>Date verificate</dt><dd>martie 2026</dd>" in client.get(romanian).content.decode()
