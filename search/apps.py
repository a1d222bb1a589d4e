"""App configuration for search."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search over release sections."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from documents.models import Region
        from search import (
            checks,  # noqa: F401 - registers the system checks
            index_jobs,  # noqa: F401 - registers the index jobs' handlers
            tasks,  # noqa: F401 - connects deferred index updates to the task queue
        )
        from search.core.region_cache import forget_regions
        from search.core.shown_sections import forget_releases

        post_save.connect(forget_regions, sender=Region, dispatch_uid="search-forget-regions")
        post_delete.connect(forget_regions, sender=Region, dispatch_uid="search-forget-regions")
        # Remembered releases carry their region and province (names shown with every hit).
        post_save.connect(forget_releases, sender=Region, dispatch_uid="search-forget-releases")
        post_delete.connect(forget_releases, sender=Region, dispatch_uid="search-forget-releases")
