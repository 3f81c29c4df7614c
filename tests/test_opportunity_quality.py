"""The opportunity board's pages and its forms are valid HTML (W3C Nu validator), in both
languages, including a form with errors and the refusal of a visitor over the limit."""

import datetime

import pytest
from django.utils import timezone

from opportunities.models import Opportunity
from tests.quality import assert_valid_html, opportunity_page_paths


@pytest.fixture
def opportunity(db, competences, complete_member):
    opportunity = Opportunity(
        kind=Opportunity.Kind.PARTNER_SEARCH,
        title_en="Partner for a digital twin pilot line",
        description_en="A pilot line.\n\nIn Ilfov.",
        call_identifier="HORIZON-CL4-2027-TWIN-TRANSITION-01",
        programme="Horizon Europe",
        role=Opportunity.Role.PARTNER,
        trl=6,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        poster=complete_member,
    )
    opportunity.move_to(Opportunity.Status.AWAITING)
    opportunity.move_to(Opportunity.Status.PUBLISHED)
    opportunity.save()
    opportunity.competences.set(competences[:3])
    return opportunity


def test_the_boards_pages_and_forms_are_valid_html_in_both_languages(
    client, opportunity, complete_member, settings
):
    pages = {}
    for language in ("ro", "en"):
        for name, (path, status) in opportunity_page_paths(opportunity, complete_member).items():
            response = client.get(f"/{language}{path}")
            assert response.status_code == status, f"{name} ({language}) answered {response.status_code}"
            pages[f"{name} ({language})"] = response.content.decode()
        invalid = client.post(f"/{language}/opportunities/{opportunity.slug}/contact/", {"email": "x@"})
        assert invalid.status_code == 400
        pages[f"express interest with errors ({language})"] = invalid.content.decode()
    settings.CONTACT_RATE_LIMIT = 0
    refused = client.post(f"/en/opportunities/{opportunity.slug}/contact/", {})
    assert refused.status_code == 429
    pages["too many messages (en)"] = refused.content.decode()
    assert_valid_html(pages)
