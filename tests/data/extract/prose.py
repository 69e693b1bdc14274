"""Article text for the extraction benchmark: sentences → paragraphs → blocks, and the truth.

Sentences come from the labelled set (tests/data/labelled.jsonl) and from generic news prose
written here, so the pages read like crypto/China news in both languages. A block is one of
p, h2, ul, ol, quote, table, figure; a paragraph is a list of segments, a string or a
(text, href) link. :meth:`Article.truth` is the main text a reader should get.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

EN_PROSE = [
    "The move comes as trading activity across the sector remains subdued after a volatile summer.",
    "Analysts said the outcome would depend on how quickly institutional demand returns.",
    "Several market participants declined to comment on the record.",
    "The company has not disclosed how many users are affected by the change.",
    "Industry groups want clearer guidance on how existing rules apply to digital assets.",
    "The proposal is open for public comment until the end of next month.",
    "Investors have grown more cautious as liquidity thinned in recent weeks.",
    "Developers say the change should reduce fees for ordinary users over time.",
    "The report draws on data collected over the past twelve months.",
    "It is not clear whether the plan will survive a review by the full committee.",
    "Volumes on smaller venues were little changed, according to publicly available data.",
    "The firm said it would share more details at its annual conference in the autumn.",
    "Critics argue that the measures do not go far enough to protect retail customers.",
    "Supporters counter that the framework strikes a reasonable balance between risk and growth.",
    "Shares of listed crypto companies moved in a narrow range during the session.",
    "The network processed more transactions last quarter than in any previous period.",
    "Some observers expect consolidation among smaller operators as margins come under pressure.",
    "The agency said its review is ongoing and that no final decision has been taken.",
    "Officials stressed that the pilot is limited in scope and will be evaluated before expansion.",
    "The token has lost more than half of its value since the start of the year.",
    "A spokesperson for the exchange said the platform had complied with every request.",
    "Lawyers in Hong Kong said the licensing regime had become noticeably stricter.",
    "Mainland brokers, for their part, have been told to stay away from the business entirely.",
    "The figures, which have not been audited, suggest a sharp slowdown in new accounts.",
    "That is roughly double the level recorded at the same point last year.",
]
ZH_PROSE = [
    "业内人士表示，市场情绪在近期有所回暖，但整体交易量仍处于低位。",
    "分析人士认为，后续走势仍取决于机构资金的入场节奏。",
    "该公司并未透露受影响用户的具体数量。",
    "多家行业机构呼吁监管部门进一步明确现有规则的适用范围。",
    "相关方案将公开征求意见至下月底。",
    "近期流动性明显收紧，投资者整体趋于谨慎。",
    "开发者表示，此次调整有望在长期内降低普通用户的手续费。",
    "报告数据覆盖过去十二个月的链上活动。",
    "目前尚不清楚该计划能否在委员会审议中获得通过。",
    "小型平台的成交量基本持平。",
    "该机构表示将在年度大会上公布更多细节。",
    "批评者认为，现有措施不足以保护散户投资者。",
    "支持者则认为，新框架在风险与发展之间取得了平衡。",
    "相关上市公司股价在盘中窄幅波动。",
    "网络上季度处理的交易笔数创下新纪录。",
    "有观察人士预计，随着利润空间收窄，中小运营商之间可能出现整合。",
    "据记者了解，多家券商已暂停为客户开通相关业务，并要求存量客户补充风险测评。",
    "一位不愿具名的交易所人士称：“牌照申请的门槛明显提高了，审核周期也更长。”",
    "从数据来看，本季度新增开户数环比下降约三成，为近两年来的最低水平。",
    "值得注意的是，香港监管机构此前已多次提醒投资者，只应通过持牌平台进行交易。",
    "另一方面，内地监管部门重申，虚拟货币相关业务活动属于非法金融活动。",
    "记者注意到，近期多地法院审理的涉币案件数量有所上升，涉案金额动辄上亿元。",
    "多位受访者表示，合规成本上升已成为中小机构面临的最大压力。",
    "该人士进一步解释，新规对客户资产隔离、冷钱包比例和反洗钱审查都提出了更细的要求。",
    "截至发稿时，比特币报价较前一交易日下跌约百分之二，以太坊跌幅略大。",
    "有分析师指出，稳定币发行牌照的落地，将为香港打造数字资产中心提供重要支撑。",
    "在粤港澳大湾区，数字人民币的跨境支付试点也在稳步推进，使用场景不断丰富。",
    "业内普遍认为，监管框架的明确有助于行业长期健康发展，但短期内难免出现阵痛。",
    "对此，该平台回应称，已按照监管要求完成整改，并将持续加强内部风控。",
    "公开资料显示，该公司成立于二〇一八年，总部位于深圳，主营区块链技术服务。",
]
EN_COMMENTS = [
    "Great write-up, thanks. I had no idea the licensing process took this long.",
    "This is exactly why I moved my coins off exchanges last year, never again.",
    "Does anyone know if the new rules apply to existing customers or only new ones?",
    "Regulators always arrive late to the party and then blame the guests, as usual.",
    "Well researched as always. Would love a follow-up on the mainland side of things.",
    "The real story is liquidity, and nobody in this article wants to talk about it.",
    "I work in compliance in Hong Kong and can confirm the reviews are brutal right now.",
    "Not financial advice, but this looks like the bottom to me, accumulate and wait.",
    "Why does every article about this sector read like a press release these days?",
    "Thanks for the context on the stablecoin bill, it was missing elsewhere.",
]
ZH_COMMENTS = [
    "写得很清楚，终于看懂了这次新规到底改了什么。",
    "监管越来越严，小平台的日子不好过了，早点出金吧。",
    "请问存量用户需要重新做风险测评吗？有没有知道的？",
    "说到底还是流动性的问题，文章一句都没提。",
    "支持合规发展，香港这一步走得稳。",
    "又是一篇通稿，能不能来点干货。",
    "我在深圳做这一行，感觉今年审核确实比往年严格很多。",
    "币圈一天，人间一年，大家理性投资。",
    "楼上说得对，牌照只是第一步，后面还要看执行。",
    "收藏了，回头再仔细看一遍。",
]
MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
EN_AUTHORS = ["Jane Doe", "Wei Chen", "Sam Okafor", "Laura Martínez", "Tom Becker", "Mei Lin"]
ZH_AUTHORS = ["张三", "李四", "王晓明", "陈静", "刘洋", "赵一鸣"]
EN_HEADINGS = ["What changes", "Why it matters", "The mainland angle", "What comes next",
               "Market reaction", "Background"]
ZH_HEADINGS = ["新规要点", "市场反应", "业内观点", "后续影响", "事件回顾", "监管动向"]
EN_LIST = ["Custody of client assets in cold wallets", "Quarterly audits by an approved firm",
           "A ban on lending client tokens", "Separate accounts for retail customers",
           "Daily reporting of large transfers", "Insurance cover for hot-wallet holdings"]
ZH_LIST = ["客户资产须存放于冷钱包", "每季度由认可机构审计", "禁止出借客户代币",
           "零售客户须开立独立账户", "大额转账须每日报告", "热钱包资产须购买保险"]
TABLE_EN = [["Platform", "Licensed", "Users (m)"], ["HashKey", "2023", "1.2"],
            ["OSL", "2020", "0.8"], ["HKVAX", "2024", "0.3"], ["Accumulus", "2025", "0.1"]]
TABLE_ZH = [["平台", "获牌年份", "用户数（万）"], ["HashKey", "2023", "120"],
            ["OSL", "2020", "80"], ["HKVAX", "2024", "30"], ["Accumulus", "2025", "10"]]
EN_CAPTIONS = ["Traders at a brokerage in Hong Kong's Central district.",
               "The Securities and Futures Commission headquarters in Quarry Bay.",
               "A bitcoin mining facility before it was moved abroad.",
               "Customers use the digital yuan at a shop in Shenzhen."]
ZH_CAPTIONS = ["香港中环一家券商的交易大厅。", "位于鲗鱼涌的香港证监会总部。",
               "迁往海外之前的一处比特币矿场。", "深圳一家商店的顾客使用数字人民币付款。"]
EN_CREDITS = ["Photo: Reuters", "Photograph: Bloomberg/Getty Images", "Credit: AFP",
              "Image: Shutterstock"]
ZH_CREDITS = ["图片来源：视觉中国", "（图源：新华社）", "摄影：本报记者", "图片来源：网络"]


def _labelled() -> tuple[list[str], list[str], list[str], list[str]]:
    en_t, en_s, zh_t, zh_s = [], [], [], []
    for line in (ROOT / "tests" / "data" / "labelled.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        if item["lang"] == "zh":
            zh_t.append(item["title"])
            zh_s.append(item["summary"])
        else:
            en_t.append(item["title"])
            en_s.append(item["summary"])
    return en_t, en_s, zh_t, zh_s


EN_TITLES, EN_SUMMARIES, ZH_TITLES, ZH_SUMMARIES = _labelled()


@dataclass
class Article:
    lang: str
    title: str
    author: str
    date: str
    blocks: list[tuple] = field(default_factory=list)
    dek: str = ""
    others: list[str] = field(default_factory=list)  # headlines for related rails
    other_texts: list[str] = field(default_factory=list)  # teasers / other flash items
    comments: list[str] = field(default_factory=list)
    slug: int = 0

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def truth(self) -> str:
        lines: list[str] = []
        for block in self.blocks:
            kind = block[0]
            if kind == "p":
                lines.append(seg_text(block[1]))
            elif kind in ("h2", "quote"):
                lines.append(block[1])
            elif kind in ("ul", "ol"):
                lines.extend(block[1])
            elif kind == "table":
                lines.extend(" ".join(row) for row in block[1])
            elif kind == "figure":
                lines.append(block[2])
        return "\n".join(lines)


def seg_text(segments: list) -> str:
    return "".join(s if isinstance(s, str) else s[0] for s in segments)


def make_article(rng: random.Random, lang: str, *, short: bool = False) -> Article:
    zh = lang == "zh"
    titles = ZH_TITLES if zh else EN_TITLES
    pool = (ZH_PROSE + ZH_SUMMARIES) if zh else (EN_PROSE + EN_SUMMARIES)
    joiner = "" if zh else " "
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = f"2026年{month}月{day}日 {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}" if zh \
        else f"{MONTHS[month - 1]} {day}, 2026"
    article = Article(
        lang=lang,
        title=rng.choice(titles),
        author=rng.choice(ZH_AUTHORS if zh else EN_AUTHORS),
        date=date,
        slug=rng.randint(100000, 999999),
    )
    article.dek = rng.choice(pool)
    article.others = rng.sample(titles, 8)
    article.other_texts = [joiner.join(rng.sample(pool, 2)) for _ in range(8)]
    article.comments = rng.sample(ZH_COMMENTS if zh else EN_COMMENTS, rng.randint(3, 8))

    def sentence() -> str:
        return rng.choice(pool)

    def paragraph(n: int) -> list:
        parts = [sentence() for _ in range(n)]
        segments: list = []
        for i, part in enumerate(parts):
            if i:
                segments.append(joiner)
            if rng.random() < 0.12:
                words = part.split(" ") if not zh else None
                if words and len(words) > 6:
                    k = rng.randint(0, len(words) - 3)
                    before, link, after = words[:k], words[k:k + 3], words[k + 3:]
                    segments.append(" ".join(before) + (" " if before else ""))
                    segments.append((" ".join(link), _href(rng, zh)))
                    segments.append((" " if after else "") + " ".join(after))
                    continue
                if zh and len(part) > 12:
                    k = rng.randint(0, len(part) - 8)
                    segments += [part[:k], (part[k:k + 6], _href(rng, zh)), part[k + 6:]]
                    continue
            segments.append(part)
        return [s for s in segments if s != ""]

    if short:
        article.blocks = [("p", paragraph(rng.randint(2, 3)))]
        if rng.random() < 0.5:
            article.blocks.append(("p", paragraph(1)))
        return article
    count = rng.randint(4, 9)
    blocks: list[tuple] = [("p", paragraph(rng.randint(2, 4))) for _ in range(count)]
    extras = []
    if rng.random() < 0.5:
        extras.append(("h2", rng.choice(ZH_HEADINGS if zh else EN_HEADINGS)))
    if rng.random() < 0.35:
        extras.append((rng.choice(["ul", "ol"]), rng.sample(ZH_LIST if zh else EN_LIST, 3)))
    if rng.random() < 0.3:
        extras.append(("quote", sentence()))
    if rng.random() < 0.2:
        extras.append(("table", TABLE_ZH if zh else TABLE_EN))
    if rng.random() < 0.4:
        i = rng.randrange(4)
        extras.append(("figure", "photo" if rng.random() < 0.5 else
                       (ZH_CAPTIONS if zh else EN_CAPTIONS)[i],
                       (ZH_CAPTIONS if zh else EN_CAPTIONS)[i],
                       rng.choice(ZH_CREDITS if zh else EN_CREDITS)))
    for extra in extras:
        blocks.insert(rng.randint(1, len(blocks)), extra)
    article.blocks = blocks
    return article


def _href(rng: random.Random, zh: bool) -> str:
    host = rng.choice(["finance.example.cn", "news.example.cn"] if zh
                      else ["www.reuters.example", "www.sfc.example.hk", "coindesk.example"])
    path = f"/{rng.choice(['markets', 'policy', 'a', 'news'])}/{rng.randint(1000, 99999)}"
    tail = rng.choice([
        "", "", ".html",
        "?utm_source=twitter&utm_medium=social&utm_campaign=share",
        ".html?spm=a2c4g.11186623.0.0" if zh else "?fbclid=IwAR3xYz_9kQ",
        "?gclid=Cj0KCQiA&ref=home",
    ])
    if rng.random() < 0.25:
        return path + tail  # relative
    return f"https://{host}{path}{tail}"
