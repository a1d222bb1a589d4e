"""Figures: quantitative statements (30个工作日以内, 8.70亿元, 百分之五) cut from policy text.

Pure functions, no database: :func:`extract_figures` reads a text and returns what it states
in numbers, each figure with its unit, bound, subject, period and sentence.
"""

from documents.figures.extract import Figure, extract_figures
from documents.figures.numerals import parse_chinese_number

__all__ = ["Figure", "extract_figures", "parse_chinese_number"]
