"""Is this line page furniture? Recognised by what it is, not by a list of lines seen once.

A release copied from a government portal carries the site around it: toolbars
(``下载 打印 全屏 收藏 【字号：加大 还原 减小】``), breadcrumbs (``首页 > 政务公开``,
``> 某省要闻``), share rows, view counters, link lists (``相关附件>>``), link hashes,
footers (``主办单位：… 网站标识码 … ICP备``) and
photo credits (``某报记者 某某 摄``). Each family has a shape:

- a toolbar or share row is a line *made of* widget words — every token short and from the
  vocabulary of page controls — so a sentence that mentions 下载 is never one;
- a breadcrumb is short segments joined by ``>``/``»``/``›``/``/`` with no sentence punctuation;
- a link line ends in ``>>``/``》》`` or is an address or a hash, with no Han prose around it;
- a footer line names the site's owner, licence or registration (``版权所有``, ``ICP备``);
- a credit names who took a photograph (``摄``, ``图/``) in a line too short to be a sentence.

All tests take folded text (NFKC, Simplified), so Traditional pages match the same rules.
"""

from __future__ import annotations

import re
from enum import StrEnum

from documents.ingest import patterns as pt


class Family(StrEnum):
    """What kind of furniture a line is."""

    TOOLBAR = "toolbar"
    BREADCRUMB = "breadcrumb"
    LINK = "link"
    FOOTER = "footer"
    CREDIT = "credit"


# Page controls: print, download, font size, share targets, navigation, accessibility modes.
_WIDGET_VOCABULARY = (
    "下载 立即下载 点击下载 下载附件 下载全文 下载文档 附件下载 打印 打印本页 "
    "打印此页 打印文章 打印正文 全屏 全屏阅读 全屏浏览 收藏 收藏本页 加入收藏 "
    "我要收藏 关闭 关闭窗口 关闭本页 关闭页面 纠错 我要纠错 字号 字体 "
    "字号大小 大 中 小 默认 特大 超大 增大 减小 加大 放大 缩小 还原 标准 "
    "A+ A- A 分享 分享到 分享至 转发 复制链接 复制网址 微信 微博 "
    "QQ空间 QQ好友 QQ 朋友圈 新浪微博 腾讯微博 豆瓣 扫一扫 手机扫一扫 "
    "扫码 二维码 手机阅读 手机版 移动版 语音播报 朗读 播报 听新闻 阅读 返回 "
    "返 回 回首页 返回首页 首页 回顶部 返回顶部 顶部 TOP Top top "
    "返回列表 返回上一页 上一页 下一页 查看全文 点击查看全文 阅读全文 展开全文 "
    "全文阅读 查看原文 阅读原文 原文链接 打开 进入 无障碍 无障碍浏览 长者模式 "
    "关怀版 适老化 English 繁体 简体 繁体版 简体版 繁 简 登录 注册 "
    "收起 展开 更多 点赞 评论 留言 我要留言 我要咨询 网站地图 联系我们 "
    "设为首页 保存 视力保护色 "
)
# Taiwan portals' words for the same controls (folded: Traditional already Simplified).
_WIDGET_VOCABULARY_TW = (
    "列印 友善列印 全萤幕 字级 转寄 加入书签 回上一页 回上页 回列表 回顶端 分享至 社群分享 "
    "FB LINE Line Facebook Twitter Plurk X 相关附件 相关附件下载 相关连结 相关链接 字级设定 "
    "相关档案下载 档案下载 相关档案 "
)
_WIDGET_WORDS = frozenset((_WIDGET_VOCABULARY + _WIDGET_VOCABULARY_TW).split())
_TOKEN_SPLIT = re.compile(r"[\s【】\[\]|｜/｜·•:：,，;；()（）<>《》]+")
_BREADCRUMB_SEP = re.compile(r"\s*(?:>>?|»|›|→|＞|->|=>|/)\s*")
_BREADCRUMB_START = re.compile(
    r"^(?:>|»|›|当前位置|您的位置|您现在的位置|现在位置|所在位置|目前位置)[:：\s>]*"
)
# ``更多>>``, ``相关链接》》``, ``更多 >``: a link's arrow, never the end of a tag (``<svg …>``).
_LINK_END = re.compile(r"(?:>>|》》|»|(?<=[\u4e00-\u9fff\s])>)\s*$")
_URL = re.compile(r"^(?:https?://|www\.|javascript:)\S*$", re.IGNORECASE)
_HASH = re.compile(
    r"^#?[0-9a-fA-F]{16,}$|^#[\w-]{0,40}$|^[A-Za-z0-9_-]{24,}={0,2}$|^[\[【(（]\s*#\s*[\]】)）]$"
)
# A row of site links separated by bars (``中国政府网 | 国务院部门网站 | 地方政府网站``).
_BAR = re.compile(r"\s*[|｜]\s*")
_FOOTER = re.compile(
    r"版权所有|版权归|copyright|©|\(c\)\s*\d{4}|ICP备|ICP证|公网安备|网站标识码|网站识别码|"
    r"地址[:：].{2,60}电话[:：]|浏览解析度|解析度\s*\d{3,4}\s*[x×*]|"
    r"主办单位[:：]|承办单位[:：]|主办[:：]|承办[:：]|技术支持[:：]|运行维护[:：]|运维[:：]|"
    r"建议使用.{0,20}浏览器|分辨率|网站声明|隐私声明|政府网站找错",
    re.IGNORECASE,
)
_NAME = r"[\u4e00-\u9fff·]{2,5}"
_CREDIT = re.compile(
    rf"^[(（]?\s*(?:[^\s，。；;]{{0,12}}(?:记者|通讯员|摄影师?|摄影记者)\s*{_NAME}(?:\s*[、\s]\s*{_NAME}){{0,3}}"
    rf"\s*|{_NAME}(?:\s*[、\s]\s*{_NAME}){{0,3}}\s+)摄(?:影)?\s*[)）]?$"
    r"|^[(（]?\s*(?:图|图片|摄影|图片来源|供图|配图)\s*[/:：]\s*\S{2,30}[)）]?$"
    rf"|^[(（]?\s*{_NAME}(?:\s*[、\s]\s*{_NAME}){{0,3}}\s*[/／]\s*摄(?:影)?\s*[)）]?$"
)
_CREDIT_MAX = 40
# A site's own name on a line of its own (中国政府网, 某某市人民政府门户网站).
_SITE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,20}(?:门户网站|政府网|新闻网|客户端|全球资讯网)$")
_SITE_NAME_MAX = 24
_LINK_LINE_MAX = 30
_BREADCRUMB_MAX = 80
_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")
_HOME = frozenset({"首页", "网站首页", "主页", "Home", "home", "HOME"})
_BREADCRUMB_SEGMENT_MAX = 16
_BAR_SEGMENT_MAX = 24  # 中华人民共和国中央人民政府门户网站 | 中国政府网


