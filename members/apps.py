from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Member directory")

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the checks; connects the signals)
