"""App configuration for the site-wide pages."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Home, about, templates tags shared by all pages."""

    name = "portal"


class LoginLockoutConfig(AxesAppConfig):
    """django-axes under a name the admin's readers understand (it ships no Chinese): its
    models' names are translated in ``locale/zh_Hans``."""

    verbose_name = _("登录保护")
