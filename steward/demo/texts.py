"""Chinese review texts and buyer nicknames for the demo shops, composed from small pieces.

Written for this project (facts from the practitioner articles, wording our own). Pieces are
combined at random so a few hundred reviews of one shop do not repeat each other verbatim.
"""

from __future__ import annotations

import random

# Which phrase family a shop's category belongs to.
FAMILY_OF_CATEGORY = {
    "家居日用/香薰蜡烛": "aroma",
    "茶/乌龙茶": "tea",
    "床上用品/四件套": "bedding",
    "家纺/枕芯被子": "bedding",
    "母婴/婴儿湿巾": "baby",
}

GOOD_OPENERS = (
    "收到了，",
    "第二次买了，",
    "物流挺快，",
    "包装很用心，",
    "给家里人买的，",
    "活动价囤了几件，",
    "朋友推荐来的，",
    "",
    "",
)
GOOD_DETAILS = {
    "aroma": (
        "味道很淡雅，一点都不刺鼻",
        "放在卧室一整晚都是淡淡的香味",
        "蜡烛烧得很均匀，没有黑烟",
        "瓶子很有质感，摆在玄关也好看",
        "白茶味清清爽爽，像刚晒干的衣服",
        "送闺蜜的，她拆开就说喜欢",
    ),
    "tea": (
        "茶汤透亮，回甘很明显",
        "岩韵足，泡到第七八泡还有味道",
        "香气正，和在茶馆喝的差不多",
        "罐子密封得好，茶叶条索完整",
        "老客户了，品质一直很稳定",
        "给我爸买的，他说比以前那家好",
    ),
    "bedding": (
        "面料摸着又软又滑，睡着很舒服",
        "洗了两次，不起球也不掉色",
        "做工细致，走线很整齐",
        "被子蓬松，盖着暖和又不闷",
        "颜色和详情页一样，很显高级",
        "尺寸刚好，四个角有绑带不跑位",
    ),
    "baby": (
        "湿巾很厚实，擦完不掉絮",
        "没有酒精味，宝宝擦脸不发红",
        "抽取顺畅，一次只出一张",
        "价格实在，一次囤了好几箱",
        "棉柔巾干湿两用，很方便",
        "密封做得好，最后几张也不干",
    ),
}
GOOD_CLOSERS = ("会回购的。", "推荐！", "好评。", "很满意。", "客服态度也好。", "下次还来。", "性价比高。")
SILENT_GOOD = "此用户没有填写评价。"

MEDIUM_COMMON = (
    "东西还行，就是物流慢了点。",
    "质量一般，对得起这个价。",
    "和图片有一点色差，能接受。",
    "包装有点简陋，好在东西没坏。",
    "用着还可以，再观察观察。",
)
MEDIUM_DETAILS = {
    "aroma": ("留香时间不长，一两天就淡了。", "味道比想象中淡一些。"),
    "tea": ("口感偏淡，没有上次买的浓。", "碎茶稍微多了点。"),
    "bedding": ("洗完有一点缩水，中规中矩。", "比想象的薄，春秋盖正好。"),
    "baby": ("湿巾偏薄，一次要用两张。", "开口贴不太牢。"),
}

BAD_COMMON = (
    "发货太慢了，催了好几次才发。",
    "收到的时候外包装是破的。",
    "和描述差得有点多，不推荐。",
    "问客服半天没人回，问题一直没解决。",
    "质量太差，用了一次就坏了。",
)
BAD_DETAILS = {
    "aroma": ("味道太冲了，闻久了头疼。", "蜡烛到手就断成两截。"),
    "tea": ("碎末很多，喝着像陈茶。", "有一股霉味，不敢喝。"),
    "bedding": ("洗一次就起球了，很失望。", "一股很重的味道，晾了好几天还有。"),
    "baby": ("湿巾有股怪味，不敢给宝宝用。", "包装漏气，湿巾都干了。"),
}

# The burst after Double 11 at the problem shop: late parcels, smelly quilts, crushed boxes.
BURST_TEXTS = (
    "双11当天下的单，等了整整六天才发货，问客服只说在排队，太慢了。",
    "被子拆开一股刺鼻的味道，在阳台晾了三天还有，不敢给孩子盖。",
    "外箱破了一个大洞，被子的袋子也脏了，像是被踩过。",
    "物流实在太慢，同一天在别家买的早就到了，这家还在仓库没动。",
    "说是新疆棉，打开有一股霉味，和详情页说的完全不一样。",
    "快递送到的时候箱子都压扁了，收纳袋拉链也坏了，差评。",
    "拍的是200x230，寄来的是150x200，找客服两天都没人回。",
    "味道大到熏眼睛，申请退货还要我自己出运费，不会再买。",
    "下单一个星期才收到，中间物流三天没更新，体验很差。",
)


def good_review(rng: random.Random, family: str) -> str:
    if rng.random() < 0.1:
        return SILENT_GOOD
    return f"{rng.choice(GOOD_OPENERS)}{rng.choice(GOOD_DETAILS[family])}，{rng.choice(GOOD_CLOSERS)}"


def medium_review(rng: random.Random, family: str) -> str:
    return rng.choice(MEDIUM_COMMON + MEDIUM_DETAILS[family])


def bad_review(rng: random.Random, family: str) -> str:
    return rng.choice(BAD_COMMON + BAD_DETAILS[family])


_NICK_HEADS = ("小", "阿", "爱吃", "快乐的", "一只", "安静的", "努力的", "会飞的", "晴天", "慢慢")
_NICK_TAILS = ("鱼", "猫", "橘子", "云朵", "奶茶", "兔子", "月亮", "芒果", "星星", "饼干", "柚子", "小熊")


def buyer_name(rng: random.Random, platform: str) -> str:
    """A nickname as the platform's order export shows it (the caller makes it unique)."""
    roll = rng.random()
    if platform in {"taobao", "tmall"}:
        if roll < 0.3:
            return f"tb{rng.randrange(10**9, 10**10)}"
        return f"{rng.choice(_NICK_HEADS)}{rng.choice(_NICK_TAILS)}{rng.randrange(10, 10000)}"
    if platform == "jd":
        if roll < 0.5:
            return f"jd_{rng.getrandbits(40):010x}"
        return f"{rng.choice(_NICK_HEADS)}{rng.choice(_NICK_TAILS)}_{rng.randrange(100, 1000)}"
    if platform == "pdd":
        return f"pdd{rng.randrange(10**10, 10**11)}"
    if roll < 0.6:
        return f"用户{rng.randrange(10**9, 10**10)}"
    return f"{rng.choice(_NICK_HEADS)}{rng.choice(_NICK_TAILS)}{rng.randrange(10, 1000)}"


def order_id(rng: random.Random, platform: str, yymmdd: str) -> str:
    """An order number shaped like the platform's (the caller makes it unique)."""
    if platform in {"taobao", "tmall"}:
        return f"{rng.choice('234')}{rng.randrange(10**17, 10**18)}"
    if platform == "jd":
        return f"3{rng.randrange(10**10, 10**11)}"
    if platform == "pdd":
        return f"{yymmdd}-{rng.randrange(10**14, 10**15)}"
    return f"69{rng.randrange(10**16, 10**17)}"
