"""The board in Romanian: counts, dates and match explanations in formal Romanian, the contact
form included; and input a database would choke on is refused politely on both databases."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from opportunities.models import Message, Opportunity

CEDILLAS = "\u015f\u015e\u0163\u0162"


@pytest.fixture
def two_open(db, competences, make_member):
    made = []
    for title, days in (("Apel de robotică", 20), ("Capacitate CNC", 40)):
        opportunity = Opportunity(
            kind=Opportunity.Kind.PARTNER_SEARCH,
            title_ro=title,
            deadline=timezone.localdate() + datetime.timedelta(days=days),
        )
        opportunity.move_to(Opportunity.Status.AWAITING)
        opportunity.move_to(Opportunity.Status.PUBLISHED)
        opportunity.save()
        opportunity.competences.set(competences[:2])
        made.append(opportunity)
    make_member(name="Potrivit SRL", competences=competences[:2])
    return made


def test_the_list_and_detail_pages_read_in_romanian(client, two_open):
    listing = client.get("/ro/opportunities/").text
    assert "2 oportunități deschise" in listing
    assert "termen-limită" in listing
    detail = client.get(f"/ro/opportunities/{two_open[0].slug}/").text
    assert "2 din 2 competențe" in detail
    assert "Exprimați-vă interesul" in detail
    assert "Sunt de acord ca biroul clusterului să transmită" in detail
    assert not any(c in CEDILLAS for c in listing + detail)


def test_a_refused_message_is_explained_in_romanian(client, two_open):
    response = client.post(f"/ro/opportunities/{two_open[0].slug}/contact/", {"email": "x@example.ro"})
    assert response.status_code == 400
    assert "Fără acordul dumneavoastră, biroul nu vă poate transmite mesajul." in response.text
    assert "Nu s-a trimis nimic" in response.text


def test_nul_characters_are_refused_with_a_message_not_a_500(client, two_open):
    url = reverse("opportunities:contact", args=[two_open[0].slug])
    data = {"name": "Ana\x00", "email": "ana@example.ro", "text": "Bună\x00", "consent": "on"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.text
    assert not Message.objects.exists()
    for query in ({"q": "robo\x00tică"}, {"programme": "\x00"}):
        assert client.get(reverse("opportunities:feed"), query).status_code == 200
        assert client.get(reverse("opportunities:list"), query).status_code == 200


def test_the_privacy_page_explains_what_the_contact_forms_keep(client, db):
    assert "Messages to the cluster office" in client.get("/en/privacy/").text
    assert "păstrăm o amprentă criptografică" in client.get("/ro/privacy/").text


def test_romanian_dates_write_month_and_day_names_in_lower_case(client, two_open):
    deadline = two_open[0].deadline
    listing = client.get("/ro/opportunities/").text
    with translation.override("ro"):
        shown = formats.date_format(deadline)
        assert formats.date_format(datetime.date(2027, 1, 8)) == "8 ianuarie 2027"
        assert formats.date_format(datetime.date(2027, 1, 8), "l, j F Y") == "vineri, 8 ianuarie 2027"
    assert f"termen-limită {shown}" in listing
    assert shown.split()[1].islower()
