"""Template context shared by every page: the reader's chosen script."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from documents.script import Script

SCRIPT_COOKIE = "script"


def chosen_script(request: HttpRequest) -> Script:
    """The script asked for by ``?script=`` (a shareable link) or remembered in a cookie."""
    for raw in (request.GET.get("script"), request.COOKIES.get(SCRIPT_COOKIE)):
        if raw:
            try:
                return Script(raw)
            except ValueError:
                continue
    return Script.ORIGINAL


def script(request: HttpRequest) -> dict[str, object]:
    """Expose the chosen script and the choices to templates."""
    return {
        "script": chosen_script(request),
        "script_choices": [
            (Script.ORIGINAL, _("原文")),
            (Script.SIMPLIFIED, "简体"),
            (Script.TRADITIONAL, "繁體"),
        ],
    }
