# ruff: noqa: E501  (template markup reads better on one line)
"""Page templates for the extraction benchmark, one function per family of real-world page.

A template gets an :class:`~prose.Article` and a seeded RNG and returns (html, encoding). The
furniture (navigation, share bars, related rails, newsletter boxes, ads, comments, footers)
is what such sites print around and inside the body; the body itself is the article's blocks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from prose import Article, seg_text


@dataclass(frozen=True)
class Family:
    name: str
    split: str  # "train" or "test"
    langs: tuple[str, ...]
    render: Callable[[Article, random.Random], tuple[str, str]]
    host: str
    short: bool = False
    count: int = 0  # shells only

    def url(self, article: Article) -> str:
        return f"https://{self.host}/{'a' if article.zh else 'news'}/2026/{article.slug}.html"


def seg_html(segments: list) -> str:
    out = []
    for s in segments:
        if isinstance(s, str):
            out.append(escape(s, quote=False))
        else:
            out.append(f'<a href="{escape(s[1])}">{escape(s[0], quote=False)}</a>')
    return "".join(out)


def blocks_html(a: Article, rng: random.Random, *, p: str = "<p>{}</p>",
                figure: str = "html5", inserts: list[str] = (), table: str = "plain") -> str:
    """The body's blocks as HTML, with furniture ``inserts`` spread between them."""
    parts = []
    for block in a.blocks:
        kind = block[0]
        if kind == "p":
            parts.append(p.format(seg_html(block[1])))
        elif kind == "h2":
            parts.append(f"<h2>{escape(block[1])}</h2>")
        elif kind in ("ul", "ol"):
            items = "".join(f"<li>{escape(i)}</li>" for i in block[1])
            parts.append(f"<{kind}>{items}</{kind}>")
        elif kind == "quote":
            parts.append(f"<blockquote><p>{escape(block[1])}</p></blockquote>")
        elif kind == "table":
            head, *rows = block[1]
            cells = "".join(f"<th>{escape(c)}</th>" for c in head)
            body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>"
                           for r in rows)
            cls = ' class="data-table" border="1"' if table == "styled" else ""
            parts.append(f"<table{cls}><thead><tr>{cells}</tr></thead><tbody>{body}</tbody>"
                         "</table>")
        elif kind == "figure":
            _, alt, caption, credit = block
            img = f'<img src="/img/{rng.randint(1, 9999)}.jpg" alt="{escape(alt)}">'
            if figure == "html5":
                parts.append(f'<figure>{img}<figcaption>{escape(caption)} '
                             f'<span class="credit">{escape(credit)}</span></figcaption></figure>')
            elif figure == "cn":
                parts.append(f'<div class="img_wrapper">{img}<span class="img_descr">'
                             f'{escape(caption)}{escape(credit)}</span></div>')
            else:  # caption and credit as separate small paragraphs
                parts.append(f'<div class="media">{img}<p class="caption">{escape(caption)}</p>'
                             f'<p class="photo-credit">{escape(credit)}</p></div>')
    for insert in inserts:
        parts.insert(rng.randint(1, max(1, len(parts) - 1)), insert)
    return "\n".join(parts)


def links(titles: list[str], base: str = "/news/", n: int = 5) -> str:
    return "".join(f'<li><a href="{base}{i + 1000}.html">{escape(t)}</a></li>'
                   for i, t in enumerate(titles[:n]))


def head(a: Article, site: str, charset: str = "utf-8", extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if a.zh else "en"}"><head>'
            f'<meta charset="{charset}"><title>{escape(a.title)} - {site}</title>'
            f'<meta property="og:title" content="{escape(a.title)}">'
            f'<script>window.dataLayer=[];function gtag(){{dataLayer.push(arguments)}}</script>'
            f'<link rel="stylesheet" href="/css/main.css">{extra}</head>\n')


def nav(items: list[str]) -> str:
    return "<nav class=\"main-nav\"><ul>" + "".join(
        f'<li><a href="/{i}">{escape(w)}</a></li>' for i, w in enumerate(items)) + "</ul></nav>"


EN_NAV = ["Home", "Markets", "Policy", "Tech", "Asia", "Opinion", "Podcasts", "Newsletters",
          "Events", "Subscribe"]
