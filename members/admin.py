"""The cluster manager's workplace."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from sorl.thumbnail import get_thumbnail

from .models import Competence, CompetenceGroup, ContactPerson, Locality, Member


class CountyFilter(admin.SimpleListFilter):
    title = _("county")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        counties = Locality.objects.order_by("county").values_list("county", flat=True).distinct()
        return [(county, county) for county in counties]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(locality__county=self.value())
        return queryset


class ContactPersonInline(admin.StackedInline):
    model = ContactPerson
    extra = 0
    fields = [("name", "role"), ("email", "phone"), ("public_consent", "consent_given_at", "consent_method")]


def https_by_default(field, **kwargs):
    # A website typed without a scheme ("robotica.ro") is taken as https, not http.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)
        formfield_callback = https_by_default
        # 30+ competences: plain checkboxes work without JavaScript and with a keyboard.
        widgets = {"competences": forms.CheckboxSelectMultiple}


def composition(queryset):
    """'100 enterprises · 13 R&D entities · …' for the members in `queryset` (one GROUP BY)."""
    counts = dict(queryset.order_by().values_list("category").annotate(n=Count("pk")))
    labels = {
        Member.Category.ENTERPRISE: lambda n: ngettext("%(n)d enterprise", "%(n)d enterprises", n),
        Member.Category.RD: lambda n: ngettext("%(n)d R&D entity", "%(n)d R&D entities", n),
        Member.Category.CATALYZER: lambda n: ngettext("%(n)d catalyzer", "%(n)d catalyzers", n),
        Member.Category.PUBLIC_AUTHORITY: lambda n: ngettext(
            "%(n)d public authority", "%(n)d public authorities", n
        ),
    }
    return [(code, label(counts.get(code, 0)) % {"n": counts.get(code, 0)}) for code, label in labels.items()]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    form = MemberAdminForm
    list_display = ["logo_thumbnail", "name", "category", "locality", "is_published", "updated_at"]
    list_display_links = ["name"]
    list_filter = [
        "category",
        "competences",
        CountyFilter,
        "size",
        "is_published",
        "offers_subcontracting",
        "seeks_partners",
    ]
    list_select_related = ["locality"]
    search_fields = ["name", "fiscal_code"]
    search_help_text = _("Name, fiscal code or any word of the descriptions, competences or locality.")
    readonly_fields = ["logo_preview", "created_at", "updated_at"]
    inlines = [ContactPersonInline]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "fiscal_code", "is_published"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "short_description_ro",
                    "short_description_en",
                    "description_ro",
                    "description_en",
                    ("logo", "logo_preview"),
                    "competences",
                    ("offers_subcontracting", "seeks_partners"),
                ]
            },
        ),
        (
            _("Organisation contact and address"),
            {"fields": ["website", "email", "phone", "address", "postal_code", "locality"]},
        ),
        (
            _("Facts"),
            {"fields": ["founded", "size", "member_since", "verified_on", "created_at", "updated_at"]},
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        """Name and fiscal code as usual, plus the accent-insensitive public search."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            results = results | queryset.search(search_term)
        return results, may_have_duplicates

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "composition": composition(Member.objects.all())}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, member):
        return self._thumbnail(member, "48x48")

    @admin.display(description=_("current logo"))
    def logo_preview(self, member):
        return self._thumbnail(member, "160x160") or "—"

    def _thumbnail(self, member, geometry):
        if not member.logo:
            return ""
        try:
            thumb = get_thumbnail(member.logo, geometry, format="PNG")
        except OSError:  # a missing or unreadable file must not break the admin page
            return ""
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="">', thumb.url, thumb.width, thumb.height
        )

    @admin.action(description=_("Publish the selected members"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Unpublish the selected members"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, value):
        # One save per member so each change lands in the history with who made it.
        changed = 0
        for member in queryset.exclude(is_published=value):
            member.is_published = value
            member._change_reason = "Published" if value else "Unpublished"
            member.save()
            changed += 1
        message = (
            ngettext("%(n)d member published.", "%(n)d members published.", changed)
            if value
            else ngettext("%(n)d member unpublished.", "%(n)d members unpublished.", changed)
        )
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["name_ro", "name_en", "group", "slug", "member_count"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["name_ro", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, competence):
        return competence.member_count


@admin.register(CompetenceGroup)
class CompetenceGroupAdmin(admin.ModelAdmin):
    list_display = ["name_ro", "name_en", "position"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "kind", "latitude", "longitude"]
    list_filter = ["county", "kind"]
    search_fields = ["name", "county"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContactPerson)
class ContactPersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "member", "role", "public_consent"]
    list_filter = ["public_consent"]
    list_select_related = ["member"]
    search_fields = ["name", "email", "member__name"]
    autocomplete_fields = ["member"]
