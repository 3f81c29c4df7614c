"""The member directory's domain: members, their competences, localities and contact persons.

Nothing here knows about requests, pages or the admin. What "published", "publicly shown
contact" and "search" mean is decided here, in the querysets.
"""

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import comma_below, fold, name_key, search_words, words

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


def cui_check_digit(body):
    """The check digit that completes the digits `body` (1 to 9 of them) into a valid CUI."""
    total = sum(int(d) * int(w) for d, w in zip(body.rjust(9, "0"), _CUI_WEIGHTS, strict=True))
    return total * 10 % 11 % 10


def fiscal_code_variants(term):
    """The stored fiscal codes a search term may mean, with or without "RO", spaces and the check
    digit: 'RO 171 017 03' → ['17101703', '171017031']. [] for a term that is no fiscal code."""
    digits = normalize_fiscal_code(term)
    if not re.fullmatch(r"[0-9]{1,10}", digits):
        return []
    variants = [digits]
    if len(digits) <= 9:  # perhaps typed without its check digit
        variants.append(digits + str(cui_check_digit(digits)))
    return variants


def validate_fiscal_code(value):
    """A Romanian CUI/CIF: 2 to 10 digits, the last one a check digit (weights 753217532)."""
    digits = normalize_fiscal_code(value)
    # ASCII digits only: str.isdigit() would also accept "１８５" (full-width) and "²".
    if not re.fullmatch(r"[0-9]{2,10}", digits):
        raise ValidationError(
            _("A fiscal code has 2 to 10 digits, optionally after “RO”."), code="fiscal_code_format"
        )
    if int(digits[-1]) != cui_check_digit(digits[:-1]):
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


# Addresses under /members/ that are pages of their own (members.urls), not profiles.
RESERVED_SLUGS = {"feed"}


def unique_slug(model, text, max_length=200):
    """A slug from `text` that no row of `model` uses yet (adds -2, -3 … when needed)."""
    base = slugify(fold(text))[: max_length - 10] or "member"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
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


class CommaBelowText:
    """Every text field is saved with comma-below ș ț Ș Ț, never the cedilla ş ţ Ş Ţ.

    One place for every way in: the admin, the importer, commands and any form end in `save()`.
    (Bulk writes that skip `save()`, such as members.synthetic's COPY, write generated text.)
    """

    def save(self, *args, **kwargs):
        normalise_text_fields(self)
        super().save(*args, **kwargs)


def normalise_text_fields(instance):
    """Apply members.text.comma_below to each CharField/TextField value of `instance`."""
    for model_field in instance._meta.concrete_fields:
        if isinstance(model_field, models.CharField | models.TextField):
            value = getattr(instance, model_field.attname)
            if isinstance(value, str):
                setattr(instance, model_field.attname, comma_below(value))


# --- Reference data ---------------------------------------------------------------------------


class CompetenceGroup(CommaBelowText, Bilingual, models.Model):
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


