"""Windows of a text search on a SQLite file, at the pace of typing.

Each keystroke in the filter box is a new search whose first window must be on screen in a
few tens of milliseconds, whatever the size of the timeline. A window is the rows just
before and from an anchor, in timeline order, that the search keeps. Two ways give it:

* walk the timeline from the anchor, testing each row (an FTS5 lookup of that row, and one
  of its participants), and stop when the window is full. The cost follows how many rows
  are walked, so it suits a search that keeps many events ("s", "meeting");
* gather every event the search keeps and place them in timeline order with the order kept
  in memory (`TimelineOrder`): the cost follows how many events match, so it suits a search
  that keeps few ("honduras"). Those matches then also answer `locate` and later windows.

Which one is decided by counting the text's matches no further than `GATHER_BELOW` (an
index read, a few milliseconds), and the names' from the stakeholders the name index finds;
a text that more than NAMES_LIMIT stakeholders' names hold walks at once. A walk that has
tested WALK_BUDGET rows without filling the window (a search dense elsewhere, sparse here)
gathers after all.

Typing extends the search one letter at a time, and a longer text keeps a subset of what
its prefix kept: when the counts on both sides are unchanged ("cas", "cast", "castr"),
the sets are the same and the gathered matches are used again as they are.

A word longer than FTS5's prefix indexes is spelled out as the terms of the index it begins
("meeti" as "meeting"): FTS5 answers such a prefix by merging the lists of every term it
begins each time it is asked, milliseconds for each row a walk tests; whole terms it looks up.
Typed on, the word's terms are those of the shorter word that it begins, narrowed.

The rows are those `tracker.services.timeline.read_window` returns for the same filter;
tests compare the two on generated files.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tracker.services.names import NameIndex
from tracker.services.queries import name_pattern
from tracker.services.timeline import MATCHES_CAP, Anchor, Matches, TimelineOrder
from tracker.storage import lite
from tracker.storage.search import FTS_PREFIXES, fts_query

GATHER_BELOW = 80_000  # a search keeping fewer events is gathered; more, walked
WALK_BUDGET = 4_000  # rows a walk tests before it gathers instead (dense overall, sparse here)
NAMES_LIMIT = 2_000  # more stakeholders whose names contain the text are matched by LIKE
TERMS_LIMIT = 16  # a long word beginning more terms than this is left as a prefix


@dataclass(frozen=True, slots=True)
class Rows:
    """A window's `EVENT_COLUMNS` rows and whether more lie beyond them."""

    rows: list[lite.Row]
    more_before: bool
    more_after: bool


@dataclass(frozen=True, slots=True)
class _Gathered:
    version: object
    text: str  # the search, its words separated by single spaces
    text_count: int
    names: tuple[int, ...]
    matches: Matches


