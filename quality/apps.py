"""App configuration for the quality tooling: only its management commands need an app."""

from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Evaluation, fuzzing, benchmark and load-test commands (no models, no pages)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "quality"
    verbose_name = "质量评测"
