"""Hostile requests for the public pages and the JSON API, generated from a seed, and their run.

Whatever a client sends — huge strings, control characters, percent-escapes that are no UTF-8
(``%FF``, a lone surrogate as ``%ED%A0%80``), page numbers like ``-1``, ``²`` or 5,000 digits,
unknown or repeated parameters, markup, odd cookies and headers — the answer must be a 2xx, 3xx
or 4xx, never a 500, and quick. ``generate`` makes such requests deterministically (one seed,
one sequence), aimed by URL name at the search page, its feed, the JSON API, release and region
pages and the script switch, half of them with real ids and codes so the views get past their
lookups. ``run`` sends them through Django's test client, with exceptions turned into the 500
a client would see, and reports statuses, latencies and every crash's traceback.

Used by ``manage.py fuzz_endpoints`` and by ``tests/hostile/test_fuzz_endpoints.py``.
"""

from __future__ import annotations

import logging
import random
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from django.test import Client
from django.urls import reverse

_INT = 7_654_321  # a placeholder id, swapped for the generated path segment
_STR = "PLACEHOLDER"
#: (URL name, kind of path argument, weight): search and the API take most of the requests.
ENDPOINTS: tuple[tuple[str, str, int], ...] = (
    ("search:page", "", 24),
    ("api:search", "", 20),
    ("api:releases", "", 9),
    ("api:release", "str-id", 8),
    ("documents:release", "int", 8),
    ("documents:original", "int", 3),
    ("documents:region", "str-code", 8),
    ("documents:region_feed", "str-code", 3),
    ("search:feed", "", 5),
    ("portal:set_script", "str-script", 3),
    ("portal:home", "", 1),
    ("portal:about", "", 1),
    ("documents:regions", "", 1),
    ("documents:feed", "", 1),
    ("search:opensearch", "", 1),
    ("documents:compare", "", 8),
    ("documents:topics", "", 1),
    ("documents:topic", "str-topic", 3),
    ("search:similar", "int", 4),
)
PARAMS = (
    "q", "region", "province", "year", "kind", "speaker", "from", "to", "release", "answers",
    "scope", "within", "sort", "page", "page_size", "script", "next", "topic", "synonyms",
    "regions", "format", "issuer", "docno", "validity",
)  # fmt: skip
WORDS = (
    "营商环境", "一网通办", "高效办成一件事", "政府工作报告", "發展", "GDP", "5G", "的", "OR",
    "NOT", "-", '"', "“", "region:甘肃", "year:2024", "kind:news", "speaker:市长", "from:2024",
    "甘肃", "张掖市", "620300", "000000", "2024", "2020-2024", "2024-06", "unknown", "news",
    "press_conference", "newest", "relevance", "title", "sentence", "hans", "hant", "orig",
    "企业开办", "企業開辦", "工程建设项目审批", "topic:放管服", "金昌市,张掖市",
    "金昌，張掖市、湘潭", "qiye-kaiban", "csv", "html", "issuer:国务院办公厅",
    "文号:国办发〔2024〕3号", "docno:国办发[2024", "validity:现行有效", "current", "repealed",
)  # fmt: skip
NUMBERS = (
    "-1", "0", "1", "2", "3", "10", "100", "101", "1000", "1001", "2147483648",
    "99999999999999999999", "9" * 5000, "1e9", "1.5", "0x10", "+1", "-0", " 2", "1_0", "nan",
    "inf", "²", "①", "١٢", "１２", "",
)  # fmt: skip
NASTY = (
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "{% debug %}",
    "' OR 1=1 --", "../../../etc/passwd", "..%2F..%2F", "javascript:alert(1)", "//evil.example",
    "\\\\evil", "http://[::1", "\u202e\u2066", "\u200b\u200d\ufeff", "e\u0301\u0301\u0301",
    "😀👩‍👩‍👧", "ｇｄｐ　营商", "ｶﾞﾝﾀﾞﾑ", "\uffff\ufffe", "\ue000", "\U0010ffff", "\ud800",
    "\udfff营商", "\x00", "\x1b[31m", "\r\nSet-Cookie: x=1", "%", "%%", "*", "?", "&", "=",
)  # fmt: skip
BROKEN_ESCAPES = ("%FF", "%C0%AF", "%E4%B8", "%ED%A0%80", "%F4%90%80%80", "%", "%G1", "%u4E2D")
PATH_SEGMENTS = ("..", ".", "%2e%2e", "%00", "%FF", "%ED%A0%80", "%2F", "%5C", "~", "-1", "0")


@dataclass(frozen=True, slots=True)
class FuzzRequest:
    """One request as it would arrive: method, raw path and query string, WSGI extras."""

    method: str
    path: str  # percent-escaped, as on the wire
    query: str = ""  # raw query string, as on the wire
    environ: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    def short(self, limit: int = 200) -> str:
        """The method and URL, cut to ``limit`` characters for a report line."""
        text = f"{self.method} {self.url}"
        return text if len(text) <= limit else f"{text[: limit - 1]}…"


