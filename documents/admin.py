"""Admin for regions and releases (read and correct; uploads come with the admin-upload work)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from documents.models import Region, Release, Section


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    ordering = ("code",)
    raw_id_fields = ("parent",)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("order", "level", "kind", "heading", "speaker", "speaker_title", "anchor")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("title", "region", "kind", "published", "status", "section_total")
    list_filter = ("status", "kind", "region__level")
    search_fields = ("title", "region__name", "source")
    date_hierarchy = "published"
    autocomplete_fields = ("region",)
    readonly_fields = (
        "content_hash",
        "original",
        "original_name",
        "original_encoding",
        "created",
        "updated",
    )
    inlines = [SectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region").annotate(n=Count("sections"))

    @admin.display(description=_("段落数"), ordering="n")
    def section_total(self, obj: Release) -> int:
        return obj.n
