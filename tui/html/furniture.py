"""Page furniture that readability lets into an article, and the rules that take it out.

Each rule looks at one block of the extracted article (a paragraph, list, box, table or
heading) and says whether it is furniture: something the site prints around every story
rather than this story's text. The rules read the block's *text* and its links, not class
names (which differ on every site and are in pinyin on many Chinese ones), and each only
fires on a short block or on a block that *starts* with a label, so a paragraph of the story
that merely mentions "subscribe" or 免责 is kept. :func:`furniture_reason` is the one entry
point; it returns the rule's name (for tests and debugging) or None.
"""

from __future__ import annotations

import re

import lxml.html

from tui.html.tree import tags, text_of

BLOCKS = tags(
    "p div section aside header footer ul ol dl li table figure figcaption blockquote "
    "h1 h2 h3 h4 h5 h6 span small em strong b center font"
)
_INLINE = tags("span small em strong b font")  # a label inside a line: judge the line
_RELATED = re.compile(
    r"^\s*(?:read (?:more|next|also)|related(?: (?:articles?|stories|posts|coverage|news|reading))?"
    r"|see also|also read|more (?:from|on|stories|for you)|more on this story|recommended"
    r"|most (?:viewed|read|popular)|trending|you may also like|top stories|latest news"
    r"|相关阅读|延伸阅读|推荐阅读|相关文章|相关新闻|相关报道|相关推荐|猜你喜欢|热门文章|热门推荐|热点推荐"
    r"|热门新闻|最新文章|最新快讯|更多精彩|往期回顾|精彩推荐|阅读更多|更多来自|更多阅读)\b\s*[:：>»›|]?",
    re.I,
)
_SHARE_WORDS = re.compile(
    r"share(?: this| on| via| article)?:?|tweet|twitter|x|facebook|linkedin|reddit|whatsapp|"
    r"telegram|email|e-mail|print|copy(?: link)?|link copied|pinterest|flipboard|listen|save|"
    r"gift (?:this )?article|comments?|分享到?[:：]?|微博|微信|朋友圈|qq空间|qq|复制链接|打印|收藏|"
    r"点赞|转发|举报|[\d,.]+|[·|/•]",
    re.I,
)
_BYLINE = re.compile(
    r"^\s*(?:by\s+(?-i:[A-Z\u00c0-\u024f])[\w.'\u00c0-\u024f-]*(?:\s+[\w.'\u00c0-\u024f-]+){0,4}\s*"
    r"(?:[|,·-].*)?$|(?:written|edited|reported|reviewed) by\b|updated\b.*\b(?:utc|gmt|am|pm|ago)\b"
    r"|published\b.*\d|posted (?:on|by)\b|(?:记者|作者|编辑|责编|责任编辑|来源|文章来源|原标题|"
    r"发布时间|发布日期|发布于|时间|本文作者|撰文|编译|校对|审核)\s*[:：]?\s*\S{1,40}\s*$"
    r"|[（(](?:文章来源|来源|责任编辑|编辑|记者|作者)[:：].{0,40}[）)]\s*$)",
    re.I,
)
_DATE_ONLY = re.compile(
    r"^\s*(?:\d{4}[年/.-]\d{1,2}[月/.-]\d{1,2}日?|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|"
    r"\d{1,2} [A-Z][a-z]{2,8} \d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:[|·].{0,40})?$"
)
_NEWSLETTER = re.compile(
    r"newsletter|sign(?:ing)?[ -]up|subscribe|inbox|unsubscribe|"
    r"get (?:the|our) .{0,30}(?:briefing|email|digest)|delivered to your|"
    r"订阅|立即注册|免费注册|注册/登录|登录/注册|登录后|扫码|二维码|"
    r"关注(?:我们|公众号|微信)|公众号|"
    r"下载app|下载客户端",
    re.I,
)
_CREDIT = re.compile(
    r"^\s*[（(【\[]?\s*(?:photo(?:graph)?s?|image|picture|credit|illustration|graphic|"
    r"source|图片来源|图源|图片|摄影|图|来源|视觉中国|供图)\s*(?:by\b|[:：/|])",
    re.I,
)
_CREDIT_TAIL = re.compile(
    r"\s*[（(]?\s*(?:(?:photo(?:graph)?|image|credit|picture)s?\s*[:：/]|图片来源[:：]|图源[:：]|"
    r"摄影[:：])[^。.!?]{0,60}[)）]?\s*$",
    re.I,
)
_AD_LABEL = re.compile(
    r"^\s*(?:advertisement|advertisment|advert|ad|ads|sponsored(?: content)?|promoted|"
    r"story continues below(?: this)? advertisement|continue reading below|广告|推广|赞助内容)\s*$",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^\s*(?:免责声明|郑重声明|风险提示|特别声明|版权声明|声明[:：]|disclaimer|disclosure|"
    r"copyright|©|\(c\) \d{4}|all rights reserved|tags?\s*[:：]|categories\s*[:：]|filed under|"
    r"标签[:：]|分类[:：]|关键词[:：]|上一篇|下一篇|previous (?:post|article)|"
    r"next (?:post|article)|网友评论|发表评论|评论[（(]?\d*[)）]?\s*$|"
    r"\d+\s*(?:comments?|条评论|responses?)\b|"
    r"(?:leave a|post a) (?:reply|comment)|join the (?:discussion|conversation)|"
    r"【?(?:打印|关闭|收藏|字体)|当前位置[:：]|您的位置|扫码|扫描二维码)",
    re.I,
)
_BOX_LABEL = re.compile(
    r"^\s*(?:\d+\s*)?(?:comments?|responses?|replies|discussion|网友评论|评论|热门评论|最新评论|"
    r"全部评论|留言|精彩评论)\s*[(（]?\d*[)）]?\s*$",
    re.I,
)
_FOOTER_MARKS = re.compile(r"icp[备证]|公网安备|版权所有|copyright|all rights reserved", re.I)


def furniture_reason(el: lxml.html.HtmlElement, title: str = "") -> str | None:
    """The name of the furniture rule this block matches, or None for article text."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag not in BLOCKS:
        return None
    text = text_of(el)
    if not text:
        return None
    size = len(text)
    link_text = _link_text(el)
    density = link_text / size
    if tag in ("h1", "h2", "h3") and title and _norm(text) == _norm(title):
        return "title repeated"
    if _AD_LABEL.match(text):
        return "advertisement label"
    if (tag not in _INLINE and size <= 400 and _RELATED.match(text)
            and (density >= 0.3 or size <= 40)):
        return "related links"
    if size <= 120 and _only_share_words(text):
        return "share bar"
    if tag in ("ul", "ol", "table", "div", "section", "aside", "p", "li") and _links_box(
        el, size, density
    ):
        return "box of links"
    if size <= 120 and (_BYLINE.match(text) or _DATE_ONLY.match(text)):
        return "byline or dateline"
    if size <= 300 and tag != "li" and _newsletter(el, text):
        return "newsletter prompt"
    if size <= 120 and _CREDIT.match(text):
        return "figure credit"
    if _BOILERPLATE.match(text) and (size <= 600 or density >= 0.3):
        return "boilerplate"
    if size <= 300 and _FOOTER_MARKS.search(text):
        return "site footer"
    return None


def headed_box_reason(el: lxml.html.HtmlElement) -> str | None:
    """A box whose first line is a rail's label ("Related", "最新快讯", "网友评论"): all of it."""
    children = [c for c in el if isinstance(c.tag, str)]
    if len(children) < 2 or el.tag not in ("div", "section", "aside", "ul", "ol", "dl"):
        return None
    label = text_of(children[0])
    if not label or len(label) > 30:
        return None
    related = _RELATED.match(label)
    if related and len(related.group(0)) >= len(label) - 1:
        return "box of related links"
    if _BOX_LABEL.match(label):
        return "comments"
    return None


def newsletter_box(form: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The small box around a sign-up form that pitches it (the form's pitch goes with it)."""
    box = None
    node = form.getparent()
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            break
        text = text_of(node)
        if len(text) > 400:
            break
        if _NEWSLETTER.search(text):
            box = node
        node = node.getparent()
    return box


def _newsletter(el: lxml.html.HtmlElement, text: str) -> bool:
    """A sign-up prompt: a cue and a form control, two cues, or a cue that opens the block."""
    cues = {m.lower() for m in _NEWSLETTER.findall(text)}
    if not cues:
        return False
    if el.find(".//input") is not None or el.find(".//button") is not None:
        return True
    return len(cues) >= 2 or bool(_NEWSLETTER.match(text.lstrip()))


def strip_credit(text: str) -> str:
    """A caption without its trailing credit ("… Photo: Reuters", "…（图源：新华社）")."""
    return _CREDIT_TAIL.sub("", text)


def _only_share_words(text: str) -> bool:
    rest = _SHARE_WORDS.sub(" ", text.lower())
    return not rest.strip(" :：,，|·-") and len(_SHARE_WORDS.findall(text)) >= 2


def _links_box(el: lxml.html.HtmlElement, size: int, density: float) -> bool:
    """A list, table or box that is mostly links to other pages: a related rail."""
    anchors = [a for a in el.iter("a") if text_of(a)]
    if len(anchors) < 2:
        return False
    if el.tag in ("p", "li") and density < 0.9:
        return False  # a paragraph with several links is still a paragraph
    return density >= 0.6 and (size / len(anchors)) < 160


def _link_text(el: lxml.html.HtmlElement) -> int:
    return sum(len(text_of(a)) for a in el.iter("a"))


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


__all__ = [
    "BLOCKS", "furniture_reason", "headed_box_reason", "newsletter_box", "strip_credit",
]
