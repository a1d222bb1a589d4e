"""What a user could pick instead of the portal, each fed the same sections and queries.

Every peer answers a query with the full set of matching sections (what counts, facets and
"never miss" need), so latency is the time to that set and recall is measured against the
substring truth (``queries.truth``).

Each engine runs twice, so the report can tell the engine from the normalisation:

* ``<engine>`` gets what the portal works on: each section's normalised text (``Row.normalised``:
  NFKC, OpenCC t2s, case-folding, ``search.core.analysis.normalise``) and each phrase normalised
  the same way (``Phrase.normalised``, the very string the truth looks for). What it still
  misses is the engine's doing.
* ``<engine>_stock`` is the engine as usually shipped: the text as stored and each phrase as
  typed (after the query parser's NFKC, which leaves Han characters alone).

Every peer reads the whole query language the bench uses, in its engine's own terms: the AND of
groups, OR inside a group, NOT (``-x``), and the filters the truth implements (year, province or
region, kind: ``queries.RowFilter``). A query a peer cannot answer faithfully is not answered
wrongly: ``excluded(query)`` says why, and the run leaves the query out of that peer's figures
and prints the reason (``answered`` splits a query set that way).

Letters and digits: the truth reads their runs as whole words (``5g`` is not in ``15g``, as the
portal's index holds them); the scan and FTS5 find them anywhere. That only adds sections to a
positive phrase, which recall does not count; it would cost recall on an excluded phrase with a
letter or digit at an end, which no bench query has.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from quality.bench.queries import BenchQuery, Row, row_filter
from search.core.query import ParsedQuery, Phrase


class Peer:
    """An engine under test: ``build`` once, then ``matches`` per query it does not exclude.

    ``excluded`` needs no index, so it may be asked before ``build`` as well as after.
    """

    name = ""
    label = ""
    #: The engine both variants run: rows of the same engine pair up in the report.
    engine = ""
    #: True: the portal's normalised text and phrases; False: the raw text, phrases as typed.
    normalised = True

    def build(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def excluded(self, query: BenchQuery) -> str | None:
        """Why this peer cannot answer ``query`` faithfully; ``None`` when it can."""
        return None

    def matches(self, query: BenchQuery) -> set[int]:
        """Every matching section of a query ``excluded`` lets through."""
        raise NotImplementedError

    def close(self) -> None:
        return None

    def text(self, row: Row) -> str:
        """The section's text as this variant indexes it."""
        return row.normalised if self.normalised else row.raw

    def needle(self, phrase: Phrase) -> str:
        """The phrase as this variant looks for it."""
        return phrase.normalised if self.normalised else phrase.text


def answered(peer: Peer, queries: list[BenchQuery]) -> tuple[list[BenchQuery], dict[str, str]]:
    """The queries ``peer`` answers, and why it leaves out each of the others (by query text)."""
    kept: list[BenchQuery] = []
    reasons: dict[str, str] = {}
    for query in queries:
        reason = peer.excluded(query)
        if reason is None:
            kept.append(query)
        else:
            reasons[query.text] = reason
    return kept, reasons


def _phrases(parsed: ParsedQuery) -> list[Phrase]:
    """Every phrase of the query, wanted or excluded."""
    return [*parsed.positive, *parsed.excluded]


class SubstringScan(Peer):
    """The brute-force floor: every normalised section held in memory, scanned per query."""

    name = engine = "substring_scan"
    label = "substring scan (in memory)"

    def build(self, rows: list[Row]) -> None:
        self.items = [(row, row.normalised) for row in rows]

    def matches(self, query: BenchQuery) -> set[int]:
        parsed = query.parsed
        groups = [[self.needle(p) for p in group] for group in parsed.groups]
        excluded = [self.needle(p) for p in parsed.excluded]
        found = [
            row
            for row, text in self.items
            if all(any(n in text for n in group) for group in groups)
            and not any(n in text for n in excluded)
        ]
        keep = row_filter(parsed)  # on the few rows found: a call per row costs more than `in`
        return {row.section for row in found if keep(row)}


