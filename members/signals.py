"""Keep derived data in step with the data it comes from.

- `Member.search_text` folds in competence and locality names, so it is recomputed when a
  member's competences change or a competence or locality is renamed.
- Public pages may be cached; every cached entry is keyed on one version number that any change
  to members, competences, localities or contacts bumps (see `members.cache`), so a saved change
  shows on the very next request, on every app server sharing the cache.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import cache
from .models import Competence, CompetenceGroup, ContactPerson, Locality, Member


@receiver(m2m_changed, sender=Member.competences.through)
def competences_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # competence.members.add(...): refresh those members
        Member.objects.filter(pk__in=pk_set or []).rebuild_search_text()
    else:
        instance.refresh_search_text()
    cache.bump_version()


@receiver(post_save, sender=Competence)
@receiver(post_save, sender=Locality)
def reference_data_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        instance.members.all().rebuild_search_text()
    cache.bump_version()


@receiver(post_save, sender=Member)
@receiver(post_delete, sender=Member)
@receiver(post_delete, sender=Competence)
@receiver(post_delete, sender=Locality)
@receiver(post_save, sender=CompetenceGroup)
@receiver(post_delete, sender=CompetenceGroup)
@receiver(post_save, sender=ContactPerson)
@receiver(post_delete, sender=ContactPerson)
def directory_changed(sender, **kwargs):
    cache.bump_version()
