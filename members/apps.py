from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Member directory")

    def ready(self):
        from . import signals  # noqa: F401  (connects the search-text and cache signals)