ZH_NAV = ["首页", "新闻", "财经", "科技", "区块链", "港股", "美股", "基金", "视频", "APP下载"]


def comments_en(a: Article, cls: str = "comments") -> str:
    items = "".join(
        f'<div class="comment"><div class="comment-author">user{i}</div>'
        f'<div class="comment-body"><p>{escape(c)}</p></div>'
        f'<div class="comment-actions">Reply · Like · {i + 2}h</div></div>'
        for i, c in enumerate(a.comments))
    return (f'<section class="{cls}" id="comments"><h3>{len(a.comments)} Comments</h3>'
            f'{items}<form><textarea>Join the discussion</textarea></form></section>')


def comments_zh(a: Article, cls: str = "comment-list") -> str:
    items = "".join(
        f'<li><span class="nick">网友{i}</span><p>{escape(c)}</p>'
        f'<span class="time">{i + 1}小时前</span> <a>回复</a> <a>赞({i * 3})</a></li>'
        for i, c in enumerate(a.comments))
    return (f'<div class="{cls}"><h3>网友评论</h3><ul>{items}</ul>'
            '<div class="post">发表评论 <textarea></textarea></div></div>')


ICP = ('<div class="footer"><p>关于我们 | 联系我们 | 广告服务 | 网站地图</p>'
       '<p>Copyright © 1998-2026 示例网络 版权所有</p><p>京ICP证000007号 京公网安备11000002000016号'
       '</p><p>违法和不良信息举报电话：010-12345678</p></div>')
FOOTER_EN = ('<footer class="site-footer"><p>© 2026 Example Media Ltd. All rights reserved.</p>'
             '<ul><li><a href="/privacy">Privacy Policy</a></li><li><a href="/terms">Terms of '
             'Use</a></li><li><a href="/cookies">Cookie Settings</a></li><li><a href="/contact">'
             'Contact Us</a></li></ul></footer>')


def _related_inline_en(a: Article, rng: random.Random) -> str:
    kind = rng.randrange(3)
    title = escape(rng.choice(a.others))
    if kind == 0:
        return f'<p><strong>Read more:</strong> <a href="/news/{rng.randint(1, 999)}">{title}</a></p>'
    if kind == 1:
        return (f'<div class="related-inline"><span>Related</span><a href="/n/{rng.randint(1, 99)}">'
                f'{title}</a></div>')
    return f'<p><em>READ MORE: <a href="/x/{rng.randint(1, 99)}">{title}</a></em></p>'


# --- train families ------------------------------------------------------------------------


def news_classic(a: Article, rng: random.Random) -> tuple[str, str]:
    share = ('<div class="share-bar"><a href="#">Share on Twitter</a> <a href="#">Facebook</a> '
             '<a href="#">LinkedIn</a> <a href="#">Email</a> <a href="#">Copy link</a></div>')
    inserts = [_related_inline_en(a, rng),
               '<div class="ad-container"><p class="ad-label">Advertisement</p>'
               '<div id="div-gpt-ad-1"></div></div>']
    body = blocks_html(a, rng, inserts=inserts)
    page = (head(a, "Example News") + '<body><header class="site-header">' + nav(EN_NAV)
            + '</header><div class="breadcrumbs"><a href="/">Home</a> › <a href="/markets">'
            'Markets</a> › Policy</div><main><article class="story">'
            f'<h1 class="headline">{escape(a.title)}</h1>'
            f'<div class="byline">By <a href="/authors/x">{escape(a.author)}</a> | {a.date}</div>'
            f'{share}<div class="article-body">{body}</div>'
            '<div class="tags">Tags: <a>Bitcoin</a> <a>China</a> <a>Regulation</a></div>'
            f'{share}</article><aside class="related"><h3>Related Stories</h3><ul>'
            f'{links(a.others)}</ul></aside>{comments_en(a)}</main>{FOOTER_EN}</body></html>')
    return page, "utf-8"


