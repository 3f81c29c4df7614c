"""Keep derived data in step with the data it comes from.

- `Member.search_text` holds a token for each competence (and other many-to-many reference row)
  a member has, so it is recomputed when those change.
- Public pages may be cached; every cached entry is keyed on one version number that any change
  to members, competences, localities or contacts bumps (see `members.cache`), so a saved change
  shows on the very next request, on every app server sharing the cache. The version is bumped
  when the change is saved and again after its transaction commits (`cache.bump_version`).
- A member's logo thumbnails are made when the logo is saved (`logo_saved`).
"""

import logging

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import cache, logos
from .models import CompetenceGroup, ContactPerson, Locality, Member

logger = logging.getLogger(__name__)


def reference_rows_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # competence.members.add(...): refresh those members
        Member.objects.filter(pk__in=pk_set or []).rebuild_search_text()
    else:
        instance.refresh_search_text()
    cache.bump_version()


for _field in Member._meta.many_to_many:
    m2m_changed.connect(reference_rows_changed, sender=_field.remote_field.through)


def directory_changed(sender, **kwargs):
    cache.bump_version()


# Everything public pages show: the members, their contacts and every reference table.
for _model in [
    Member,
    ContactPerson,
    Locality,
    CompetenceGroup,
    *(f.related_model for f in Member._meta.many_to_many),
]:
    post_save.connect(directory_changed, sender=_model)
    post_delete.connect(directory_changed, sender=_model)


def logo_saved(sender, instance, raw=False, **kwargs):
    """Make the logo's thumbnails when a member is saved with a logo they were not made from
    (upload, import, demo data, restore, revert), so no visitor's request ever draws one."""
    made = instance.logo_thumbnails or {}
    if not raw and instance.logo and made.get("source") == instance.logo.name:
        return
    if not instance.logo and not made:
        return
    thumbnails = {}
    if instance.logo:
        try:
            thumbnails = logos.make_thumbnails(instance.logo)
        except Exception:  # noqa: BLE001 (a missing or unreadable file: no thumbnail, not a failed save)
            logger.exception("Thumbnails of %s could not be made", instance.logo.name)
    instance.logo_thumbnails = thumbnails
    # update(): no second history row and no signals for what is derived data.
    Member.objects.filter(pk=instance.pk).update(logo_thumbnails=thumbnails)


post_save.connect(logo_saved, sender=Member)
