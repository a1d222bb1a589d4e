"""App configuration for search."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search over release sections."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        from search import checks  # noqa: F401 - registers the system checks
