"""The manager's side: the approval queue, bulk close, history and each opportunity's matches."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import Message, Opportunity, explain_match


class AwaitingApprovalFilter(admin.SimpleListFilter):
    """The approval queue: one click from the list's side bar."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", _("Awaiting approval")),
            ("open", _("Open now")),
            ("expired", _("Expired, not closed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.filter(status=Opportunity.Status.AWAITING)
        if self.value() == "open":
            return queryset.open()
        if self.value() == "expired":
            return queryset.expired()
        return queryset


def _move_all(modeladmin, request, queryset, status):
    moved, refused = 0, 0
    for opportunity in queryset:
        try:
            opportunity.move_to(status)
        except ValidationError:
            refused += 1
            continue
        opportunity.save()
        moved += 1
    if moved:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d opportunity is now “%(status)s”.",
                "%(count)d opportunities are now “%(status)s”.",
                moved,
            )
            % {"count": moved, "status": Opportunity.Status(status).label},
            messages.SUCCESS,
        )
    if refused:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d opportunity was left as it was: it cannot become “%(status)s”.",
                "%(count)d opportunities were left as they were: they cannot become “%(status)s”.",
                refused,
            )
            % {"count": refused, "status": Opportunity.Status(status).label},
            messages.WARNING,
        )


@admin.action(description=_("Approve and publish the selected opportunities"))
def publish(modeladmin, request, queryset):
    _move_all(modeladmin, request, queryset, Opportunity.Status.PUBLISHED)


@admin.action(description=_("Close the selected opportunities as filled"))
def close_filled(modeladmin, request, queryset):
    _move_all(modeladmin, request, queryset, Opportunity.Status.FILLED)


@admin.action(description=_("Close the selected opportunities as withdrawn"))
def close_withdrawn(modeladmin, request, queryset):
    _move_all(modeladmin, request, queryset, Opportunity.Status.WITHDRAWN)


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [  # noqa: RUF012 (Django's Meta)
            *("kind", "status", "poster", "title_ro", "title_en", "description_ro", "description_en"),
            *("competences", "certifications", "place", "deadline", "call_identifier", "programme", "role"),
            *("quantity", "trl", "ip_status"),
        ]

    def clean_status(self):
        """A status picked in the form must follow the workflow, like the actions."""
        new = self.cleaned_data["status"]
        old = self.initial.get("status")
        if (
            self.instance.pk
            and old
            and new != old
            and new not in Opportunity.TRANSITIONS[Opportunity.Status(old)]
        ):
            raise ValidationError(
                _("An opportunity cannot go from “%(old)s” to “%(new)s”.")
                % {"old": Opportunity.Status(old).label, "new": Opportunity.Status(new).label}
            )
        return new


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    form = OpportunityForm
    list_display = ["__str__", "kind", "poster", "status", "deadline", "expires_on"]
    list_filter = [AwaitingApprovalFilter, "status", "kind"]
    search_fields = ["title_ro", "title_en", "call_identifier", "programme", "poster__name"]
    list_select_related = ["poster"]
    autocomplete_fields = ["poster"]
    filter_horizontal = ["competences", "certifications"]
    readonly_fields = ["published_at", "expires_on", "closed_at", "match_list", "messages_received"]
    actions = [publish, close_filled, close_withdrawn]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "status",
                    "poster",
                    "title_ro",
                    "title_en",
                    "description_ro",
                    "description_en",
                ]
            },
        ),
        (_("What it asks for"), {"fields": ["competences", "certifications", "place", "deadline"]}),
        (_("Partner search"), {"fields": ["call_identifier", "programme", "role"]}),
        (_("Subcontracting and technology"), {"fields": ["quantity", "trl", "ip_status"]}),
        (_("Dates"), {"fields": ["published_at", "expires_on", "closed_at"]}),
        (_("Members that match"), {"fields": ["match_list"]}),
        (_("Messages"), {"fields": ["messages_received"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Stamp the publication / closure dates the form's status implies (validated above).
        status, obj.status = obj.status, form.initial.get("status", Opportunity.Status.DRAFT)
        obj.status = obj.status if obj.pk else Opportunity.Status.DRAFT
        if status != obj.status:
            try:
                obj.move_to(status)
            except ValidationError:  # a new one saved straight as published: allowed for staff
                obj.status = status
        if obj.status == Opportunity.Status.PUBLISHED and not obj.published_at:
            obj.move_to(Opportunity.Status.PUBLISHED)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search_text()

    @admin.display(description=_("messages received"))
    def messages_received(self, obj):
        """How many visitors wrote about it, linked to those messages in their own list."""
        if not obj.pk:
            return "-"
        count = obj.messages.count()
        url = reverse("admin:opportunities_message_changelist") + f"?opportunity__id__exact={obj.pk}"
        label = ngettext("%(count)d message", "%(count)d messages", count) % {"count": count}
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("match list"))
    def match_list(self, obj):
        if not obj.pk:
            return "-"
        rows = [(member, *explain_match(obj, member)) for member in obj.matching_members()[:50]]
        return render_to_string("admin/opportunities/_match_list.html", {"rows": rows})


def _mark(modeladmin, request, queryset, status):
    changed = queryset.exclude(status=status).update(status=status)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d message is now “%(status)s”.",
            "%(count)d messages are now “%(status)s”.",
            changed,
        )
        % {"count": changed, "status": Message.Status(status).label},
        messages.SUCCESS,
    )


@admin.action(description=_("Mark the selected messages as forwarded"))
def mark_forwarded(modeladmin, request, queryset):
    _mark(modeladmin, request, queryset, Message.Status.FORWARDED)


@admin.action(description=_("Mark the selected messages as closed"))
def mark_closed(modeladmin, request, queryset):
    _mark(modeladmin, request, queryset, Message.Status.CLOSED)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """What visitors wrote to the office: read here, answered by e-mail, then marked."""

    list_display = ["created_at", "name", "organisation", "email", "about", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "organisation", "email", "text"]
    list_select_related = ["opportunity", "member"]
    actions = [mark_forwarded, mark_closed]
    date_hierarchy = "created_at"
    # What the visitor sent is kept as sent; the manager changes only the status.
    readonly_fields = [
        *("created_at", "opportunity", "member", "name", "organisation", "email"),
        *("text", "consent", "language"),
    ]
    fields = [*readonly_fields, "status"]

    @admin.display(description=_("about"))
    def about(self, obj):
        return obj.subject

    def has_add_permission(self, request):
        return False  # messages come from the public forms only
