"""Turning a raw release file into structured, plain data — no database involved.

decode (bytes → text) → clean (text → paragraphs + page metadata) → metadata (title, region,
date, kind, source) → sections (headings, points, Q&A). ``parse_release`` runs them all.
"""

from documents.ingest.errors import IngestError
from documents.ingest.pipeline import ParsedRelease, parse_release, parse_text

__all__ = ["IngestError", "ParsedRelease", "parse_release", "parse_text"]