def blog_wp(a: Article, rng: random.Random) -> tuple[str, str]:
    zh = a.zh
    share = (f'<div class="sharedaddy"><h3 class="sd-title">{"分享到：" if zh else "Share this:"}'
             '</h3><ul><li><a>Twitter</a></li><li><a>Facebook</a></li><li><a>WhatsApp</a></li>'
             '</ul></div>')
    related = (f'<div class="jp-relatedposts"><h3>{"相关文章" if zh else "Related"}</h3>'
               + "".join(f'<div class="jp-relatedposts-post"><a>{escape(t)}</a>'
                         f'<p>{escape(x[:80])}</p></div>'
                         for t, x in zip(a.others[:3], a.other_texts[:3], strict=True))
               + "</div>")
    body = blocks_html(a, rng)
    comments = "".join(
        f'<li class="comment"><article class="comment-body"><footer class="comment-meta">'
        f'<b class="fn">{"读者" if zh else "reader"}{i}</b> <time>{a.date}</time></footer>'
        f'<div class="comment-content"><p>{escape(c)}</p></div><div class="reply">'
        f'<a>{"回复" if zh else "Reply"}</a></div></article></li>'
        for i, c in enumerate(a.comments))
    n = len(a.comments)
    page = (head(a, "My Crypto Blog") + '<body class="single-post"><div id="page" class="site">'
            f'<header id="masthead"><p class="site-title"><a href="/">{"链上观察" if zh else "Chain Notes"}'
            '</a></p>' + nav(ZH_NAV[:5] if zh else EN_NAV[:5]) + '</header><div id="content">'
            '<div id="primary"><article class="post type-post">'
            f'<header class="entry-header"><h1 class="entry-title">{escape(a.title)}</h1>'
            f'<div class="entry-meta">{"发布于" if zh else "Posted on"} <time>{a.date}</time> '
            f'{"作者" if zh else "by"} <span class="author">{escape(a.author)}</span></div></header>'
            f'<div class="entry-content">{body}{share}{related}</div>'
            f'<footer class="entry-footer">{"分类" if zh else "Categories"}: <a>China</a>, <a>DeFi</a>'
            '</footer></article><nav class="post-navigation">'
            f'<a>{"上一篇" if zh else "Previous post"}: {escape(a.others[0])}</a> '
            f'<a>{"下一篇" if zh else "Next post"}: {escape(a.others[1])}</a></nav>'
            f'<div id="comments" class="comments-area"><h2 class="comments-title">'
            f'{f"{n} 条评论" if zh else f"{n} thoughts on “{escape(a.title)}”"}</h2>'
            f'<ol class="comment-list">{comments}</ol><div id="respond"><h3>'
            f'{"发表回复" if zh else "Leave a Reply"}</h3><form><textarea></textarea></form></div>'
            '</div></div><aside id="secondary" class="widget-area"><section class="widget">'
            f'<h2>{"近期文章" if zh else "Recent Posts"}</h2><ul>{links(a.others[2:])}</ul></section>'
            f'<section class="widget"><h2>{"归档" if zh else "Archives"}</h2><ul><li>2026-11</li>'
            '<li>2026-10</li></ul></section></aside></div><footer class="site-footer">'
            'Proudly powered by WordPress</footer></div></body></html>')
    return page, "utf-8"


def cn_portal(a: Article, rng: random.Random) -> tuple[str, str]:
    inserts = [f'<p>相关阅读：<a href="/a/{rng.randint(1, 999)}.html">{escape(a.others[5])}</a></p>']
    body = blocks_html(a, rng, p="<p>\u3000\u3000{}</p>", figure="cn", inserts=inserts)
    page = (head(a, "示例财经") + '<body><div class="top-nav">' + nav(ZH_NAV) + '</div>'
            '<div class="main-content w1000"><h1 class="main-title">' + escape(a.title) + '</h1>'
            f'<div class="date-source"><span class="date">{a.date}</span> '
            '<a class="source" href="/">示例财经</a></div>'
            '<div class="article" id="artibody">' + body
            + f'<p class="article-editor">责任编辑：{escape(a.author)}</p></div>'
            '<div class="appendQr_wrap"><img src="/qr.png"><p>扫码关注示例财经微信公众号，'
            '获取更多精彩内容</p></div>'
            f'<div class="related-news"><h3>相关阅读</h3><ul>{links(a.others, "/a/")}</ul></div>'
            f'<div class="hot-news"><h3>热门文章</h3><ol>{links(a.others[3:], "/hot/")}</ol></div>'
            '<div class="disclaimer">免责声明：本文仅代表作者个人观点，与示例财经无关。其原创性以及文中陈述'
            '文字和内容未经本站证实，对本文以及其中全部或者部分内容、文字的真实性、完整性、及时性本站'
            '不作任何保证或承诺，请读者仅作参考，并请自行核实相关内容。</div>'
            f'{comments_zh(a)}</div>{ICP}</body></html>')
    return page, "utf-8"


