from django import template

from opportunities.models import Opportunity

register = template.Library()

PROFILE_LIMIT = 10


@register.inclusion_tag("opportunities/_member_opportunities.html")
def member_opportunities(member):
    """The open opportunities a member can answer (its competences) and its own: one query.
    A tag rather than a line in members' profile view, so the directory app need not know the
    board exists beyond this one include."""
    return {
        "opportunities": list(Opportunity.objects.matching_member(member)[:PROFILE_LIMIT]),
        "member": member,
    }
