"""Forms of the release admin: the upload, the preview that corrects detected metadata, edits."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from documents.ingest import IngestError, ParsedRelease, parse_text
from documents.models import Region, Release, is_web_url
from documents.services import EDITABLE_FIELDS, SUPPORTED_SUFFIXES
from documents.upload_handlers import RefusedUpload


class ReleaseTextField(forms.CharField):
    """A release text from a textarea: CRLF from the browser is not a change of text."""

    def to_python(self, value: Any) -> str:
        return normalise_newlines(super().to_python(value)).strip()

    def has_changed(self, initial: Any, data: Any) -> bool:
        return normalise_newlines(initial or "").strip() != self.to_python(data)


class UploadForm(forms.Form):
    """One file: a release (.txt/.html/.docx/.pdf) or a bulk file of releases (.csv/.jsonl)."""

    file = forms.FileField(
        label=_("文件"),
        required=False,  # a missing file may have been dropped as too large: said below
        allow_empty_file=True,  # refused below, with a message that names the file
        help_text=_(
            "文本（UTF-8、GB18030/GBK、Big5 自动识别）、网页 .html、Word .docx、PDF，"
            "或批量文件 .csv / .jsonl（每行一篇）。"
        ),
    )

    def __init__(self, *args: Any, refused: RefusedUpload | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused = refused

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None and self.refused is not None:
            refused = self.refused
            raise too_large(refused.name, refused.received, refused.limit, complete=False)
        if upload is None:
            raise forms.ValidationError(_("请选择要上传的文件。"), code="required")
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            supported = "、".join(sorted(SUPPORTED_SUFFIXES))
            raise forms.ValidationError(
                _("不支持的文件类型“%(suffix)s”。可上传：%(supported)s。"),
                params={"suffix": suffix or _("无扩展名"), "supported": supported},
                code="unsupported",
            )
        limit = settings.PORTAL_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise too_large(upload.name, upload.size, limit, complete=True)
        if upload.size == 0:
            raise forms.ValidationError(
                _("“%(name)s”文件为空（0 字节）。"), params={"name": upload.name}, code="empty"
            )
        return upload


def too_large(name: str, size: int, limit: int, *, complete: bool) -> forms.ValidationError:
    """“Too large”, with the size (or “more than” it, for a file dropped mid-upload)."""
    message = (
        _("“%(name)s”太大（%(size)s），上限是 %(limit)s。")
        if complete
        else _("“%(name)s”太大（超过 %(size)s），上限是 %(limit)s，已停止接收。")
    )
    params = {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
    return forms.ValidationError(message, params=params, code="too_large")


class BulkDecisionForm(forms.Form):
    """What to do with a staged bulk file after its dry-run report."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


_WIDE = forms.TextInput(attrs={"class": "vTextField"})


