"""A varied model of the furniture real government portals wrap around a release.

Staff copy pages with the site's toolbar, breadcrumb, share buttons, dateline, photo credits,
editor line, "related" blocks, link hashes and footer still attached. Each family below draws
from several real layouts and spellings — Simplified (mainland portals) or Traditional (Taiwan
portals) vocabulary, full- or half-width colons — so a rule that learns one template fails.
Every generator returns the exact lines it produced, which the variant records as furniture.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from documents import gazetteer as gz

#: The families, in the order the report lists them.
FAMILIES = (
    "toolbar",
    "breadcrumb",
    "share",
    "source_next_line",
    "dateline",
    "photo_credit",
    "editor",
    "attachments",
    "links",
    "hash",
    "footer",
    "title_repeat",
    "nav",
)

_NAMES_S = [
    "王磊",
    "李娜",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵敏",
    "黄涛",
    "周婷",
    "吴刚",
    "徐丽",
    "孙浩",
    "马骏",
    "朱琳",
    "胡斌",
    "郭佳",
    "何静",
    "高翔",
]
_NAMES_T = [
    "王志明",
    "林怡君",
    "陳建宏",
    "張雅婷",
    "李宗翰",
    "黃淑芬",
    "吳家豪",
    "劉美玲",
    "蔡明哲",
    "楊佩珊",
    "許文彥",
    "鄭雅文",
]
_ICP = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "蜀", "52": "黔",
    "53": "滇", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Site:
    """The portal a copy came from: its owner, outlet and wording."""

    traditional: bool
    owner: str  # 主办单位 / the site's name
    outlet: str  # what 来源 names
    place: str  # the short place name used in column names (某省要闻)
    icp: str  # the ICP prefix (京, 沪 …)


def site_for(rng: random.Random, *, traditional: bool, region: str, province: str) -> Site:
    """A plausible portal for a document about ``region`` (names from the document's truth)."""
    if traditional and region.endswith("市"):  # a city's own site (臺南市 …)
        owner = rng.choice([f"{region}政府", f"{region}政府全球資訊網"])
        outlet = rng.choice(["新聞及國際關係處", "中央通訊社", owner])
        return Site(True, owner, outlet, region.removesuffix("市"), "")
    if traditional:  # the central government's sites
        owner = rng.choice(["行政院", "行政院公報資訊網", "行政院全球資訊網"])
        outlet = rng.choice(["行政院公報", "中央通訊社", owner])
        return Site(True, owner, outlet, "行政院", "")
    place = gz.lookup(region) if region else None
    prov = gz.lookup(province) if province else None
    name = place.name if place else (prov.name if prov else gz.NATION_NAME)
    short = (place.short_name if place else "") or name
    code = (place or prov).code if (place or prov) else gz.NATION_CODE
    if code == gz.NATION_CODE:
        owner = rng.choice(["中国政府网", "中华人民共和国中央人民政府门户网站", "国务院公报"])
        outlet = rng.choice(["新华社", "中国政府网", "人民日报", "国务院办公厅"])
        return Site(False, owner, outlet, "全国", "京")
    owner = rng.choice([f"{name}人民政府", f"{name}人民政府门户网站", f"{name}人民政府办公厅"])
    outlet = rng.choice([f"{short}日报", f"{name}人民政府网站", f"{short}发布", f"{short}新闻网"])
    return Site(False, owner, outlet, short, _ICP.get(code[:2], "京"))


def colon(rng: random.Random) -> str:
    return rng.choice(["：", ":", "："])


def toolbar(rng: random.Random, site: Site) -> list[str]:
    c = colon(rng)
    if site.traditional:
        options = [
            f"友善列印 字級{c}小 中 大 回上一頁",
            "【字級：大 中 小】【列印】【關閉】",
            "回上一頁 | 友善列印 | 轉寄好友",
            f"列印 分享 字級設定{c}小 中 大",
        ]
    else:
        options = [
            f"下载 打印 全屏 收藏 【字号{c}加大 还原 减小】",
            f"【字体{c}大 中 小】 【打印】 【关闭】",
            f"字号{c}大 中 小 | 打印本页 | 关闭窗口",
            "【字号 大 中 小】【打印】【收藏】【关闭】",
            f"[ 字号{c}T | T ] [ 打印 ] [ 关闭 ]",
            "【打印本页】【关闭窗口】",
        ]
    return [rng.choice(options)]


def breadcrumb(rng: random.Random, site: Site) -> list[str]:
    sep = rng.choice([" > ", " ＞ ", " » ", " / ", ">", " -> "])
    if site.traditional:
        paths = [
            ["首頁", "市政新聞"],
            ["首頁", "最新消息", "新聞稿"],
            ["現在位置：首頁", "公報資訊"],
            ["首頁", "政府資訊公開", "法規命令"],
        ]
    else:
        paths = [
            ["首页", "政务公开", "政策文件"],
            ["首页", "新闻中心", f"{site.place}要闻"],
            ["当前位置：首页", "政务信息"],
            ["您现在的位置：首页", "信息公开", "法规文件"],
            ["首页", "政策", "最新政策"],
            ["首页", "政务公开", "法规规章"],
        ]
    return [sep.join(rng.choice(paths))]


def share(rng: random.Random, site: Site) -> list[str]:
    c = colon(rng)
    if site.traditional:
        return [
            rng.choice([f"分享至{c}Facebook LINE Twitter", f"分享{c}FB LINE", "分享到 Facebook"])
        ]
    return [
        rng.choice(
            [
                f"分享到{c}微信 微博",
                f"分享到{c}",
                "扫一扫在手机打开当前页",
                f"分享{c}QQ空间 新浪微博 微信",
            ]
        )
    ]


def source_next_line(rng: random.Random, site: Site) -> list[str]:
    label = (
        rng.choice(["資料來源", "來源"]) if site.traditional else rng.choice(["来源", "信息来源"])
    )
    return [label + colon(rng), site.outlet]


def dateline(rng: random.Random, site: Site, published: str) -> list[str]:
    """A dateline stating the true publication date (or none when the source does not say)."""
    c = colon(rng)
    count = rng.randint(37, 98765)
    day = published if len(published) == 10 else ""
    clock = f" {rng.randint(8, 18):02d}:{rng.choice(['00', '15', '30', '42'])}"
    if site.traditional:
        roc = f"{int(day[:4]) - 1911}-{day[5:7]}-{day[8:]}" if day else ""
        options = [
            f"發布日期{c}{roc} 點閱次數{c}{count}" if day else f"點閱次數{c}{count}",
            f"發布時間{c}{day.replace('-', '/')}{clock} 資料來源{c}{site.outlet} 瀏覽人次{c}{count}"
            if day
            else f"資料來源{c}{site.outlet} 瀏覽人次{c}{count}",
            f"更新日期{c}{day.replace('-', '/')}" if day else f"瀏覽人次{c}{count}",
        ]
    else:
        cn = f"{day[:4]}年{day[5:7]}月{day[8:]}日" if day else ""
        options = [
            f"发布时间{c}{day}{clock} 来源{c}{site.outlet} 点击数{c}{count}"
            if day
            else f"来源{c}{site.outlet} 点击数{c}{count}",
            f"时间{c}{day} 来源{c}{site.outlet} 浏览次数{c}{count}"
            if day
            else f"来源{c}{site.outlet} 浏览次数{c}{count}",
            f"发布日期{c}{cn}  信息来源{c}{site.outlet}  【字体{c}大 中 小】"
            if day
            else f"信息来源{c}{site.outlet}  【字体{c}大 中 小】",
            f"{day}{clock}:00 来源{c}{site.outlet}" if day else f"来源{c}{site.outlet} 作者{c}",
        ]
    return [rng.choice(options)]


def photo_credit(rng: random.Random, site: Site) -> list[str]:
    if site.traditional:
        name = rng.choice(_NAMES_T)
        options = [f"記者 {name} 攝", f"（圖／{site.outlet}提供）", f"照片來源：{site.outlet}"]
    else:
        name = rng.choice(_NAMES_S)
        options = [
            f"{site.outlet}记者 {name} 摄",
            f"{name}／摄",
            f"摄影：{name}",
            f"（记者 {name} 摄）",
        ]
    return [rng.choice(options)]


def editor(rng: random.Random, site: Site) -> list[str]:
    c = colon(rng)
    if site.traditional:
        name = rng.choice(_NAMES_T)
        return [rng.choice([f"責任編輯{c}{name}", f"編輯{c}{name}", f"（責任編輯{c}{name}）"])]
    name = rng.choice(_NAMES_S)
    return [
        rng.choice(
            [
                f"责任编辑{c}{name}",
                f"（责任编辑{c}{name}）",
                f"【责任编辑{c}{name}】",
                f"责编{c}{name}",
            ]
        )
    ]


def attachments(rng: random.Random, site: Site) -> list[str]:
    if site.traditional:
        return [rng.choice(["相關附件", "附件下載：", "相關檔案下載"])]
    return [rng.choice(["相关附件>>", "相关附件：", "附件下载", "相关附件 >>"])]


def links(rng: random.Random, site: Site) -> list[str]:
    if site.traditional:
        return [rng.choice(["相關連結", "相關連結："]), f"{site.owner} | 行政院 | 總統府"]
    head = rng.choice(["相关链接>>", "相关链接：", "相关阅读", "相关链接"])
    return [
        head,
        rng.choice(["中国政府网 | 国务院部门网站 | 地方政府网站", f"{site.owner} | 中国政府网"]),
    ]


def link_hash(rng: random.Random, site: Site) -> list[str]:
    hexes = f"{rng.getrandbits(128):032x}"
    return [rng.choice([hexes, "#", "[#]", f"#{hexes[:8]}", "javascript:void(0);"])]


def footer(rng: random.Random, site: Site) -> list[str]:
    c = colon(rng)
    year = rng.randint(2015, 2025)
    if site.traditional:
        phone = f"0{rng.randint(2, 8)}-{rng.randint(2000000, 9999999)}"
        lines = [
            f"{site.owner} 版權所有 © {year} All Rights Reserved",
            f"地址{c}{site.owner.removesuffix('全球資訊網')}秘書處 電話{c}{phone}",
            "最佳瀏覽解析度 1280x800",
            "隱私權保護政策 | 資訊安全政策 | 政府網站資料開放宣告",
        ]
    else:
        code = f"{rng.randint(1000000000, 9999999999)}"
        lines = [
            f"主办单位{c}{site.owner}  承办{c}{site.owner.removesuffix('门户网站')}办公厅信息中心",
            f"网站标识码{c}{code}  {site.icp}ICP备{rng.randint(10000000, 99999999)}号",
            f"{site.icp}公网安备 {rng.randint(10**13, 10**14 - 1)}号",
            f"版权所有{c}{site.owner}",
            "联系我们 | 网站地图 | 隐私声明 | 网站纠错",
        ]
    start = rng.randint(0, 1)
    return lines[start : start + rng.randint(2, len(lines) - start)]


def nav(rng: random.Random, site: Site) -> list[str]:
    if site.traditional:
        items = ["首頁", "市政新聞", "施政資訊", "便民服務", "政府資訊公開", "雙語網站"]
    else:
        items = ["首页", "政务公开", "政务服务", "互动交流", f"走进{site.place}", "数据发布"]
    return items[: rng.randint(4, len(items))]
