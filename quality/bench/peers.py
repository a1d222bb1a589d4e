"""What a user could pick instead of the portal, each fed the same sections and queries.

Every peer answers a query with the full set of matching sections (what counts, facets and
"never miss" need), so latency is the time to that set and recall is measured against the
substring truth. Each indexes the text as stored and takes the query as typed — that is how
each recipe is used; only the scan works on the portal's normalised text.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from quality.bench.queries import BenchQuery, Row, row_filter


class Peer:
    """An engine under test: ``build`` once, then ``matches`` per query."""

    name = ""
    label = ""

    def build(self, rows: list[Row]) -> None:
        self.rows = {row.section: row for row in rows}

    def matches(self, query: BenchQuery) -> set[int]:
        raise NotImplementedError

    def close(self) -> None:
        return None

    def _filtered(self, query: BenchQuery, sections) -> set[int]:
        keep = row_filter(query.parsed)
        return {s for s in sections if s in self.rows and keep(self.rows[s])}


def _phrases(query: BenchQuery) -> list[str]:
    """The query's phrases as typed (filters left out), all of which must match."""
    return [group[0].text for group in query.parsed.groups if group]


class SubstringScan(Peer):
    """The brute-force floor: every normalised section held in memory, scanned per query."""

    name = "substring_scan"
    label = "substring scan (in memory)"

    def build(self, rows: list[Row]) -> None:
        super().build(rows)
        self.items = [(row.section, row.normalised) for row in rows]

    def matches(self, query: BenchQuery) -> set[int]:
        needles = ["".join(group[0].units) for group in query.parsed.groups if group]
        found = [s for s, text in self.items if all(n in text for n in needles)]
        return self._filtered(query, found)


class StockRecipe(Peer):
    """jieba's ChineseAnalyzer in a Whoosh index, queried through Whoosh's parser."""

    name = "stock_recipe"
    label = "jieba ChineseAnalyzer + Whoosh"

    def build(self, rows: list[Row]) -> None:
        import logging

        import jieba
        from jieba.analyse import ChineseAnalyzer
        from whoosh import fields, index

        jieba.setLogLevel(logging.WARNING)

        super().build(rows)
        self.folder = Path(tempfile.mkdtemp(prefix="bench-stock-"))
        schema = fields.Schema(
            id=fields.NUMERIC(stored=True, bits=64), content=fields.TEXT(analyzer=ChineseAnalyzer())
        )
        self.index = index.create_in(self.folder, schema)
        writer = self.index.writer(limitmb=256)
        for row in rows:
            writer.add_document(id=row.section, content=row.raw)
        writer.commit()
        self.searcher = self.index.searcher()

    def matches(self, query: BenchQuery) -> set[int]:
        from whoosh.qparser import QueryParser

        parsed = QueryParser("content", self.index.schema).parse(" ".join(_phrases(query)))
        hits = self.searcher.search(parsed, limit=None)
        return self._filtered(query, (hit["id"] for hit in hits))

    def close(self) -> None:
        self.searcher.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class Fts5Trigram(Peer):
    """SQLite FTS5 with the trigram tokenizer; shorter words fall back to a scan (``instr``).

    (The trigram index answers nothing for one- or two-character strings, not even LIKE.)
    """

    name = "fts5_trigram"
    label = "SQLite FTS5 trigram"

    def build(self, rows: list[Row]) -> None:
        super().build(rows)
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE f USING fts5(content, tokenize='trigram')")
        self.db.executemany(
            "INSERT INTO f(rowid, content) VALUES (?, ?)", ((r.section, r.raw) for r in rows)
        )
        self.db.commit()

    def matches(self, query: BenchQuery) -> set[int]:
        long = [p for p in _phrases(query) if len(p) >= 3]
        short = [p for p in _phrases(query) if len(p) < 3]
        where, params = [], []
        if long:
            where.append("f MATCH ?")
            params.append(" AND ".join('"' + p.replace('"', '""') + '"' for p in long))
        for phrase in short:
            where.append("instr(content, ?) > 0")
            params.append(phrase)
        # Only fixed clauses are joined; every value is a bound parameter.
        sql = "SELECT rowid FROM f" + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608
        return self._filtered(query, (rowid for (rowid,) in self.db.execute(sql, params)))

    def close(self) -> None:
        self.db.close()


class XapianNgram(Peer):
    """Xapian with its CJK n-gram flag (if the ``xapian`` bindings are installed)."""

    name = "xapian_ngram"
    label = "Xapian CJK n-gram"

    @staticmethod
    def available() -> bool:
        try:
            import xapian  # noqa: F401
        except ImportError:
            return False
        return True

    def build(self, rows: list[Row]) -> None:
        import xapian

        super().build(rows)
        self.folder = Path(tempfile.mkdtemp(prefix="bench-xapian-"))
        self.db = xapian.WritableDatabase(str(self.folder), xapian.DB_CREATE_OR_OVERWRITE)
        generator = xapian.TermGenerator()
        generator.set_flags(generator.FLAG_CJK_NGRAM)
        self.ids = {}
        for row in rows:
            document = xapian.Document()
            generator.set_document(document)
            generator.index_text(row.raw)
            self.ids[self.db.add_document(document)] = row.section
        self.db.commit()
        self.parser = xapian.QueryParser()
        self.parser.set_database(self.db)
        self.parser.set_default_op(xapian.Query.OP_AND)
        self.flags = (
            xapian.QueryParser.FLAG_CJK_NGRAM
            | xapian.QueryParser.FLAG_PHRASE
            | xapian.QueryParser.FLAG_DEFAULT
        )

    def matches(self, query: BenchQuery) -> set[int]:
        import xapian

        text = " ".join(f'"{p}"' for p in _phrases(query))
        enquire = xapian.Enquire(self.db)
        enquire.set_query(self.parser.parse_query(text, self.flags))
        mset = enquire.get_mset(0, self.db.get_doccount())
        return self._filtered(query, (self.ids[m.docid] for m in mset))

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def peers(names: str = "all") -> list[Peer]:
    """The peers this machine can run, the brute-force floor first.

    ``names`` (``BENCH_PEERS``) narrows them: ``all``, ``none`` or names separated by commas
    (``substring_scan``), so a 10× scaling run need not build every peer's index too.
    """
    found: list[Peer] = [SubstringScan(), StockRecipe(), Fts5Trigram()]
    if XapianNgram.available():
        found.append(XapianNgram())
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    if not wanted or wanted == {"all"}:
        return found
    if wanted == {"none"}:
        return []
    known = {peer.name for peer in [*found, XapianNgram()]}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(
            f"BENCH_PEERS: unknown peer {', '.join(unknown)}; "
            f"known: all, none, {', '.join(sorted(known))}"
        )
    return [peer for peer in found if peer.name in wanted]
