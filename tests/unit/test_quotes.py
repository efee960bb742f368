"""The quote rule: fold, quote_in, FoldedDocument and locate_quote agree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from achbench.analysis import quotes
from achbench.analysis.quotes import find_quotes, fold, locate_quote, quote_in

DOCUMENT = (
    "Officials called it a \u201cforeign-backed coup\u201d \u2014 the president\u2019s\n"
    "words,   repeated\tby Moscow\u00a0and Beijing.\n\n"
    "Nobody\u2019s evidence was shown\u2026 yet."
)


def test_fold_matches_typographic_marks_to_ascii() -> None:
    assert fold("\u201cit\u2019s\u201d \u2013 \u2014 \u2026") == '"it\'s" - - ...'


def test_fold_collapses_white_space_and_strips_the_ends() -> None:
    assert fold("  a \n\n\t b\u00a0 c  ") == "a b c"


def test_fold_reads_composed_and_decomposed_accents_alike() -> None:
    assert fold("caf\u00e9") == fold("cafe\u0301")


def test_fold_reads_ligatures_and_full_width_forms_as_plain_letters() -> None:
    assert fold("\ufb01ne \uff21") == "fine A"


def test_fold_keeps_case() -> None:
    assert not quote_in("FOREIGN-BACKED", fold(DOCUMENT))


def test_straight_quote_found_in_curly_text() -> None:
    assert quote_in('a "foreign-backed coup" - the president\'s words', fold(DOCUMENT))


def test_quote_across_lines_and_runs_of_space_is_found() -> None:
    assert find_quotes(DOCUMENT, ["president's words, repeated by Moscow and Beijing."]) == [True]


def test_quote_not_in_the_document_is_not_found() -> None:
    assert find_quotes(DOCUMENT, ["a domestic power struggle"]) == [False]


def test_empty_quote_verifies_nothing() -> None:
    assert not quote_in("  \n", fold(DOCUMENT))
    assert find_quotes(DOCUMENT, ["", " "]) == [False, False]
    assert locate_quote(DOCUMENT, " ") is None


def test_locate_literal_quote() -> None:
    start, end = locate_quote(DOCUMENT, "repeated") or (0, 0)
    assert DOCUMENT[start:end] == "repeated"


def test_locate_gives_offsets_in_the_original_text() -> None:
    found = locate_quote(DOCUMENT, "the president's words, repeated by Moscow and")
    assert found is not None
    start, end = found
    assert DOCUMENT[start:end] == "the president\u2019s\nwords,   repeated\tby Moscow\u00a0and"


def test_locate_a_quote_ending_in_an_expanded_character() -> None:
    found = locate_quote(DOCUMENT, "was shown...")
    assert found is not None
    assert DOCUMENT[found[0] : found[1]] == "was shown\u2026"


def test_locate_returns_none_when_absent() -> None:
    assert locate_quote(DOCUMENT, "Astana") is None


def test_locate_across_piece_boundaries() -> None:
    """A long document is folded in pieces; a quote spanning two is still found."""
    words = [f"w{i}\u2019s" for i in range(4000)]
    text = "  \n".join(words)
    quote = " ".join(w.replace("\u2019", "'") for w in words[1800:2300])
    found = locate_quote(text, quote)
    assert found is not None
    start, end = found
    assert text[start:end] == "  \n".join(words[1800:2300])
    assert fold(text[start:end]) == fold(quote)


texts = st.text(
    alphabet=st.sampled_from(
        list("ab c\n\t\u00a0\u2019'\u201c\"\u2014-\u00e9e\u0301\u2026.\ufb01")
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_any_slice_of_a_document_is_located_where_it_folds_equal(
    text: str, data: st.DataObject
) -> None:
    """Whatever the slice, locate_quote finds a passage whose fold is the quote's."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    quote = text[start:end]
    needle = fold(quote)
    old = quotes._BLOCK
    try:
        quotes._BLOCK = data.draw(st.integers(1, 80))
        found = locate_quote(text, quote)
    finally:
        quotes._BLOCK = old
    if not needle:
        assert found is None
        return
    assert found is not None
    assert needle in fold(text[found[0] : found[1]])
    assert find_quotes(text, [quote]) == [True]


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=1, max_size=30), st.data())
def test_pieces_fold_like_the_whole(parts: list[str], data: st.DataObject) -> None:
    """Folding piece by piece (as locate_quote does) equals folding the whole."""
    text = " ".join(parts)
    old = quotes._BLOCK
    try:
        quotes._BLOCK = data.draw(st.integers(1, 20))
        pieces = [fold(text[a:b]) for a, b in quotes._pieces(text)]
    finally:
        quotes._BLOCK = old
    assert " ".join(p for p in pieces if p) == fold(text)