@dataclass(frozen=True, slots=True)
class Targets:
    """Real release ids and region codes, so requests also reach pages that exist."""

    release_ids: tuple[int, ...] = ()
    region_codes: tuple[str, ...] = ()

    @classmethod
    def from_database(cls, limit: int = 50) -> Targets:
        from documents.models import Region, Release

        ids = Release.objects.order_by("pk").values_list("pk", flat=True)[:limit]
        regions = Region.objects.order_by("code")
        codes = list(
            regions.filter(releases__isnull=False).distinct().values_list("code", flat=True)[:limit]
        )
        codes += regions.exclude(code__in=codes).values_list("code", flat=True)[:10]
        return cls(tuple(ids), tuple(codes))


def generate(count: int, seed: int, targets: Targets = Targets()) -> Iterator[FuzzRequest]:
    """``count`` requests; the same seed and targets give the same requests, in order."""
    rng = random.Random(seed)  # noqa: S311 — reproducible on purpose, no secret involved
    names = [name for name, _kind, _weight in ENDPOINTS]
    weights = [weight for _name, _kind, weight in ENDPOINTS]
    kinds = {name: kind for name, kind, _weight in ENDPOINTS}
    for number in range(count):
        name = rng.choices(names, weights)[0]
        path = _path(rng, name, kinds[name], targets)
        yield FuzzRequest(_method(rng), path, _query(rng, targets), _environ(rng, number))


def _method(rng: random.Random) -> str:
    return rng.choices(("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"), (85, 7, 4, 2, 1, 1))[0]


def _path(rng: random.Random, name: str, kind: str, targets: Targets) -> str:
    if not kind:
        return reverse(name)
    if kind == "int":
        template = reverse(name, args=[_INT])
        real = [str(pk) for pk in targets.release_ids]
        segment = rng.choice(real or ["1"]) if rng.random() < 0.5 else _int_segment(rng)
        return template.replace(str(_INT), segment)
    template = reverse(name, args=[_STR])
    real = {
        "str-id": [str(pk) for pk in targets.release_ids],
        "str-code": list(targets.region_codes),
        "str-script": ["hans", "hant", "orig"],
        "str-topic": ["qiye-kaiban", "fangguanfu", "gongcheng-shenpi", "no-such-topic"],
    }[kind]
    segment = rng.choice(real) if real and rng.random() < 0.5 else _str_segment(rng)
    return template.replace(_STR, segment)


def _int_segment(rng: random.Random) -> str:
    return rng.choice(("0", "1", "2147483648", "9" * 19, "9" * 30, "9" * 4400, "00001"))


def _str_segment(rng: random.Random) -> str:
    """Anything a ``<str:…>`` converter takes: no ``/``, everything else escaped or raw."""
    choice = rng.random()
    if choice < 0.3:
        return rng.choice(PATH_SEGMENTS) + rng.choice(("", *PATH_SEGMENTS))
    if choice < 0.6:
        return _encode(rng, _value(rng, "q", Targets()))
    return _encode(rng, rng.choice(NUMBERS + NASTY)) or "x"


def _query(rng: random.Random, targets: Targets) -> str:
    pairs = []
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6, 12))):
        key = rng.choice(PARAMS) if rng.random() < 0.85 else _value(rng, "", targets)[:20]
        pairs.append(f"{_encode(rng, key)}={_encode(rng, _value(rng, key, targets))}")
        if rng.random() < 0.1:  # the same parameter again
            pairs.append(f"{_encode(rng, key)}={_encode(rng, _value(rng, key, targets))}")
    if rng.random() < 0.05:
        pairs.append(rng.choice(("&", "=", "==", "&&", "q", "%", ";", "q=1;q=2", "+")))
    return "&".join(pairs)


def _value(rng: random.Random, key: str, targets: Targets) -> str:
    """A value for ``key``: often a sensible one (so deep code runs), else something nasty."""
    choice = rng.random()
    if choice < 0.35:
        sensible = {
            "page": NUMBERS,
            "page_size": NUMBERS,
            "release": [str(pk) for pk in targets.release_ids] or NUMBERS,
            "region": targets.region_codes or WORDS,
        }.get(key, WORDS)
        return rng.choice(sensible)
    if choice < 0.55:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    if choice < 0.7:
        return rng.choice(NUMBERS)
    if choice < 0.85:
        return rng.choice(NASTY) + rng.choice(("", *WORDS))
    if choice < 0.9:
        return "".join(chr(rng.randrange(0x20)) for _ in range(rng.randint(1, 8)))
    if choice < 0.95:
        return rng.choice("营a<\x00%") * rng.choice((501, 5000, 20000))
    return "".join(
        chr(rng.choice((rng.randrange(0x110000), rng.randrange(0x3000, 0xA000))))
        for _ in range(rng.randint(1, 12))
    )


