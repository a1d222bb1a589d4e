"""Regions, releases and sections: what the portal stores and shows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from documents.choices import Kind, Precision, SectionKind, Validity
from documents.gazetteer import Level


class Region(models.Model):
    """An administrative division (nation, province, city or county) from the gazetteer."""

    class LevelChoices(models.TextChoices):
        NATION = Level.NATION.value, _("全国")
        PROVINCE = Level.PROVINCE.value, _("省级")
        CITY = Level.CITY.value, _("地级")
        COUNTY = Level.COUNTY.value, _("县级")

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    kind = models.CharField(_("类型"), max_length=16)
    level = models.CharField(_("级别"), max_length=8, choices=LevelChoices.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:region", args=[self.code])

    @property
    def place_label(self) -> str:
        """The name with the divisions above it (朝阳区 · 北京市), to tell namesakes apart."""
        names = [self.name]
        parent = self.parent
        while parent is not None and parent.level != Level.NATION:
            names.append(parent.name)
            parent = parent.parent
        return " · ".join(names)

    @property
    def province(self) -> Region | None:
        """The province this region belongs to (itself for a province)."""
        region: Region | None = self
        while region is not None and region.level not in (Level.PROVINCE, Level.NATION):
            region = region.parent
        return region if region is not None and region.level == Level.PROVINCE else None

    def descendant_codes_prefix(self) -> str:
        """Code prefix shared by this region and everything below it (62 for 甘肃省)."""
        if self.level == Level.PROVINCE:
            return self.code[:2]
        if self.level == Level.CITY:
            return self.code[:4]
        if self.level == Level.NATION:
            return ""
        return self.code


class BulkSignallingQuerySet(models.QuerySet):
    """A queryset whose bulk writes say which releases they touched (``rows_changed``).

    ``release_field`` names the release a row belongs to (``pk`` for releases). Updates of the
    index bookkeeping alone (``indexed_at``, ``index_error``, ``indexed_sections``) change nothing
    the index holds and are not announced: recording an index state must not schedule another sync.
    """

    release_field = "pk"
    QUIET_FIELDS = frozenset({"indexed_at", "index_error", "indexed_sections", "analysis_version"})

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) <= self.QUIET_FIELDS:
            return super().update(**kwargs)
        release_ids = set(self.values_list(self.release_field, flat=True))
        count = super().update(**kwargs)
        self._announce(release_ids)
        return count

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        self._announce({self._release_of(obj) for obj in created})
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if not set(fields) <= self.QUIET_FIELDS:
            self._announce({self._release_of(obj) for obj in objs})
        return count

    def _release_of(self, obj: Any) -> int | None:
        return obj.pk if self.release_field == "pk" else getattr(obj, "release_id", None)

    def _announce(self, release_ids: set[int | None]) -> None:
        from documents.signals import rows_changed

        ids = {pk for pk in release_ids if pk is not None}
        if ids:
            rows_changed.send(sender=self.model, release_ids=ids)


class SectionQuerySet(BulkSignallingQuerySet):
    """Sections: bulk writes announce their releases."""

    release_field = "release_id"


class ReleaseQuerySet(BulkSignallingQuerySet):
    """Common filters for releases."""

    def published(self) -> ReleaseQuerySet:
        return self.filter(status=Release.Status.PUBLISHED)

    def in_region(self, region: Region) -> ReleaseQuerySet:
        """Releases of the region and of every division below it."""
        if region.level == Level.NATION:
            return self
        return self.filter(region__code__startswith=region.descendant_codes_prefix())

    def newest_first(self) -> ReleaseQuerySet:
        return self.order_by(models.F("published").desc(nulls_last=True), "-created")


class Release(models.Model):
    """One published document: a regulation, notice, press conference, work report …"""

    # The vocabularies of ``documents.choices``, named on the model as Django code expects.
    KindChoices = Kind
    ValidityChoices = Validity
    PrecisionChoices = Precision

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    title = models.CharField(_("标题"), max_length=300)
    subtitle = models.CharField(_("副标题"), max_length=500, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="releases",
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=KindChoices.choices, default=KindChoices.OTHER
    )
    published = models.DateField(_("发布日期"), null=True, blank=True)
    published_precision = models.CharField(
        _("日期精度"),
        max_length=8,
        choices=PrecisionChoices.choices,
        default=PrecisionChoices.UNKNOWN,
    )
    published_text = models.CharField(_("原文日期"), max_length=64, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True, db_index=True)
    written = models.DateField(_("成文日期"), null=True, blank=True)
    written_precision = models.CharField(
        _("成文日期精度"),
        max_length=8,
        choices=PrecisionChoices.choices,
        default=PrecisionChoices.UNKNOWN,
    )
    validity = models.CharField(
        _("时效性"), max_length=10, choices=ValidityChoices.choices, blank=True
    )
    source_url = models.URLField(_("原文链接"), max_length=500, blank=True)
    speaker = models.CharField(_("报告人/讲话人"), max_length=120, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    author = models.CharField(_("作者"), max_length=300, blank=True)
    editor = models.CharField(_("编辑"), max_length=200, blank=True)
    text = models.TextField(_("正文"))
    content_hash = models.CharField(_("内容指纹"), max_length=64, unique=True)
    #: SHA-256 of the original bytes: the same file is caught again even after the parser
    #: changed and would read it into a different text (and so a different content hash).
    original_hash = models.CharField(
        _("原始文件指纹"), max_length=64, blank=True, db_index=True, editable=False
    )
    original = models.FileField(_("原始文件"), upload_to="originals/%Y/%m/", blank=True)
    original_name = models.CharField(_("原始文件名"), max_length=255, blank=True)
    original_encoding = models.CharField(_("原始编码"), max_length=32, blank=True)
    details = models.JSONField(_("解析信息"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    indexed_at = models.DateTimeField(_("最近编入检索"), null=True, blank=True, editable=False)
    #: Sections the index took at ``indexed_at``, recorded by ``search`` for the admin to show.
    indexed_sections = models.PositiveIntegerField(
        _("已编入检索的段落数"), null=True, blank=True, editable=False
    )
    index_error = models.TextField(_("检索索引错误"), blank=True, editable=False)
    #: Which thesaurus and figure rules tagged this release (``documents.section_analysis``).
    analysis_version = models.CharField(_("分析版本"), max_length=32, blank=True, editable=False)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-created"]
        verbose_name = _("发布稿")
        verbose_name_plural = _("发布稿")
        indexes = [
            models.Index(fields=["status", "published"], name="release_status_published"),
            # The latest edit, read by every search (``search.core.shown_sections``).
            models.Index(fields=["updated"], name="release_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The release page; remembered on the instance, as every hit of a results page asks
        for it (searches reuse release instances: ``search.core.shown_sections``)."""
        key = (self.pk, get_script_prefix())
        known = self.__dict__.get("_url")
        if known is None or known[0] != key:
            known = (key, reverse("documents:release", args=[self.pk]))
            self.__dict__["_url"] = known
        return known[1]

    @property
    def province(self) -> Region | None:
        return self.region.province if self.region else None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def source_link(self) -> str:
        """``source_url`` when it is safe to link to (http or https only), else ``""``.

        The admin form validates the URL, but imports store what a file says; a
        ``javascript:`` link must never reach a page.
        """
        return self.source_url if is_web_url(self.source_url) else ""

    @property
    def source_site(self) -> str:
        """The host of ``source_link`` (``www.gov.cn``): what a reader recognises."""
        return urlsplit(self.source_link).hostname or ""


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host: what may be stored and shown as a link."""
    parts = urlsplit(value.strip()) if value else None
    return bool(parts and parts.scheme.lower() in ("http", "https") and parts.netloc)


class Section(models.Model):
    """A heading, numbered point, paragraph group, question or answer of a release."""

    KindChoices = SectionKind  # ``documents.choices``

    release = models.ForeignKey(
        Release, verbose_name=_("发布稿"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField(_("序号"))
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    kind = models.CharField(_("类型"), max_length=12, choices=KindChoices.choices)
    heading = models.CharField(_("小标题"), max_length=300, blank=True)
    speaker = models.CharField(_("发言人/提问媒体"), max_length=120, blank=True)
    speaker_title = models.CharField(_("职务"), max_length=200, blank=True)
    text = models.TextField(_("内容"), blank=True)
    anchor = models.SlugField(_("锚点"), max_length=40)
    topics = models.ManyToManyField(
        "Topic", verbose_name=_("主题"), related_name="sections", blank=True
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["release", "order"]
        verbose_name = _("段落")
        verbose_name_plural = _("段落")
        constraints = [
            models.UniqueConstraint(fields=["release", "order"], name="section_unique_order"),
            models.UniqueConstraint(fields=["release", "anchor"], name="section_unique_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.release_id}#{self.anchor} {self.heading or self.text[:20]}"

    def get_absolute_url(self) -> str:
        return f"{self.release.get_absolute_url()}#{self.anchor}"


class Topic(models.Model):
    """A policy topic of the thesaurus (``fixtures/topics.yaml``), mirrored for joins.

    The YAML file is the source of truth; ``documents.section_analysis.sync_topics`` writes
    these rows, so pages can count and list sections per topic with one query.
    """

    slug = models.SlugField(_("标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:topic", args=[self.slug])


class Figure(models.Model):
    """A quantitative statement of a section: value, unit, what it measures and its sentence.

    Offsets are into ``section.text``, so the release page can mark the sentence and a figure
    can link to it. ``text`` is the figure exactly as written (original script).
    """

    section = models.ForeignKey(
        Section, verbose_name=_("段落"), on_delete=models.CASCADE, related_name="figures"
    )
    release = models.ForeignKey(
        Release, verbose_name=_("发布稿"), on_delete=models.CASCADE, related_name="figures"
    )
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6)
    unit = models.CharField(_("单位"), max_length=16, db_index=True)
    kind = models.CharField(_("类别"), max_length=12)
    measure = models.CharField(
        _("度量"),
        max_length=16,
        blank=True,
        db_index=True,
        help_text=_("所属度量（办理时限、环节数……），见 documents/figures/measures.py"),
    )
    certain = models.BooleanField(
        _("度量确定"), default=False, help_text=_("原文点明了度量；不确定的数字不画入图表")
    )
    text = models.CharField(_("原文"), max_length=64)
    qualifier = models.CharField(_("限定"), max_length=32, blank=True)
    subject = models.CharField(_("指标"), max_length=120, blank=True)
    period = models.CharField(_("时期"), max_length=64, blank=True)
    before = models.CharField(_("原值"), max_length=64, blank=True)
    after = models.CharField(_("变为"), max_length=120, blank=True)
    sentence = models.TextField(_("句子"))
    start = models.PositiveIntegerField(_("起点"))
    end = models.PositiveIntegerField(_("终点"))
    sentence_start = models.PositiveIntegerField(_("句子起点"))
    sentence_end = models.PositiveIntegerField(_("句子终点"))
    topics = models.ManyToManyField(
        Topic, verbose_name=_("主题"), related_name="figures", blank=True
    )

    class Meta:
        ordering = ["release", "section__order", "start"]
        verbose_name = _("数据")
        verbose_name_plural = _("数据")

    def __str__(self) -> str:
        return f"{self.subject} {self.text}".strip()

    def get_absolute_url(self) -> str:
        return f"{self.release.get_absolute_url()}#{self.sentence_anchor}"

    @property
    def sentence_anchor(self) -> str:
        """The id the release page gives this figure's sentence."""
        return f"{self.section.anchor}-s{self.sentence_start}"