@settings(max_examples=100, deadline=None)
@given(texts, st.lists(texts, min_size=1, max_size=40))
def test_find_quotes_answers_as_quote_in(text: str, candidates: list[str]) -> None:
    """Indexed or scanned, raw or folded, the answer is the rule's."""
    expected = [quote_in(q, fold(text)) for q in candidates]
    assert find_quotes(text, candidates) == expected
    assert find_quotes(text.encode("utf-8"), candidates) == expected
    assert find_quotes(b"\xef\xbb\xbf" + text.encode("utf-8"), candidates) == expected


def test_bytes_are_decoded_only_when_a_quote_is_not_found_as_typed() -> None:
    latin1 = "caf\u00e9 \u2018au lait\u2019".encode("latin-1", errors="replace")
    assert find_quotes(latin1, ["caf"]) == [True]
    with pytest.raises(UnicodeDecodeError):
        find_quotes(latin1, ["au lait'"])


def test_retyped_quotes_in_a_long_document_are_found_near_a_shared_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Straight quotes and spaces for line breaks: found without folding all of it."""
    sentences = [
        f"Item {i}\u2019s report\nsays the council{i} met \u2014 twice." for i in range(5000)
    ]
    text = " ".join(sentences)
    retyped = [
        s.replace("\u2019", "'").replace("\n", " ").replace("\u2014", "-") for s in sentences
    ]
    chosen = retyped[::97]
    whole_fold = quotes.fold

    def small_folds_only(part: str) -> str:
        assert len(part) < 5000, "folded the whole document"
        return whole_fold(part)

    with monkeypatch.context() as patched:
        patched.setattr(quotes, "fold", small_folds_only)
        assert find_quotes(text, chosen) == [True] * len(chosen)
    assert find_quotes(text, ["Item 5's report says the council6 met"]) == [False]


def test_many_long_quotes_against_a_long_document_use_the_index() -> None:
    """Slices of a long document are all found; changed ones are not."""
    words = [f"word{i % 997}x{i % 13}" for i in range(30000)]
    text = " ".join(words)
    hits = [" ".join(words[i : i + 12]) for i in range(0, 29000, 500)]
    misses = [h.replace("word", "ward", 1) for h in hits[:5]]
    typed = [hits[3].replace(" ", "\n  ")]
    assert find_quotes(text, hits + misses + typed) == [True] * len(hits) + [False] * 5 + [True]


def test_index_step_handles_repeated_windows() -> None:
    """A window repeated in the text points the index at one place only; the scan finds the rest."""
    text = "abcdefghijklmnopqrstuvwxyz0123456789 " * 2000 + "the end of it all, said the last line"
    quotes_ = [text[i : i + 40] for i in range(5, 70000, 3001)] + [
        "the end of it all, said the last line"
    ]
    assert all(find_quotes(text, quotes_))


def test_only_non_ascii_characters_are_translated() -> None:
    """ASCII text skips the translation table, so the table must not touch ASCII."""
    assert all(code > 127 for code in quotes._TRANSLATION)
