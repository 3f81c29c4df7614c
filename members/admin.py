"""The cluster manager's workplace."""

import base64
import datetime
import hashlib

import tablib
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm
from simple_history.admin import SimpleHistoryAdmin
from sorl.thumbnail import get_thumbnail

from . import changes, importing, logos, package_admin, selfservice  # noqa: F401 (package_admin registers)
from .columns import COLUMNS
from .composition import composition
from .dimensions import MANY
from .models import (
    Certification,
    Competence,
    CompetenceGroup,
    ContactPerson,
    ImportBatch,
    Locality,
    Member,
    PendingChange,
    UpdateLink,
    fiscal_code_variants,
    normalize_fiscal_code,
)
from .resources import MemberExportResource

admin.site.site_header = _("MECHATREC administration")
admin.site.site_title = _("MECHATREC administration")


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


class VerifiedFilter(admin.SimpleListFilter):
    title = _("data verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("stale", _("not in the last 12 months")), ("recent", _("in the last 12 months"))]

    def queryset(self, request, queryset):
        since = timezone.localdate() - datetime.timedelta(days=365)
        if self.value() == "stale":  # never verified counts as not verified
            return queryset.filter(Q(verified_on__isnull=True) | Q(verified_on__lt=since))
        if self.value() == "recent":
            return queryset.filter(verified_on__gte=since)
        return queryset


def missing_text(language):
    """Members whose short or long description is blank in `language` ("ro" or "en")."""
    return Q(**{f"short_description_{language}": ""}) | Q(**{f"description_{language}": ""})


class MissingTextFilter(admin.SimpleListFilter):
    title = _("missing text")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("en", _("missing English text")), ("ro", _("missing Romanian text"))]

    def queryset(self, request, queryset):
        if self.value() in ("en", "ro"):
            return queryset.filter(missing_text(self.value()))
        return queryset


class ContactPersonInline(admin.StackedInline):
    model = ContactPerson
    extra = 0
    fields = [("name", "role"), ("email", "phone"), ("public_consent", "consent_given_at", "consent_method")]


def send_update_links(modeladmin, request, members):
    """Ask which contact person of each member gets a link, then issue and e-mail them.

    A form first; the links on its "send" POST. A member without a contact person with an
    e-mail address is listed and skipped.
    """
    rows = []
    for member in members:
        contacts = [c for c in member.contacts.all() if c.email]
        rows.append({"member": member, "contacts": contacts, "field": f"contact_{member.pk}"})
    if request.POST.get("send") == "yes":
        sent = 0
        for row in rows:
            chosen = request.POST.get(row["field"], "")
            contact = next((c for c in row["contacts"] if str(c.pk) == chosen), None)
            if contact is None:
                continue
            link, key = selfservice.issue(row["member"], contact, request.user)
            selfservice.send_link(link, key)
            sent += 1
        message = ngettext("%(n)d update link sent.", "%(n)d update links sent.", sent) % {"n": sent}
        modeladmin.message_user(request, message, messages.SUCCESS if sent else messages.WARNING)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": gettext("Send update links"),
        "rows": rows,
        "days": selfservice.settings.UPDATE_LINK_DAYS,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/members/member/send_update_links.html", context)