class SentenceFingerprint(models.Model):
    """One sentence hash of a release (see ``documents.fingerprints``), for near-duplicates."""

    release = models.ForeignKey(
        Release, verbose_name=_("发布稿"), on_delete=models.CASCADE, related_name="fingerprints"
    )
    value = models.BigIntegerField(_("句子指纹"), db_index=True)

    class Meta:
        verbose_name = _("句子指纹")
        verbose_name_plural = _("句子指纹")
        constraints = [
            models.UniqueConstraint(fields=["release", "value"], name="fingerprint_unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.release_id}:{self.value:x}"


class Job(models.Model):
    """Work too long for a request (a bulk publish, re-parsing many releases, index repair),
    run by the task queue's worker; the row is what a person watches and what a restarted
    worker resumes from. ``done`` counts items whose results are committed, so a job killed
    mid-way starts again after them, never repeating one."""

    class Kind(models.TextChoices):
        BULK_CHECK = "bulk_check", _("批量文件检查")
        BULK_IMPORT = "bulk_import", _("批量导入")
        REPARSE = "reparse", _("重新解析")
        REPAIR_INDEX = "repair_index", _("检索索引核对与修复")
        REBUILD_INDEX = "rebuild_index", _("重建检索索引")
        ANALYSE = "analyse", _("重新分析主题与数据")
        PUBLISH_UPLOAD = "publish_upload", _("保存上传的发布稿")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    label = models.CharField(_("对象"), max_length=300, blank=True)
    token = models.CharField(max_length=32, blank=True, db_index=True)  # a staged upload's
    params = models.JSONField(default=dict, blank=True)
    state = models.JSONField(default=dict, blank=True)  # what a resumed run needs
    rows = models.JSONField(default=list, blank=True)  # one report row per item handled
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    error = models.TextField(_("错误"), blank=True)
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)  # host:pid of the worker running it
    # The submitter's interface language: the job's report rows are written in it.
    language = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("提交于"), auto_now_add=True)
    started = models.DateTimeField(_("开始于"), null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(_("结束于"), null=True, blank=True)

    class Meta:
        ordering = ("-created",)
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.label}".strip()

    def get_absolute_url(self) -> str:
        return reverse("admin:documents_job_change", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def failed(self) -> int:
        """Items that failed, as the report rows say."""
        return sum(1 for row in self.rows if row.get("outcome") == "failed")
