"""App configuration: the gazetteer loaded after every migrate, a deleted release's original
deleted after the commit, system checks registered."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Regions, releases, sections and their ingestion."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("政策发布稿")

    def ready(self) -> None:
        from documents import (
            bulk_jobs,  # noqa: F401 - registers the jobs' handlers
            checks,  # noqa: F401 - registers the system checks
            tasks,  # noqa: F401 - connects jobs to the task queue
        )
        from documents.models import Release
        from documents.originals import forget_original_on_delete
        from documents.regions import load_regions_after_migrate

        post_migrate.connect(load_regions_after_migrate, sender=self)
        post_delete.connect(forget_original_on_delete, sender=Release)
