"""What the API answers: public fields only.

Nothing here is read from a model by itself: the views build every answer from the fields listed
below, so a field added to Member never leaks into the API by accident. E-mail addresses (the
organisation's and contact persons') are left out, as in the public CSV/JSON exports: the pages
keep them out of their source so harvesters cannot collect them, and a JSON list of every address
would undo that (members.columns.PUBLIC_COLUMNS). Contact persons appear only with consent
recorded (ContactPerson.objects.public()).
"""

import datetime
from typing import Literal

from django.utils import translation
from ninja import Field, Schema
from pydantic import create_model

from members.dimensions import DIMENSIONS, Choice, Flag
from members.filters import SORTS
from members.models import Member
from opportunities.filters import DIMENSIONS as OPPORTUNITY_DIMENSIONS
from opportunities.filters import OFFICE, DeadlineDimension, KindDimension, PosterDimension
from opportunities.models import Opportunity

MAX_LIMIT = 100


class Error(Schema):
    detail: str | list = Field(description="What was wrong with the request.")


class Text(Schema):
    """A text in both languages of the site (either may be empty)."""

    ro: str
    en: str


class LocalityRef(Schema):
    slug: str
    name: str
    county: str


class Contact(Schema):
    name: str
    role: str
    phone: str


class MemberOut(Schema):
    slug: str
    name: str
    url: str = Field(description="The public profile page (Romanian; /en/ for English).")
    category: str
    size: str = Field(description="micro, small, medium, large, or empty.")
    founded: int | None
    member_since: datetime.date | None
    website: str
    phone: str
    address: str
    postal_code: str
    locality: LocalityRef | None
    short_description: Text
    offers_subcontracting: bool
    seeks_partners: bool
    competences: list[str] = Field(description="Competence slugs (see /competences/).")
    certifications: list[str] = Field(description="Certification slugs.")


class MemberDetail(MemberOut):
    description: Text
    verified_on: datetime.date | None
    logo: str | None
    contacts: list[Contact] = Field(description="Contact persons who consented to be shown publicly.")


class FacetOptionOut(Schema):
    value: str
    label: Text
    count: int
    selected: bool


class MemberPage(Schema):
    count: int = Field(description="Members matching the filters, on all pages.")
    next: str | None = Field(description="The next page's address, or null on the last page.")
    results: list[MemberOut]
    facets: dict[str, list[FacetOptionOut]] | None = Field(
        None, description="With ?facets=1: per filter, each option's count with the other filters applied."
    )


class GroupOut(Schema):
    slug: str
    name: Text


class CompetenceOut(Schema):
    slug: str
    name: Text
    group: GroupOut
    members: int = Field(description="Published members holding it.")


class LocalityOut(LocalityRef):
    kind: str
    latitude: float | None
    longitude: float | None
    members: int = Field(description="Published members there.")


class PosterOut(Schema):
    office: bool = Field(description="Posted by the cluster office rather than a member.")
    name: str | None = Field(description="The member's name; null for the office or a member not published.")
    slug: str | None = Field(description="The member's slug, as name.")


class OpportunityOut(Schema):
    slug: str
    url: str
    kind: str
    title: Text
    description: Text
    poster: PosterOut
    competences: list[str]
    certifications: list[str]
    place: str
    deadline: datetime.date | None
    expires_on: datetime.date | None
    call_identifier: str
    programme: str
    role: str
    quantity: str
    trl: int | None
    ip_status: str
    published_at: datetime.datetime | None


class OpportunityPage(Schema):
    count: int
    next: str | None
    results: list[OpportunityOut]


# --- Query parameters, derived from the FilterSets' declarations --------------------------------

_PAGING = {
    "cursor": (
        str | None,
        Field(None, description="The previous page's next cursor (follow its next address)."),
    ),
    "limit": (int, Field(24, ge=1, le=MAX_LIMIT, description=f"Results per page, at most {MAX_LIMIT}.")),
}


def _choices(codes, description, repeatable=True):
    kind = Literal[tuple(codes)]
    kind = list[kind] if repeatable else kind
    return (kind | None, Field(None, description=description))


def _member_parameter(dimension):
    label = str(dimension.label)
    if isinstance(dimension, Choice):
        return _choices([code for code, _ in dimension.choices.choices], f"{label}: one or more codes.")
    if isinstance(dimension, Flag):
        return _choices(["1"], f"{label}: 1 lists only the members who do.", repeatable=False)
    return (list[str] | None, Field(None, description=f"{label}: one or more slugs (OR-ed)."))


# The directory's parameters (members.filters.PARAMETERS), but `cursor` for `page`. The labels
# in the descriptions are read in English: the API's description is in one language.
with translation.override("en"):
    MemberQuery = create_model(
        "MemberQuery",
        __base__=Schema,
        q=(str | None, Field(None, description="Search words (start of words; diacritics ignored).")),
        sort=_choices(list(SORTS), "Order of the results (default: name).", repeatable=False),
        **{d.param: _member_parameter(d) for d in DIMENSIONS},
        facets=(bool, Field(False, description="1 adds each filter's option counts to the answer.")),
        **_PAGING,
    )


def _opportunity_parameter(dimension):
    label = str(dimension.label)
    if isinstance(dimension, KindDimension):
        return _choices([code for code, _ in Opportunity.Kind.choices], f"{label}: codes.")
    if isinstance(dimension, DeadlineDimension):
        return _choices([value for value, _, _ in dimension.BUCKETS] + ["none"], f"{label}.")
    if isinstance(dimension, PosterDimension):
        return _choices([OFFICE] + [code for code, _ in Member.Category.choices], f"{label}.")
    return (list[str] | None, Field(None, description=f"{label}: one or more values."))


with translation.override("en"):
    OpportunityQuery = create_model(
        "OpportunityQuery",
        __base__=Schema,
        q=(str | None, Field(None, description="Search words.")),
        trl_min=(int | None, Field(None, ge=1, le=9, description="Technology readiness level from.")),
        trl_max=(int | None, Field(None, ge=1, le=9, description="Technology readiness level to.")),
        **{d.param: _opportunity_parameter(d) for d in OPPORTUNITY_DIMENSIONS},
        **_PAGING,
    )


def refusing_empty(query):
    """The parameters of `query` (a model above) that an empty value does not fit: every one but
    free text. The page cache drops empty values before the API sees them (members.cache), so
    `?sort=` would silently mean the default; the API refuses it instead, as its schema says."""
    free_text = (str | None, list[str] | None)
    return {name for name, field in query.model_fields.items() if field.annotation not in free_text}
