"""Finding an evidence item's quote in its source document, the one way.

A quote is "verbatim" when it occurs in the document once both are folded:

* every Unicode quotation mark, apostrophe, prime and dash is matched to its
  ASCII form (``'``, ``"``, ``-``), soft hyphens and zero-width characters are
  dropped, the ellipsis character reads as ``...``;
* then compatibility decomposition (NFKD), so ligatures, full-width forms and
  non-breaking spaces read as their plain letters and spaces, and an accented
  letter matches whether it was typed composed or decomposed;
* then every run of white space (line breaks included) is one space, and white
  space at either end is dropped.

Case and punctuation otherwise count: a quote is a passage, not a search term.
``fold`` is that definition; ``quote_in`` and ``find_quotes`` (many quotes
against one document, for ``check``) ask whether a quote occurs,
``locate_quote`` where it occurs in the original (unfolded) text, for an editor
that scrolls to it and highlights it. Both rest on ``fold``, so the command that
verifies quotes and the viewer that shows them can never disagree.

Why NFKD and not NFKC: decomposition works character by character (NFKC has
to recompose across neighbours), so the folded form of a text is the folded
forms of its pieces joined, which is what lets ``locate_quote`` map a position
back to the original without folding the whole text character by character.

Documents are UTF-8 text or Markdown; HTML and PDF are out of scope (a quote is
matched against the characters of the file, markup included).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import AnyStr

_SINGLE = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u02bb\u00b4"
_DOUBLE = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\u2039\u203a"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TRANSLATION: dict[int, str | None] = {
    **{ord(c): "'" for c in _SINGLE},
    **{ord(c): '"' for c in _DOUBLE},
    **{ord(c): "-" for c in _DASHES},
    **{ord(c): None for c in _DROPPED},
    ord("\u2026"): "...",
}
"""Typographic characters and their ASCII forms (guillemets and single angle
quotes read as a double quote: a quote typed with ASCII marks should still match a
French or Russian text's « »)."""

_SPACE = re.compile(r"\s")
_BLOCK = 8192
"""Characters per piece when ``locate_quote`` maps a folded position back: the
piece holding the match is walked character by character, so small pieces keep
that walk short whatever the document's size."""


def _fold_chars(text: str) -> str:
    """Marks translated and NFKD applied: everything in ``fold`` but the spaces.

    ``str.translate`` looks every character of a non-ASCII text up in a dict
    (about 50 ms a megabyte); replacing only the marks the text holds is ten
    times quicker and gives the same string, since no replacement is itself a key.
    """
    if text.isascii():
        return text
    if len(text) == 1:  # locate_quote's walk, one character at a time
        mark = _TRANSLATION.get(ord(text), text)
        return unicodedata.normalize("NFKD", mark) if mark else ""
    for code, replacement in _TRANSLATION.items():
        mark = chr(code)
        if mark in text:
            text = text.replace(mark, replacement or "")
    return unicodedata.normalize("NFKD", text)


def fold(text: str) -> str:
    """``text`` as quotes are compared: ASCII marks, NFKD, one space per run.

    >>> fold("“Foreign-backed”\u00a0 terrorists’ \\n coup")
    '"Foreign-backed" terrorists\\' coup'
    """
    return " ".join(_fold_chars(text).split())


def quote_in(quote: str, folded_document: str) -> bool:
    """Whether ``quote`` occurs in a document already passed through ``fold``.

    An empty quote (or one of white space only) occurs nowhere: it verifies
    nothing.
    """
    needle = fold(quote)
    return bool(needle) and needle in folded_document


_WINDOW = 16
"""Characters in each window ``find_quotes`` indexes a document by."""
_INDEX_FROM = 8
"""Quotes against one document before indexing it beats scanning it once per quote."""


def _scan(text: AnyStr, needles: Sequence[AnyStr]) -> list[bool]:
    """Which ``needles`` occur in ``text`` as they are (no folding).

    One ``in`` per needle reads the whole text each time: 5,000 quotes against
    fifty 1 MB sources is 2.5 GB read. With many long needles the text is
    instead indexed by its ``_WINDOW``-long windows at every ``step``-th
    offset; a needle at least ``step + _WINDOW - 1`` long covers one such window
    whatever its position, so trying its first ``step`` windows against the
    index finds it, confirmed with ``startswith``. ``step`` near
    sqrt(2 x text length / needles) balances building the index against looking
    up. A needle the index misses (a window repeated in the text, a short
    needle) is scanned for as before, so the answer never depends on the index.
    """
    found = [False] * len(needles)
    long = [i for i, needle in enumerate(needles) if len(needle) >= 2 * _WINDOW]
    if len(long) >= _INDEX_FROM:
        shortest = min(len(needles[i]) for i in long)
        ideal = round(math.sqrt(2 * len(text) / len(long)))
        step = max(1, min(shortest - _WINDOW + 1, ideal))
        index = {text[at : at + _WINDOW]: at for at in range(0, len(text) - _WINDOW + 1, step)}
        get = index.get
        for i in long:
            needle = needles[i]
            for offset in range(step):
                at = get(needle[offset : offset + _WINDOW])
                if at is not None and at >= offset and text.startswith(needle, at - offset):
                    found[i] = True
                    break
    for i, needle in enumerate(needles):
        if not found[i] and needle:
            found[i] = needle in text
    return found


_ANCHORS = 4
"""Words of a quote tried as anchors (the longest first) before folding the document."""
_OCCURRENCES = 16
"""Occurrences of an anchor word looked at before giving up on it."""
_SLACK = 256
"""Characters a window reaches past where the quote would be, at four original
characters per folded one (runs of white space, marks NFKD expands)."""


def _cut_before_space(text: str, at: int, backwards: bool) -> int:
    """The nearest offset at or before (or after) ``at`` where ``text`` has white
    space, or the text's end: a window cut there folds to a part of ``fold(text)``
    (the same cut as ``_pieces``)."""
    if backwards:
        return max(text.rfind(" ", 0, at + 1), text.rfind("\n", 0, at + 1), 0)
    found = _SPACE.search(text, at)
    return found.start() if found else len(text)


def _near_anchor(text: str, needle: str) -> bool:
    """Whether the folded ``needle`` is found in a folded window of ``text`` around
    an occurrence of one of its plain words. True is always right (the window's
    fold is a part of the text's); False only means "not found this way"."""
    words = sorted({w for w in needle.split(" ") if w.isascii() and w.isalnum()}, key=len)
    for word in words[::-1][:_ANCHORS]:
        offset = needle.find(word)
        at = text.find(word)
        for _ in range(_OCCURRENCES):
            if at < 0:
                break
            start = _cut_before_space(text, max(0, at - 4 * offset - _SLACK), backwards=True)
            end = _cut_before_space(text, at + 4 * (len(needle) - offset) + _SLACK, backwards=False)
            if needle in fold(text[start:end]):
                return True
            at = text.find(word, at + 1)
    return False


def find_quotes(document: str | bytes, quotes: Sequence[str]) -> list[bool]:
    """For each of ``quotes``, whether it occurs in ``document`` by ``fold``'s rule.

    The answer for each quote is ``quote_in(quote, fold(text))``; this only gets
    there faster for many quotes against one document:

    * a quote found as typed is found folded too (folding works character by
      character and only shortens runs of space), so quotes are first looked
      for as typed, in the document's UTF-8 bytes when ``document`` is bytes
      (a UTF-8 needle matches UTF-8 bytes only on a character boundary), with
      no decoding at all;
    * a quote not found as typed (retyped quotation marks, a line break where
      the quote has a space) is looked for in a folded window around a word it
      shares with the document;
    * only a quote neither finds has the whole document folded.

    Bytes are decoded as UTF-8 (a byte-order mark dropped) only if some quote is
    not found as typed; ``UnicodeDecodeError`` if they are not UTF-8.
    """
    if isinstance(document, bytes):
        raw = _scan(document, [quote.strip().encode("utf-8") for quote in quotes])
    else:
        raw = _scan(document, [quote.strip() for quote in quotes])
    missing = [i for i, hit in enumerate(raw) if not hit and quotes[i].strip()]
    if not missing:
        return raw
    text = _decoded(document)
    needles = {i: fold(quotes[i]) for i in missing}
    undecided = [i for i in missing if not _near_anchor(text, needles[i])]
    for i in set(missing) - set(undecided):
        raw[i] = True
    if undecided:
        folded = _scan(fold(text), [needles[i] for i in undecided])
        for i, hit in zip(undecided, folded, strict=True):
            raw[i] = hit
    return raw


def _decoded(document: str | bytes) -> str:
    if isinstance(document, str):
        return document
    text = document.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of pieces of about ``_BLOCK`` characters, each cut just
    before a white-space character, so no word is split and the folded text is
    the pieces' folded forms joined by single spaces."""
    start = 0
    while start < len(text):
        found = _SPACE.search(text, min(start + _BLOCK, len(text)))
        end = found.start() if found else len(text)
        yield start, end
        start = end


def _walk(text: str, start: int, end: int) -> list[int]:
    """For each character of ``fold(text[start:end])``, the offset in ``text`` of
    the character it came from (the same rule as ``fold``, one character at a
    time)."""
    origins: list[int] = []
    pending_space = False
    for offset in range(start, end):
        for char in _fold_chars(text[offset]):
            if char.isspace():
                pending_space = bool(origins)
                continue
            if pending_space:
                origins.append(offset - 1 if offset > start else offset)
                pending_space = False
            origins.append(offset)
    return origins


def locate_quote(document_text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` first occurs in ``document_text``, by ``fold``'s rule.

    Returns (start, end) offsets into the ORIGINAL text, so that
    ``document_text[start:end]`` is the passage as the document has it (curly
    quotes, line breaks and all), or None when the quote does not occur.
    """
    stripped = quote.strip()
    if not stripped:
        return None
    at = document_text.find(stripped)
    if at >= 0:
        return at, at + len(stripped)
    needle = fold(stripped)
    pieces = list(_pieces(document_text))
    folded_pieces = [fold(document_text[a:b]) for a, b in pieces]
    starts: list[int] = []
    position = 0
    joined: list[str] = []
    for piece in folded_pieces:
        if piece:
            if joined:
                position += 1
            starts.append(position)
            joined.append(piece)
            position += len(piece)
        else:
            starts.append(position)
    found = " ".join(joined).find(needle)
    if found < 0:
        return None
    return (
        _original(document_text, pieces, folded_pieces, starts, found, first=True),
        _original(
            document_text, pieces, folded_pieces, starts, found + len(needle) - 1, first=False
        ),
    )


def _original(
    text: str,
    pieces: list[tuple[int, int]],
    folded_pieces: list[str],
    starts: list[int],
    position: int,
    *,
    first: bool,
) -> int:
    """The original offset of folded ``position``: of its character when
    ``first``, just after it otherwise. A quote's fold neither starts nor ends
    with a space, so its ends always fall inside a piece, never on a space that
    joins two."""
    for (a, b), piece, start in zip(pieces, folded_pieces, starts, strict=True):
        if piece and start <= position < start + len(piece):
            origin = _walk(text, a, b)[position - start]
            return origin if first else origin + 1
    raise AssertionError("position outside the folded text")  # pragma: no cover