def _fts_string(text: str) -> str:
    """``text`` as an FTS5 string, which the trigram tokenizer matches as a substring."""
    return '"' + text.replace('"', '""') + '"'


class Fts5Trigram(Peer):
    """SQLite FTS5 with the trigram tokenizer: substring search answered from an index.

    The trigram index matches no string shorter than three characters (and SQLite 3.40 answers
    ``LIKE '%民生%'`` on it with nothing at all), so a group holding such a phrase is looked for
    with ``instr`` on the stored text: the scan a user of this recipe has to write. The rest is
    one ``MATCH`` expression (``("a" OR "b") AND "c" NOT "d"``) and the filters on UNINDEXED
    columns.
    """

    name = engine = "fts5_trigram"
    label = "FTS5 trigram: normalised"
    #: The shortest phrase the trigram index can find.
    SHORTEST = 3
    #: The scan for shorter phrases (the normalised text is case-folded already).
    CONTAINS = "instr(content, ?) > 0"

    def build(self, rows: list[Row]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE f USING fts5("
            "content, year UNINDEXED, region UNINDEXED, kind UNINDEXED, tokenize='trigram')"
        )
        self.db.executemany(
            "INSERT INTO f(rowid, content, year, region, kind) VALUES (?, ?, ?, ?, ?)",
            ((r.section, self.text(r), r.year, r.region, r.kind) for r in rows),
        )
        self.db.commit()

    def matches(self, query: BenchQuery) -> set[int]:
        sql, params = self.statement(query.parsed)
        return {rowid for (rowid,) in self.db.execute(sql, params)}

    def statement(self, parsed: ParsedQuery) -> tuple[str, list[object]]:
        """The query as one SELECT; only fixed clauses are joined, every value is a parameter."""
        indexed: list[str] = []
        where: list[str] = []
        params: list[object] = []
        for group in parsed.groups:
            needles = [self.needle(p) for p in group]
            if all(len(n) >= self.SHORTEST for n in needles):
                indexed.append("(" + " OR ".join(map(_fts_string, needles)) + ")")
            else:
                where.append("(" + " OR ".join([self.CONTAINS] * len(needles)) + ")")
                params += needles
        negated: list[str] = []
        for phrase in parsed.excluded:
            needle = self.needle(phrase)
            if indexed and len(needle) >= self.SHORTEST:
                negated.append(_fts_string(needle))
            else:
                where.append(f"NOT {self.CONTAINS}")
                params.append(needle)
        if indexed:
            expression = " AND ".join(indexed)
            if negated:
                expression = f"({expression}) NOT ({' OR '.join(negated)})"
            where.insert(0, "f MATCH ?")
            params.insert(0, expression)
        keep = row_filter(parsed)
        if keep.year is not None:
            where.append("year = ?")
            params.append(keep.year)
        for prefix in keep.region_prefixes:
            where.append("substr(region, 1, ?) = ?")
            params += [len(prefix), prefix]
        if keep.kind is not None:
            where.append("kind = ?")
            params.append(keep.kind)
        sql = "SELECT rowid FROM f" + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608
        return sql, params

    def close(self) -> None:
        self.db.close()


class Fts5TrigramStock(Fts5Trigram):
    """FTS5 trigram as usually shipped: the text as stored, phrases as typed."""

    name = "fts5_trigram_stock"
    label = "FTS5 trigram: as shipped"
    normalised = False
    #: The trigram index ignores letter case; the scan for shorter phrases ignores it too (for
    #: ASCII letters, as far as SQLite's ``lower`` goes).
    CONTAINS = "instr(lower(content), lower(?)) > 0"


@cache
def _chinese_analyzer():
    """jieba's ChineseAnalyzer, built once (importing ``jieba.analyse`` loads its IDF table)."""
    import jieba
    from jieba.analyse import ChineseAnalyzer

    jieba.setLogLevel(logging.WARNING)
    return ChineseAnalyzer()


class JiebaWhoosh(Peer):
    """jieba's ChineseAnalyzer in a Whoosh index: the recipe jieba's README gives.

    A phrase becomes what Whoosh's query parser makes of a word (``QueryParser.term_query``):
    the AND of the analyzer's tokens, so a section holding the words apart matches as well and
    one jieba cuts differently is missed. A group is an ``Or``, excluded phrases an ``AndNot``,
    the filters a ``filter=`` query on ID fields. A phrase the analyzer reads no token from
    (a stop word such as 的 or 和, punctuation) cannot be looked for: the query is excluded.
    """

    name = engine = "jieba_whoosh"
    label = "jieba+Whoosh: normalised"

    def build(self, rows: list[Row]) -> None:
        from whoosh import fields, index
        from whoosh.qparser import QueryParser

        self.folder = Path(tempfile.mkdtemp(prefix="bench-whoosh-"))
        schema = fields.Schema(
            id=fields.NUMERIC(stored=True, bits=64),
            content=fields.TEXT(analyzer=_chinese_analyzer()),
            year=fields.ID,
            region=fields.ID,
            kind=fields.ID,
        )
        self.index = index.create_in(self.folder, schema)
        writer = self.index.writer(limitmb=256)
        for row in rows:
            writer.add_document(
                id=row.section,
                content=self.text(row),
                year=str(row.year),
                region=row.region,
                kind=row.kind,
            )
        writer.commit()
        self.parser = QueryParser("content", schema)
        self.searcher = self.index.searcher()

    def excluded(self, query: BenchQuery) -> str | None:
        for phrase in _phrases(query.parsed):
            needle = self.needle(phrase)
            if not list(_chinese_analyzer()(needle, mode="query")):
                return f"ChineseAnalyzer reads no word in “{needle}” (a stop word or punctuation)"
        return None

    def matches(self, query: BenchQuery) -> set[int]:
        from whoosh import query as wq

        parsed = query.parsed
        wanted = wq.And([wq.Or([self._phrase(p) for p in group]) for group in parsed.groups])
        if parsed.excluded:
            wanted = wq.AndNot(wanted, wq.Or([self._phrase(p) for p in parsed.excluded]))
        keep = row_filter(parsed)
        filters: list[wq.Query] = [wq.Prefix("region", p) for p in keep.region_prefixes]
        if keep.year is not None:
            filters.append(wq.Term("year", str(keep.year)))
        if keep.kind is not None:
            filters.append(wq.Term("kind", keep.kind))
        hits = self.searcher.search(wanted, filter=wq.And(filters) if filters else None, limit=None)
        return {hit["id"] for hit in hits}

    def _phrase(self, phrase: Phrase):
        from whoosh.query import Term

        return self.parser.term_query("content", self.needle(phrase), Term)

    def close(self) -> None:
        self.searcher.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class JiebaWhooshStock(JiebaWhoosh):
    """jieba + Whoosh as usually shipped: the text as stored, phrases as typed."""

    name = "jieba_whoosh_stock"
    label = "jieba+Whoosh: as shipped"
    normalised = False


@cache
def _xapian_parser():
    """Xapian's query parser with CJK n-grams and phrases (no database: no wildcards here)."""
    import xapian

    parser = xapian.QueryParser()
    parser.set_default_op(xapian.Query.OP_AND)
    return parser


class XapianNgram(Peer):
    """Xapian with its CJK n-gram flag (if the ``xapian`` bindings are installed).

    Each phrase is parsed as a quoted phrase (Han characters become a phrase of unigrams, so it
    is found as a substring of a run of Han text); a group is ``OP_OR``, groups ``OP_AND``,
    excluded phrases ``OP_AND_NOT``, the filters boolean terms under ``OP_FILTER``. A phrase the
    parser finds no term in (punctuation alone) cannot be looked for: the query is excluded.
    """

    name = engine = "xapian_ngram"
    label = "Xapian CJK n-gram: normalised"
    #: Prefixes of the filter terms (Xapian keeps single capitals for its own conventions).
    YEAR, REGION, KIND = "XY", "XR", "XK"
    #: Lengths of the region-code prefixes a filter can ask for (``queries._prefix``).
    REGION_PREFIXES = (2, 4, 6)

    @staticmethod
    def available() -> bool:
        try:
            import xapian  # noqa: F401
        except ImportError:
            return False
        return True

    def build(self, rows: list[Row]) -> None:
        import xapian

        self.folder = Path(tempfile.mkdtemp(prefix="bench-xapian-"))
        self.db = xapian.WritableDatabase(str(self.folder), xapian.DB_CREATE_OR_OVERWRITE)
        generator = xapian.TermGenerator()
        generator.set_flags(generator.FLAG_CJK_NGRAM)
        self.ids = {}
        for row in rows:
            document = xapian.Document()
            generator.set_document(document)
            generator.index_text(self.text(row))
            document.add_boolean_term(f"{self.YEAR}{row.year}")
            document.add_boolean_term(self.KIND + row.kind)
            for end in self.REGION_PREFIXES:
                if len(row.region) >= end:
                    document.add_boolean_term(self.REGION + row.region[:end])
            self.ids[self.db.add_document(document)] = row.section
        self.db.commit()

    def excluded(self, query: BenchQuery) -> str | None:
        for phrase in _phrases(query.parsed):
            if self._phrase(phrase).empty():
                return f"Xapian's query parser finds no term in “{self.needle(phrase)}”"
        return None

    def matches(self, query: BenchQuery) -> set[int]:
        import xapian

        parsed = query.parsed
        groups = [
            xapian.Query(xapian.Query.OP_OR, [self._phrase(p) for p in g]) for g in parsed.groups
        ]
        wanted = xapian.Query(xapian.Query.OP_AND, groups)
        if parsed.excluded:
            unwanted = xapian.Query(xapian.Query.OP_OR, [self._phrase(p) for p in parsed.excluded])
            wanted = xapian.Query(xapian.Query.OP_AND_NOT, wanted, unwanted)
        keep = row_filter(parsed)
        terms = [self.REGION + p for p in keep.region_prefixes]
        if keep.year is not None:
            terms.append(f"{self.YEAR}{keep.year}")
        if keep.kind is not None:
            terms.append(self.KIND + keep.kind)
        if terms:
            filters = xapian.Query(xapian.Query.OP_AND, [xapian.Query(t) for t in terms])
            wanted = xapian.Query(xapian.Query.OP_FILTER, wanted, filters)
        enquire = xapian.Enquire(self.db)
        enquire.set_query(wanted)
        mset = enquire.get_mset(0, self.db.get_doccount())
        return {self.ids[m.docid] for m in mset}

    def _phrase(self, phrase: Phrase):
        import xapian

        flags = (
            xapian.QueryParser.FLAG_CJK_NGRAM
            | xapian.QueryParser.FLAG_PHRASE
            | xapian.QueryParser.FLAG_DEFAULT
        )
        quoted = '"' + self.needle(phrase).replace('"', " ") + '"'
        return _xapian_parser().parse_query(quoted, flags)

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class XapianNgramStock(XapianNgram):
    """Xapian CJK n-gram as usually shipped: the text as stored, phrases as typed."""

    name = "xapian_ngram_stock"
    label = "Xapian CJK n-gram: as shipped"
    normalised = False


def peers(names: str = "all") -> list[Peer]:
    """The peers this machine can run, the brute-force floor first, each engine's variants
    side by side.

    ``names`` (``BENCH_PEERS``) narrows them: ``all``, ``none`` or names separated by commas
    (``substring_scan``), so a 10× scaling run need not build every peer's index too.
    """
    found: list[Peer] = [
        SubstringScan(),
        Fts5Trigram(),
        Fts5TrigramStock(),
        JiebaWhoosh(),
        JiebaWhooshStock(),
    ]
    if XapianNgram.available():
        found += [XapianNgram(), XapianNgramStock()]
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    if not wanted or wanted == {"all"}:
        return found
    if wanted == {"none"}:
        return []
    known = {peer.name for peer in [*found, XapianNgram(), XapianNgramStock()]}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(
            f"BENCH_PEERS: unknown peer {', '.join(unknown)}; "
            f"known: all, none, {', '.join(sorted(known))}"
        )
    return [peer for peer in found if peer.name in wanted]
