"""Deployment checks of the board (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Warning, register

# The example address settings.py falls back to: in production, mail to it is lost.
EXAMPLE_OFFICE_EMAIL = "office@mechatrec.example"


@register(deploy=True)
def office_email_is_set(app_configs, **kwargs):
    """Messages from the contact forms and expiry warnings go to CLUSTER_OFFICE_EMAIL; left at
    its example value they would be sent nowhere (they stay in the admin, unseen)."""
    if settings.CLUSTER_OFFICE_EMAIL != EXAMPLE_OFFICE_EMAIL:
        return []
    return [
        Warning(
            "CLUSTER_OFFICE_EMAIL is not set: messages from the contact forms and expiry warnings "
            f"would be e-mailed to {EXAMPLE_OFFICE_EMAIL}, which receives nothing.",
            hint="Set CLUSTER_OFFICE_EMAIL to the cluster office's inbox (README, Production).",
            id="opportunities.W001",
        )
    ]
