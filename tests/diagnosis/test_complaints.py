"""Complaint themes: what buyers complain about, not what they bought."""

from __future__ import annotations

from steward.diagnosis.complaints import complaint_themes, terms_of


def test_stop_words_numbers_and_single_characters_are_not_themes() -> None:
    assert terms_of("发货太慢了，等了 6 天！") == {"发货", "太慢"}


def test_themes_count_each_review_once_and_keep_two_examples() -> None:
    reviews = ["物流慢，物流慢，物流慢。", "物流慢，客服也没人回。", "物流慢得离谱。", "客服没人回。"]

    themes = complaint_themes(reviews)

    first = themes[0]
    assert (first.term, first.count) == ("物流慢", 3)
    assert first.examples == ("物流慢，物流慢，物流慢。", "物流慢，客服也没人回。")
    assert {t.term: t.count for t in themes}["没人回"] == 2


def test_words_of_the_shops_own_product_names_are_left_out() -> None:
    themes = complaint_themes(["湿巾有股怪味。", "湿巾包装漏气。"], products=["婴儿湿巾 80抽×10包"])

    terms = {t.term for t in themes}
    assert "湿巾" not in terms
    assert {"怪味", "漏气"} <= terms
    assert "有股" not in terms
