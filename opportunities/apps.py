from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from members import cache

        from . import checks  # noqa: F401 (registers the deployment checks)
        from .models import Opportunity

        # Member profiles list opportunities: a change must reach cached pages on the next request.
        def changed(**kwargs):
            cache.bump_version()

        for signal in (post_save, post_delete):
            signal.connect(changed, sender=Opportunity, dispatch_uid="opportunity_changed")
        m2m_changed.connect(
            changed, sender=Opportunity.competences.through, dispatch_uid="opportunity_competences"
        )
