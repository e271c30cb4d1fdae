"""Which language a plan is written in, and a folded copy of its text to match words against.

Folding maps one character to one character (full-width digits and punctuation to ASCII,
traditional characters that occur in plan vocabulary to simplified), so a position found in the
folded text is the same position in what the user wrote: excerpts and rewrites keep their words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from steward.plans.lint.findings import Language

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Plans pasted from Hong Kong and Taiwan templates (and many document sites) are in traditional
# characters; the linter's vocabulary is simplified. Only characters that occur in that vocabulary
# are listed: this is a recall aid, not a converter.
_TRADITIONAL = (
    "盡儘週內優負責驗滿為預斷貨評規則變動調數據來轉標準機溝頻會報後臺參謀務費傭獎懲罰庫補換聯繫暫啟時當單購"
    "復點擊詢靜銷額這個從達實現劃廣靈彈備託營運確認審檢價萬張條組雙計進減較於與執釘飛書視話郵員專設師經戶選"
    "擇適過間風險應對緊無論題圖詳頁頭節錄資質們將該讓還發帶體號賬結鐘讀導義寫勵闆"
)
_SIMPLIFIED = (
    "尽尽周内优负责验满为预断货评规则变动调数据来转标准机沟频会报后台参谋务费佣奖惩罚库补换联系暂启时当单购"
    "复点击询静销额这个从达实现划广灵弹备托营运确认审检价万张条组双计进减较于与执钉飞书视话邮员专设师经户选"
    "择适过间风险应对紧无论题图详页头节录资质们将该让还发带体号账结钟读导义写励板"
)
_TO_SIMPLIFIED = dict(zip(_TRADITIONAL, _SIMPLIFIED, strict=True))


@cache
def _fold_char(char: str) -> str:
    if char in _TO_SIMPLIFIED:
        return _TO_SIMPLIFIED[char]
    folded = unicodedata.normalize("NFKC", char)
    # NFKC turns some characters into several ("①" → "1", "…" → "..."); those stay as they
    # are so that folding never moves a position.
    return folded if len(folded) == 1 else char


def fold(text: str) -> str:
    """The same text, one character for one, in the form the vocabulary is written in."""
    return "".join(_fold_char(char) for char in text)


def detect_language(text: str) -> Language:
    """Chinese when Chinese characters are at least as many as English words.

    A Chinese plan carries a few Latin words (ROI, GMV, SKU) and an English plan a few Chinese
    names (生意参谋); counting characters against words weighs both fairly. Empty text is taken
    as Chinese, the product's first language.
    """
    han = len(_HAN.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    return Language.ZH if han >= latin_words else Language.EN