def classify(folded: str) -> Family | None:
    """The furniture family of one folded line, or None for content."""
    line = folded.strip()
    if not line or _MARKUP.search(line):
        return None  # markup typed into a text is the text's own (pages reach us as HTML files)
    if is_widget_row(line):
        return Family.TOOLBAR
    if _is_breadcrumb(line):
        return Family.BREADCRUMB
    if _is_link_line(line):
        return Family.LINK
    if len(line) <= 160 and _FOOTER.search(line) and not pt.SENTENCE_END.search(line[-1]):
        return Family.FOOTER
    if len(line) <= _SITE_NAME_MAX and _SITE_NAME.search(line) and not pt.SENTENCE_END.search(line):
        return Family.FOOTER
    if len(line) <= _CREDIT_MAX and _CREDIT.match(line):
        return Family.CREDIT
    return None


#: A heading longer than this is prose, whatever words it holds.
_DOUBT_MAX = 20


def looks_like_furniture(folded: str) -> bool:
    """Furniture, or a short line that holds page-control words or link marks among others.

    Not enough to drop a line (``相关新闻 更多``, ``政策文件 >>``), enough to ask a person.
    """
    line = folded.strip()
    if classify(line) is not None:
        return True
    if len(line) > _DOUBT_MAX or pt.SENTENCE_END.search(line):
        return False
    tokens = [t for t in _TOKEN_SPLIT.split(line) if t]
    return ">>" in line or "》》" in line or any(t in _WIDGET_WORDS for t in tokens[1:])


def is_widget_row(line: str) -> bool:
    """A line made only of page controls (``打印 【关闭】``, ``字号：大 中 小``)."""
    tokens = [t for t in _TOKEN_SPLIT.split(line) if t]
    if not tokens:
        return bool(line) and not any(ch.isalnum() for ch in line)
    return all(t in _WIDGET_WORDS for t in tokens)


def _is_breadcrumb(line: str) -> bool:
    if len(line) > _BREADCRUMB_MAX or pt.SENTENCE_END.search(line):
        return False
    bars = [s for s in _BAR.split(line) if s.strip()]
    if len(bars) >= 2 and all(len(s) <= _BAR_SEGMENT_MAX for s in bars):
        return True
    start = _BREADCRUMB_START.match(line)
    rest = line[start.end() :] if start else line
    segments = [s for s in _BREADCRUMB_SEP.split(rest) if s.strip()]
    if start and start.group(0).strip() and len(segments) <= 8:
        return all(len(s) <= _BREADCRUMB_SEGMENT_MAX for s in segments)
    separators = len(_BREADCRUMB_SEP.findall(rest))
    if separators < 1 or len(segments) < 2:
        return False
    homeward = segments[0].strip() in _HOME
    if "/" in rest and not re.search(r"(?:>|»|›|→|＞)", rest) and separators < 2 and not homeward:
        return False  # 一/二 in prose, a date 2024/5/6: one slash is no trail (首页 / 要闻 is)
    return all(len(s) <= _BREADCRUMB_SEGMENT_MAX and not s.isdigit() for s in segments)


def _is_link_line(line: str) -> bool:
    if _URL.match(line) or _HASH.match(line):
        return True
    return len(line) <= _LINK_LINE_MAX and bool(_LINK_END.search(line)) and "《" not in line