def _source_url_field() -> forms.URLField:
    """原文链接, the same in the preview and on the change page (https assumed when omitted)."""
    return forms.URLField(
        label=_("原文链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )


class ReleaseFieldsForm(forms.Form):
    """The metadata of one upload, as detected, for a person to check and correct."""

    title = forms.CharField(label=_("标题"), max_length=300, widget=_WIDE)
    subtitle = forms.CharField(label=_("副标题"), max_length=500, required=False, widget=_WIDE)
    region = forms.ModelChoiceField(
        label=_("地区"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("输入地名或区划代码查找；不选则显示为“地区不详”。"),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=Release.KindChoices.choices)
    published = forms.DateField(
        label=_("发布日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("只知道年或月时，填该年（月）的第一天并选择相应的精度。"),
    )
    published_precision = forms.ChoiceField(
        label=_("日期精度"), choices=Release.PrecisionChoices.choices
    )
    issuer = forms.CharField(label=_("发文机关"), max_length=200, required=False, widget=_WIDE)
    doc_number = forms.CharField(
        label=_("文号"),
        max_length=100,
        required=False,
        widget=_WIDE,
        help_text=_("如 国办发〔2024〕3号"),
    )
    written = forms.DateField(
        label=_("成文日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    written_precision = forms.ChoiceField(
        label=_("成文日期精度"), choices=Release.PrecisionChoices.choices
    )
    validity = forms.ChoiceField(
        label=_("时效性"), choices=Release.ValidityChoices.choices, required=False
    )
    speaker = forms.CharField(
        label=_("报告人/讲话人"), max_length=120, required=False, widget=_WIDE
    )
    source = forms.CharField(label=_("来源"), max_length=200, required=False, widget=_WIDE)
    source_url = _source_url_field()
    author = forms.CharField(label=_("作者"), max_length=300, required=False, widget=_WIDE)
    editor = forms.CharField(label=_("编辑"), max_length=200, required=False, widget=_WIDE)
    text = ReleaseTextField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "vLargeTextField"}),
        help_text=_("改动正文后，将按改动后的文字重新分段。"),
    )

    def __init__(self, *args: Any, admin_site: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.widget = AutocompleteSelect(Release._meta.get_field("region"), admin_site)
        region.widget.choices = region.choices

    @staticmethod
    def initial_for(parsed: ParsedRelease) -> dict[str, Any]:
        """The form's starting values: what the pipeline detected."""
        meta = parsed.metadata
        return {
            "title": meta.title[:300],
            "subtitle": meta.subtitle[:500],
            "region": detected_region(parsed),
            "kind": meta.kind.value,
            "published": meta.published.value,
            "published_precision": meta.published.precision.value,
            "source": meta.source[:200],
            "author": meta.author[:300],
            "editor": meta.editor[:200],
            "issuer": meta.issuer[:200],
            "doc_number": meta.doc_number[:100],
            "written": meta.written.value,
            "written_precision": meta.written.precision.value,
            "validity": meta.validity.value,
            "source_url": meta.source_url[:500] if is_web_url(meta.source_url) else "",
            "speaker": meta.speaker[:120],
            "text": parsed.body_text,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for date_field in ("published", "written"):
            _match_precision(data, date_field)
        return data

    def edited_text(self, parsed: ParsedRelease) -> ParsedRelease | None:
        """The text re-parsed if the person changed it (None if unchanged); form errors else."""
        text = self.cleaned_data["text"]
        if text == parsed.body_text.strip():
            return None
        try:
            return parse_text(text, title_hint=self.cleaned_data["title"])
        except IngestError as exc:
            self.add_error("text", str(exc))
            return None

    def edits(self, parsed: ParsedRelease) -> dict[str, Any]:
        """Fields for ``store_release``; the written date is kept only if the date is."""
        data = self.cleaned_data
        edits = {name: value for name, value in data.items() if name in EDITABLE_FIELDS}
        if data["published"] != parsed.metadata.published.value:
            edits["published_text"] = ""
        return edits


class ReleaseAdminForm(forms.ModelForm):
    """The change form: an edited text must still parse and must not repeat another release."""

    text = ReleaseTextField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "vLargeTextField"}),
        help_text=_("改动正文后保存，将按新文字重新分段并更新检索。"),
    )

    source_url = _source_url_field()

    class Meta:
        model = Release
        fields = "__all__"  # noqa: DJ007 - the admin chooses which fields it shows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _match_precision(data, "written")
        return data

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if "text" not in self.changed_data:
            return text
        try:
            parsed = parse_text(text, title_hint=self.cleaned_data.get("title", ""))
        except IngestError as exc:
            raise forms.ValidationError(str(exc), code="unparsable") from exc
        clash = Release.objects.filter(content_hash=parsed.content_hash)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            other = clash.first()
            raise forms.ValidationError(
                _("改动后的正文与发布稿 #%(pk)s“%(title)s”相同。"),
                params={"pk": other.pk, "title": other.title},
                code="duplicate",
            )
        return text


def _match_precision(data: dict[str, Any], name: str) -> None:
    """No date, no precision; a date whose precision says “unknown” is taken as exact."""
    precision = f"{name}_precision"
    if name not in data or precision not in data:
        return
    unknown = Release.PrecisionChoices.UNKNOWN
    if data[name] is None:
        data[precision] = unknown
    elif data[precision] == unknown:
        data[precision] = Release.PrecisionChoices.DAY


def detected_region(parsed: ParsedRelease) -> Region | None:
    """The stored region the pipeline detected for a release, if any."""
    guess = parsed.metadata.region
    return Region.objects.filter(code=guess.code).first() if guess else None


def normalise_newlines(text: str) -> str:
    """Browsers send CRLF from a textarea; the stored text uses LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
