"""The article list one row per story: paged in SQL, the same order and filters as the flat list.

A story is listed when any of its reports matches the filter ("filters apply to stories"),
and its row is its newest matching report. In SQL that is the flat list's query plus one
anti-join: keep a matching report only if no newer report *of the same story* matches too.
The walk down the ``articles_list`` index is unchanged (it still stops when the page is
full); each row it keeps costs one seek in ``articles_story`` (story_id, published). An
article not grouped yet (``story_id`` NULL) is a story of one.

The rows carry what the list draws beside the title: how many other reports the story has,
the other outlets' names and the story's languages (one indexed read per page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.models import ArticleRow, Filter
from tui.store.filters import ROW_COLUMNS, filter_sql, list_source, row_from

if TYPE_CHECKING:
    from sqlite_utils import Database

_ALIAS = re.compile(r"\ba\.")
_OUTLETS_SHOWN = 4


@dataclass(frozen=True)
class StoryListRow(ArticleRow):
    """A list row standing for its story: the report shown, plus the story's reach."""

    story_id: int | None = None
    others: int = 0
    """Other reports in the story (the ``+N`` mark)."""
    outlets: tuple[str, ...] = ()
    """The other reports' outlets, newest first, at most a few (distinct)."""
    langs: tuple[str, ...] = ()
    """Every language the story is reported in, sorted."""


def _as(where: str, alias: str) -> str:
    """``filter_sql``'s clause (written over alias ``a``) over another alias.

    Only the SQL text is rewritten (values are parameters); the clause's own subqueries use
    other aliases (``ae``, ``e``), which ``\\ba\\.`` does not touch. A store test checks the
    grouped list against a plain Python grouping of the flat one for every filter field.
    """
    return _ALIAS.sub(f"{alias}.", where)


def _grouped_source(flt: Filter, common_entity: bool, relevance: bool,
                    hits: str | None = None) -> tuple[str, str, list[object], str]:
    """The flat list's FROM/WHERE/ORDER plus "no newer report of this story matches"
    (``hits``: the search's kept matches, see :func:`filter_sql`)."""
    source, where, params, order = list_source(flt, common_entity, relevance, hits)
    # The filter for the newer report: the search as a plain clause (the FTS table is the
    # outer query's driver, not this one's).
    inner, inner_params = filter_sql(flt, common_entity=common_entity, hits=hits)
    newer = (
        "NOT EXISTS (SELECT 1 FROM articles n WHERE n.story_id = a.story_id "
        # ">=" first, so the seek is a range on (story_id, published), not the whole story
        "AND n.published >= a.published AND (n.published > a.published OR n.id > a.id) "
        f"AND {_as(inner, 'n')})"
    )
    return source, f"{where} AND (a.story_id IS NULL OR {newer})", [*params, *inner_params], order


