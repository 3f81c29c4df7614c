"""Partnership and subcontracting opportunities, matched to the members who can answer them.

An opportunity is posted by a member or by the cluster office and moderated by the manager:
draft → awaiting approval → published → closed (filled or withdrawn). A published opportunity
expires on its deadline, or 90 days after publication when it has none, and from then on the
public lists leave it out by themselves (`OpportunityQuerySet.open()`); the daily command only
records the closure and warns posters, nothing public waits for it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from members.models import Bilingual, Certification, CommaBelowText, Competence, Member, unique_slug

# Addresses under /opportunities/ that are not opportunities (opportunities/urls.py).
RESERVED_SLUGS = {"feed"}

# A published opportunity without a deadline stays open this long.
OPEN_DAYS = 90


class OpportunityQuerySet(models.QuerySet):
    def open(self, today=None):
        """Published and not expired: what the public lists show. Expiry is read from the dates,
        so an opportunity leaves the lists on the day it expires whether or not a command ran."""
        today = today or timezone.localdate()
        return self.filter(status=Opportunity.Status.PUBLISHED, expires_on__gte=today)

    def expired(self, today=None):
        """Published ones whose expiry date has passed (the daily command closes them)."""
        today = today or timezone.localdate()
        return self.filter(status=Opportunity.Status.PUBLISHED, expires_on__lt=today)

    def for_list(self):
        """Open rows for list pages: the poster in one JOIN, one query per many-valued field."""
        return self.open().select_related("poster").prefetch_related("competences", "certifications")

    def search(self, query):
        """Opportunities with every word of `query` at the start of a word of their text (title,
        description, call, programme, place, poster, competence names and keywords), folded as
        members.text folds it: the same on SQLite and PostgreSQL."""
        from members.text import search_words

        condition = Q()
        for word in search_words(query):
            condition &= Q(search_text__contains=f" {word}")
        return self.filter(condition)

    def matching_member(self, member):
        """Open opportunities asking for at least one of `member`'s competences, or posted by it."""
        return (
            self.open()
            .filter(Q(competences__in=member.competences.all()) | Q(poster=member))
            .distinct()
            .order_by("expires_on", "pk")
        )


