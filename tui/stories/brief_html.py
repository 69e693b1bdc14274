"""The brief as ONE self-contained HTML page: inline CSS, no scripts, every string escaped."""

from __future__ import annotations

from html import escape

from tui.stories.brief import Brief, BriefStory, section_title, when
from tui.text import clean_line, safe_url

CSS = """
:root { --ink: #1d232b; --muted: #5d6873; --line: #e3e6ea; --card: #ffffff; --bg: #f4f5f7;
  --accent: #b3261e; --chip: #eef1f4; --link: #1a5fb4; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e6e8eb; --muted: #9aa4ae; --line: #30363d; --card: #161b22; --bg: #0d1117;
    --accent: #ff7b72; --chip: #21262d; --link: #79b8ff; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.5;
  font: 16px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
main { max-width: 820px; margin: 0 auto; padding: 32px 20px 64px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 24px; }
h1 { margin: 0; font-size: 28px; letter-spacing: -0.01em; }
.period { color: var(--muted); margin-top: 4px; font-size: 14px; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted);
  margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h2.china { color: var(--accent); }
article { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 16px 18px; margin: 12px 0; }
h3 { margin: 0 0 2px; font-size: 19px; line-height: 1.35; }
.alt { color: var(--muted); margin: 2px 0 8px; font-size: 15px; }
.lead { margin: 8px 0 10px; }
.sources { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; padding: 0;
  list-style: none; }
.sources li { background: var(--chip); border-radius: 999px; padding: 2px 10px;
  font-size: 13px; }
.sources a { color: var(--link); text-decoration: none; }
.lang { font-size: 11px; font-weight: 600; color: var(--muted); margin-left: 4px;
  text-transform: uppercase; }
.meta { font-size: 13px; color: var(--muted); margin: 4px 0 0; }
.meta b { color: var(--ink); font-weight: 600; }
.china-line b { color: var(--accent); }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
"""


def _text(value: str, limit: int = 1000) -> str:
    return escape(clean_line(value, limit), quote=True)


def _source(source) -> str:  # type: ignore[no-untyped-def]  # a StoryReport or its dict form
    label = _text(source.outlet or "source", 80)
    lang = f'<span class="lang">{_text(source.lang or "?", 8)}</span>'
    title = _text(source.title, 300)
    url = safe_url(source.url) if source.url else None
    if url:
        label = (f'<a href="{escape(url, quote=True)}" title="{title}" '
                 f'rel="noopener noreferrer">{label}</a>')
    return f"<li>{label}{lang}</li>"


def _story(story: BriefStory) -> str:
    parts = [f"<article><h3>{_text(story.headline)}</h3>"]
    if story.other_headline:
        parts.append(f'<p class="alt">{_text(story.other_headline)}</p>')
    if story.lead:
        parts.append(f'<p class="lead">{_text(story.lead)}</p>')
    parts.append('<ul class="sources">' + "".join(_source(s) for s in story.sources) + "</ul>")
    if story.china_evidence:
        parts.append(f'<p class="meta china-line"><b>China</b> {_text(story.china_evidence)}</p>')
    if story.entities:
        parts.append(f'<p class="meta"><b>Entities</b> {_text(", ".join(story.entities))}</p>')
    if story.why:
        parts.append(f'<p class="meta"><b>Why one story</b> {_text(story.why)}</p>')
    count = len(story.sources)
    parts.append(f'<p class="meta">{count} report{"s" if count != 1 else ""} · '
                 f'{_text("/".join(story.langs))} · latest {when(story.last_published)}</p>')
    parts.append("</article>")
    return "".join(parts)


def to_html(brief: Brief) -> str:
    counts = brief.counts
    body = []
    for section in brief.sections:
        css = ' class="china"' if section.china else ""
        body.append(f"<h2{css}>{_text(section_title(section))}</h2>")
        body.extend(_story(story) for story in section.stories)
    if not brief.sections:
        body.append('<p class="empty">No stories in this period.</p>')
    period = (f"{when(brief.since)} → {when(brief.until)} · {counts.get('stories', 0)} stories "
              f"({counts.get('china', 0)} China) from {counts.get('reports', 0)} reports")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>China crypto brief · {escape(when(brief.until))}</title>"
        f"<style>{CSS}</style></head><body><main>"
        f"<header><h1>China crypto brief</h1><div class=\"period\">{escape(period)}</div>"
        "</header>" + "\n".join(body) +
        "<footer>Generated by sinowire. Stories group reports of one event across outlets "
        "and languages; “why one story” shows the shared evidence.</footer>"
        "</main></body></html>\n"
    )