class StoryListMixin:
    db: Database

    if TYPE_CHECKING:
        def _entity_is_common(self, flt: Filter) -> bool: ...  # QueryMixin's
        def _hits(self, flt: Filter, relevance: bool = False) -> str | None: ...  # QueryMixin's
        def _first_page(self, flt: Filter, limit: int, offset: int, relevance: bool,
                        fetch: Callable[[str | None, str, list[object]], list[Any]]
                        ) -> list[Any]: ...  # QueryMixin's
        def _page(self, sql: tuple[str, str, list[object], str], columns: str, bound: str,
                  bound_params: list[object], limit: int, offset: int
                  ) -> list[Any]: ...  # QueryMixin's

    def list_story_rows(self, flt: Filter | None = None, *, limit: int = 50, offset: int = 0,
                        relevance: bool = False) -> list[StoryListRow]:
        """A page of the grouped list: one row per story, its newest matching report."""
        flt = flt or Filter()
        common = self._entity_is_common(flt)

        def fetch(hits: str | None, bound: str, bound_params: list[object]) -> list[Any]:
            # Inside a window, a newer report of the same story is inside it too.
            return self._page(_grouped_source(flt, common, relevance, hits),
                              f"{ROW_COLUMNS}, a.story_id", bound, bound_params, limit, offset)

        rows = self._first_page(flt, limit, offset, relevance, fetch)
        reach = self._story_reach([r[-1] for r in rows if r[-1] is not None])
        out: list[StoryListRow] = []
        for values in rows:
            base = row_from(values[:-1])
            story_id = values[-1]
            others, outlets, langs = reach.get(story_id, (0, (), ()))
            out.append(StoryListRow(**base.__dict__, story_id=story_id, others=others,
                                    outlets=tuple(o for o in outlets if o != base.feed_title
                                                  )[:_OUTLETS_SHOWN], langs=langs))
        return out

    def _story_reach(self, story_ids: list[int]
                     ) -> dict[int, tuple[int, tuple[str, ...], tuple[str, ...]]]:
        """story → (other reports, outlets newest first, languages), for one page."""
        if not story_ids:
            return {}
        marks = ",".join("?" * len(story_ids))
        found = {sid: (size, langs) for sid, size, langs in self.db.conn.execute(
            f"SELECT id, size, langs FROM stories WHERE id IN ({marks})", story_ids)}
        outlets: dict[int, list[str]] = {}
        for story_id, outlet in self.db.conn.execute(
            "SELECT a.story_id, f.title FROM articles a JOIN feeds f ON f.id = a.feed_id "
            f"WHERE a.story_id IN ({marks}) ORDER BY a.published DESC, a.id DESC", story_ids
        ).fetchall():
            seen = outlets.setdefault(story_id, [])
            if (outlet or "") not in seen:
                seen.append(outlet or "")
        out = {}
        for sid in story_ids:
            size, langs = found.get(sid, (1, ""))
            out[sid] = (max(0, int(size) - 1), tuple(outlets.get(sid, ())),
                        tuple(sorted(str(langs or "").split())))
        return out

    def count_story_rows(self, flt: Filter | None = None, *, cap: int | None = None) -> int:
        """How many stories the grouped list has; with ``cap``, counting stops there.

        With no filter: two index counts (the stories table, the ungrouped articles). Else
        the matching reports grouped by story (one pass and a small temporary b-tree: five
        times cheaper than the anti-join per row). Capped (a search), the list's own rows are
        counted up to the cap, so a common word does not group every match.
        """
        flt = flt or Filter()
        if flt.is_empty():
            stories, ungrouped = self.db.conn.execute(
                "SELECT (SELECT count(*) FROM stories WHERE size > 0), "
                "(SELECT count(*) FROM articles WHERE story_id IS NULL)").fetchone()
            total = int(stories) + int(ungrouped)
            return total if cap is None else min(total, cap)
        common, hits = self._entity_is_common(flt), self._hits(flt)
        if cap is None:
            source, where, params, _order = list_source(flt, common, hits=hits)
            sql = (f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} "
                   "GROUP BY coalesce(a.story_id, -a.id))")
        else:
            source, where, params, _order = _grouped_source(flt, common, False, hits)
            sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)"
            params = [*params, cap]
        return int(self.db.conn.execute(sql, params).fetchone()[0])

    def count_story_rows_upto(self, flt: Filter, reports: int) -> tuple[int, bool]:
        """(stories among the newest ``reports`` matching reports, True if that many matched).

        Those stories are exactly the grouped list's first rows (a story's row sits where
        its newest matching report is), so the count is a true "at least": the list shows
        "4,012+ stories" and counts on as the view nears the end, like a search. One walk of
        at most ``reports`` index entries: the cost of a capped flat count.
        """
        source, where, params, order = list_source(flt, self._entity_is_common(flt),
                                                    hits=self._hits(flt))
        stories, seen = self.db.conn.execute(
            "SELECT count(DISTINCT key), count(*) FROM (SELECT coalesce(a.story_id, -a.id) "
            f"AS key FROM {source} WHERE {where} ORDER BY {order} LIMIT ?)",
            (*params, int(reports))).fetchone()
        return int(stories), int(seen) >= reports

    def story_row_keys(self, flt: Filter | None = None, *, limit: int = 100_000,
                       relevance: bool = False) -> list[tuple[int, int]]:
        """(article id, story key) of the grouped list's rows in order, for finding a story
        again after the list changed (its row may now be a newer report). The key is the
        story id, or minus the article id for an article not grouped yet."""
        flt = flt or Filter()
        source, where, params, order = _grouped_source(flt, self._entity_is_common(flt),
                                                       relevance, self._hits(flt, relevance))
        return [(r[0], r[1]) for r in self.db.conn.execute(
            f"SELECT a.id, coalesce(a.story_id, -a.id) FROM {source} WHERE {where} "
            f"ORDER BY {order} LIMIT ?", (*params, limit))]

    def story_key(self, article_id: int) -> int:
        """The story key of an article (see :meth:`story_row_keys`)."""
        row = self.db.conn.execute(
            "SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else -article_id

    def story_report_ids(self, article_id: int) -> list[int]:
        """Every report of the article's story (just itself when not grouped), oldest first."""
        return [r[0] for r in self.db.conn.execute(
            "SELECT b.id FROM articles a JOIN articles b ON b.story_id = a.story_id "
            "WHERE a.id = ? ORDER BY b.published, b.id", (article_id,))] or [article_id]

    def newest_story_time(self) -> int | None:
        """When the newest story's newest report was published (None: no stories)."""
        row = self.db.conn.execute("SELECT max(last_published) FROM stories").fetchone()
        return int(row[0]) if row and row[0] is not None else None
