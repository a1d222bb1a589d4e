"""What a page or a bulk row says about itself, carried to metadata detection as evidence.

Government pages state their own metadata — ``<meta name="ArticleTitle">``, ``PubDate``,
``ContentSource``, ``og:`` tags, gov.cn's 信息索引表 (索引号, 主题分类, 发文机关, 成文日期, 标题,
发文字号, 发布日期) — and bulk exports carry it in columns. That beats any reading of the text,
so extractors fill a ``PageHints`` and detection prefers a hint it can read over its own guess.
Values are kept as the source writes them; detection parses and reports what it cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class PageHints:
    """Metadata stated by the page or the row, each value as written ('' when not stated)."""

    title: str = ""
    subtitle: str = ""
    published: str = ""  # 发布日期 / PubDate, as written
    updated: str = ""  # 更新日期: the page's last change, a publication date only failing any other
    written: str = ""  # 成文日期, as written
    source: str = ""  # 来源 / ContentSource: the outlet or site
    issuer: str = ""  # 发文机关
    doc_number: str = ""  # 发文字号 / 文号
    region: str = ""  # a place name or a six-digit code
    url: str = ""  # the page's own address (canonical, og:url)
    subject: str = ""  # 主题分类
    index_no: str = ""  # 索引号
    validity: str = ""  # 时效性 / 效力: 现行有效, 已修改, 已废止 …
    category: str = ""  # the site's own category or column (政策解读, 政府工作报告 …)
    author: str = ""
    editor: str = ""

    def merged(self, other: PageHints) -> PageHints:
        """These hints, with the gaps filled from ``other``."""
        return replace(
            self,
            **{f.name: getattr(other, f.name) for f in fields(self) if not getattr(self, f.name)},
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NO_HINTS = PageHints()