class Competence(CommaBelowText, Bilingual, models.Model):
    name_ro = models.CharField(_("name (Romanian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text=_("Used in directory links."))
    group = models.ForeignKey(
        CompetenceGroup, on_delete=models.PROTECT, related_name="competences", verbose_name=_("group")
    )
    keywords_ro = models.TextField(
        _("keywords (Romanian)"),
        blank=True,
        help_text=_("Comma-separated words a visitor may search for, e.g. frezare, strunjire."),
    )
    keywords_en = models.TextField(
        _("keywords (English)"), blank=True, help_text=_("Comma-separated, e.g. milling, turning.")
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

    def lookup_keys(self):
        """What a spreadsheet may call it."""
        return [self.slug, self.name_ro, self.name_en]

    def search_terms(self):
        """What a search finds the members holding this competence by."""
        return " ".join([self.name_ro, self.name_en, self.keywords_ro, self.keywords_en])


class Certification(CommaBelowText, Bilingual, models.Model):
    """A certified management system or accreditation a member may hold (ISO 9001, EN 9100…)."""

    name = models.CharField(_("name"), max_length=60, unique=True, help_text=_("As written: ISO/IEC 17025."))
    slug = models.SlugField(max_length=60, unique=True, help_text=_("Used in directory links."))
    title_ro = models.CharField(_("subject (Romanian)"), max_length=150, blank=True)
    title_en = models.CharField(_("subject (English)"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return self.name

    @property
    def title(self):
        return self.localized("title")

    def lookup_keys(self):
        """What a spreadsheet may call it."""
        return [self.slug, self.name]

    def search_terms(self):
        """What a search finds the members holding this certification by."""
        return " ".join([self.name, self.title_ro, self.title_en])


class Locality(CommaBelowText, models.Model):
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

    def search_terms(self):
        """What a search finds the members in this locality by."""
        return f"{self.name} {self.county}"


# --- Members ----------------------------------------------------------------------------------


# Similar members are ranked by at most this many of a member's competences (the combinations of
# them that the ranking query spells out grow fast beyond it).
MAX_SIMILAR_BY = 6


def reference_fields():
    """The many-to-many fields of Member (competences…): the reference rows a member holds."""
    return [field.name for field in Member._meta.many_to_many]


def search_token(row):
    """The word a member's search text holds for a reference row it has: "#competence12".

    Typed words have no "#" (members.text.words), so only `expand_search` ever reaches it.
    """
    return f"#{row._meta.model_name}{row.pk}"


def search_terms(rows):
    """[(token, words)] of reference rows (localities, competences…): what `expand_search` reads."""
    return [(search_token(row), words(row.search_terms())) for row in rows]


def expand_search(query, terms=None):
    """[(word, [tokens])]: each word of `query`, with the tokens of the reference rows (localities,
    competences…) one of whose names or keywords has a word starting with it.

    A member matches a word when one of its own words starts with it or it holds one of those
    rows; it matches the query when it matches every word. `terms`: `search_terms()` of every
    reference row; read here when not given.
    """
    if terms is None:
        rows = [*Locality.objects.all()]
        rows += [row for field in Member._meta.many_to_many for row in field.related_model.objects.all()]
        terms = search_terms(rows)
    return [
        (word, [token for token, row_words in terms if any(w.startswith(word) for w in row_words)])
        for word in search_words(query)
    ]


class MemberQuerySet(models.QuerySet):
    def published(self):
        """Members that may be shown publicly. Unpublished members never leave the admin."""
        return self.filter(is_published=True)

    def for_directory(self):
        """Published rows for list pages: one JOIN for locality, one query per many-valued field."""
        return self.published().select_related("locality").prefetch_related(*reference_fields())

    def newest(self, count):
        """The `count` published members who joined last (then the last added), with their
        locality: one query. The first rows of the facts' newest index (published members only),
        then their member rows."""
        # The directory's "newest" sort (members.filters.SORTS), which an index serves.
        newest_first = [models.F("member_since").desc(nulls_last=True), "name_key"]
        ids = MemberFacts.objects.order_by(*newest_first).values("member_id")[:count]
        return list(self.filter(pk__in=ids).select_related("locality").order_by(*newest_first))

    def similar_to(self, member_id, competence_ids, count=4):
        """Published members sharing the most of these competences (a member's), then by name:
        one query.

        Level by level, from all its competences down to one, the first `count` members by name
        holding exactly that many of them (so no level reads more than it could show, and a
        competence held by half the directory costs no more than a rare one); then the best
        `count` of those. Each member has `shared` (how many) and `locality_name`.
        """
        from .counting import similar_members  # members.counting writes the counting tables' SQL

        ids = sorted(competence_ids)[:MAX_SIMILAR_BY]
        if not ids:
            return []
        sql, params = similar_members(member_id, ids, count)
        return list(self.raw(sql, params))  # noqa: S611 (text from code; ids are parameters)

    def search(self, query):
        """Members matching every word of `query` (see `expand_search`), on any database and
        unpublished ones too (the admin). The directory asks the same of the documents
        PostgreSQL indexes (members.counting.search_condition)."""
        condition = Q()
        for word, tokens in expand_search(query):
            matches = Q(search_text__contains=f" {word}")
            for token in tokens:
                matches |= Q(search_text__contains=f" {token} ")
            condition &= matches
        return self.filter(condition)

    def rebuild_search_text(self, batch_size=2000):
        """Recompute `search_text` for these members in batches (bulk, no history, no signals)."""
        members = self.select_related("locality").prefetch_related(*reference_fields()).order_by("pk")
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


class Member(CommaBelowText, Bilingual, models.Model):
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
    # {"source": logo name, "96x96": [file name, width, height], …}: made when the logo is saved
    # (members.logos.make_thumbnails), read by public pages without touching the image.
    logo_thumbnails = models.JSONField(default=dict, blank=True, editable=False)
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
    certifications = models.ManyToManyField(
        Certification, blank=True, related_name="members", verbose_name=_("certifications")
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
    # The words of the name, descriptions, locality and reference rows: what search looks in.
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[competences, certifications], excluded_fields=["search_text", "name_key"]
    )

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

    # What each clash is called; a form may say the same with a link to the other member.
    CLASH_MESSAGES = {
        "name": _("This name (ignoring case, spaces and diacritics) belongs to %(member)s."),
        "fiscal_code": _("This fiscal code belongs to %(member)s."),
    }

    def clashes(self, exclude=()):
        """{field: the other member} for a name or fiscal code another member already has (a
        query per field checked). The unique constraints would refuse them; this names who."""
        others = Member.objects.exclude(pk=self.pk) if self.pk else Member.objects.all()
        found = {}
        if "name" not in exclude and self.name:
            found["name"] = others.filter(name_key=name_key(self.name)).first()
        code = normalize_fiscal_code(self.fiscal_code)
        if "fiscal_code" not in exclude and code:
            found["fiscal_code"] = others.filter(fiscal_code=code).first()
        return {field: other for field, other in found.items() if other}

    def validate_constraints(self, exclude=None):
        """The unique constraints, with a message naming the other member instead of Django's
        'Constraint “members_member_fiscal_code_uniq” is violated.'"""
        exclude = set(exclude or ())
        errors = {
            field: ValidationError(
                self.CLASH_MESSAGES[field], code=f"{field}_taken", params={"member": other.name}
            )
            for field, other in self.clashes(exclude).items()
        }
        try:
            super().validate_constraints(exclude=exclude | set(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

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
        """The text search looks in. Reads the reference rows (a query per many-to-many field)."""
        related = []
        if with_relations and self.pk:
            for name in reference_fields():
                related += getattr(self, name).all()
        return self.search_text_with(related)

    def search_text_with(self, related):
        """The search text, given the member's many-to-many reference rows (competences…); no
        query. Bulk loaders (members.synthetic) call it on unsaved members.

        The words of the name and descriptions (members.text.words), then a token per reference
        row the member has ("#competence12", its locality too), each after a space and the last
        one followed by one: " cnc frezare … #locality4 #competence12 ". A search finds a
        reference row by its names and keywords (see `expand_search`), and then its token, so
        renaming a competence or editing its keywords changes no member.
        """
        parts = [
            self.name,
            self.short_description_ro,
            self.short_description_en,
            self.description_ro,
            self.description_en,
        ]
        tokens = [search_token(row) for row in [self.locality, *related] if row is not None]
        return " " + " ".join(words(" ".join(p for p in parts if p)) + tokens) + " "

    def refresh_search_text(self):
        """Recompute and store `search_text` without touching `updated_at` or history."""
        Member.objects.filter(pk=self.pk).update(search_text=self.build_search_text())


class MemberFacts(models.Model):
    """A published member as the directory filters, counts, searches and sorts it: a narrow row
    PostgreSQL keeps (a view on SQLite), made by members.counting. Read only.

    The directory lists these rows and reads only its page's members (`MemberFilter.members_of`).
    """

    member = models.OneToOneField(
        Member, primary_key=True, db_column="id", on_delete=models.DO_NOTHING, related_name="facts"
    )
    name_key = models.CharField(max_length=200)
    member_since = models.DateField(null=True)
    founded = models.PositiveSmallIntegerField(null=True)

    class Meta:
        managed = False
        db_table = "members_facts"

    def __str__(self):
        return f"facts of member {self.pk}"


class ContactPersonQuerySet(models.QuerySet):
    def public(self):
        """Contact persons who consented to be shown publicly, with the consent recorded."""
        return self.filter(public_consent=True, consent_given_at__isnull=False).exclude(consent_method="")


class ContactPerson(CommaBelowText, models.Model):
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


# --- Spreadsheet imports ----------------------------------------------------------------------


class ImportBatch(CommaBelowText, models.Model):
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


# --- Self-service: personal update links ---------------------------------------------------


class UpdateLinkQuerySet(models.QuerySet):
    def open(self, now=None):
        """Links that still work: not revoked, not used, not expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, used_at__isnull=True, expires_at__gt=now)


class UpdateLink(CommaBelowText, models.Model):
    """A personal link to one member's update form, e-mailed to one of its contact persons.

    Only a SHA-256 digest of the link's random token is stored: a copy of the database gives no
    working link. The URL carries the link's id and the token; the id finds the row, the digest
    is compared in constant time (members.selfservice.resolve).
    """

    class Purpose(models.TextChoices):
        UPDATE = "update", _("update requested by the manager")
        YEARLY = "yearly", _("yearly verification")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="update_links", verbose_name=_("member")
    )
    contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="update_links",
        verbose_name=_("contact person"),
    )
    # As sent: the contact person may later change or be removed.
    recipient_name = models.CharField(_("sent to"), max_length=150)
    recipient_email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.UPDATE)
    token_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = UpdateLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("update link")
        verbose_name_plural = _("update links")
        indexes = [
            # The yearly command: a member's latest link of a purpose.
            models.Index(fields=["member", "purpose", "created_at"], name="members_updatelink_member_idx"),
        ]

    def __str__(self):
        return f"{self.member} → {self.recipient_name}"

    class State(models.TextChoices):
        OPEN = "open", _("open")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        USED = "used", _("answered")

    def state(self, now=None):
        now = now or timezone.now()
        if self.revoked_at:
            return self.State.REVOKED
        if self.used_at:
            return self.State.USED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.OPEN


class PendingChange(CommaBelowText, models.Model):
    """What a member sent through its update link, waiting for the manager: nothing of it is
    public before it is approved (members.selfservice).

    `proposed` holds only the fields the member changed, as JSON values (a foreign key as its
    id, a many-to-many field as a sorted list of ids); `before` holds the same fields as they
    were when the member sent them, so the approval can tell the member's change from an admin
    edit made since. `contacts` lists the contact persons added or changed, consent included.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        PARTLY = "partly", _("partly approved")
        REJECTED = "rejected", _("rejected")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="pending_changes", verbose_name=_("member")
    )
    link = models.OneToOneField(
        UpdateLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change",
        verbose_name=_("update link"),
    )
    submitted_by = models.CharField(_("sent by"), max_length=150)
    submitted_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    proposed = models.JSONField(_("proposed values"), default=dict)
    before = models.JSONField(default=dict, editable=False)
    logo = models.ImageField(_("proposed logo"), upload_to="pending-logos/", blank=True)
    contacts = models.JSONField(_("contact persons"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        indexes = [models.Index(fields=["status", "submitted_at"], name="members_pending_status_idx")]

    def __str__(self):
        return f"{self.member} ({self.submitted_at:%Y-%m-%d})"
