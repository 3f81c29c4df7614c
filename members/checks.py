"""Deployment checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.caches, deploy=True)
def cache_shared_by_the_workers(app_configs, **kwargs):
    """Every gunicorn worker is a process: without CACHE_URL each keeps its own cache, so its own
    page cache and version number (members.cache)."""
    if settings.CACHE_URL:
        return []
    return [
        Warning(
            "CACHE_URL is not set: each worker process keeps its own cache, so a change saved "
            "through one worker may show on the others only after CACHE_VERSION_SECONDS, and "
            "the workers give one page different ETags.",
            hint="Set CACHE_URL=redis://127.0.0.1:6379/1 (README, Production).",
            id="mechatrec.W001",
        )
    ]


@register(Tags.caches)
def replicas_need_a_shared_cache(app_configs, **kwargs):
    """The primary's position after each save is kept in the cache (mechatrec.replicas): a
    per-process cache would let the other workers build pages from a lagging replica."""
    if not settings.REPLICA_DATABASES or settings.CACHE_URL:
        return []
    return [
        Error(
            "DATABASE_REPLICA_URLS is set but CACHE_URL is not: pages could be built from a replica "
            "that has not replayed the last saved change.",
            hint="Set CACHE_URL=redis://… shared by every app server (README, Read replicas).",
            id="mechatrec.E002",
        )
    ]
