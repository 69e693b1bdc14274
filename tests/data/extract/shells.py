# ruff: noqa: E501  (template markup reads better on one line)
"""Shell pages for the extraction benchmark: consent walls, JavaScript-only apps, paywalls.

They have no article text; the right answer for an extractor is a refusal, not the notice.
"""

from __future__ import annotations

import random
from html import escape

from families import EN_NAV, FOOTER_EN, ICP, ZH_NAV, Family, head, nav
from prose import Article


def consent(a: Article, rng: random.Random) -> tuple[str, str]:
    text = ('<h2>我们重视您的隐私</h2><p>我们和我们的合作伙伴使用Cookie等技术在您的设备上存储和访问信息，'
            '以便提供个性化广告和内容、衡量广告和内容效果。</p><button>全部接受</button>'
            '<button>拒绝</button><a>管理选项</a>' if a.zh else
            '<h2>We value your privacy</h2><p>We and our 842 partners store and/or access '
            'information on a device, such as cookies, and process personal data, such as unique '
            'identifiers and standard information sent by a device for personalised advertising '
            'and content, advertising and content measurement, audience research and services '
            'development.</p><button>Accept all</button><button>Reject all</button>'
            '<a>Manage options</a>')
    page = (head(a, "Example") + f'<body><div id="consent-overlay" class="cmp-wrapper">{text}'
            '</div><div id="app"></div><script src="/bundle.js"></script></body></html>')
    return page, "utf-8"


def js_only(a: Article, rng: random.Random) -> tuple[str, str]:
    msg = "请开启浏览器的JavaScript功能以获得最佳浏览体验。" if a.zh else \
        "You need to enable JavaScript to run this app."
    state = '{"props":{"pageProps":{"id":' + str(a.slug) + '}},"page":"/a/[id]"}'
    page = (head(a, "Example") + f'<body><noscript>{msg}</noscript><div id="__next"></div>'
            f'<script id="__NEXT_DATA__" type="application/json">{state}</script>'
            '<script src="/_next/static/chunks/main.js"></script></body></html>')
    return page, "utf-8"


def paywall(a: Article, rng: random.Random) -> tuple[str, str]:
    text = (f'<h1>{escape(a.title)}</h1><p class="dek">{escape(a.dek[:40])}</p>'
            '<div class="paywall"><h3>本文为付费内容</h3><p>订阅会员后即可阅读全文，首月仅需1元。</p>'
            '<a>立即订阅</a> <a>已是会员？登录</a></div>' if a.zh else
            f'<h1>{escape(a.title)}</h1><div class="paywall"><h3>This article is for '
            'subscribers only</h3><p>Subscribe now for unlimited access. $1 for your first '
            'month, cancel anytime.</p><a>Subscribe</a> <a>Already a subscriber? Sign in</a></div>')
    page = (head(a, "Example") + '<body><header>' + nav(ZH_NAV[:5] if a.zh else EN_NAV[:5])
            + f'</header><main><article>{text}</article></main>'
            + (ICP if a.zh else FOOTER_EN) + '</body></html>')
    return page, "utf-8"



SHELLS = [
    Family("consent", "train", ("en", "zh"), consent, "www.consent.example", count=5),
    Family("jsonly", "train", ("en", "zh"), js_only, "app.example.com", count=5),
    Family("paywall", "test", ("en", "zh"), paywall, "www.paywall.example", count=6),
]
