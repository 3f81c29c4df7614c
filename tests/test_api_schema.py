"""A property-based run of the API against its own OpenAPI description (schemathesis).

Schemathesis reads /api/v1/openapi.json, generates requests for every operation (valid and
invalid parameters, odd strings, huge numbers) and checks each answer: never a 500, the status
codes and content types the schema declares, bodies that match the declared schemas. It calls
the Django WSGI application in process, on the test database with a few members and
opportunities, so lists, facets and cursors have something to page through.
"""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mechatrec.wsgi import application  # what gunicorn serves
from members.models import Competence, Member
from opportunities.models import Opportunity


@pytest.fixture
def members_and_opportunities(db, make_member, monkeypatch):
    from api import views

    monkeypatch.setattr(views.THROTTLE, "num_requests", 10**9)  # the run is one client, on purpose
    # As Django's test client does: the WSGI handler would otherwise close the connection after
    # each request, and with it the test's transaction (PostgreSQL then answers 503s).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    competences = list(Competence.objects.order_by("slug")[:4])
    for i in range(8):
        make_member(
            category=Member.Category.values[i % 4],
            competences=competences[i % 4 : i % 4 + 2],
            founded=2000 + i if i % 3 else None,
            offers_subcontracting=bool(i % 2),
        )
    for i in range(3):
        opportunity = Opportunity(
            kind=Opportunity.Kind.PARTNER_SEARCH,
            title_en=f"Call {i}",
            deadline=timezone.localdate() + datetime.timedelta(days=30 + i),
        )
        opportunity.move_to(Opportunity.Status.AWAITING)
        opportunity.move_to(Opportunity.Status.PUBLISHED)
        opportunity.save()
        opportunity.competences.set(competences[:1])
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Read once when the module is collected: describing the API needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=100,
    deadline=None,
    # One database and one set of members for all examples of an operation: they only read.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_to_its_schema(case, members_and_opportunities):
    # Every check but "a schema-valid request is accepted": a competence or locality slug and a
    # cursor are strings in the schema (which slugs exist is data, and a cursor is signed), and
    # one nobody made is a 400 on purpose (tests/test_api.py). Invalid requests must still be
    # rejected with a 4xx, and nothing may be a 500.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
