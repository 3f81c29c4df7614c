"""The demo opportunities loaded by `manage.py load_demo_data`."""

import io
from collections import Counter

import pytest
from django.core.management import call_command

from members.demo_data import load_demo_data
from opportunities.demo_data import OPPORTUNITIES, load_demo_opportunities
from opportunities.models import Opportunity

pytestmark = pytest.mark.django_db
CEDILLAS = "\u015f\u015e\u0163\u0162"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_command_loads_25_opportunities_of_every_kind_and_can_run_again():
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert "25 opportunities (25 created, 0 updated)." in out.getvalue()
    assert Opportunity.objects.count() == 25 == len(OPPORTUNITIES)
    kinds = Counter(Opportunity.objects.values_list("kind", flat=True))
    assert set(kinds) == set(Opportunity.Kind.values) and min(kinds.values()) >= 3
    # Some open, some expired and waiting for the daily command, some closed, some in the queue.
    assert Opportunity.objects.open().count() >= 15
    assert Opportunity.objects.expired().count() >= 2
    statuses = set(Opportunity.objects.values_list("status", flat=True))
    assert statuses == set(Opportunity.Status.values)
    # Posters: members of several categories and the office; every open one matches someone.
    assert Opportunity.objects.filter(poster__isnull=True).exists()
    assert len(set(Opportunity.objects.exclude(poster=None).values_list("poster__category", flat=True))) >= 3
    for opportunity in Opportunity.objects.open():
        assert opportunity.matching_members().exists(), opportunity.slug

    rows = Opportunity.objects.order_by("slug").values_list("slug", "title_ro", "poster", "status")
    snapshot = list(rows)
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert "25 opportunities (0 created, 25 updated)." in out.getvalue()
    assert list(rows.all()) == snapshot


def test_demo_opportunities_are_bilingual_with_a_few_in_one_language_only():
    load_demo_data()
    load_demo_opportunities()
    both = Opportunity.objects.exclude(title_ro="").exclude(title_en="").count()
    assert both >= 20
    assert Opportunity.objects.filter(title_en="").exists()
    assert Opportunity.objects.filter(title_ro="").exists()
    for row in Opportunity.objects.values_list("title_ro", "description_ro"):
        assert not any(c in CEDILLAS for text in row for c in text)
