"""Admin for regions and releases: find, correct, publish, unpublish and re-parse.

Status changes go through ``save()`` one release at a time (not ``queryset.update``) so the
after-commit signal processor re-indexes exactly what changed.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from documents.models import Region, Release, Section
from documents.services import Outcome, reparse_release


class ProvinceFilter(admin.SimpleListFilter):
    """Releases of a province, its cities and counties (only provinces that have releases)."""

    title = _("省份")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        codes = set(Release.objects.exclude(region=None).values_list("region__code", flat=True))
        prefixes = {code[:2] for code in codes if code != "000000"}  # GB/T 2260: 2 digits
        provinces = Region.objects.filter(level=Region.LevelChoices.PROVINCE).order_by("code")
        found = [(p.code, p.name) for p in provinces if p.code[:2] in prefixes]
        return ([("000000", _("全国"))] if "000000" in codes else []) + found

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        if code == "000000":
            return queryset.filter(region__code=code)
        return queryset.filter(region__code__startswith=code[:2])


class YearFilter(admin.SimpleListFilter):
    """Releases by the year they were published (or with no known date)."""

    title = _("年份")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Release.objects.exclude(published=None).dates("published", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years] + [("unknown", _("年份不详"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "unknown":
            return queryset.filter(published=None)
        if value and value.isdigit():
            return queryset.filter(published__year=int(value))
        return queryset


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
    list_filter = ("status", "kind", ProvinceFilter, YearFilter, "region__level")
    search_fields = ("title", "subtitle", "region__name", "source", "original_name")
    actions = ("publish", "unpublish", "reparse")
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

    @admin.action(description=_("发布所选发布稿"), permissions=["change"])
    def publish(self, request, queryset) -> None:
        self._set_status(request, queryset, Release.Status.PUBLISHED)

    @admin.action(description=_("撤回所选发布稿（改为草稿）"), permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        self._set_status(request, queryset, Release.Status.DRAFT)

    def _set_status(self, request, queryset, status: str) -> None:
        changed = 0
        with transaction.atomic():  # one index update for the whole selection, after commit
            for release in queryset.exclude(status=status):
                release.status = status
                release.save(update_fields=["status", "updated"])
                changed += 1
        self.message_user(
            request,
            ngettext("%(n)d 篇发布稿已更新。", "%(n)d 篇发布稿已更新。", changed) % {"n": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("用当前解析规则重新解析所选发布稿"), permissions=["change"])
    def reparse(self, request, queryset) -> None:
        done = 0
        for release in queryset:
            result = reparse_release(release)
            if result.outcome is Outcome.IMPORTED:
                done += 1
            else:
                self.message_user(
                    request,
                    f"#{release.pk} {release.title[:30]}：{result.message}",
                    messages.WARNING,
                )
        self.message_user(
            request,
            ngettext("%(n)d 篇发布稿已重新解析。", "%(n)d 篇发布稿已重新解析。", done)
            % {"n": done},
            messages.SUCCESS,
        )
