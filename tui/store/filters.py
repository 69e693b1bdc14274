"""A list filter as SQL: the WHERE clause over ``articles a``, the source to walk (the list's
index, the search's kept matches, a common entity's rows) and the columns of one list row.

Why apart from :mod:`tui.store.queries`: the article list, the story list and the watches'
alerts all select by the same filter; this is the one place a filter becomes SQL.
"""

from __future__ import annotations

from typing import Any

from tui.models import ArticleRow, Filter
from tui.store.fts import build_query
from tui.store.masks import REGION_BITS, TOPIC_BITS, region_mask, topic_mask

ROW_COLUMNS = (
    "a.id, a.feed_id, f.title, a.title, a.url, a.author, a.published, a.read, a.starred, "
    "a.china, a.china_score, a.regions, a.topics"
)


def filter_sql(flt: Filter, *, with_search: bool = True, common_entity: bool = False,
               hits: str | None = None) -> tuple[str, list[object]]:
    """WHERE clause (over alias ``a``) and its parameters for a Filter.

    ``with_search=False`` leaves the search out, for queries driven by the FTS index.
    ``common_entity`` checks the entity row by row (cheap when the page fills fast)
    instead of gathering the entity's articles first (cheap when they are few).
    ``hits``: a table already holding the search's matches (:mod:`tui.store.search_hits`).
    """
    clauses: list[str] = []
    params: list[object] = []
    if flt.feed_id is not None:
        clauses.append("a.feed_id = ?")
        params.append(flt.feed_id)
    if flt.china:
        clauses.append("a.china = 1")
    if flt.unread:
        clauses.append("a.read = 0")
    if flt.starred:
        clauses.append("a.starred = 1")
    if flt.regions:
        clauses.append("(a.region_mask & ?) != 0")
        params.append(region_mask(r for r in flt.regions if r in REGION_BITS))
    if flt.topics:
        known = [t for t in flt.topics if t in TOPIC_BITS]
        user_topics = sorted(t for t in flt.topics if t not in TOPIC_BITS)
        any_of = []
        if known:
            any_of.append("(a.topic_mask & ?) != 0")
            params.append(topic_mask(known))
        if user_topics:  # topics from config have no bit: ask the tag table
            marks = ", ".join("?" for _ in user_topics)
            any_of.append(
                f"a.id IN (SELECT article_id FROM article_topics WHERE topic IN ({marks}))"
            )
            params.extend(user_topics)
        clauses.append("(" + " OR ".join(any_of) + ")")
    if flt.entity and common_entity:
        clauses.append(
            "EXISTS (SELECT 1 FROM article_entities ae WHERE ae.article_id = a.id AND "
            "ae.entity_id IN (SELECT e.id FROM entities e WHERE e.key = ?))"
        )
        params.append(flt.entity.casefold())
    elif flt.entity:
        clauses.append(
            "a.id IN (SELECT ae.article_id FROM article_entities ae WHERE ae.entity_id IN "
            "(SELECT e.id FROM entities e WHERE e.key = ?))"
        )
        params.append(flt.entity.casefold())
    if with_search and flt.search.strip():
        query = build_query(flt.search)
        if query is None:
            clauses.append("0")
        elif hits is not None:  # the same walk, each entry looked up in the kept matches
            clauses.append(f"+a.id IN {hits}")
        else:
            # "+a.id": not a key lookup per match and a sort of them all, but the list's
            # index walked newest first, each entry checked against the matches, until
            # the page is full (10-20 ms for a common term at 20k instead of 20-40).
            clauses.append("+a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts "
                           "MATCH ?)")
            params.append(query)
    if flt.watch is not None:  # a union of filters; a watch that matches nothing is "0"
        parts = [filter_sql(part) for part in flt.watch.any_of]
        clauses.append("(" + (" OR ".join(f"({w})" for w, _ in parts) or "0") + ")")
        params.extend(p for _, more in parts for p in more)
    where = " AND ".join(clauses) if clauses else "1"
    return where, params


def list_source(flt: Filter, common_entity: bool = False, relevance: bool = False,
                 hits: str | None = None) -> tuple[str, str, list[object], str]:
    """FROM, WHERE, parameters and ORDER BY for the list: FTS-driven when searching.

    Search results are newest first like every other list; ``relevance`` ranks them by
    the index's bm25 instead (best match first, newest first among equals). ``hits``: see
    :func:`filter_sql` (newest first only: a ranking needs the index itself).
    """
    query = build_query(flt.search) if flt.search.strip() else None
    if query is None or not relevance:  # newest first: the list's index leads (see above)
        where, params = filter_sql(flt, common_entity=common_entity, hits=hits)
        return "articles a", where, params, "a.published DESC, a.id DESC"
    where, params = filter_sql(flt, with_search=False, common_entity=common_entity)
    source = "articles_fts s JOIN articles a ON a.id = s.rowid"
    order = "s.rank, a.published DESC, a.id DESC" if relevance else "a.published DESC, a.id DESC"
    return source, f"articles_fts MATCH ? AND {where}", [query, *params], order


def row_from(values: tuple[Any, ...]) -> ArticleRow:
    return ArticleRow(
        id=values[0],
        feed_id=values[1],
        feed_title=values[2] or "",
        title=values[3],
        url=values[4],
        author=values[5],
        published=values[6],
        read=bool(values[7]),
        starred=bool(values[8]),
        china=bool(values[9]),
        china_score=values[10],
        regions=tuple(values[11].split()) if values[11] else (),
        topics=tuple(values[12].split()) if values[12] else (),
    )
