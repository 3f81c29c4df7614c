"""django-axes under a name the cluster manager understands in the admin's sidebar ("Axes" says
nothing to her); everything else is axes' own AppConfig."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesConfig):
    verbose_name = _("Login protection")