class Opportunity(CommaBelowText, Bilingual, models.Model):
    class Kind(models.TextChoices):
        PARTNER_SEARCH = "partner-search", _("partner search")
        SUBCONTRACTING = "subcontracting", _("subcontracting request")
        CAPACITY = "capacity", _("capacity offer")
        TECHNOLOGY = "technology", _("technology offer")
        ACCESS = "access", _("lab or equipment access")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AWAITING = "awaiting", _("awaiting approval")
        PUBLISHED = "published", _("published")
        FILLED = "filled", _("closed: filled")
        WITHDRAWN = "withdrawn", _("closed: withdrawn")

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        PARTNER = "partner", _("partner")
        SUBCONTRACTOR = "subcontractor", _("subcontractor")

    class IpStatus(models.TextChoices):
        PATENT_GRANTED = "patent-granted", _("patent granted")
        PATENT_PENDING = "patent-pending", _("patent pending")
        KNOW_HOW = "know-how", _("know-how / trade secret")
        OPEN = "open", _("open / not protected")

    # Which moves the manager (or a poster) may make; closing is final.
    TRANSITIONS = {
        Status.DRAFT: {Status.AWAITING, Status.WITHDRAWN},
        Status.AWAITING: {Status.PUBLISHED, Status.DRAFT, Status.WITHDRAWN},
        Status.PUBLISHED: {Status.FILLED, Status.WITHDRAWN},
        Status.FILLED: set(),
        Status.WITHDRAWN: set(),
    }
    CLOSED = (Status.FILLED, Status.WITHDRAWN)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_ro = models.CharField(_("title (Romanian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_ro = models.TextField(_("description (Romanian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    slug = models.SlugField(max_length=200, unique=True, blank=True, help_text=_("Used in links."))
    poster = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("posted by"),
        help_text=_("Empty when the cluster office posts it."),
    )
    competences = models.ManyToManyField(Competence, blank=True, verbose_name=_("competences required"))
    certifications = models.ManyToManyField(
        Certification, blank=True, verbose_name=_("certifications required")
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # Partner search
    call_identifier = models.CharField(
        _("call identifier"),
        max_length=80,
        blank=True,
        help_text=_("e.g. HORIZON-CL4-2027-TWIN-TRANSITION-01"),
    )
    programme = models.CharField(
        _("programme"), max_length=80, blank=True, help_text=_("e.g. Horizon Europe")
    )
    role = models.CharField(_("role sought"), max_length=20, choices=Role.choices, blank=True)
    # Subcontracting
    quantity = models.CharField(_("quantity"), max_length=120, blank=True)
    # Technology offer
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level (TRL)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    ip_status = models.CharField(_("IP status"), max_length=20, choices=IpStatus.choices, blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The deadline, or 90 days after publication when there is none."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    expiry_warning_sent_on = models.DateField(null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[competences, certifications], excluded_fields=["search_text"])
    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            # The public lists: open ones (status, expiry) sorted by expiry.
            models.Index(fields=["status", "expires_on"], name="opportunity_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9), name="opportunity_trl_1_9"
            ),
            models.CheckConstraint(condition=~Q(title_ro="", title_en=""), name="opportunity_has_a_title"),
        ]

    def __str__(self):
        return self.title or self.slug

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Opportunity, self.title_en or self.title_ro)
            if self.slug in RESERVED_SLUGS:  # its page would be hidden behind the feed's address
                self.slug = unique_slug(Opportunity, f"{self.slug} 2")
        self.expires_on = self.compute_expiry()
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("opportunities:detail", args=[self.slug])

    @property
    def public_poster(self):
        """The posting member while its profile is public; an unpublished one is never named."""
        return self.poster if self.poster_id and self.poster.is_published else None

    @property
    def title(self):
        return self.localized("title")

    @property
    def title_text(self):
        """The title as a LocalizedText, so a page can mark a fallback language."""
        return self.localized_text("title")

    @property
    def description_text(self):
        return self.localized_text("description")

    @property
    def is_closed(self):
        return self.status in self.CLOSED

    def is_open(self, today=None):
        today = today or timezone.localdate()
        return (
            self.status == self.Status.PUBLISHED and self.expires_on is not None and self.expires_on >= today
        )

    def compute_expiry(self):
        """The deadline, else 90 days after publication (None before publication)."""
        if self.deadline:
            return self.deadline
        if self.published_at:
            return timezone.localdate(self.published_at) + datetime.timedelta(days=OPEN_DAYS)
        return None

    def clean(self):
        super().clean()
        if not (self.title_ro or self.title_en):
            raise ValidationError(_("Give a title in Romanian or in English."))
        if (self.trl or self.ip_status) and self.kind not in (self.Kind.TECHNOLOGY, self.Kind.PARTNER_SEARCH):
            raise ValidationError(
                {"trl": _("TRL and IP status describe technology offers and project calls.")}
            )
        if self.role and self.kind != self.Kind.PARTNER_SEARCH:
            raise ValidationError({"role": _("A role is sought by partner searches only.")})

    def move_to(self, status, now=None):
        """Change status along the allowed transitions, stamping publication and closure dates.
        Raises ValidationError for a move the workflow does not allow."""
        status = self.Status(status)
        if status != self.status and status not in self.TRANSITIONS[self.Status(self.status)]:
            raise ValidationError(
                _("An opportunity cannot go from “%(old)s” to “%(new)s”.")
                % {"old": self.Status(self.status).label, "new": status.label}
            )
        now = now or timezone.now()
        self.status = status
        if status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = now
        if status in self.CLOSED and not self.closed_at:
            self.closed_at = now

    def build_search_text(self):
        from members.text import words

        parts = [
            self.title_ro,
            self.title_en,
            self.description_ro,
            self.description_en,
            self.call_identifier,
            self.programme,
            self.place,
            self.public_poster.name if self.public_poster else "",
        ]
        if self.pk:
            parts += [c.search_terms() for c in self.competences.all()]
            parts += [c.search_terms() for c in self.certifications.all()]
        return " " + " ".join(words(" ".join(p for p in parts if p))) + " "

    def refresh_search_text(self):
        """After the competences or certifications change (they are saved after the row)."""
        self.search_text = self.build_search_text()
        Opportunity.objects.filter(pk=self.pk).update(search_text=self.search_text)

    def matching_members(self):
        """Published members holding at least one required competence or certification, ranked
        by how many they hold, then by name: one query. Each has `matched_competences` and
        `matched_certifications` (counts); `explain_match` lists which."""
        competence_ids = [c.pk for c in self.competences.all()]
        certification_ids = [c.pk for c in self.certifications.all()]
        if not competence_ids and not certification_ids:
            return Member.objects.none()
        return (
            Member.objects.published()
            .filter(Q(competences__in=competence_ids) | Q(certifications__in=certification_ids))
            .annotate(
                matched_competences=Count(
                    "competences", filter=Q(competences__in=competence_ids), distinct=True
                ),
                matched_certifications=Count(
                    "certifications", filter=Q(certifications__in=certification_ids), distinct=True
                ),
            )
            .order_by("-matched_competences", "-matched_certifications", "name")
            .select_related("locality")
            .prefetch_related("competences", "certifications")
        )


def explain_match(opportunity, member):
    """What a matching member holds of what the opportunity asks: (held competences, required
    count, held certifications, required count), from prefetched relations (no query)."""
    required = list(opportunity.competences.all())
    held_ids = {c.pk for c in member.competences.all()}
    required_certs = list(opportunity.certifications.all())
    held_cert_ids = {c.pk for c in member.certifications.all()}
    return (
        [c for c in required if c.pk in held_ids],
        len(required),
        [c for c in required_certs if c.pk in held_cert_ids],
        len(required_certs),
    )


class Message(CommaBelowText, models.Model):
    """A visitor's message to the cluster office, about an opportunity or a member. The office
    passes it on (never the page: no member's address is shown or used for it), so the sender's
    consent to pass their details on is required and recorded with the message."""

    class Status(models.TextChoices):
        # "message" context: Romanian agrees the word with "mesaj" (închis), not "oportunitate".
        NEW = "new", pgettext_lazy("message", "new")
        FORWARDED = "forwarded", pgettext_lazy("message", "forwarded")
        CLOSED = "closed", pgettext_lazy("message", "closed")

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("opportunity"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("member"),
    )
    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    text = models.TextField(_("message"), max_length=5000)
    consent = models.BooleanField(
        _("consent to pass the details on"),
        default=False,
        help_text=_("The sender agreed that the office passes their name and address on."),
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    # A keyed hash of the client address, enough to tell a flood from one sender without
    # keeping anyone's address.
    address_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The admin's default view: new messages first, newest first.
            models.Index(fields=["status", "-created_at"], name="message_status_idx"),
        ]

    def __str__(self):
        return f"{self.name} → {self.subject}"

    @property
    def subject(self):
        """What the message is about: the opportunity, the member, or the office itself."""
        if self.opportunity_id:
            return str(self.opportunity)
        if self.member_id:
            return str(self.member)
        return str(_("the cluster office"))
