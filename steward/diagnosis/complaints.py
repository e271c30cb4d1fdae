"""Complaint themes: the words buyers use in bad reviews, counted once per review.

jieba segments the Chinese text; stop words, single characters, numbers and punctuation are
dropped because they say nothing about what went wrong. A few complaint phrases are added to
the dictionary so that "物流慢" or "起球" stay one theme instead of falling apart into words
too common to mean anything.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba

# Phrases a merchant recognises as one complaint; jieba's general dictionary splits them.
COMPLAINT_PHRASES = (
    "物流慢",
    "发货慢",
    "太慢",
    "没人回",
    "外包装",
    "压扁",
    "起球",
    "缩水",
    "色差",
    "霉味",
    "怪味",
    "异味",
    "刺鼻",
    "漏气",
    "掉色",
    "破损",
    "断成两截",
    "退货",
    "运费",
    "客服",
)

STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "我",
        "你",
        "他",
        "她",
        "它",
        "们",
        "这",
        "那",
        "就",
        "都",
        "也",
        "还",
        "很",
        "太",
        "又",
        "再",
        "和",
        "与",
        "及",
        "或",
        "在",
        "有",
        "没",
        "没有",
        "不",
        "会",
        "要",
        "能",
        "说",
        "看",
        "买",
        "下单",
        "一次",
        "一个",
        "一股",
        "一直",
        "一样",
        "什么",
        "怎么",
        "这个",
        "那个",
        "这家",
        "别家",
        "东西",
        "感觉",
        "真的",
        "实在",
        "非常",
        "有点",
        "有些",
        "一点",
        "还是",
        "但是",
        "可是",
        "而且",
        "就是",
        "不是",
        "已经",
        "只是",
        "只说",
        "以后",
        "之后",
        "时候",
        "当天",
        "好几",
        "好几次",
        "几天",
        "三天",
        "两天",
        "六天",
        "整整",
        "中间",
        "同一天",
        "打开",
        "拆开",
        "收到",
        "到手",
        "送到",
        "寄来",
        "拍",
        "的是",
        "以为",
        "结果",
        "然后",
        "不会",
        "不敢",
        "不推荐",
        "推荐",
        "差评",
        "好评",
        "中评",
        "体验",
        "很差",
        "完全",
        "问题",
        "半天",
        "一下",
        "觉得",
        "比较",
        "可以",
        "还有",
        "给",
        "让",
        "被",
        "差得",
        "很重",
        "解决",
        "太差",
        "有点多",
        "像是",
        "有股",
        "几次",
        "大到",
        "天下",
        "一个星期",
        "星期",
        "申请",
        "自己",
        "不会",
        "再买",
        "详情页",
        "说是",
        "和",
        "图片",
    ]
)

_NOISE = re.compile(r"^[\W\d_a-zA-Z]+$")


@dataclass(frozen=True)
class Theme:
    term: str
    count: int  # bad reviews that use the term
    examples: tuple[str, ...]


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO
    tokenizer = jieba.Tokenizer()
    for phrase in COMPLAINT_PHRASES:
        tokenizer.add_word(phrase, freq=200000)
    return tokenizer


def terms_of(text: str) -> set[str]:
    """The meaningful terms of one review, each once."""
    found: set[str] = set()
    for word in _tokenizer().lcut(text):
        word = word.strip()
        if len(word) < 2 or word in STOP_WORDS or _NOISE.match(word):
            continue
        found.add(word)
    return found


def complaint_themes(
    texts: Iterable[str], *, products: Iterable[str] = (), top: int = 10, examples: int = 2
) -> list[Theme]:
    """The ``top`` terms of the bad reviews by the number of reviews using them, with examples.

    Words of the shop's own product names are left out: "湿巾" in a wipes shop names the
    product, not what is wrong with it. Ties are broken by the term itself so that the same
    reviews always give the same list.
    """
    ignored = {term for name in products for term in terms_of(name)}
    reviews: Sequence[str] = [t.strip() for t in texts if t and t.strip()]
    counts: Counter[str] = Counter()
    seen_in: dict[str, list[str]] = {}
    for text in reviews:
        for term in terms_of(text) - ignored:
            counts[term] += 1
            shown = seen_in.setdefault(term, [])
            if len(shown) < examples and text not in shown:
                shown.append(text)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [Theme(term, count, tuple(seen_in[term])) for term, count in ranked]
