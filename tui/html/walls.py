"""Pages with no readable text: consent walls, paywalls, JavaScript-only shells.

Such a page still "extracts" to something: the cookie notice, a subscribe box, a "please
enable JavaScript" line. Showing that as the story is junk, so the extractor asks here first
and, if the page is a wall, says so in one line; the feed's summary stays what the reader
shows. A wall is decided by two things together: the extracted text is *short* (a real
article that mentions cookies or subscriptions is long), and it, or the page around it, is
made of the wall's own vocabulary.
"""

from __future__ import annotations

import re

import lxml.html

from tui.html.tree import text_of

_CONSENT = re.compile(
    r"cookies?|consent|your privacy|privacy (?:policy|settings)|our \d* ?partners|"
    r"accept all|reject all|manage (?:options|preferences|cookies)|personal data|"
    r"legitimate interest|隐私|cookie|同意|全部接受|拒绝|个性化广告",
    re.I,
)
_PAYWALL = re.compile(
    r"subscribe|subscribers?(?: only)?|subscription|paywall|premium|members? only|"
    r"sign in to (?:read|continue)|log in to (?:read|continue)|already a (?:subscriber|member)|"
    r"continue reading|unlimited access|付费|订阅|会员|登录后|开通|解锁全文|阅读全文",
    re.I,
)
_SCRIPT_NEEDED = re.compile(
    r"enable javascript|javascript (?:is )?(?:required|disabled)|turn on javascript|"
    r"开启(?:浏览器的)?javascript|启用javascript|javascript功能|请在微信客户端打开|请使用浏览器打开",
    re.I,
)
_APP_ROOT = re.compile(r"^(?:__next|__nuxt|root|app|main-app|application)$", re.I)
SHORT = 600  # characters: below this an extracted "article" is a teaser at best


def page_clues(root: lxml.html.HtmlElement) -> tuple[str, bool]:
    """What the page says about itself before extraction: its noscript text, an app root."""
    noscript = " ".join(text_of(el) for el in root.iter("noscript"))[:2000]
    app_root = any(
        _APP_ROOT.match(el.get("id", "")) and not text_of(el) for el in root.iter("div")
    )
    return noscript, app_root


def wall_reason(body: str, clues: tuple[str, bool], before: str = "") -> str | None:
    """A one-line reason when the extracted ``body`` is a wall rather than an article.

    ``before`` is the article's text before furniture was removed: a subscribe box taken
    out as furniture leaves a short teaser, and the box is what says it is a paywall.
    """
    text = " ".join(body.split())
    if len(text) >= SHORT:
        return None
    noscript, app_root = clues
    if len(text) < 200 and (_SCRIPT_NEEDED.search(noscript) or _SCRIPT_NEEDED.search(text)
                            or (app_root and len(text) < 25)):
        return "the page shows its text only with JavaScript; open it in the browser"
    said = [text] + ([" ".join(before.split())] if len(before) < 3 * SHORT else [])
    if any(len({m.lower() for m in _CONSENT.findall(t)}) >= 3 for t in said):
        return "the page shows only a cookie-consent wall; open it in the browser"
    if any(len({m.lower() for m in _PAYWALL.findall(t)}) >= 2 for t in said):
        return "the article is behind a paywall: the page has only a teaser"
    return None


__all__ = ["page_clues", "wall_reason"]