class SearchWindows:
    """Search windows for one `EventService`: remembers the last searches it gathered."""

    def __init__(self) -> None:
        self._recent: deque[_Gathered] = deque(maxlen=8)
        self._known_terms: dict[tuple[object, str], list[str] | None] = {}
        self._lock = threading.Lock()

    def window(
        self,
        connection: sqlite3.Connection,
        text: str,
        anchor: Anchor,
        *,
        before: int,
        after: int,
        version: object,
        names: NameIndex,
        order: Callable[[], TimelineOrder | None],
        remember: Callable[[Matches], None],
    ) -> Rows | None:
        """The window of the search `text` around `anchor` (see `EventService.window`), or
        None when it is better read another way (the timeline's order is not in memory yet
        for a search to gather, or the search keeps too many events for that)."""
        search = lite.Search(self._match(connection, text, version), _names(names, text))
        cap = GATHER_BELOW
        spaced = " ".join(text.split())
        # Whether it keeps fewer than `cap` events, counted; not when more stakeholders than
        # NAMES_LIMIT have the text in their names (then it keeps many: walk at once).
        small = False
        text_count = 0
        involved: list[int] = []
        if not isinstance(search.names, str):
            if search.match is not None:
                text_count = lite.text_count(connection, search.match, cap)
            again = self._again(version, spaced, text_count, search.names)
            if again is not None:
                remember(again)
                return _from_matches(connection, again, anchor, before, after)
            if text_count < cap:
                involved = lite.involving_ids(connection, search.names, cap - text_count)
                small = text_count + len(involved) < cap
        if not small:
            walked = _walk(connection, search, anchor, before, after)
            if walked is not None:
                return walked
        timeline = order()
        if timeline is None:
            return None
        if small:  # the names' events are read already
            ids = involved + (
                [] if search.match is None else lite.text_ids(connection, search.match)
            )
        else:
            ids = lite.search_ids(connection, search)
        if len(ids) > MATCHES_CAP:
            return None
        # The order and these ids are of one data version: every id has its place.
        try:
            matches = Matches.of(timeline, map(timeline.rank.__getitem__, ids))
        except IndexError:  # not so after all: let the plain reads answer
            return None
        if small:
            assert not isinstance(search.names, str)
            with self._lock:
                self._recent.append(_Gathered(version, spaced, text_count, search.names, matches))
        remember(matches)
        return _from_matches(connection, matches, anchor, before, after)

    def _again(
        self, version: object, spaced: str, text_count: int, names: tuple[int, ...]
    ) -> Matches | None:
        """The matches gathered for a search this one extends, when they are the same: the
        longer text keeps a subset of what its prefix kept, so equal counts on the text
        side and the same stakeholders on the other mean equal sets."""
        with self._lock:
            recent = list(self._recent)
        for gathered in reversed(recent):
            if (
                gathered.version == version
                and spaced.startswith(gathered.text)
                and gathered.text_count == text_count
                and gathered.names == names
            ):
                return gathered.matches
        return None

    def _match(self, connection: sqlite3.Connection, text: str, version: object) -> str | None:
        """`fts_query(text)`, each long plain word spelled out as the terms it begins; None
        when no event's text can match."""
        longest = max(FTS_PREFIXES, default=0)
        parts: list[str] = []
        for word in text.split():
            plain = word.lower()
            if len(plain) > longest and plain.isascii() and plain.isalnum():
                terms = self._terms(connection, plain, version)
                if terms is not None:
                    if not terms:
                        return None  # every word must appear: this one is in no event's text
                    parts.append("(" + " OR ".join(f'"{term}"' for term in terms) + ")")
                    continue
            part = fts_query(word)
            if part:
                parts.append(part)
        return " AND ".join(parts) or None

    def _terms(
        self, connection: sqlite3.Connection, word: str, version: object
    ) -> list[str] | None:
        """`lite.fts_terms` of `word`, or, as a word is typed on, those of a word it begins
        with that it begins too (reading the index's terms costs as much as they occur)."""
        with self._lock:
            known = [(w, t) for (v, w), t in self._known_terms.items() if v == version]
        for shorter, terms in known:
            if word.startswith(shorter) and terms is not None:
                return [term for term in terms if term.startswith(word)]
        terms = lite.fts_terms(connection, word, TERMS_LIMIT)
        with self._lock:
            if len(self._known_terms) > 64:
                self._known_terms.clear()
            self._known_terms[version, word] = terms
        return terms


def _names(index: NameIndex, text: str) -> tuple[int, ...] | str:
    """The stakeholders whose names contain `text`, as ids, or as the LIKE pattern of their
    name keys when there are more than NAMES_LIMIT (as `queries.named_stakeholders`)."""
    found = index.containing(" ".join(text.lower().split()), NAMES_LIMIT)
    return name_pattern(text) if found is None else tuple(found)


def _key(anchor: Anchor) -> lite.Key | dt.date | None:
    if anchor is None or isinstance(anchor, dt.date):
        return anchor
    return (anchor.start.isoformat(), anchor.sort_time, anchor.id)


def _walk(
    connection: sqlite3.Connection, search: lite.Search, anchor: Anchor, before: int, after: int
) -> Rows | None:
    """The window by walking from the anchor both ways, or None when a walk used up its
    budget before the window was full."""
    at = _key(anchor)
    later, whole = lite.search_walk(
        connection, search, at, descending=False, limit=after + 1, budget=WALK_BUDGET
    )
    if len(later) <= after and not whole:
        return None
    earlier: list[lite.Row] = []
    if before and anchor is not None:
        earlier, whole = lite.search_walk(
            connection, search, at, descending=True, limit=before + 1, budget=WALK_BUDGET
        )
        if len(earlier) <= before and not whole:
            return None
    return Rows(
        earlier[:before][::-1] + later[:after],
        more_before=len(earlier) > before,
        more_after=len(later) > after,
    )


def _from_matches(
    connection: sqlite3.Connection, matches: Matches, anchor: Anchor, before: int, after: int
) -> Rows | None:
    def stored(event_id: int) -> tuple[dt.date, int] | None:
        key = lite.stored_key(connection, event_id)
        return None if key is None else (dt.date.fromisoformat(key[0]), key[1])

    found = matches.around(anchor, before, after, stored)
    if found is None:
        return None
    ids, more_before, more_after = found
    return Rows(lite.rows_by_ids(connection, ids), more_before=more_before, more_after=more_after)


__all__ = ["GATHER_BELOW", "Rows", "SearchWindows"]
