"""The portal's admin site: Django's, with region search results that say where a region is.

Plain ``str(region)`` makes 朝阳区 (北京) and 朝阳区 (长春) indistinguishable in the region
picker of the upload preview, so autocomplete results name the province (and city) too. The
site also gives its pages the search index's state (``index_state``), read only by the pages
that show it, and the index jobs' buttons their URLs (``search.web.index_admin``):
``documents``' admin never asks the search engine itself.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


class PlacedAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results; objects with a ``place_label`` are shown with it."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(obj, "place_label", None)
        if label:
            result["text"] = label
        return result


class PortalAdminSite(admin.AdminSite):
    """Django's admin site with the portal's name and region-aware autocomplete."""

    site_header = _("营商环境政策库 · 管理")
    site_title = _("政策库管理")
    index_title = _("内容管理")

    def get_urls(self):
        """Django's admin URLs, plus the buttons that start index jobs (``search``)."""
        from search.web.index_admin import admin_urls

        return admin_urls(self) + super().get_urls()

    def autocomplete_view(self, request):
        return PlacedAutocompleteJsonView.as_view(admin_site=self)(request)

    def each_context(self, request):
        """Django's context, plus the index's state, computed only if a page reads it."""
        context = super().each_context(request)
        context["index_state"] = SimpleLazyObject(_index_state_or_none)
        return context


def _index_state_or_none() -> object | None:
    """The index compared with the database, or ``None`` if the engine cannot be reached.

    Imported here: this module is loaded with the app registry, before any model is.
    """
    from search.engines.base import SearchUnavailable
    from search.indexing.state import index_state

    try:
        return index_state()
    except SearchUnavailable:
        return None


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the portal's admin site as the default site."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
