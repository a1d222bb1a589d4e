"""A labelled corpus of real releases, the upload variants staff make of them, and scoring.

Parsing is measured on documents the rules were never written against: each source's truth is
taken from its own structured metadata (a database row, a gazette record, an index table), never
from our parser, and the sources are split into a dev half (rules are tuned on it) and a test half
(only scored). ``labelled`` holds the record, ``sources`` reads each snapshot, ``variants`` makes
the copies a portal's users really upload (page furniture, saved HTML, legacy encodings),
``build`` writes the local corpus, ``evaluate`` runs the real upload path and ``scoring`` compares.
"""

from documents.corpus.labelled import LabelledDoc, read_jsonl, write_jsonl

__all__ = ["LabelledDoc", "read_jsonl", "write_jsonl"]
