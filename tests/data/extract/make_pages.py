"""Build the extraction benchmark's pages and their ground truth (run once; output is committed).

    python tests/data/extract/make_pages.py

Each page is an article (title, byline, blocks of body text) poured into a *template family*
modelled on a kind of real page: a classic news site, a WordPress blog, a Chinese portal, a
快讯 flash page, an AMP page, a crypto-news page with inline "Read more" lines, an old Chinese
CMS with a `<br>`-separated body, and, held out for the test split, a magazine, a Chinese
finance portal, a Medium/知乎-style blog and a data/report page. The truth is written from the
article's blocks, never from an extractor's output: body paragraphs, subheadings, list items,
quotes, table cells and figure captions; not the title, byline, dateline, figure credits,
share bars, related rails, newsletter boxes, comments, pull quotes or footers. Shell pages
(consent walls, JavaScript-only apps, paywalls) have no truth: the right answer is a refusal.

The split is by family, so the test templates are unseen while rules are written. The set is
frozen: regenerate only to add pages, never to fit an extractor.
"""

from __future__ import annotations

import html
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from families import FAMILIES  # noqa: E402
from prose import Article, make_article  # noqa: E402
from shells import SHELLS  # noqa: E402

PER_FAMILY = 14


def main() -> int:
    rng = random.Random(20261201)
    pages_dir = HERE / "pages"
    pages_dir.mkdir(exist_ok=True)
    for old in pages_dir.iterdir():
        old.unlink()
    index = []
    for family in FAMILIES:
        for n in range(PER_FAMILY):
            lang = family.langs[n % len(family.langs)]
            article = make_article(rng, lang, short=family.short)
            page, encoding = family.render(article, rng)
            page_id = f"{family.name}-{n:02d}"
            index.append(_write(pages_dir, page_id, family, article, page, encoding))
    for shell in SHELLS:
        for n in range(shell.count):
            lang = shell.langs[n % len(shell.langs)]
            article = make_article(rng, lang, short=True)
            page, encoding = shell.render(article, rng)
            page_id = f"{shell.name}-{n:02d}"
            entry = _write(pages_dir, page_id, shell, article, page, encoding)
            entry["truth"] = None
            index.append(entry)
    (HERE / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    zh = sum(1 for e in index if e["lang"] == "zh")
    print(f"{len(index)} pages, {zh} Chinese ({zh / len(index):.0%})")
    return 0


def _write(pages_dir: Path, page_id: str, family, article: Article, page: str, encoding: str):
    name = f"{page_id}.html"
    (pages_dir / name).write_bytes(page.encode(encoding))
    return {
        "id": page_id,
        "family": family.name,
        "split": family.split,
        "lang": article.lang,
        "url": family.url(article),
        "file": f"pages/{name}",
        "charset": encoding,
        "title": html.unescape(article.title),
        "truth": article.truth(),
    }


if __name__ == "__main__":
    raise SystemExit(main())
