"""find_in_order and fold_for_matching: the comparison rules of the corpus's LABELLING.md."""

from __future__ import annotations

from cvpath.documents import find_in_order, fold_for_matching


def test_folding_ignores_case_whitespace_soft_hyphens_dashes_quotes_and_ligatures() -> None:
    assert fold_for_matching("  Associate\u2019s  in\nLiberal\u00adArts \u2013 \ufb01nance ") == (
        "associate's in liberalarts - finance"
    )


def test_needles_found_in_order() -> None:
    # Given a text with the headings in reading order
    text = "JOHN DOE\nSUMMARY\n...\nEXPERIENCE\nStripe\nEDUCATION"
    result = find_in_order(text, ["Summary", "Experience", "Education"])
    assert result.in_order
    assert (result.hits, result.total) == (3, 3)


def test_a_needle_out_of_order_is_found_but_breaks_the_order() -> None:
    result = find_in_order("Education ... Experience", ["Experience", "Education"])
    assert result.found == (True, True)
    assert not result.in_order


def test_a_missing_needle_is_neither_found_nor_in_order() -> None:
    result = find_in_order("Experience", ["Experience", "Projects"])
    assert result.found == (True, False)
    assert not result.in_order


def test_repeated_needles_need_repeated_occurrences() -> None:
    # Two jobs at the same employer must both be there
    assert find_in_order(
        "Southwestern University ... Southwestern University", ["Southwestern University"] * 2
    ).in_order
    assert not find_in_order("Southwestern University", ["Southwestern University"] * 2).in_order
