"""Schema and migrations.

Migrations are sqlite-utils ``Migrations`` functions, each applied in its own transaction
together with its record in ``_sqlite_migrations``. ``PRAGMA user_version`` mirrors the
number applied, so a database written by a newer sinowire (more migrations than this code
knows) is recognised and refused before anything is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.store.lazymigrations import Migrations  # sqlite-utils only when one is applied

if TYPE_CHECKING:
    from sqlite_utils import Database

APPLICATION_ID = 0x53574952  # "SWIR"
MIGRATION_SET = "sinowire"

migrations = Migrations(MIGRATION_SET)


def run_statements(db: Database, script: str) -> None:
    """Run a migration's SQL statement by statement, inside the migration's transaction.

    ``executescript()`` COMMITs first and runs the rest in autocommit, so a crash halfway
    left tables without their migration record and the next start failed with "table
    meta already exists". Statements here must not contain a semicolon inside them.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.conn.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    run_statements(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            lang TEXT,
            site_url TEXT,
            added INTEGER NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_attempt INTEGER,
            last_success INTEGER,
            last_error TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            next_due INTEGER NOT NULL DEFAULT 0,
            interval_minutes INTEGER,
            body_hash TEXT
        );

        -- List columns only: bodies live in their own table so list scans stay small.
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            guid TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            published INTEGER NOT NULL,
            first_seen INTEGER NOT NULL,
            updated INTEGER,
            lang TEXT,
            content_hash TEXT NOT NULL DEFAULT '',
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            china INTEGER NOT NULL DEFAULT 0,
            china_score REAL NOT NULL DEFAULT 0,
            regions TEXT NOT NULL DEFAULT '',
            topics TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '[]',
            UNIQUE (feed_id, guid)
        );
        CREATE INDEX articles_recent ON articles (published DESC, id DESC);
        CREATE INDEX articles_feed_recent ON articles (feed_id, published DESC, id DESC);
        CREATE INDEX articles_china_recent ON articles (published DESC, id DESC) WHERE china = 1;
        CREATE INDEX articles_unread_recent ON articles (published DESC, id DESC) WHERE read = 0;
        CREATE INDEX articles_starred ON articles (published DESC, id DESC) WHERE starred = 1;
        CREATE INDEX articles_feed_unread ON articles (feed_id) WHERE read = 0;

        CREATE TABLE bodies (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            summary TEXT NOT NULL DEFAULT '',
            content_html TEXT NOT NULL DEFAULT '',
            content_text TEXT NOT NULL DEFAULT '',
            extracted_text TEXT,
            extracted_at INTEGER,
            extract_error TEXT
        );

        CREATE TABLE article_topics (
            topic TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (topic, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_topics_article ON article_topics (article_id);

        CREATE TABLE article_regions (
            region TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (region, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_regions_article ON article_regions (article_id);

        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            key TEXT NOT NULL,
            UNIQUE (name, type)
        );
        CREATE INDEX entities_key ON entities (key);

        CREATE TABLE article_entities (
            entity_id INTEGER NOT NULL REFERENCES entities(id),
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            count INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (entity_id, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_entities_article ON article_entities (article_id);

        -- Entries removed by retention, so a feed that still lists them cannot bring
        -- them back.
        CREATE TABLE tombstones (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            guid TEXT NOT NULL,
            deleted_at INTEGER NOT NULL,
            PRIMARY KEY (feed_id, guid)
        ) WITHOUT ROWID;

        -- Full text: rowid = articles.id. Text is stored pre-split (CJK characters
        -- spaced apart) so unicode61 indexes Chinese one character per token and a
        -- phrase query finds any run, including two-character terms such as 香港.
        CREATE VIRTUAL TABLE articles_fts USING fts5 (
            title, summary, body,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
    )


@migrations()
def m002_masks_covering_index_contentless_fts(db: Database) -> None:
    """Faster filters and a smaller file.

    - ``topic_mask``/``region_mask`` bits on each article and one covering index for the
      list, so every filter is a check on an index entry rather than a join;
    - the FTS table becomes contentless (no second copy of every body) with prefix
      indexes for search-as-you-type, and is rebuilt from the stored articles.
    """
    from tui.store import search_index
    from tui.store.masks import region_mask, topic_mask

    run_statements(
        db,
        """
        ALTER TABLE articles ADD COLUMN topic_mask INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE articles ADD COLUMN region_mask INTEGER NOT NULL DEFAULT 0;
        DROP INDEX articles_recent;
        CREATE INDEX articles_list ON articles (
            published DESC, id DESC, feed_id, china, read, starred, topic_mask, region_mask
        );
        DROP TABLE articles_fts;
        CREATE VIRTUAL TABLE articles_fts USING fts5 (
            title, summary, body,
            content = '',
            prefix = '2 3',
            tokenize = 'unicode61 remove_diacritics 2'
        )
        """,
    )
    rows = db.conn.execute("SELECT id, topics, regions FROM articles").fetchall()
    db.conn.executemany(
        "UPDATE articles SET topic_mask = ?, region_mask = ? WHERE id = ?",
        [(topic_mask(topics.split()), region_mask(regions.split()), article_id)
         for article_id, topics, regions in rows],
    )
    search_index.rebuild(db.conn)


@migrations()
def m003_alerts_and_stories(db: Database) -> None:
    """Schema 3: alerts for watches, stories (the same event across outlets), topic
    evidence and the tag-input hash."""
    _alerts(db)
    _stories(db)
    _topic_evidence_tag_hash(db)


def _alerts(db: Database) -> None:
    """Alerts sent for watches: one row per (watch, story), so a story alerts once ever.

    The command runs once per story even when several watches match it: the unique index
    leads with the story so the earlier row is found by it. The two partial indexes hold
    only rows a channel has not taken yet, so finding them stays cheap as alerts pile up.
    No foreign key to articles: retention may delete the article, and the row must stay
    so the story never alerts again. ``command_at``/``batch_at`` stay NULL until the
    command and the batched channels (desktop, terminal, toast) have taken the row, so an
    update that runs out of time or is rate-limited leaves them for the next one.
    """
    run_statements(
        db,
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            watch TEXT NOT NULL,
            story_key TEXT NOT NULL,
            article_id INTEGER NOT NULL,
            sent_at INTEGER NOT NULL,
            command_at INTEGER,
            batch_at INTEGER,
            channels TEXT NOT NULL DEFAULT '{}',
            UNIQUE (story_key, watch)
        );
        CREATE INDEX alerts_command_pending ON alerts (id) WHERE command_at IS NULL;
        CREATE INDEX alerts_batch_pending ON alerts (id) WHERE batch_at IS NULL
        """,
    )


def _stories(db: Database) -> None:
    """Stories: each article belongs to at most one; blocking keys make grouping a lookup.

    - ``stories``: one row per story, with what the list needs (times, title, size, langs);
    - ``articles.story_id``, indexed with published (also finds the articles not grouped yet);
    - ``story_signals``: each grouped article's signals and the evidence it joined with;
    - ``story_keys``: (key, published) → article, so candidates are an index range scan;
    - a trigger keeps all of it consistent when retention or unsubscribing deletes articles.
    """
    run_statements(
        db,
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            first_seen INTEGER NOT NULL,
            last_published INTEGER NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            lang TEXT,
            langs TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX stories_recent ON stories (last_published DESC, id DESC);
        ALTER TABLE articles ADD COLUMN story_id INTEGER;
        CREATE INDEX articles_story ON articles (story_id, published);
        CREATE TABLE story_signals (
            article_id INTEGER PRIMARY KEY,
            published INTEGER,
            data TEXT NOT NULL,
            evidence TEXT,
            matched INTEGER
        );
        CREATE TABLE story_keys (
            key TEXT NOT NULL,
            published INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (key, published, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX story_keys_article ON story_keys (article_id)
        """,
    )
    # One statement with semicolons inside, so not through run_statements.
    db.conn.execute(
        "CREATE TRIGGER articles_leave_story AFTER DELETE ON articles BEGIN "
        "DELETE FROM story_keys WHERE article_id = old.id; "
        "DELETE FROM story_signals WHERE article_id = old.id; "
        "UPDATE stories SET size = size - 1 WHERE id = old.story_id; "
        "DELETE FROM stories WHERE id = old.story_id AND size <= 0; "
        "END"
    )


def _topic_evidence_tag_hash(db: Database) -> None:
    """Why each topic was tagged (JSON), and the hash of the tag inputs + rules version.

    ``tag_hash`` lets a retag skip an article whose text and rules did not change; ''
    (the default) never matches, so old rows are retagged once.
    """
    run_statements(
        db,
        """
        ALTER TABLE articles ADD COLUMN topic_evidence TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE articles ADD COLUMN tag_hash TEXT NOT NULL DEFAULT ''
        """,
    )


@migrations()
def m004_fts_rowid_delete_one_letter_prefix(db: Database) -> None:
    """The search index again, once: with ``contentless_delete=1`` where the SQLite library
    has it (retention deletes by rowid instead of re-indexing what stays) and a one-letter
    prefix index (a search for ``b`` reads one doclist). Self-contained: renumber freely."""
    from tui.store import search_index

    db.conn.execute("DROP TABLE articles_fts")
    db.conn.execute(search_index.create_sql())
    search_index.rebuild(db.conn)


SCHEMA_VERSION = len(migrations._migrations)
