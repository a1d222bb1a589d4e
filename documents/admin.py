"""Admin for regions and releases: find, correct, publish, unpublish and re-parse.

Status changes go through ``save()`` one release at a time (not ``queryset.update``) so the
after-commit signal processor re-indexes exactly what changed.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from documents import (
    job_admin,  # noqa: F401 - registers the jobs' admin
    jobs,
)
from documents.admin_upload import ReleaseUploadMixin, field_label
from documents.forms import ReleaseAdminForm
from documents.models import Job, Region, Release, Section
from documents.section_analysis import FAILED_KEY, failed_sections_warning
from documents.services import Outcome, note_corrections, replace_text


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


class RegionWithReleasesFilter(admin.SimpleListFilter):
    """Releases of one region (regions with releases, in the chosen province if there is one)."""

    title = _("地区")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        regions = Region.objects.filter(releases__isnull=False).distinct().order_by("code")
        province = request.GET.get(ProvinceFilter.parameter_name, "")
        if province.isdigit() and province != "000000":
            regions = regions.filter(code__startswith=province[:2])
        return [(r.code, r.place_label) for r in regions.select_related("parent__parent")]

    def queryset(self, request, queryset):
        code = self.value()
        return queryset.filter(region__code=code) if code else queryset


class IssuerFilter(admin.SimpleListFilter):
    """Releases of one issuing authority, among the most frequent (in the chosen province)."""

    title = _("发文机关")
    parameter_name = "issuer"
    #: Enough for every department of a province; rarer issuers are found through search.
    SHOWN = 30

    def lookups(self, request, model_admin):
        releases = Release.objects.exclude(issuer="")
        province = request.GET.get(ProvinceFilter.parameter_name, "")
        if province == "000000":
            releases = releases.filter(region__code=province)
        elif province.isdigit():
            releases = releases.filter(region__code__startswith=province[:2])
        top = (
            releases.values("issuer").annotate(n=Count("pk")).order_by("-n", "issuer")[: self.SHOWN]
        )
        return [(row["issuer"], f"{row['issuer']} ({row['n']})") for row in top]

    def queryset(self, request, queryset):
        issuer = self.value()
        return queryset.filter(issuer=issuer) if issuer else queryset


#: A release with any of these details still wants a person to look at it.
_DOUBTS = (
    Q(details__flags__0__isnull=False)
    | Q(details__warnings__0__isnull=False)
    | Q(**{f"details__{FAILED_KEY}__0__isnull": False})
)


class DoubtFilter(admin.SimpleListFilter):
    """Releases whose parse left warnings or flagged fields (待核对), or none."""

    title = _("解析警告")
    parameter_name = "doubts"

    def lookups(self, request, model_admin):
        return [("yes", _("有待核对")), ("no", _("无警告"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_DOUBTS)
        if self.value() == "no":
            return queryset.exclude(_DOUBTS)
        return queryset


def doubts_of(release: Release) -> list[str]:
    """A release's open doubts as lines: flagged fields first, then the other warnings."""
    details = release.details or {}
    lines = [
        f"{field_label(flag.get('field', ''))}：{flag.get('message', '')}"
        for flag in details.get("flags", [])
    ]
    flagged = {flag.get("message") for flag in details.get("flags", [])}
    lines += [w for w in details.get("warnings", []) if w not in flagged]
    failed = failed_sections_warning(release)
    return [*lines, failed] if failed else lines


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
class ReleaseAdmin(ReleaseUploadMixin, admin.ModelAdmin):
    form = ReleaseAdminForm
    list_display = (
        "title",
        "region",
        "kind",
        "published",
        "status",
        "doubts",
        "section_total",
        "indexing",
    )
    list_filter = (
        "status",
        "kind",
        "validity",
        DoubtFilter,
        IssuerFilter,
        ProvinceFilter,
        RegionWithReleasesFilter,
        YearFilter,
        "region__level",
    )
    search_fields = (
        "title",
        "subtitle",
        "doc_number",
        "issuer",
        "region__name",
        "source",
        "original_name",
    )
    actions = ("publish", "unpublish", "reparse", "analyse")
    date_hierarchy = "published"
    autocomplete_fields = ("region",)
    readonly_fields = (
        "index_status",
        "content_hash",
        "original_link",
        "original_encoding",
        "created",
        "updated",
    )
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "region", "kind", "status")}),
        (
            _("文件信息"),
            {
                "fields": (
                    "issuer",
                    "doc_number",
                    ("written", "written_precision"),
                    "validity",
                    "source_url",
                    "speaker",
                )
            },
        ),
        (
            _("日期与来源"),
            {
                "fields": (
                    ("published", "published_precision"),
                    "published_text",
                    "source",
                    "author",
                    "editor",
                )
            },
        ),
        (_("正文"), {"fields": ("text",)}),
        (
            _("原始文件与检索"),
            {
                "fields": (
                    "original_link",
                    "original_encoding",
                    "content_hash",
                    "index_status",
                    "created",
                    "updated",
                )
            },
        ),
    )
    inlines = [SectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region").annotate(n=Count("sections"))

    def save_model(self, request, obj, form, change) -> None:
        """Save the fields; an edited text is re-split into sections (and re-indexed).

        Corrected fields are noted, so their flags go and a re-parse leaves them alone.
        """
        if change:
            note_corrections(obj, form.changed_data)
        super().save_model(request, obj, form, change)
        if change and "text" in form.changed_data:
            result = replace_text(obj, form.cleaned_data["text"])
            if result.outcome is not Outcome.IMPORTED:  # checked by the form; a race lands here
                raise ValueError(result.message)
            self.message_user(
                request,
                _("正文已更改：重新分为 %(n)d 段。") % {"n": obj.sections.count()},
                messages.INFO,
            )

    @admin.display(description=_("段落数"), ordering="n")
    def section_total(self, obj: Release) -> int:
        return obj.n

    @admin.display(description=_("待核对"))
    def doubts(self, obj: Release) -> str:
        """⚠ and how many doubts the parse left, their messages as the tooltip."""
        lines = doubts_of(obj)
        if not lines:
            return "—"
        return format_html(
            '<span class="release-doubts" title="{}">⚠ {}</span>', "\n".join(lines), len(lines)
        )

    @admin.display(description=_("检索"))
    def indexing(self, obj: Release) -> str:
        """✓ indexed, ✗ error, … waiting; drafts are not in search at all."""
        if obj.index_error:
            return format_html('<span title="{}">✗ {}</span>', obj.index_error, _("出错"))
        if not obj.is_published:
            return "—"
        if obj.indexed_at is None or obj.indexed_at < obj.updated:
            return str(_("待更新"))
        return "✓"

    @admin.display(description=_("检索索引"))
    def index_status(self, obj: Release) -> str:
        if obj.pk is None:
            return "—"
        indexed = obj.indexed_sections  # what the index took, as ``search`` recorded it
        expected = obj.sections.count() if obj.is_published else 0
        when = (
            timezone.localtime(obj.indexed_at).strftime("%Y-%m-%d %H:%M:%S")
            if obj.indexed_at
            else "—"
        )
        state = _("已收录 %(n)s/%(m)d 段（最近更新 %(when)s）") % {
            "n": "?" if indexed is None else indexed,
            "m": expected,
            "when": when,
        }
        if obj.index_error:
            return format_html("{}<br><strong>{}</strong> {}", state, _("错误："), obj.index_error)
        return state

    @admin.display(description=_("原始文件"))
    def original_link(self, obj: Release) -> str:
        if not obj.original:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            f"{obj.get_absolute_url()}original/",
            obj.original_name or obj.original.name,
        )

    @admin.action(description=_("发布所选发布稿"), permissions=["change"])
    def publish(self, request, queryset) -> None:
        self._set_status(request, queryset, Release.Status.PUBLISHED)

    @admin.action(description=_("撤回所选发布稿（改为草稿）"), permissions=["change"])
    def unpublish(self, request, queryset):
        """After confirmation: drafts disappear from search and from the public pages."""
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/documents/release/unpublish_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": _("确认撤回"),
                    "releases": queryset.filter(status=Release.Status.PUBLISHED),
                    "queryset": queryset,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        self._set_status(request, queryset, Release.Status.DRAFT)
        return None

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
    def reparse(self, request, queryset):
        """As a background job: a selection of hundreds takes longer than a request may."""
        return self._job_for_selection(request, queryset, Job.Kind.REPARSE)

    @admin.action(description=_("重新分析所选发布稿的主题与数据"), permissions=["change"])
    def analyse(self, request, queryset):
        """Topics and figures again, after a thesaurus edit: a background job, like re-parse."""
        return self._job_for_selection(request, queryset, Job.Kind.ANALYSE)

    def _job_for_selection(self, request, queryset, kind: str) -> HttpResponseRedirect:
        """Start a job of ``kind`` over the selected releases and open its page."""
        ids = sorted(queryset.values_list("pk", flat=True))
        label = ngettext("%(n)d 篇发布稿", "%(n)d 篇发布稿", len(ids)) % {"n": len(ids)}
        job = jobs.submit(kind, label=label, user=request.user, total=len(ids), release_ids=ids)
        return HttpResponseRedirect(job.get_absolute_url())
