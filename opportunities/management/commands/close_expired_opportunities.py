import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone, translation

from opportunities.models import Opportunity

logger = logging.getLogger(__name__)

# Posters are warned this many days before their opportunity expires.
WARNING_DAYS = 7


class Command(BaseCommand):
    help = (
        "Close published opportunities whose expiry date has passed (as withdrawn), and e-mail "
        f"each poster once, {WARNING_DAYS} days before theirs expires (the cluster office for what "
        "it posted). Safe to re-run daily (cron): nothing is closed or warned twice. The public "
        "lists leave expired opportunities out whether or not this ran."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        closed = 0
        for opportunity in Opportunity.objects.expired(today):
            opportunity.move_to(Opportunity.Status.WITHDRAWN)
            opportunity.save()
            closed += 1
        warned = failed = 0
        soon = (
            Opportunity.objects.open(today)
            .filter(expires_on__lte=today + datetime.timedelta(days=WARNING_DAYS))
            .filter(expiry_warning_sent_on__isnull=True)
            .select_related("poster")
        )
        for opportunity in soon:
            try:
                send_warning(opportunity)
            except Exception:  # one refused address must not stop the others; retried tomorrow
                logger.exception("Expiry warning for opportunity %s not sent", opportunity.pk)
                failed += 1
                continue
            # update(), not save(): nothing public changed, so no page cache is dropped.
            Opportunity.objects.filter(pk=opportunity.pk).update(expiry_warning_sent_on=today)
            warned += 1
        self.stdout.write(f"{closed} closed, {warned} posters warned, {failed} warnings not sent")


def send_warning(opportunity):
    """To the poster's public address, else to the cluster office (which posted it, or must
    pass the warning on), in the site's language."""
    poster_email = opportunity.poster.email if opportunity.poster_id else ""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "opportunity": opportunity,
            "url": settings.SITE_URL + opportunity.get_absolute_url(),  # the /ro/ page
            "office_email": settings.CLUSTER_OFFICE_EMAIL,
        }
        subject = " ".join(render_to_string("opportunities/email/expiry_subject.txt", context).split())
        body = render_to_string("opportunities/email/expiry.txt", context)
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [poster_email or settings.CLUSTER_OFFICE_EMAIL],
        reply_to=[settings.CLUSTER_OFFICE_EMAIL],
    ).send()