def kuaixun(a: Article, rng: random.Random) -> tuple[str, str]:
    items = "".join(
        f'<div class="flash-item"><span class="time">{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}'
        f'</span><h3><a href="/flash/{i}">【{escape(t)}】</a></h3><p>{escape(x)}</p></div>'
        for i, (t, x) in enumerate(zip(a.others, a.other_texts, strict=True)))
    body = "".join(f"<p>{seg_html(b[1])}</p>" for b in a.blocks)
    page = (head(a, "金色快讯") + '<body><div class="header">' + nav(ZH_NAV) + '</div>'
            '<div class="flash-detail"><div class="flash-time">' + a.date + '</div>'
            f'<h1 class="flash-title">【{escape(a.title)}】</h1>'
            f'<div class="flash-content">{body}</div>'
            '<div class="flash-share">分享到：<a>微博</a> <a>微信</a> <a>复制链接</a></div>'
            '<div class="flash-vote">利好 <b>12</b> 利空 <b>3</b></div></div>'
            f'<div class="flash-list"><h2>最新快讯</h2>{items}</div>'
            '<div class="app-download">下载APP，随时随地掌握最新快讯</div>' + ICP + '</body></html>')
    return page, "utf-8"


def amp(a: Article, rng: random.Random) -> tuple[str, str]:
    zh = a.zh
    body = blocks_html(a, rng, inserts=[
        '<amp-ad width="300" height="250" type="doubleclick" data-slot="/1/x"></amp-ad>',
        '<p class="ad-label">广告</p>' if zh else '<p class="ad-label">Advertisement</p>'])
    body = body.replace("<img ", '<amp-img layout="responsive" width="4" height="3" ')
    related = "".join(f'<div class="card"><a href="/amp/{i}"><h4>{escape(t)}</h4></a></div>'
                      for i, t in enumerate(a.others[:4]))
    page = (f'<!doctype html><html amp lang="{"zh" if zh else "en"}"><head><meta charset="utf-8">'
            f'<title>{escape(a.title)}</title><link rel="canonical" href="/x">'
            '<script async src="https://cdn.ampproject.org/v0.js"></script>'
            '<style amp-custom>body{font-family:sans-serif}</style></head><body>'
            '<amp-analytics type="gtag"><script type="application/json">{"vars":{}}</script>'
            '</amp-analytics><header class="amp-header"><button on="tap:sidebar.toggle">☰</button>'
            '<a href="/">Example</a></header><amp-sidebar id="sidebar" layout="nodisplay">'
            + nav(ZH_NAV if zh else EN_NAV) + '</amp-sidebar><article class="amp-article">'
            f'<h1>{escape(a.title)}</h1><div class="amp-byline">{escape(a.author)} · {a.date}</div>'
            '<amp-social-share type="twitter"></amp-social-share>'
            '<amp-social-share type="facebook"></amp-social-share>'
            f'<div class="article-body">{body}</div></article>'
            f'<section class="amp-related"><h3>{"猜你喜欢" if zh else "More stories"}</h3>'
            f'<amp-carousel type="carousel" height="200">{related}</amp-carousel></section>'
            f'<footer><a href="/">{"查看完整版" if zh else "View full site"}</a> © 2026</footer>'
            '</body></html>')
    return page, "utf-8"


