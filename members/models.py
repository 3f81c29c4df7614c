"""The member directory's domain: members, their competences, localities and contact persons.

Nothing here knows about requests, pages or the admin. What "published", "publicly shown
contact" and "search" mean is decided here, in the querysets.
"""

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import fold, name_key, search_words

# --- Validation rules -------------------------------------------------------------------------

# Weights of the Romanian fiscal code (CUI/CIF) check digit, applied right-aligned.
_CUI_WEIGHTS = "753217532"


def normalize_fiscal_code(value):
    """'RO 123 456 78' → '12345678'. Leaves anything else as typed so validation can explain it."""
    if value is None:
        return ""
    cleaned = str(value).strip().upper().replace(" ", "").replace("\u00a0", "")
    if cleaned.startswith("RO"):
        cleaned = cleaned[2:]
    return cleaned


def validate_fiscal_code(value):
    """A Romanian CUI/CIF: 2 to 10 digits, the last one a check digit (weights 753217532)."""
    digits = normalize_fiscal_code(value)
    # ASCII digits only: str.isdigit() would also accept "１８５" (full-width) and "²".
    if not re.fullmatch(r"[0-9]{2,10}", digits):
        raise ValidationError(
            _("A fiscal code has 2 to 10 digits, optionally after “RO”."), code="fiscal_code_format"
        )
    body, check = digits[:-1].rjust(9, "0"), int(digits[-1])
    total = sum(int(d) * int(w) for d, w in zip(body, _CUI_WEIGHTS, strict=True))
    expected = total * 10 % 11 % 10
    if check != expected:
        raise ValidationError(
            _("This fiscal code's check digit is wrong; please check the number."),
            code="fiscal_code_check_digit",
        )


validate_web_url = URLValidator(schemes=["http", "https"])
validate_postal_code = RegexValidator(r"^\d{6}$", _("A Romanian postal code has 6 digits."))


def logo_upload_to(instance, filename):
    """Logos are stored under generated names: uploads never choose their own path."""
    extension = Path(filename).suffix.lower().lstrip(".") or "png"
    return f"logos/{uuid.uuid4().hex}.{extension}"


def unique_slug(model, text, max_length=200):
    """A slug from `text` that no row of `model` uses yet (adds -2, -3 … when needed)."""
    base = slugify(fold(text))[: max_length - 10] or "member"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@dataclass(frozen=True)
class LocalizedText:
    """A text in the page's language or, when that is missing, in the other one.

    `language` is the language the text is written in, so a page can mark a fallback with
    `lang="…"` and a note ("available in Romanian only").
    """

    text: str
    language: str
    is_fallback: bool

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


class Bilingual:
    """Picks the Romanian or English variant of a field for the active language."""

    def localized(self, field):
        return self.localized_text(field).text

    def localized_text(self, field):
        """The variant for the active language, else the other one, saying which it is."""
        page_language = "en" if (get_language() or "ro")[:2] == "en" else "ro"
        return localized_variant(getattr(self, f"{field}_ro"), getattr(self, f"{field}_en"), page_language)


def localized_variant(text_ro, text_en, page_language):
    """The text in `page_language` ('ro' or 'en'), else in the other one, as a LocalizedText."""
    preferred, other, other_language = (
        (text_en, text_ro, "ro") if page_language == "en" else (text_ro, text_en, "en")
    )
    if preferred or not other:
        return LocalizedText(preferred, page_language, is_fallback=False)
    return LocalizedText(other, other_language, is_fallback=True)


# --- Reference data ---------------------------------------------------------------------------


