"""App configuration for the site-wide pages."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Home, about, templates tags shared by all pages."""

    name = "portal"