def crypto_inline(a: Article, rng: random.Random) -> tuple[str, str]:
    newsletter = ('<div class="newsletter-box"><h3>Sign up for First Mover, our daily newsletter'
                  '</h3><p>Get the latest market news delivered to your inbox every weekday '
                  'morning.</p><form><input type="email" placeholder="Email"><button>Sign up'
                  '</button></form><p class="fine">By signing up, you will receive emails about '
                  'products and agree to our terms of use and privacy policy.</p></div>')
    inserts = [_related_inline_en(a, rng), _related_inline_en(a, rng), newsletter]
    body = blocks_html(a, rng, figure="credit-p", inserts=inserts)
    page = (head(a, "CoinExample") + '<body><div id="__next"><div class="top-ticker">BTC $97,120 '
            '+1.2% ETH $3,410 -0.4% SOL $188 +2.9%</div><header>' + nav(EN_NAV) + '</header>'
            f'<main><div class="at-headline"><h1>{escape(a.title)}</h1>'
            f'<h2 class="at-subheadline">{escape(a.dek)}</h2></div>'
            f'<div class="at-authors">By {escape(a.author)}</div><div class="at-created">'
            f'Updated {a.date}, 3:04 p.m. UTC Published {a.date}, 2:10 p.m. UTC</div>'
            f'<div class="at-content-wrapper"><div class="at-text">{body}</div></div>'
            f'<p class="editor">Edited by {escape(rng.choice(["Nick Baker", "Parikshit Mishra"]))}'
            '</p><div class="disclosure"><h5>Disclosure</h5><p>Please note that our privacy '
            'policy, terms of use, cookies, and do not sell my personal information have been '
            'updated.</p></div><section class="more-for-you"><h3>More For You</h3><ul>'
            f'{links(a.others)}</ul></section></main>{FOOTER_EN}</div></body></html>')
    return page, "utf-8"