class CompetenceGroup(Bilingual, models.Model):
    name_ro = models.CharField(_("name (Romanian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("competence group")
        verbose_name_plural = _("competence groups")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localized("name")


class CompetenceQuerySet(models.QuerySet):
    def grouped(self):
        """Competences with their group in one JOIN, in the taxonomy's order."""
        return self.select_related("group").order_by("group__position", "group__name_en", "name_en")


class Competence(Bilingual, models.Model):
    name_ro = models.CharField(_("name (Romanian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text=_("Used in directory links."))
    group = models.ForeignKey(
        CompetenceGroup, on_delete=models.PROTECT, related_name="competences", verbose_name=_("group")
    )

    objects = CompetenceQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.localized("name")


class Locality(models.Model):
    class Kind(models.TextChoices):
        SECTOR = "sector", _("Bucharest sector")
        MUNICIPALITY = "municipality", _("municipality")
        TOWN = "town", _("town")
        COMMUNE = "commune", _("commune")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("With Romanian diacritics (ș, ț with comma below).")
    )
    slug = models.SlugField(max_length=120, unique=True)
    county = models.CharField(_("county"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["county", "name"]
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="members_locality_county_name_uniq"),
        ]

    def __str__(self):
        return self.name if self.county in self.name else f"{self.name} ({self.county})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Locality, self.name, 120)
        super().save(*args, **kwargs)


# --- Members ----------------------------------------------------------------------------------


def search_tsquery(query):
    """PostgreSQL: `query` as a tsquery text, each word a prefix ('automatizari:* & ilfov:*').

    Letters and digits only, so nothing the visitor types is tsquery syntax. "" when `query`
    has no letter or digit (such a search matches every member).
    """
    return " & ".join(f"{part}:*" for word in search_words(query) for part in re.findall(r"[^\W_]+", word))


def search_condition(query):
    """`MemberQuerySet.search()` as a condition: every folded word of `query` in `search_text`.

    On PostgreSQL each word must begin a word of the text (full-text prefix match, served by the
    index of migration 0006, as fast with 50,000 matches as with 5); elsewhere it may appear
    anywhere in the text (a substring match: development databases are small).
    """
    if connection.vendor == "postgresql":
        tsquery = search_tsquery(query)
        return Q(WordPrefixesMatch(models.F("search_text"), models.Value(tsquery))) if tsquery else Q()
    condition = Q()
    for word in search_words(query):
        condition &= Q(search_text__contains=word)
    return condition


# The search copy's rows (migration 0007) whose stored document holds every word prefix of a
# tsquery (its one parameter): the same match as `search_condition`, on the stored tsvector.
DOCUMENT_MATCH_SQL = "document @@ to_tsquery('simple'::regconfig, %s)"


def published_search_condition(query):
    """`search_condition` for rows that are all published members (the directory, its exports).

    On PostgreSQL the words are matched on the stored documents of the published members' narrow
    copies (`SearchFacts`, which the search's facets read too), as `pk IN (SELECT member_id …)`:
    matching `search_text` made PostgreSQL compute `to_tsvector()` of every row it could not
    answer from the index (all 144 when it chose to scan them, ~15 ms). The subquery is written
    out (RawSQL): compiling it as a queryset cost 3 % of a search page's instructions.
    Elsewhere: as `search_condition`. Not for the admin, which searches unpublished members too.
    """
    if connection.vendor != "postgresql":
        return search_condition(query)
    tsquery = search_tsquery(query)
    if not tsquery:
        return Q()
    subquery = f"SELECT member_id FROM {SearchFacts._meta.db_table} WHERE {DOCUMENT_MATCH_SQL}"  # noqa: S608
    return Q(pk__in=RawSQL(subquery, [tsquery]))  # noqa: S611 (fixed text; the words are a parameter)


def with_any_competence(competence_ids):
    """Members holding at least one of `competence_ids`: `pk IN (SELECT member_id …)`.

    A subquery rather than a JOIN, so a member with two of them is listed once. Written out
    (RawSQL) like the search's: as a queryset, its compiling was 3 % of a competence page's
    instructions. On any model whose pk is the member's id (Member, SearchFacts).
    """
    competence_ids = [int(pk) for pk in competence_ids]
    if not competence_ids:
        return Q(pk__in=[])
    table = Member.competences.through._meta.db_table
    placeholders = ", ".join(["%s"] * len(competence_ids))
    subquery = f"SELECT member_id FROM {table} WHERE competence_id IN ({placeholders})"  # noqa: S608
    return Q(pk__in=RawSQL(subquery, competence_ids))  # noqa: S611 (fixed text; the ids are parameters)


class WordPrefixesMatch(models.Func):
    """PostgreSQL: does `text` hold a word beginning with each prefix of `tsquery` ('a:* & b:*')?

    Written out rather than with django.contrib.postgres.search, whose SearchVector wraps the
    column in COALESCE and so would not use the expression index of migration 0006.
    """

    output_field = models.BooleanField()

    def as_sql(self, compiler, connection):
        text, text_params = compiler.compile(self.source_expressions[0])
        tsquery, tsquery_params = compiler.compile(self.source_expressions[1])
        sql = f"to_tsvector('simple'::regconfig, {text}) @@ to_tsquery('simple'::regconfig, {tsquery})"
        return sql, (*text_params, *tsquery_params)


class MemberQuerySet(models.QuerySet):
    def published(self):
        """Members that may be shown publicly. Unpublished members never leave the admin."""
        return self.filter(is_published=True)

    def for_directory(self):
        """Published rows for list pages: one JOIN for locality, one query for competences."""
        return (
            self.published()
            .select_related("locality")
            .prefetch_related(models.Prefetch("competences", queryset=Competence.objects.order_by("name_en")))
        )

    def card_rows(self):
        """Published members as plain rows (dicts) of what a directory card shows.

        Dicts, not models: building 24 model instances (and their localities) cost more CPU
        than the query. The locality's name comes by JOIN. The competences are read for the
        rows of the page afterwards (members.presentation.member_cards): as a subquery in this
        query, PostgreSQL would also run it for every row an OFFSET skips (5 times slower on
        page 2,000). The long texts (descriptions, search text) are never fetched for a list.
        """
        return self.published().values(
            "pk",
            "slug",
            "name",
            "category",
            "logo",  # the file's name
            "short_description_ro",
            "short_description_en",
            "offers_subcontracting",
            "seeks_partners",
            locality_name=models.F("locality__name"),
        )

    def card_pages(self):
        """These members (filtered and ordered) as `card_rows()`, sliced for a Paginator: see CardPages."""
        return CardPages(self)

    def search(self, query):
        """Members whose folded search text has every word of `query` (see `search_condition`).

        Accent-, case- and ş/ș-insensitive on every database: both sides are folded with
        `members.text.fold`.
        """
        return self.filter(search_condition(query))

    def rebuild_search_text(self, batch_size=2000):
        """Recompute `search_text` for these members in batches (bulk, no history, no signals)."""
        members = self.select_related("locality").prefetch_related("competences").order_by("pk")
        changed = []
        for member in members.iterator(chunk_size=batch_size):
            text = member.build_search_text()
            if text != member.search_text:
                member.search_text = text
                changed.append(member)
            if len(changed) >= batch_size:
                Member.objects.bulk_update(changed, ["search_text"])
                changed = []
        if changed:
            Member.objects.bulk_update(changed, ["search_text"])


class CardPages:
    """A page of `card_rows()` from an ordered member queryset, its ids chosen first.

    A plain slice is `OFFSET 47976 LIMIT 24` on the card query: PostgreSQL reads (and drops) the
    wide member row, and its locality, of every member before the page. Here the slice picks only
    the page's ids, by the same filters and order, from the narrow indexes of migration 0010
    (an index-only scan), and reads the card rows of those 24 members alone, in the same order:
    `WHERE id IN (SELECT id … ORDER BY … OFFSET … LIMIT 24) ORDER BY …`, still one query. Every
    order ends with the unique `name_key`, so both queries order the rows the same way. The first
    page skips nothing and is read directly (the plain slice is a little quicker there).
    """

    ordered = True  # as the queryset (Paginator warns about unordered lists)

    def __init__(self, members):
        self.members = members

    def count(self):
        return self.members.count()

    def __iter__(self):
        """Every card row, in order: the whole listing, unpaged."""
        return iter(self.members.card_rows())

    def __getitem__(self, page):
        if not page.start:  # the first page skips nothing: read its rows straight away
            return self.members.card_rows()[page]
        ordering = self.members.query.order_by or Member._meta.ordering
        ids = self.members.values("pk")[page]
        return Member.objects.card_rows().filter(pk__in=ids).order_by(*ordering)


def competence_ids_by_member(member_ids):
    """{member id: [competence id, …]} for `member_ids`: one query on the link table.

    Written as SQL: for the 24 members of a directory page the ORM's building of this one-table
    query cost several times its running: 5 % of the page's instructions (callgrind, 25.1 → 23.8
    million a request).
    """
    member_ids = list(member_ids)
    listed = {}
    if not member_ids:
        return listed
    table = connection.ops.quote_name(Member.competences.through._meta.db_table)
    placeholders = ", ".join(["%s"] * len(member_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT member_id, competence_id FROM {table} WHERE member_id IN ({placeholders})",  # noqa: S608 (fixed names)
            member_ids,
        )
        for member_id, competence_id in cursor.fetchall():
            listed.setdefault(member_id, []).append(competence_id)
    return listed


class Member(Bilingual, models.Model):
    class Category(models.TextChoices):
        RD = "rd", _("R&D entity")
        PUBLIC_AUTHORITY = "public-authority", _("public authority")
        CATALYZER = "catalyzer", _("catalyzer")
        ENTERPRISE = "enterprise", _("enterprise")

    class Size(models.TextChoices):
        # EU SME classes (Commission Recommendation 2003/361/EC), by head count.
        MICRO = "micro", _("micro (under 10 employees)")
        SMALL = "small", _("small (10–49 employees)")
        MEDIUM = "medium", _("medium (50–249 employees)")
        LARGE = "large", _("large (250 employees or more)")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The address of the public profile. Made from the name once; it does not change with it."
        ),
    )
    name_key = models.CharField(max_length=200, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    fiscal_code = models.CharField(
        _("fiscal code (CUI)"),
        max_length=12,
        blank=True,
        validators=[validate_fiscal_code],
        help_text=_("Romanian CUI/CIF; “RO” and spaces are accepted and removed."),
    )
    short_description_ro = models.CharField(_("short description (Romanian)"), max_length=300, blank=True)
    short_description_en = models.CharField(_("short description (English)"), max_length=300, blank=True)
    description_ro = models.TextField(_("description (Romanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True, validators=[validate_web_url])
    email = models.EmailField(
        _("public e-mail"),
        blank=True,
        help_text=_("The organisation's public address, shown on the profile."),
    )
    phone = models.CharField(_("public phone"), max_length=30, blank=True)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[validate_postal_code]
    )
    locality = models.ForeignKey(
        Locality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("locality"),
    )
    founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="members", verbose_name=_("competences")
    )
    offers_subcontracting = models.BooleanField(_("offers subcontracting"), default=False)
    seeks_partners = models.BooleanField(_("seeks project partners"), default=False)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published members appear on the public site.")
    )
    verified_on = models.DateField(
        _("data verified on"), null=True, blank=True, help_text=_("When the member last confirmed its data.")
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Generated for benchmarks, not a real member."),
    )
    # Folded name, descriptions, competences and locality: what search looks in (see text.fold).
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[competences], excluded_fields=["search_text", "name_key"])

    class Meta:
        ordering = ["name_key"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="members_member_name_ci_uniq"),
            # Case-, space- and accent-insensitive: "Ştiinţa SRL" and "stiinta  srl" are one member.
            models.UniqueConstraint(fields=["name_key"], name="members_member_name_key_uniq"),
            models.UniqueConstraint(
                fields=["fiscal_code"], condition=~Q(fiscal_code=""), name="members_member_fiscal_code_uniq"
            ),
            models.CheckConstraint(
                condition=Q(category__in=["rd", "public-authority", "catalyzer", "enterprise"]),
                name="members_member_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(size__in=["", "micro", "small", "medium", "large"]),
                name="members_member_size_valid",
            ),
        ]
        indexes = [
            # The directory's default listing: published members in name order. The id is kept
            # in the index so a page's ids (CardPages: `SELECT id … ORDER BY name_key OFFSET n
            # LIMIT 24`) come from the index alone, never reading the wide rows it skips.
            models.Index(
                fields=["name_key"],
                include=["id"],
                condition=Q(is_published=True),
                name="members_pub_name_idx",
            ),
            # The same listing filtered by a category: without it, reaching 24 R&D entities in
            # name order means stepping over tens of thousands of enterprises.
            models.Index(
                fields=["category", "name_key"],
                include=["id"],
                condition=Q(is_published=True),
                name="members_pub_cat_name_idx",
            ),
            # The other orders of filters.SORTS have such indexes too, on PostgreSQL only:
            # migration 0010.
            # The facets' one-pass count (members.facets.member_cube: GROUP BY category, size,
            # locality with a FILTER per dimension) and the published ids the competence facet
            # joins: answered from this index alone, never reading the wide rows.
            models.Index(
                fields=["category", "size", "locality", "offers_subcontracting", "seeks_partners", "id"],
                condition=Q(is_published=True),
                name="members_facets_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fiscal_code = normalize_fiscal_code(self.fiscal_code)
        self.name = " ".join(self.name.split())
        self.name_key = name_key(self.name)
        if not self.slug:
            self.slug = unique_slug(Member, self.name)
        if self.pk:
            self.search_text = self.build_search_text()
        else:
            self.search_text = self.build_search_text(with_relations=False)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:profile", kwargs={"slug": self.slug})

    def clean(self):
        self.fiscal_code = normalize_fiscal_code(self.fiscal_code)
        if self.name:
            clash = Member.objects.filter(name_key=name_key(self.name)).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"name": _("Another member already has this name.")})

    @property
    def short_description(self):
        return self.localized("short_description")

    @property
    def description(self):
        return self.localized("description")

    @property
    def localized_short_description(self):
        """The short description as a `LocalizedText` (says whether it is a fallback)."""
        return self.localized_text("short_description")

    @property
    def localized_description(self):
        """The description as a `LocalizedText` (says whether it is a fallback)."""
        return self.localized_text("description")

    def build_search_text(self, with_relations=True):
        """The folded text search looks in. Reads competences and locality (queries)."""
        competences = self.competences.all() if with_relations and self.pk else ()
        return self.search_text_with(competences)

    def search_text_with(self, competences):
        """The folded search text given these competences; no query when `locality` is loaded.

        Bulk loaders (members.synthetic) call it on unsaved members, so there is one definition of
        what search looks in.
        """
        parts = [
            self.name,
            self.short_description_ro,
            self.short_description_en,
            self.description_ro,
            self.description_en,
        ]
        if self.locality_id:
            locality = self.locality
            parts += [locality.name, locality.county]
        for competence in competences:
            parts += [competence.name_ro, competence.name_en]
        return fold(" ".join(p for p in parts if p))

    def refresh_search_text(self):
        """Recompute and store `search_text` without touching `updated_at` or history."""
        Member.objects.filter(pk=self.pk).update(search_text=self.build_search_text())


