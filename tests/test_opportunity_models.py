"""Opportunity rules: status transitions, expiry, what the public lists show, matching ranks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from members.models import Certification
from opportunities.models import OPEN_DAYS, Opportunity, explain_match

S = Opportunity.Status


@pytest.fixture
def make_opportunity(db):
    def make(competences=(), certifications=(), status=S.DRAFT, **fields):
        fields.setdefault("title_en", "Partner sought for a robotics call")
        fields.setdefault("kind", Opportunity.Kind.PARTNER_SEARCH)
        opportunity = Opportunity(**fields)
        if status == S.PUBLISHED:
            opportunity.move_to(S.AWAITING)
            opportunity.move_to(S.PUBLISHED, now=fields.get("published_at"))
        else:
            opportunity.status = status
        opportunity.save()
        opportunity.competences.set(competences)
        opportunity.certifications.set(certifications)
        opportunity.refresh_search_text()
        return opportunity

    return make


def test_a_new_opportunity_is_a_draft_with_no_expiry(make_opportunity):
    opportunity = make_opportunity()
    assert opportunity.status == S.DRAFT
    assert opportunity.expires_on is None
    assert opportunity.slug == "partner-sought-for-a-robotics-call"


def test_the_workflow_goes_draft_awaiting_published_closed(make_opportunity):
    opportunity = make_opportunity()
    opportunity.move_to(S.AWAITING)
    opportunity.move_to(S.PUBLISHED)
    assert opportunity.published_at is not None
    opportunity.move_to(S.FILLED)
    assert opportunity.closed_at is not None
    assert opportunity.is_closed


@pytest.mark.parametrize(
    ("start", "target"),
    [(S.DRAFT, S.PUBLISHED), (S.DRAFT, S.FILLED), (S.FILLED, S.PUBLISHED), (S.WITHDRAWN, S.DRAFT)],
)
def test_moves_outside_the_workflow_are_refused(make_opportunity, start, target):
    opportunity = make_opportunity(status=start)
    with pytest.raises(ValidationError, match="cannot go from"):
        opportunity.move_to(target)
    assert opportunity.status == start


def test_a_published_opportunity_expires_on_its_deadline(make_opportunity):
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    opportunity = make_opportunity(status=S.PUBLISHED, deadline=deadline)
    assert opportunity.expires_on == deadline


def test_without_a_deadline_it_expires_ninety_days_after_publication(make_opportunity):
    published = timezone.now() - datetime.timedelta(days=5)
    opportunity = make_opportunity(status=S.PUBLISHED, published_at=published)
    assert opportunity.expires_on == timezone.localdate(published) + datetime.timedelta(days=OPEN_DAYS)


def test_public_lists_leave_out_expired_drafts_and_closed_ones_by_themselves(make_opportunity):
    today = timezone.localdate()
    open_one = make_opportunity(title_en="Open", status=S.PUBLISHED, deadline=today)
    make_opportunity(
        title_en="Expired yesterday", status=S.PUBLISHED, deadline=today - datetime.timedelta(days=1)
    )
    make_opportunity(
        title_en="Published 91 days ago",
        status=S.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=OPEN_DAYS + 1),
    )
    make_opportunity(title_en="Draft", deadline=today + datetime.timedelta(days=5))
    make_opportunity(title_en="Awaiting", status=S.AWAITING)
    assert list(Opportunity.objects.open()) == [open_one]
    assert not open_one.is_open(today + datetime.timedelta(days=1))  # no command needed
    assert {o.title_en for o in Opportunity.objects.expired()} == {
        "Expired yesterday",
        "Published 91 days ago",
    }


def test_an_opportunity_needs_a_title_in_one_language(db):
    with pytest.raises(IntegrityError):
        Opportunity.objects.create(kind=Opportunity.Kind.CAPACITY, slug="x")


def test_a_romanian_only_title_is_shown_in_english_with_the_fallback_marked(make_opportunity):
    opportunity = make_opportunity(title_en="", title_ro="Căutăm partener")
    text = opportunity.localized_text("title")
    assert (text.text, text.language, text.is_fallback) == ("Căutăm partener", "ro", True)


def test_trl_and_role_belong_to_the_kinds_that_have_them(make_opportunity):
    opportunity = make_opportunity(kind=Opportunity.Kind.CAPACITY)
    opportunity.trl = 5
    with pytest.raises(ValidationError):
        opportunity.full_clean()
    opportunity = make_opportunity(kind=Opportunity.Kind.TECHNOLOGY, trl=9)
    opportunity.trl = 10
    with pytest.raises(ValidationError):
        opportunity.full_clean()
    with pytest.raises(IntegrityError):  # and the database refuses it too
        opportunity.save()


def test_cedilla_letters_are_saved_with_a_comma_below(make_opportunity):
    assert make_opportunity(title_ro="Ştiinţă", title_en="").title_ro == "Știință"


def test_search_finds_word_starts_without_diacritics_in_the_text_and_competence_names(
    make_opportunity, competences
):
    make_opportunity(title_ro="Prelucrări mecanice de precizie", title_en="", competences=competences[:1])
    make_opportunity(title_en="Something else")
    assert [o.title_ro for o in Opportunity.objects.search("prelucrari mec")] == [
        "Prelucrări mecanice de precizie"
    ]
    assert Opportunity.objects.search("ecanice").count() == 0  # word starts only
    name = competences[0].name_ro.split()[0]
    assert Opportunity.objects.search(name).count() >= 1


def test_members_are_ranked_by_how_many_required_competences_and_certifications_they_hold(
    make_opportunity, make_member, competences, django_assert_num_queries
):
    a, b, c, d = competences[:4]
    iso = Certification.objects.first()
    opportunity = make_opportunity(competences=[a, b, c, d], certifications=[iso])
    three = make_member(name="Trei SRL", competences=[a, b, c])
    two_certified = make_member(name="Doi Certificat SRL", competences=[a, b])
    two_certified.certifications.add(iso)
    two = make_member(name="Doi SRL", competences=[c, d])
    make_member(name="Unpublished SRL", competences=[a, b, c, d], is_published=False)
    make_member(name="Nothing SRL", competences=competences[5:7])
    opportunity = Opportunity.objects.prefetch_related("competences", "certifications").get(pk=opportunity.pk)
    # members ranked with their counts, their competences, their certifications
    with django_assert_num_queries(3):
        members = list(opportunity.matching_members())
    assert [m.name for m in members] == ["Trei SRL", "Doi Certificat SRL", "Doi SRL"]
    assert [(m.matched_competences, m.matched_certifications) for m in members] == [(3, 0), (2, 1), (2, 0)]
    held, total, held_certs, cert_total = explain_match(opportunity, members[0])
    assert (held, total, held_certs, cert_total) == ([a, b, c], 4, [], 1)
    assert three in members and two in members


def test_a_member_sees_open_opportunities_for_its_competences_and_its_own(
    make_opportunity, make_member, competences
):
    member = make_member(competences=competences[:2])
    deadline = timezone.localdate() + datetime.timedelta(days=3)
    for_it = make_opportunity(
        title_en="For it", status=S.PUBLISHED, deadline=deadline, competences=competences[1:3]
    )
    own = make_opportunity(title_en="Its own", status=S.PUBLISHED, poster=member, deadline=deadline)
    make_opportunity(title_en="Other", status=S.PUBLISHED, deadline=deadline, competences=competences[5:6])
    make_opportunity(title_en="Closed", status=S.WITHDRAWN, competences=competences[:1])
    assert set(Opportunity.objects.matching_member(member)) == {for_it, own}