def br_body(a: Article, rng: random.Random) -> tuple[str, str]:
    """An old Chinese CMS: table layout, GBK, the whole body one <div> split by <br><br>."""
    pieces = []
    for block in a.blocks:
        if block[0] == "p":
            pieces.append("\u3000\u3000" + seg_html(block[1]))
        elif block[0] in ("h2", "quote"):
            pieces.append("<strong>" + escape(block[1]) + "</strong>")
        elif block[0] in ("ul", "ol"):
            pieces.extend(f"● {escape(x)}" for x in block[1])
        elif block[0] == "table":
            pieces.append("<table border=1>" + "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                for row in block[1]) + "</table>")
        elif block[0] == "figure":
            pieces.append(f'<center><img src="/p/{rng.randint(1, 99)}.jpg"><br>'
                          f'{escape(block[2])}</center>')
    sep = rng.choice(["<br><br>", "<br />\n<br />", "<br>\n"])
    body = sep.join(pieces)
    charset = rng.choice(["gb2312", "gbk", "utf-8"])
    encoding = {"gb2312": "gb18030", "gbk": "gb18030"}.get(charset, "utf-8")
    page = (head(a, "示例政务网", charset=charset)
            + '<body><table width="960" align="center"><tr><td class="top">'
            + nav(ZH_NAV[:6]) + '</td></tr><tr><td class="location">当前位置：首页 &gt; 新闻中心 &gt; '
            '行业动态</td></tr><tr><td align="center"><h1 class="title">' + escape(a.title)
            + f'</h1></td></tr><tr><td class="info" align="center">发布时间：{a.date[:11]} 　来源：'
            f'本网 　作者：{escape(a.author)} 　【字体：<a>大</a> <a>中</a> <a>小</a>】</td></tr>'
            f'<tr><td><div id="zoom" class="TRS_Editor">{body}</div></td></tr>'
            '<tr><td class="tools">【<a>打印本页</a>】【<a>关闭窗口</a>】【<a>收藏</a>】</td></tr>'
            f'<tr><td class="prenext">上一篇：<a href="/p1.html">{escape(a.others[0])}</a><br>'
            f'下一篇：<a href="/p2.html">{escape(a.others[1])}</a></td></tr>'
            f'<tr><td>{comments_zh(a, "pinglun")}</td></tr>'
            f'<tr><td class="bottom">主办单位：示例市人民政府办公厅 　网站标识码：1100000001 　'
            '京ICP备05012345号-1</td></tr></table></body></html>')
    return page, encoding


# --- test families (unseen while writing the rules) ------------------------------------------


def magazine(a: Article, rng: random.Random) -> tuple[str, str]:
    pull = f'<aside class="pullquote"><p>“{escape(seg_text(a.blocks[0][1])[:90])}”</p></aside>'
    advert = '<div class="advert-slot"><span class="advert-label">Advertisement</span></div>'
    newsletter = ('<div class="signup-module"><h4>The Morning Briefing</h4><p>Start your day with '
                  'the stories that matter, free in your inbox.</p><a href="/signup">Sign up'
                  '</a></div>')
    inserts = [pull, advert, newsletter, advert]
    body = blocks_html(a, rng, inserts=inserts)
    more = "".join(f'<tr><td><a href="/m/{i}">{escape(t)}</a></td><td>{a.date}</td></tr>'
                   for i, t in enumerate(a.others[:4]))
    page = (head(a, "The Example Magazine") + '<body><div class="page"><header class="masthead">'
            '<div class="logo">The Example</div>' + nav(EN_NAV) + '</header>'
            f'<div class="hero"><h1 class="hero-title">{escape(a.title)}</h1>'
            f'<p class="standfirst">{escape(a.dek)}</p></div><div class="story-wrap">'
            f'<div class="story-meta"><span class="author">By {escape(a.author)}</span> '
            f'<time>{a.date}</time> <span class="read-time">6 min read</span></div>'
            f'<div class="story"><h1 class="story-title">{escape(a.title)}</h1>'
            f'<section class="story-body">{body}</section></div>'
            f'<div class="more-on-this"><h4>More on this story</h4><table>{more}</table></div>'
            '<div class="most-viewed"><h3>Most viewed</h3><ol>'
            f'{links(a.others[4:], "/mv/")}</ol></div>'
            f'{comments_en(a, "discussion")}</div>{FOOTER_EN}</div></body></html>')
    return page, "utf-8"


def cn_finance(a: Article, rng: random.Random) -> tuple[str, str]:
    ps = []
    for block in a.blocks:
        if block[0] == "p" and rng.random() < 0.3 and ps and ps[-1].startswith("<p>"):
            ps[-1] = ps[-1][:-4] + "<br>\u3000\u3000" + seg_html(block[1]) + "</p>"  # br in a p
            continue
        ps.append(blocks_html(Article(a.lang, "", "", "", [block]), rng, figure="credit-p"))
    body = "\n".join(ps)
    page = (head(a, "示例财富网", extra='<meta name="keywords" content="比特币,香港">')
            + '<body><div class="topbar">' + nav(ZH_NAV) + '</div><div class="newsContent">'
            f'<h1>{escape(a.title)}</h1><div class="infos"><div class="time">{a.date}</div>'
            f'<div class="source">来源：证券时报</div><div class="author">作者：{escape(a.author)}'
            f'</div><div class="comment-count">评论(12)</div></div>'
            f'<div id="ContentBody" class="Body">{body}'
            '<p class="em_media">（文章来源：证券时报）</p>'
            f'<p class="res-edit">（责任编辑：DF{rng.randint(100, 999)}）</p></div>'
            '<div class="riskTip">郑重声明：示例财富网发布此内容旨在传播更多信息，与本站立场无关，'
            '不构成投资建议。据此操作，风险自担。</div><div class="share-box">分享到：<a>微信</a>'
            '<a>微博</a><a>QQ空间</a></div><div class="fanye"><a>上一篇：'
            f'{escape(a.others[0])}</a><a>下一篇：{escape(a.others[1])}</a></div>'
            f'{comments_zh(a, "bbs-comment")}<div class="hot-list"><h3>热门文章</h3><ul>'
            f'{links(a.others[2:], "/h/")}</ul></div></div>'
            '<div class="foot">沪ICP证:沪B2-20070217 网络视听许可证:0908328号</div></body></html>')
    return page, "utf-8"


def medium(a: Article, rng: random.Random) -> tuple[str, str]:
    zh = a.zh
    body = blocks_html(a, rng, p='<p class="pw-post-body-paragraph">{}</p>')
    cards = "".join(
        f'<div class="card"><h2>{escape(t)}</h2><h3>{escape(x)}</h3>'
        f'<span>{"赞同" if zh else "claps"} {rng.randint(10, 900)}</span></div>'
        for t, x in zip(a.others[:4], a.other_texts[:4], strict=True))
    signup = ('<div class="paywall-upsell"><h2>还没有登录？</h2><p>登录后可以关注作者、收藏文章，'
              '并获得个性化推荐。</p><button>登录/注册</button></div>' if zh else
              '<div class="paywall-upsell"><h2>Sign up to discover human stories that deepen '
              'your understanding of the world.</h2><p>Free · Distraction-free reading. No ads. '
              'Organize your knowledge with lists and highlights.</p><button>Sign up for free'
              '</button></div>')
    page = (head(a, "知乎专栏" if zh else "Medium") + '<body><div id="root"><div class="metabar">'
            '<a href="/">Home</a> <a>Write</a> <a>Sign in</a></div><div class="meteredContent">'
            f'<article><div><section><div class="pw-title-wrap"><h1 class="pw-post-title">'
            f'{escape(a.title)}</h1></div><div class="pw-author"><a>{escape(a.author)}</a> · '
            f'{"关注" if zh else "Follow"} · {"发布于" if zh else "Published"} {a.date} · '
            f'{rng.randint(3, 12)} {"分钟阅读" if zh else "min read"}</div><div class="clap-bar">'
            f'{"赞同 " if zh else "Listen · Share · "}{rng.randint(5, 500)}</div>'
            f'<div class="body-wrap">{body}</div></section></div></article></div>{signup}'
            f'<div class="post-footer"><div class="clap-bar">{"喜欢" if zh else "Clap"} · '
            f'{"收藏" if zh else "Save"}</div><h2>{"更多来自" if zh else "More from"} '
            f'{escape(a.author)}</h2>{cards}<h2>{"推荐阅读" if zh else "Recommended from Medium"}'
            f'</h2>{cards}<div class="responses"><h2>{"评论" if zh else "Responses"} '
            f'({len(a.comments)})</h2>'
            + "".join(f'<div class="response"><p>{escape(c)}</p></div>' for c in a.comments)
            + '</div></div></div></body></html>')
    return page, "utf-8"


def report(a: Article, rng: random.Random) -> tuple[str, str]:
    zh = a.zh
    table = ("table", [["指标", "本季度", "上季度"], ["新增开户", "12.3万", "17.8万"],
                       ["日均成交额（亿元）", "38.5", "41.2"]] if zh else
             [["Metric", "This quarter", "Last quarter"], ["New accounts", "123,000", "178,000"],
              ["Daily turnover ($m)", "385", "412"]])
    if not any(b[0] == "table" for b in a.blocks):
        a.blocks.insert(min(2, len(a.blocks)), table)
    byline = f'<p class="byline-inline">{"记者 " if zh else "By "}{escape(a.author)}</p>'
    body = blocks_html(a, rng, table="styled")
    rel = "".join(f'<tr><td><a href="/r/{i}">{escape(t)}</a></td></tr>'
                  for i, t in enumerate(a.others[:5]))
    page = (head(a, "研究报告" if zh else "Example Research") + '<body><div class="wrapper">'
            '<div class="header">' + nav(ZH_NAV[:6] if zh else EN_NAV[:6]) + '</div>'
            '<div class="layout"><div class="col-main"><div class="report-header">'
            f'<h1>{escape(a.title)}</h1><div class="report-meta">{a.date} | '
            f'{escape(a.author)}</div><div class="share-tools"><a>{"分享" if zh else "Share"}</a> '
            f'<a>{"打印" if zh else "Print"}</a> <a>PDF</a></div></div>'
            f'<div class="report-body">{byline}{body}</div>'
            f'<div class="report-tags">{"标签" if zh else "Tags"}: <a>HK</a> <a>VASP</a></div>'
            '</div><div class="col-side"><h3>' + ("相关报告" if zh else "Related reports")
            + f'</h3><table class="side-list">{rel}</table></div></div>'
            + (ICP if zh else FOOTER_EN) + '</div></body></html>')
    return page, "utf-8"


FAMILIES = [
    Family("news", "train", ("en",), news_classic, "www.news.example"),
    Family("blog", "train", ("en", "zh"), blog_wp, "blog.example.org"),
    Family("portal", "train", ("zh",), cn_portal, "finance.portal.example.cn"),
    Family("flash", "train", ("zh",), kuaixun, "www.flash.example.cn", short=True),
    Family("amp", "train", ("en", "zh"), amp, "amp.example.com"),
    Family("crypto", "train", ("en",), crypto_inline, "www.coinexample.com"),
    Family("oldcms", "train", ("zh",), br_body, "www.gov.example.cn"),
    Family("magazine", "test", ("en",), magazine, "www.magazine.example"),
    Family("finance", "test", ("zh",), cn_finance, "finance.example.com.cn"),
    Family("column", "test", ("en", "zh"), medium, "column.example.com"),
    Family("report", "test", ("en", "zh"), report, "research.example.com"),
]