PENDING_IMPORT = "members_pending_import"
# simple-history keeps a change reason in 100 characters; "revert to version #123456: " takes 27.
REVERT_REASON_LENGTH = 70


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("At most 5 MB. Nothing is changed until you confirm the preview."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


def https_by_default(field, **kwargs):
    # A website typed without a scheme ("robotica.ro") is taken as https, not http.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class MemberAdminForm(forms.ModelForm):
    # The `updated_at` the form was opened with: a save is refused if the member changed since.
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance, which a caller may have changed before the form.
            current = Member.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
            self.fields["opened_at"].initial = current.isoformat() if current else ""
        # "RO 523 391 258" is 14 characters: the box takes what people type (RO, spaces) and the
        # code is stored without them, so the model's 12 characters apply after clean_fiscal_code.
        if "fiscal_code" in self.fields:
            field = self.fields["fiscal_code"]
            field.max_length = 20
            field.widget.attrs["maxlength"] = "20"
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            return logos.clean_logo(logo)
        return logo

    def clean_name(self):
        return self._refuse_a_clash("name")

    def clean_fiscal_code(self):
        self.cleaned_data["fiscal_code"] = normalize_fiscal_code(self.cleaned_data.get("fiscal_code") or "")
        return self._refuse_a_clash("fiscal_code")

    def _refuse_a_clash(self, field):
        """A name or fiscal code another member has: say who, with a link to that member (the
        model would say it without the link; its check skips a field that has an error)."""
        value = self.cleaned_data.get(field)
        probe = Member(pk=self.instance.pk, **{field: value or ""})
        other = probe.clashes(exclude={"name", "fiscal_code"} - {field}).get(field)
        if other:
            link = format_html(
                '<a href="{}">{}</a>', reverse("admin:members_member_change", args=[other.pk]), other.name
            )
            # The translated sentence escaped around the link: "This fiscal code belongs to <a…>X</a>."
            before, _placeholder, after = str(Member.CLASH_MESSAGES[field]).partition("%(member)s")
            raise ValidationError(format_html("{}{}{}", before, link, after), code=f"{field}_taken")
        return value

    def clean(self):
        cleaned_data = super().clean()
        opened_at = self.cleaned_data.get("opened_at")
        if self.instance.pk and opened_at:
            self._refuse_if_changed_since(opened_at)
        return cleaned_data

    def _refuse_if_changed_since(self, opened_at):
        members = Member.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # The admin saves inside a transaction: lock the row so two saves landing at the same
            # moment are checked one after the other (PostgreSQL; SQLite locks the whole file).
            members = members.select_for_update()
        member = members.first()
        if member is None or member.updated_at.isoformat() == opened_at:
            return
        latest = member.history.select_related("history_user").first()
        who = (latest.history_user.get_username() if latest and latest.history_user else None) or gettext(
            "someone else"
        )
        when = timezone.localtime(latest.history_date if latest else member.updated_at)
        raise ValidationError(
            _(
                "This member was changed by %(who)s at %(time)s since you opened it; "
                "reload to see their changes."
            ),
            code="changed_since_opened",
            params={"who": who, "time": when.strftime("%H:%M")},
        )

    class Meta:
        model = Member
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)
        formfield_callback = https_by_default
        # A plain file field: `clean_logo` checks size before decoding and explains each refusal,
        # where Django's ImageField would decode first and say only "Upload a valid image".
        field_classes = {"logo": forms.FileField}
        # 30+ competences: plain checkboxes work without JavaScript and with a keyboard.
        widgets = {dimension.field: forms.CheckboxSelectMultiple for dimension in MANY}


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class RevertForm(forms.Form):
    """Which differing fields to restore from an earlier version (all by default), and why."""

    restore = forms.MultipleChoiceField(
        label=_("Restore"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one field to restore.")},
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REVERT_REASON_LENGTH,
        help_text=_("Recorded in the history with the revert."),
    )
    # The member's `updated_at` when the preview was shown: a change since refuses the revert.
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, member, differences, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["restore"].choices = [(d.field, d.label) for d in differences]
        self.fields["restore"].initial = [d.field for d in differences]
        self.fields["opened_at"].initial = member.updated_at.isoformat()

    def clean_opened_at(self):
        opened_at = self.cleaned_data["opened_at"]
        now = self.member.updated_at.isoformat()
        if opened_at and opened_at != now:
            # The page shown again carries the new time, so confirming what it shows goes through.
            self.data = self.data.copy()
            self.data["opened_at"] = now
            raise ValidationError(
                _(
                    "This member was changed since you opened this page; the differences below are "
                    "against its values now. Check them and confirm again."
                ),
                code="changed_since_opened",
            )
        return opened_at

    def change_reason(self, version):
        """What the history records: the version reverted to, and the manager's reason if any."""
        reason = f"revert to version #{version.history_id}"
        return f"{reason}: {self.cleaned_data['reason']}" if self.cleaned_data["reason"] else reason


LEAVE = ""  # a bulk-edit choice that leaves the field as each member has it


class BulkEditForm(forms.Form):
    """What to change in every selected member; everything left blank stays as it is."""

    size = forms.ChoiceField(
        label=_("Size"),
        required=False,
        choices=[(LEAVE, _("— leave as it is —")), *Member.Size.choices],
    )
    offers_subcontracting = forms.ChoiceField(
        label=_("Offers subcontracting"),
        required=False,
        choices=[(LEAVE, _("— leave as it is —")), ("yes", _("yes (set)")), ("no", _("no (clear)"))],
    )
    seeks_partners = forms.ChoiceField(
        label=_("Seeks project partners"),
        required=False,
        choices=[(LEAVE, _("— leave as it is —")), ("yes", _("yes (set)")), ("no", _("no (clear)"))],
    )
    verified_on = forms.DateField(
        label=_("Data verified on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave blank to keep each member's date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Add and remove, for each many-valued field (competences, certifications…).
        for dimension in MANY:
            model_field = Member._meta.get_field(dimension.field)
            for verb, label in (("add", _("Add %(what)s")), ("remove", _("Remove %(what)s"))):
                self.fields[f"{verb}_{dimension.field}"] = forms.ModelMultipleChoiceField(
                    label=label % {"what": model_field.verbose_name},
                    queryset=dimension.rows(),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )

    def clean(self):
        cleaned_data = super().clean()
        for dimension in MANY:
            both = set(cleaned_data.get(f"add_{dimension.field}") or []) & set(
                cleaned_data.get(f"remove_{dimension.field}") or []
            )
            if both:
                self.add_error(
                    f"remove_{dimension.field}",
                    _("Both added and removed: %(names)s.") % {"names": ", ".join(map(str, both))},
                )
        if not self.errors and not self.edit():
            raise ValidationError(_("Choose at least one change."), code="nothing")
        return cleaned_data

    def edit(self):
        """The form's answer as a members.changes.BulkEdit."""
        data = self.cleaned_data
        values = {}
        if data.get("size"):
            values["size"] = data["size"]
        for flag in ("offers_subcontracting", "seeks_partners"):
            if data.get(flag):
                values[flag] = data[flag] == "yes"
        if data.get("verified_on"):
            values["verified_on"] = data["verified_on"]
        return changes.BulkEdit(
            add={d.field: list(data.get(f"add_{d.field}") or []) for d in MANY},
            remove={d.field: list(data.get(f"remove_{d.field}") or []) for d in MANY},
            values=values,
        )


COMPLETENESS_PARTS = [
    ("has_logo", _("logo")),
    ("has_text_ro", _("Romanian text")),
    ("has_text_en", _("English text")),
    ("has_competences", _("competences")),
    ("has_contact", _("contact")),
]


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's pages, answering 404 for an address that names no object or version
    (its own views pass "5/change" to the database and fail with a 500), and saving a version's
    form only for staff who may change the object: simple-history checks only the view
    permission before it saves a POST."""

    def get_historical_record_context_helper(self, request, historical_record):
        return changes.HistoryDisplay(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        self._pk_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple-history saves a POST here after checking only the view permission: saving
        (reverting) needs the change permission. A refused form answers 400."""
        self._pk_or_404(object_id)
        self._pk_or_404(version_id, self.model.history.model._meta.pk)
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            request._reverting_history = True
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 200:
            response.status_code = 400
        return response

    def _pk_or_404(self, value, pk_field=None):
        pk_field = pk_field or self.model._meta.pk
        try:
            return pk_field.to_python(unquote(value))
        except ValidationError:
            raise Http404 from None


@admin.register(Member)
class MemberAdmin(ExportActionMixin, HistoryAdmin):
    form = MemberAdminForm
    # Ours extends django-import-export's (the export button), which extends Django's; so ours
    # has the last word on the buttons' block (the composition line is placed after them).
    change_list_template = "admin/change_list.html"
    # import-export's, with "send update link" among the buttons.
    change_form_template = "admin/members/member/change_form.html"
    import_export_change_list_template = "admin/members/member/change_list.html"
    resource_classes = [MemberExportResource]
    export_formats = [base_formats.XLSX, base_formats.CSV]
    export_form_class = ExportForm  # fixed columns: the export must import back unchanged
    to_encoding = "utf-8-sig"  # with a BOM, Excel reads the CSV's diacritics correctly
    list_display = [
        "logo_thumbnail",
        "name",
        "category",
        "locality",
        "is_published",
        "completeness",
        "verified_on",
        "updated_at",
    ]
    list_display_links = ["name"]
    list_filter = [
        "category",
        "competences",
        "certifications",
        CountyFilter,
        "size",
        "is_published",
        "offers_subcontracting",
        "seeks_partners",
        VerifiedFilter,
        MissingTextFilter,
    ]
    list_select_related = ["locality"]
    search_fields = ["name", "fiscal_code"]
    search_help_text = _("Name, fiscal code or any word of the descriptions, competences or locality.")
    readonly_fields = ["logo_preview", "created_at", "updated_at", "update_links_sent"]
    inlines = [ContactPersonInline]
    actions = ["publish", "unpublish", "mark_verified", "bulk_edit", "send_update_links"]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "fiscal_code", "is_published", "opened_at"]}),
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
                    "certifications",
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
            {
                "fields": [
                    "founded",
                    "size",
                    "member_since",
                    "verified_on",
                    "update_links_sent",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Revert to an earlier version, with a preview: the fields that version would change,
        today's value beside the version's, each ticked; the manager unticks what to keep, may
        give a reason, and the history records the revert (members.changes.restore_fields)."""
        member = self.get_object(request, unquote(object_id))
        version_pk = self._pk_or_404(version_id, Member.history.model._meta.pk)
        version = Member.history.filter(id=getattr(member, "pk", None), history_id=version_pk).first()
        if member is None or version is None:
            raise Http404
        if not self.has_view_or_change_permission(request, member):
            raise PermissionDenied
        found = changes.differences(member, version)
        form = RevertForm(
            request.POST if request.method == "POST" else None, member=member, differences=found
        )
        if request.method == "POST":
            if not self.has_change_permission(request, member):
                raise PermissionDenied
            if form.is_valid():
                try:
                    changes.restore_fields(
                        member,
                        version,
                        form.cleaned_data["restore"],
                        request.user,
                        form.change_reason(version),
                    )
                except changes.RestoreRefused as refused:
                    form.add_error(None, refused.error.messages)
                else:
                    message = ngettext(
                        "%(n)d field restored from the version of %(date)s.",
                        "%(n)d fields restored from the version of %(date)s.",
                        len(form.cleaned_data["restore"]),
                    ) % {"n": len(form.cleaned_data["restore"]), "date": _when(version.history_date)}
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:members_member_change", args=[member.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Revert %(member)s to the version of %(date)s")
            % {"member": member, "date": _when(version.history_date)},
            "member": member,
            "version": version,
            "form": form,
            "rows": list(zip(found, form["restore"], strict=True)),
            "may_change": self.has_change_permission(request, member),
        }
        context.update(extra_context or {})
        status = 400 if form.is_bound and form.errors else 200
        return TemplateResponse(request, "admin/members/member/revert_preview.html", context, status=status)

    def has_export_permission(self, request):
        # django-import-export lets any staff user export unless told otherwise: only those who
        # may see members may export them (contacts included).
        return self.has_view_permission(request)

    def get_export_resource_kwargs(self, request, **kwargs):
        with_contacts = request.user.has_perm("members.view_contactperson")
        return super().get_export_resource_kwargs(request, **kwargs) | {"with_contacts": with_contacts}

    def get_valid_export_item_pks(self, request):
        # import-export 4.4 still calls this for "export selected" and warns from its own copy.
        return Member.objects.values_list("pk", flat=True)

    def get_queryset(self, request):
        """Annotated with what the completeness column shows: two EXISTS subqueries, no N+1."""
        contacts = ContactPerson.objects.filter(member=OuterRef("pk"))
        competences = Member.competences.through.objects.filter(member=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(has_contact=Exists(contacts), has_competences=Exists(competences))
        )

    @admin.display(description=_("complete"))
    def completeness(self, member):
        present = {
            "has_logo": bool(member.logo),
            "has_text_ro": bool(member.short_description_ro and member.description_ro),
            "has_text_en": bool(member.short_description_en and member.description_en),
            "has_competences": getattr(member, "has_competences", None),
            "has_contact": getattr(member, "has_contact", None),
        }
        missing = [str(label) for key, label in COMPLETENESS_PARTS if not present[key]]
        score = f"{len(COMPLETENESS_PARTS) - len(missing)}/{len(COMPLETENESS_PARTS)}"
        if not missing:
            return format_html('<span title="{}">{} ✓</span>', gettext("complete"), score)
        title = gettext("missing: %(parts)s") % {"parts": ", ".join(missing)}
        return format_html('<span title="{}">{}</span> <small>({})</small>', title, score, title)

    def get_search_results(self, request, queryset, search_term):
        """Name and fiscal code as usual, plus the accent-insensitive public search."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            results = results | queryset.search(search_term)
            codes = fiscal_code_variants(search_term)
            if codes:  # "RO 171017031", "171 017 031", "17101703" (without the check digit)
                results = results | queryset.filter(fiscal_code__in=codes)
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

    @admin.action(description=_("Mark data as verified today"), permissions=["change"])
    def mark_verified(self, request, queryset):
        today = timezone.localdate()
        changed = 0
        for member in queryset.exclude(verified_on=today):
            member.verified_on = today
            member._change_reason = gettext_noop("Marked as verified")  # translated when shown
            member.save()
            changed += 1
        message = ngettext(
            "%(n)d member marked as verified today.", "%(n)d members marked as verified today.", changed
        )
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)

    @admin.action(description=_("Edit the selected members together…"), permissions=["change"])
    def bulk_edit(self, request, queryset):
        """A form first (Django runs actions on POST only); the edit on its "apply" POST."""
        members = list(queryset.order_by("name_key"))
        form = BulkEditForm(request.POST if request.POST.get("apply") == "yes" else None)
        if form.is_bound and form.is_valid():
            changed = changes.apply_bulk_edit(members, form.edit(), request.user, gettext_noop("Bulk edit"))
            message = ngettext(
                "%(n)d member changed (%(unchanged)d already as asked).",
                "%(n)d members changed (%(unchanged)d already as asked).",
                len(changed),
            ) % {"n": len(changed), "unchanged": len(members) - len(changed)}
            self.message_user(request, message, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Edit the selected members together"),
            "members": members,
            "form": form,
            "errors": form.errors if form.is_bound else None,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "admin/members/member/bulk_edit.html", context, status=status)

    @admin.display(description=_("update links sent"))
    def update_links_sent(self, member):
        """Who was asked, when, by whom, and whether they answered (a query)."""
        if not member.pk:
            return "—"
        links = member.update_links.select_related("created_by")[:10]
        return render_to_string("admin/members/member/_update_links.html", {"links": links}) if links else "—"

    @admin.action(description=_("Send update links to the selected members…"), permissions=["change"])
    def send_update_links(self, request, queryset):
        return send_update_links(self, request, queryset.prefetch_related("contacts").order_by("name_key"))

    def update_link_view(self, request, object_id):
        """The change page's "send update link": the action's form for this one member."""
        member = self.get_object(request, unquote(object_id))
        if member is None:
            raise Http404
        if not self.has_change_permission(request, member):
            raise PermissionDenied
        response = send_update_links(self, request, [member])
        if response is None:
            return HttpResponseRedirect(reverse("admin:members_member_change", args=[member.pk]))
        response.context_data["single"] = member
        return response

    # --- Spreadsheet import: upload → preview → confirm (members.importing does the work) ---

    def get_urls(self):
        extra = [
            path(
                "<path:object_id>/update-link/",
                self.admin_site.admin_view(self.update_link_view),
                name="members_member_update_link",
            ),
            path("import/", self.admin_site.admin_view(self.import_view), name="members_member_import"),
            path(
                "import/template.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="members_member_import_template",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Import members")}
        if request.method == "POST" and "_confirm" in request.POST:
            return self._confirm_import(request, context)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                preview = importing.preview_file(content, upload.name)
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                request.session[PENDING_IMPORT] = {
                    "file_name": upload.name,
                    "content": base64.b64encode(content).decode(),
                    "digest": hashlib.sha256(content).hexdigest(),
                    "fingerprint": preview.fingerprint(),
                }
                return self._render_preview(request, context, preview)
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/members/member/import.html", {**context, "form": form}, status=status
        )

    def _render_preview(self, request, context, preview, status=200):
        pending = request.session.get(PENDING_IMPORT, {})
        context = {**context, "preview": preview, "digest": pending.get("digest", "")}
        return TemplateResponse(request, "admin/members/member/import_preview.html", context, status=status)

    def _confirm_import(self, request, context):
        pending = request.session.get(PENDING_IMPORT)
        if not pending or pending["digest"] != request.POST.get("digest"):
            self.message_user(
                request, gettext("The previewed file has expired; please upload it again."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:members_member_import"))
        content = base64.b64decode(pending["content"])
        try:
            preview, batch = importing.import_file(
                content,
                pending["file_name"],
                request.user,
                expected_fingerprint=pending["fingerprint"],
                overwrite_their_changes=request.POST.get("overwrite") == "yes",
            )
        except importing.ImportRefused as refused:
            pending["fingerprint"] = refused.preview.fingerprint()
            request.session[PENDING_IMPORT] = pending
            self.message_user(request, str(refused), messages.ERROR)
            return self._render_preview(request, context, refused.preview, status=409)
        del request.session[PENDING_IMPORT]
        if batch is None:
            message = gettext("Nothing to import: %(summary)s. No import batch was recorded.") % {
                "summary": preview.summary()
            }
            self.message_user(request, message, messages.INFO)
        else:
            message = gettext("Import #%(batch)d done: %(summary)s.") % {
                "batch": batch.pk,
                "summary": preview.summary(),
            }
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:members_member_changelist"))

    def import_template_view(self, request, extension):
        """An empty spreadsheet with the documented columns, to fill in and import."""
        formats = {"xlsx": base_formats.XLSX, "csv": base_formats.CSV}
        if extension not in formats:
            return HttpResponse(gettext("Choose template.xlsx or template.csv."), status=404)
        file_format = formats[extension]()
        data = file_format.export_data(tablib.Dataset(headers=COLUMNS))
        if not file_format.is_binary():
            data = data.encode("utf-8-sig")
        response = HttpResponse(data, content_type=file_format.get_content_type())
        response["Content-Disposition"] = f'attachment; filename="mechatrec-members-template.{extension}"'
        return response

    def _set_published(self, request, queryset, value):
        # One save per member so each change lands in the history with who made it.
        changed = 0
        for member in queryset.exclude(is_published=value):
            member.is_published = value
            member._change_reason = gettext_noop("Published") if value else gettext_noop("Unpublished")
            member.save()
            changed += 1
        message = (
            ngettext("%(n)d member published.", "%(n)d members published.", changed)
            if value
            else ngettext("%(n)d member unpublished.", "%(n)d members unpublished.", changed)
        )
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)


class ReferenceAdmin(admin.ModelAdmin):
    """A reference table members hold rows of (competences, certifications): how many hold each."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, row):
        return row.member_count

    def get_deleted_objects(self, objs, request):
        """Django lists the link rows a deletion removes as "Member_competences object (1)" under
        "member-competence relationships"; the manager needs the members (and opportunities)
        that will no longer list the entry."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        readable = {}
        for relation in self.model._meta.related_objects:
            if not relation.many_to_many or not relation.through._meta.auto_created:
                continue
            through, holder = relation.through, relation.field.m2m_field_name()
            rows = through.objects.filter(
                **{f"{relation.field.m2m_reverse_field_name()}__in": objs}
            ).select_related(holder)
            holder_meta = relation.related_model._meta
            for row in rows:
                readable[f"{capfirst(through._meta.verbose_name)}: {row}"] = (
                    f"{capfirst(holder_meta.verbose_name)}: {getattr(row, holder)}"
                )
            if through._meta.verbose_name_plural in counts:
                counts[
                    gettext("%(holders)s that will no longer list it")
                    % {"holders": holder_meta.verbose_name_plural}
                ] = counts.pop(through._meta.verbose_name_plural)
        return _replaced(deleted, readable), counts, perms_needed, protected


def _replaced(nested, readable):
    """The nested list of admin.utils.get_deleted_objects with each string in `readable` replaced."""
    return [
        _replaced(item, readable) if isinstance(item, list) else readable.get(item, item) for item in nested
    ]


@admin.register(Competence)
class CompetenceAdmin(ReferenceAdmin):
    list_display = ["name_ro", "name_en", "group", "slug", "member_count"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["name_ro", "name_en", "slug", "keywords_ro", "keywords_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Certification)
class CertificationAdmin(ReferenceAdmin):
    list_display = ["name", "title_ro", "title_en", "position", "member_count"]
    search_fields = ["name", "title_ro", "title_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


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
class ContactPersonAdmin(HistoryAdmin):
    list_display = ["name", "member", "role", "public_consent"]
    list_filter = ["public_consent"]
    list_select_related = ["member"]
    search_fields = ["name", "email", "member__name"]
    autocomplete_fields = ["member"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, "_reverting_history", False):
            return form_class

        class RevertContactForm(form_class):
            def clean(self):
                """A revert never brings back a consent withdrawn since that version: a new
                consent is recorded on the contact's own page, with when and how."""
                cleaned = super().clean()
                withdrawn = not ContactPerson.objects.filter(
                    pk=self.instance.pk, public_consent=True
                ).exists()
                if cleaned.get("public_consent") and withdrawn:
                    raise ValidationError(
                        _(
                            "Consent was withdrawn since this version; a revert cannot restore it. "
                            "Record a new consent on the contact person's page."
                        )
                    )
                return cleaned

        return RevertContactForm


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports are recorded, never edited; the one thing to do with a batch is revert it."""

    list_display = [
        "__str__",
        "user",
        "created_at",
        "created_count",
        "updated_count",
        "unchanged_count",
        "reverted_at",
    ]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
    actions = ["revert"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the batch is what links an import to its history rows: keep it

    def has_revert_permission(self, request):
        return request.user.has_perms(["members.change_member", "members.delete_member"])

    @admin.action(description=_("Revert the selected imports"), permissions=["revert"])
    def revert(self, request, queryset):
        """A confirmation page first, as for a deletion; the revert only on its confirming POST.

        Django runs actions only for a POST and only when `get_actions` offers them (which checks
        `has_revert_permission`); the check here guards any other way in.
        """
        if not self.has_revert_permission(request):
            raise PermissionDenied
        batches = list(queryset.order_by("-pk"))  # newest first: later imports built on earlier ones
        if request.POST.get("post") != "yes":
            return self._revert_confirmation(request, batches)
        for batch in batches:
            try:
                count = importing.revert_batch(batch, request.user)
            except importing.RevertRefused as refused:
                self.message_user(request, f"{batch}: {refused}", messages.ERROR)
            else:
                message = ngettext(
                    "%(batch)s reverted: %(n)d member restored or removed.",
                    "%(batch)s reverted: %(n)d members restored or removed.",
                    count,
                ) % {"batch": batch, "n": count}
                self.message_user(request, message, messages.SUCCESS)

    def _revert_confirmation(self, request, batches):
        """What each selected batch's revert would delete and restore, or why it cannot."""
        plans = [importing.revert_plan(batch) for batch in batches]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Revert the selected imports?"),
            "plans": plans,
            # Only these are posted back: confirming does what the page showed, nothing more.
            "revertible": [plan.batch for plan in plans if not plan.refused],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/members/importbatch/revert_confirmation.html", context)


@admin.register(UpdateLink)
class UpdateLinkAdmin(admin.ModelAdmin):
    """Every link sent: to whom, when, by whom, its state; links are revoked here."""

    list_display = ["member", "recipient_name", "purpose", "created_at", "created_by", "state", "used_at"]
    list_filter = ["purpose"]
    list_select_related = ["member", "created_by"]
    search_fields = ["member__name", "recipient_name", "recipient_email"]
    actions = ["revoke"]
    fields = list_display[:-2] + [
        "recipient_email",
        "expires_at",
        "reminded_at",
        "revoked_at",
        "revoked_by",
        "used_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # links are sent from a member's page or the members' list

    def has_delete_permission(self, request, obj=None):
        return False  # kept: they are the record of who was asked

    @admin.display(description=_("state"))
    def state(self, link):
        return link.state().label

    @admin.action(description=_("Revoke the selected links"), permissions=["change"])
    def revoke(self, request, queryset):
        links = list(queryset.filter(revoked_at__isnull=True))
        for link in links:
            selfservice.revoke(link, request.user)
        message = ngettext("%(n)d link revoked.", "%(n)d links revoked.", len(links)) % {"n": len(links)}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """The approval queue: each change beside today's values; approve all or some, or reject."""

    list_display = ["member", "submitted_by", "submitted_at", "status", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["member", "decided_by"]
    search_fields = ["member__name", "submitted_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, unquote(object_id))
        if change is None:
            raise Http404
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        error = None
        if request.method == "POST" and change.status == PendingChange.Status.PENDING:
            if not self.has_change_permission(request, change):
                raise PermissionDenied
            try:
                if request.POST.get("decision") == "reject":
                    reason = request.POST.get("reason", "").strip()
                    if not reason:
                        raise selfservice.ApprovalRefused(gettext("Please give the member a reason."))
                    selfservice.reject(change, reason, request.user)
                    self.message_user(request, gettext("The change was rejected; the member was told why."))
                else:
                    selfservice.approve(
                        change,
                        request.POST.getlist("fields"),
                        request.user,
                        overwrite=request.POST.get("overwrite") == "on",
                        contacts=request.POST.get("contacts") == "on",
                        logo=request.POST.get("logo") == "on",
                    )
                    self.message_user(request, gettext("Approved; the profile shows the changes."))
                return HttpResponseRedirect(reverse("admin:members_pendingchange_changelist"))
            except (selfservice.ApprovalRefused, ValidationError) as refused:
                error = refused.messages if isinstance(refused, ValidationError) else [str(refused)]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Review the changes sent by %(name)s") % {"name": change.submitted_by},
            "change": change,
            "proposals": selfservice.proposals(change),
            "errors": error,
            "pending": change.status == PendingChange.Status.PENDING,
        }
        status = 400 if error else 200
        return TemplateResponse(request, "admin/members/pendingchange/review.html", context, status=status)