def _encode(rng: random.Random, value: str) -> str:
    """``value`` percent-escaped as UTF-8 (lone surrogates too), in GB18030, or left raw."""
    choice = rng.random()
    raw = value.encode("utf-8", "surrogatepass")
    if choice < 0.75:
        encoded = quote(raw, safe="")
    elif choice < 0.85:
        encoded = quote(value.encode("gb18030", "replace"), safe="")
    elif choice < 0.95:
        encoded = quote(raw, safe="") + rng.choice(BROKEN_ESCAPES)
    else:  # raw bytes, as a careless client sends them (WSGI hands them over as latin-1)
        encoded = raw.decode("latin-1").replace("&", "%26").replace("#", "%23")
    return encoded


def _environ(rng: random.Random, number: int) -> tuple[tuple[str, str], ...]:
    """A client address of its own (so rate limits stay out of the way), odd headers at times."""
    shared = rng.random() < 0.02
    address = (
        "203.0.113.7" if shared else f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
    )
    extra = [("REMOTE_ADDR", address)]
    if rng.random() < 0.1:
        extra.append(("HTTP_COOKIE", f"script={rng.choice(NASTY + WORDS)}; broken; =;"))
    if rng.random() < 0.1:
        extra.append(
            ("HTTP_ACCEPT_LANGUAGE", rng.choice(("en", "zh-hant", "*", "x" * 500, "en;q=z")))
        )
    if rng.random() < 0.05:
        extra.append(("HTTP_X_FORWARDED_FOR", rng.choice(("1.2.3.4, ::1", "garbage", "", "::"))))
    if rng.random() < 0.01:
        extra.append(("HTTP_HOST", rng.choice(("evil.example", "testserver:abc", "[::1"))))
    return tuple(
        (key, value.encode("utf-8", "surrogatepass").decode("latin-1")) for key, value in extra
    )


# -- running them ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Failure:
    """A request answered with a 500, and the traceback of the exception behind it."""

    request: FuzzRequest
    status: int
    traceback: str


@dataclass(slots=True)
class Report:
    """What a run found: statuses, crashes and how long each request took."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    latencies: list[tuple[float, FuzzRequest]] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return len(self.latencies)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def slow(self, limit_ms: float) -> list[tuple[float, FuzzRequest]]:
        return [(ms, request) for ms, request in self.latencies if ms >= limit_ms]

    def percentile(self, share: float) -> float:
        ordered = sorted(ms for ms, _request in self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def slowest(self) -> tuple[float, FuzzRequest] | None:
        return max(self.latencies, key=lambda item: item[0], default=None)


def run(requests: Iterable[FuzzRequest], client: Client | None = None) -> Report:
    """Send every request; a view's exception counts as the 500 the client would get."""
    client = client or Client(raise_request_exception=False)
    report = Report()
    with _quiet_request_logs():
        for request in requests:
            started = time.perf_counter()
            response = _send(client, request)
            elapsed = (time.perf_counter() - started) * 1000
            report.latencies.append((elapsed, request))
            report.statuses[response.status_code] += 1
            if response.status_code >= 500:
                report.failures.append(Failure(request, response.status_code, _trace(response)))
    return report


def warm_up(targets: Targets = Targets()) -> list[FuzzRequest]:
    """One ordinary request per endpoint, to send (and not time) before a measured run.

    A process's first search loads the index's columns and its first page the converters and
    templates, for a second or more; that is start-up, not the latency of any request.
    """
    release = str(targets.release_ids[0]) if targets.release_ids else "1"
    region = targets.region_codes[0] if targets.region_codes else "000000"
    query = "q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"  # 营商环境
    requests = []
    for name, kind, _weight in ENDPOINTS:
        argument = {
            "int": release,
            "str-id": release,
            "str-code": region,
            "str-script": "hans",
            "str-topic": "qiye-kaiban",
        }
        path = reverse(name, args=[argument[kind]]) if kind else reverse(name)
        requests.append(FuzzRequest("GET", path, query, (("REMOTE_ADDR", "198.51.100.1"),)))
    return requests


def _send(client: Client, request: FuzzRequest):
    environ = dict(request.environ)
    environ["QUERY_STRING"] = request.query
    content_type = "application/x-www-form-urlencoded"
    return client.generic(request.method, request.path, b"", content_type, **environ)


def _trace(response) -> str:
    info = getattr(response, "exc_info", None)
    return "".join(traceback.format_exception(*info)) if info else "(no exception recorded)"


@contextmanager
def _quiet_request_logs(names: Sequence[str] = ("django.request", "django.security")):
    """Every 4xx would log a warning and every 500 a traceback: the report says it all once.

    Levels, not ``disabled``: a child logger (``django.security.DisallowedHost``) inherits its
    parent's level, but not its ``disabled`` flag.
    """
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
