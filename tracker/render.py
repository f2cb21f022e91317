"""Plain-text and JSON renderings of views for the command line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

from tracker import dates
from tracker.domain import (
    EventLine,
    EventLines,
    EventView,
    FollowUpView,
    StakeholderView,
    names_short,
)
from tracker.textsafe import json_safe, visible, visible_cells, visible_line


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], flex: Sequence[int] = ()) -> str:
    """Columns sized to their content; the widest `flex` columns shrink to fit the terminal."""
    if not rows:
        return ""
    return columns_table(headers, list(zip(*rows, strict=True)), flex)


def columns_table(
    headers: Sequence[str], columns: Sequence[Sequence[str]], flex: Sequence[int] = ()
) -> str:
    """`table` for cells given column by column (each column one list of strings); a cell's
    control characters are shown escaped (`visible_line`), before the columns are sized."""
    if not columns or not columns[0]:
        return ""
    columns = [visible_cells(list(column)) for column in columns]
    natural = [
        max(len(h), max(map(len, column))) for h, column in zip(headers, columns, strict=True)
    ]
    widths = list(natural)
    total = shutil.get_terminal_size((120, 24)).columns
    over = sum(widths) + 2 * (len(widths) - 1) - total
    while over > 0 and flex:
        widest = max(flex, key=lambda i: widths[i])
        if widths[widest] <= 12:
            break
        widths[widest] -= 1
        over -= 1
    # Column by column and line by line in C loops: only a column that shrank has cells
    # to cut, and every cell is padded to its column's width.
    for i, (width, full) in enumerate(zip(widths, natural, strict=True)):
        if width < full:
            keep = max(width - 1, 0)
            columns[i] = [c if len(c) <= width else c[:keep] + "…" for c in columns[i]]
    pad = str.ljust
    padded = [
        list(map(pad, cells, repeat(width))) for cells, width in zip(columns, widths, strict=True)
    ]
    lines = ["  ".join(map(pad, headers, widths)).rstrip()]
    lines += map(str.rstrip, map("  ".join, zip(*padded, strict=True)))
    return "\n".join(lines)


def events_table(events: Sequence[EventView] | EventLines) -> str:
    if not events:
        return ""
    if not isinstance(events, EventLines):
        events = EventLines.of(map(EventLine.of, events))
    # Column by column: a month of a million events is some 14,000 lines.
    columns = [
        list(map(str, events.ids)),
        list(map(attrgetter("label"), events.whens)),
        list(map(str, events.kinds)),  # StrEnum: str() is the value
        list(map(str, events.statuses)),
        list(events.titles),
        list(map(names_short, events.names)),
        [str(count) if count else "" for count in events.open_follow_ups],
    ]
    return columns_table(
        ["ID", "WHEN", "KIND", "STATUS", "TITLE", "WITH", "OPEN"], columns, flex=(4, 5)
    )


def event_json(e: EventView) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "kind": e.kind.value,
        "when": dates.to_json(e.when),
        "status": e.status.value,
        "location": e.location,
        "summary": e.summary,
        "notes": e.notes,
        "source": e.source,
        "tags": list(e.tags),
        "participants": [
            {"name": p.name, "role": p.role.value, "attendance": p.attendance.value}
            for p in e.participants
        ],
        "follow_ups_open": e.open_follow_ups,
        "follow_ups": [follow_up_json(f) for f in e.follow_ups],
    }


def follow_up_json(f: FollowUpView) -> dict[str, Any]:
    return {
        "id": f.id,
        "text": f.text,
        "status": f.status.value,
        "overdue": f.overdue,
        "due": dates.to_json(f.due) if f.due else None,
        "owner": f.owner_name,
        "event_id": f.event_id,
        "event": f.event_title,
        "done_on": f.done_on.isoformat() if f.done_on else None,
        "notes": f.notes,
    }


def dumps(data: object) -> str:
    """JSON as the command line prints it: accents as they are, and nothing a terminal would
    act on (`json_safe`: control characters as `\\u` escapes, the same data)."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2))


def event_detail(e: EventView) -> str:
    """`event show`: stored text with its control characters shown escaped."""
    line = visible_line
    lines = [
        f"#{e.id}  {line(e.title)}",
        f"  when      {line(e.when.label)}   ({line(dates.describe(e.when))})",
        f"  kind      {e.kind}   status {e.status}",
    ]
    if e.location:
        lines.append(f"  location  {line(e.location)}")
    if e.tags:
        lines.append(f"  tags      {line(', '.join(e.tags))}")
    if e.participants:
        lines.append("  with")
        lines += [f"    - {line(p.describe())}" for p in e.participants]
    if e.follow_ups:
        lines.append("  follow-ups")
        lines += [f"    - {follow_up_line(f)}" for f in e.follow_ups]
    for label, value in (("summary", e.summary), ("notes", e.notes), ("source", e.source)):
        if value:
            lines.append(f"  {label:<9} {visible(value)}")
    return "\n".join(lines)


def follow_up_line(f: FollowUpView) -> str:
    """One follow-up on one line, its control characters shown escaped."""
    status = "OVERDUE" if f.overdue else f.status.value
    parts = [f"#{f.id} [{status}] {f.text}"]
    if f.due:
        parts.append(f"due {f.due.label}")
    if f.owner_name:
        parts.append(f"owner {f.owner_name}")
    if f.done_on:
        parts.append(f"done {f.done_on.isoformat()}")
    return visible_line(" — ".join(parts))


def follow_ups_table(items: Sequence[FollowUpView]) -> str:
    rows = [
        [
            str(f.id),
            "OVERDUE" if f.overdue else f.status.value,
            f.due.label if f.due else "",
            f.owner_name or "",
            f.text,
            f.event_title or "",
        ]
        for f in items
    ]
    return table(["ID", "STATUS", "DUE", "OWNER", "WHAT", "FROM EVENT"], rows, flex=(3, 4, 5))


def stakeholders_table(items: Sequence[StakeholderView]) -> str:
    rows = [
        [
            str(s.id),
            s.name,
            s.kind.value,
            s.title,
            s.affiliation_name or "",
            s.last_contact.label if s.last_contact else "",
            s.next_contact.label if s.next_contact else "",
            str(s.open_follow_ups or ""),
        ]
        for s in items
    ]
    return table(
        ["ID", "NAME", "KIND", "TITLE", "AFFILIATION", "LAST", "NEXT", "OPEN"], rows, flex=(1, 3, 4)
    )


def stakeholder_json(s: StakeholderView) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "kind": s.kind.value,
        "title": s.title,
        "affiliation": s.affiliation_name,
        "country": s.country,
        "aliases": list(s.aliases),
        "tags": list(s.tags),
        "notes": s.notes,
        "last_contact": dates.to_json(s.last_contact) if s.last_contact else None,
        "next_contact": dates.to_json(s.next_contact) if s.next_contact else None,
        "open_follow_ups": s.open_follow_ups,
    }
