"""libcst fallback extractor: the parser of record for files the host `ast` rejects.

Must produce exactly the FileFacts that `extract.facts_from_ast` produces for the same
source (tests/test_parser_parity.py holds both paths to that).
"""

from __future__ import annotations

from ssotcheck.index.extract import ExtractOptions
from ssotcheck.model import FileFacts


class CstUnavailable(Exception):
    """libcst could not parse the source either; the caller reports the ast error."""


def facts_from_cst(path: str, text: str, digest: str, options: ExtractOptions) -> FileFacts:
    raise CstUnavailable("not implemented yet")