class ContactPersonQuerySet(models.QuerySet):
    def public(self):
        """Contact persons who consented to be shown publicly, with the consent recorded."""
        return self.filter(public_consent=True, consent_given_at__isnull=False).exclude(consent_method="")


class ContactPerson(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("member")
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    public_consent = models.BooleanField(
        _("consents to be shown publicly"),
        default=False,
        help_text=_("Private by default. Shown publicly only with consent recorded (when and how)."),
    )
    consent_given_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_method = models.CharField(
        _("how consent was given"),
        max_length=200,
        blank=True,
        help_text=_("For example: signed form of 12 March 2026, e-mail to the cluster office."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContactPersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            # Consent without a record of when and how is not consent.
            models.CheckConstraint(
                condition=Q(public_consent=False)
                | (Q(consent_given_at__isnull=False) & ~Q(consent_method="")),
                name="members_contact_consent_recorded",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.public_consent:
            errors = {}
            if not self.consent_given_at:
                errors["consent_given_at"] = _("Record when consent was given.")
            if not self.consent_method:
                errors["consent_method"] = _("Record how consent was given.")
            if errors:
                raise ValidationError(errors)

    @property
    def is_public(self):
        return bool(self.public_consent and self.consent_given_at and self.consent_method)

    def withdraw_consent(self):
        self.public_consent = False
        self.consent_given_at = None
        self.consent_method = ""
        self.save()


# --- Facet counts (PostgreSQL) ------------------------------------------------------------------


class FacetColumns(models.Model):
    """A member's filterable dimensions, as the tables PostgreSQL keeps for the facets repeat them.

    The column names are the member's, so a filter's condition on the member applies as is.
    """

    category = models.CharField(max_length=20)
    size = models.CharField(max_length=10)
    locality = models.ForeignKey(
        Locality, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    offers_subcontracting = models.BooleanField()
    seeks_partners = models.BooleanField()

    class Meta:
        abstract = True


class FacetCellFields(FacetColumns):
    """Published members per combination of the filterable dimensions, kept by PostgreSQL.

    Triggers on the members and their competences keep these tables exact in the same
    transaction as every change (migration 0006 says how and why); Django only reads them, in
    `members.facets`.
    """

    n = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.category}/{self.size}/{self.locality_id}: {self.n}"


class FacetCell(FacetCellFields):
    class Meta:
        managed = False
        db_table = "members_facetcell"


class CompetenceFacetCell(FacetCellFields):
    """As FacetCell, per competence: a member counts once in each of its competences' cells."""

    competence = models.ForeignKey(
        Competence, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        managed = False
        db_table = "members_competencefacetcell"


class CompetenceTotal(models.Model):
    """Published members per competence, kept by PostgreSQL (migration 0008 says how and why).

    The competence facet of a page with no filter but the competence one; Django only reads it.
    """

    competence = models.OneToOneField(
        Competence, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    n = models.IntegerField()

    class Meta:
        managed = False
        db_table = "members_competencetotal"

    def __str__(self):
        return f"{self.competence_id}: {self.n}"


class SearchFacts(FacetColumns):
    """A published member as the facets of a search count it: a narrow row, kept by PostgreSQL.

    The facet columns, the member's competence ids and its search document (the words of
    `search_text`). Triggers rewrite a member's row in the same transaction as any change to it
    or to its competences (migration 0007 says how and why); Django only reads it, in
    `members.facets.search_counts`. The primary key is the member's id, so a filter's condition
    on the member's `pk` applies as is too.
    """

    member = models.OneToOneField(
        Member, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    competence_ids = ArrayField(models.BigIntegerField())
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "members_searchfacts"

    def __str__(self):
        return f"facts of member {self.member_id}"


# --- Spreadsheet imports ----------------------------------------------------------------------


class ImportBatch(models.Model):
    """One confirmed spreadsheet import: who, when, which file, what it did.

    Every history row the import wrote carries `change_reason` ("import #12"), which is how the
    batch finds the versions to go back to when it is reverted (see `members.importing`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reverted by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def change_reason(self):
        return f"import #{self.pk}"

    @property
    def revert_reason(self):
        return f"revert of import #{self.pk}"
