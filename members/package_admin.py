"""The packages' own admin pages in the manager's language: Django's users and groups, whose
permission lists show the names Django stored in English ("Can add member"), and django-axes'
records of login attempts, which ship no Romanian and name two columns after their methods.
The strings themselves are in our catalogues (locale/, locale_overrides/)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.forms import ModelMultipleChoiceField
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# A permission's codename starts with its action: add_member, view_importbatch…
ACTIONS = {
    "add": _("can add"),
    "change": _("can change"),
    "delete": _("can delete"),
    "view": _("can view"),
}


class PermissionField(ModelMultipleChoiceField):
    """Each permission as "Members' directory | member | can add", in the active language."""

    def label_from_instance(self, permission):
        content_type = permission.content_type
        model = content_type.model_class()
        action = ACTIONS.get(permission.codename.split("_", 1)[0])
        if model is None or action is None:  # a model since removed, or a permission of its own
            return gettext(permission.name)
        app = apps.get_app_config(content_type.app_label).verbose_name
        return f"{app} | {model._meta.verbose_name} | {action}"


class TranslatedPermissions:
    """Only the permissions of what the admin shows: the history's copies ("historical membru"),
    link tables and internal tables (member facts, thumbnails' keys) grant nothing a person
    could use, and only crowd the list."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            shown = ContentType.objects.get_for_models(*admin.site._registry, for_concrete_models=False)
            kwargs["queryset"] = Permission.objects.filter(content_type__in=shown.values()).select_related(
                "content_type"
            )
            kwargs["form_class"] = PermissionField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class UserAdmin(TranslatedPermissions, auth_admin.UserAdmin):
    pass


class GroupAdmin(TranslatedPermissions, auth_admin.GroupAdmin):
    pass


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, attempt):
        return super().status(attempt)

    @admin.display(description=_("expires"))
    def expiration(self, attempt):
        return super().expiration(attempt)


for model, model_admin in ((User, UserAdmin), (Group, GroupAdmin), (AccessAttempt, AccessAttemptAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
