"""Unit tests for tracker.dates: the grammar, labels, round trips, previews and JSON."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tracker.dates import (
    DateOrder,
    DateParseError,
    at_local_time,
    at_own_offset,
    describe,
    is_past,
    overlaps,
    parse_when,
    rebuild,
    span,
    stored_cells,
    to_json,
)
from tracker.domain import Precision as P
from tracker.domain import When

TODAY = date(2022, 6, 6)  # a Monday
LATER = date(2026, 11, 27)  # a Friday
NEW_YORK = ZoneInfo("America/New_York")
MINUS_4 = timezone(timedelta(hours=-4))
ORDERS: tuple[DateOrder, ...] = ("mdy", "dmy")


def d(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def case(
    text: str,
    start: date,
    end: date | None = None,
    precision: P = P.DAY,
    label: str | None = None,
    *,
    today: date = TODAY,
    order: DateOrder = "mdy",
) -> Any:
    return pytest.param(
        text, today, order, start, end or start, precision, label, id=f"{order}-{today}-{text}"
    )


GRAMMAR = [
    # exact days
    case("2022-05-13", d(2022, 5, 13), label="May 13, 2022"),
    case("May 13, 2022", d(2022, 5, 13), label="May 13, 2022"),
    case("13 May 2022", d(2022, 5, 13), label="May 13, 2022"),
    case("May 13th, 2022", d(2022, 5, 13)),
    case("13th of May 2022", d(2022, 5, 13)),
    case("the 13th of May, 2022", d(2022, 5, 13)),
    case("May 13 2022", d(2022, 5, 13)),
    case("Sept. 30, 2021", d(2021, 9, 30), label="September 30, 2021"),
    case("Jan. 27, 2022", d(2022, 1, 27), label="January 27, 2022"),
    case("September 30, 2021", d(2021, 9, 30)),
    case("Tuesday, June 7, 2022", d(2022, 6, 7)),
    case("5/13/2022", d(2022, 5, 13), label="May 13, 2022"),
    case("13/5/2022", d(2022, 5, 13), label="13 May 2022", order="dmy"),
    case("2022-05-13", d(2022, 5, 13), label="13 May 2022", order="dmy"),
    case("May 13, 2022", d(2022, 5, 13), label="13 May 2022", order="dmy"),
    case("MAY 13, 2022", d(2022, 5, 13)),
    case("  may   13 ,2022. ", d(2022, 5, 13)),
    # months and parts of months
    case("May 2022", d(2022, 5, 1), d(2022, 5, 31), P.MONTH, "May 2022"),
    case("2022-05", d(2022, 5, 1), d(2022, 5, 31), P.MONTH, "May 2022"),
    case("5/2022", d(2022, 5, 1), d(2022, 5, 31), P.MONTH),
    case("May '22", d(2022, 5, 1), d(2022, 5, 31), P.MONTH),
    case("February 2024", d(2024, 2, 1), d(2024, 2, 29), P.MONTH, "February 2024"),
    case("early May 2022", d(2022, 5, 1), d(2022, 5, 10), P.PART_OF_MONTH, "early May 2022"),
    case("mid-May 2022", d(2022, 5, 11), d(2022, 5, 20), P.PART_OF_MONTH, "mid-May 2022"),
    case("mid May 2022", d(2022, 5, 11), d(2022, 5, 20), P.PART_OF_MONTH, "mid-May 2022"),
    case("late May 2022", d(2022, 5, 21), d(2022, 5, 31), P.PART_OF_MONTH, "late May 2022"),
    case("late Feb 2023", d(2023, 2, 21), d(2023, 2, 28), P.PART_OF_MONTH, "late February 2023"),
    case("beginning of May 2022", d(2022, 5, 1), d(2022, 5, 10), P.PART_OF_MONTH),
    case("end of May 2022", d(2022, 5, 21), d(2022, 5, 31), P.PART_OF_MONTH, "late May 2022"),
    # quarters, halves, years
    case("Q2 2022", d(2022, 4, 1), d(2022, 6, 30), P.QUARTER, "Q2 2022"),
    case("2022 Q2", d(2022, 4, 1), d(2022, 6, 30), P.QUARTER, "Q2 2022"),
    case("q4 2021", d(2021, 10, 1), d(2021, 12, 31), P.QUARTER, "Q4 2021"),
    case("2022", d(2022, 1, 1), d(2022, 12, 31), P.YEAR, "2022"),
    case("first half of 2022", d(2022, 1, 1), d(2022, 6, 30), P.MONTHS, "Jan – Jun 2022"),
    case("H2 2022", d(2022, 7, 1), d(2022, 12, 31), P.MONTHS, "Jul – Dec 2022"),
    # weeks
    case("week of May 11, 2022", d(2022, 5, 9), d(2022, 5, 15), P.WEEK, "week of May 9, 2022"),
    case(
        "week of 9 May 2022",
        d(2022, 5, 9),
        d(2022, 5, 15),
        P.WEEK,
        "week of 9 May 2022",
        order="dmy",
    ),
    case("2022-W19", d(2022, 5, 9), d(2022, 5, 15), P.WEEK),
    # ranges
    case("June 6-10, 2022", d(2022, 6, 6), d(2022, 6, 10), P.DAYS, "June 6–10, 2022"),
    case("June 6–10, 2022", d(2022, 6, 6), d(2022, 6, 10), P.DAYS, "June 6–10, 2022"),
    case("June 6 - 10, 2022", d(2022, 6, 6), d(2022, 6, 10), P.DAYS),
    case("6-10 June 2022", d(2022, 6, 6), d(2022, 6, 10), P.DAYS, "6–10 June 2022", order="dmy"),
    case("May 30 - June 2, 2022", d(2022, 5, 30), d(2022, 6, 2), P.DAYS, "May 30 – June 2, 2022"),
    case("May 30 – June 2, 2022", d(2022, 5, 30), d(2022, 6, 2), P.DAYS),
    case(
        "30 May - 2 June 2022",
        d(2022, 5, 30),
        d(2022, 6, 2),
        P.DAYS,
        "30 May – 2 June 2022",
        order="dmy",
    ),
    case(
        "Dec 30, 2021 - Jan 2, 2022",
        d(2021, 12, 30),
        d(2022, 1, 2),
        P.DAYS,
        "Dec 30, 2021 – Jan 2, 2022",
    ),
    case("Dec 30 - Jan 2, 2022", d(2021, 12, 30), d(2022, 1, 2), P.DAYS),
    case("Dec 30, 2021 - Jan 2", d(2021, 12, 30), d(2022, 1, 2), P.DAYS),
    case("2022-06-06..2022-06-10", d(2022, 6, 6), d(2022, 6, 10), P.DAYS, "June 6–10, 2022"),
    case("2022-06-06 to 2022-06-10", d(2022, 6, 6), d(2022, 6, 10), P.DAYS),
    case("2022-06-06 - 2022-06-10", d(2022, 6, 6), d(2022, 6, 10), P.DAYS),
    case("Oct 2021 - Apr 2022", d(2021, 10, 1), d(2022, 4, 30), P.MONTHS, "Oct 2021 – Apr 2022"),
    case("Jan - Mar 2022", d(2022, 1, 1), d(2022, 3, 31), P.MONTHS, "Jan – Mar 2022"),
    case("Q1 2022 - Q2 2022", d(2022, 1, 1), d(2022, 6, 30), P.MONTHS),
    case("from May 1 to May 3, 2022", d(2022, 5, 1), d(2022, 5, 3), P.DAYS, "May 1–3, 2022"),
    case("from June 6 to 10, 2022", d(2022, 6, 6), d(2022, 6, 10), P.DAYS),
    case("between May 1 and May 3, 2022", d(2022, 5, 1), d(2022, 5, 3), P.DAYS),
    case("May 1 through May 3, 2022", d(2022, 5, 1), d(2022, 5, 3), P.DAYS),
    case("May 1-31, 2022", d(2022, 5, 1), d(2022, 5, 31), P.DAYS, "May 1–31, 2022"),
    case("2022-06-06..2022-06-06", d(2022, 6, 6), None, P.DAY, "June 6, 2022"),
    case("May 2022 - May 2022", d(2022, 5, 1), d(2022, 5, 31), P.MONTH, "May 2022"),
    case("today - next friday", d(2022, 6, 6), d(2022, 6, 10), P.DAYS),
    # relative to today
    case("today", TODAY, label="June 6, 2022"),
    case("tomorrow", d(2022, 6, 7)),
    case("yesterday", d(2022, 6, 5)),
    case("in 3 days", d(2022, 6, 9), label="June 9, 2022"),
    case("3 days ago", d(2022, 6, 3)),
    case("in 2 weeks", d(2022, 6, 20)),
    case("in a week", d(2022, 6, 13)),
    case("2 months ago", d(2022, 4, 6)),
    case("in 1 year", d(2023, 6, 6)),
    case("+2w", d(2022, 6, 20)),
    case("-3d", d(2022, 6, 3)),
    case("+1m", d(2022, 7, 6)),
    case("+1y", d(2023, 6, 6)),
    case("this week", d(2022, 6, 6), d(2022, 6, 12), P.WEEK, "week of June 6, 2022"),
    case("next week", d(2022, 6, 13), d(2022, 6, 19), P.WEEK),
    case("last week", d(2022, 5, 30), d(2022, 6, 5), P.WEEK, "week of May 30, 2022"),
    case("this week", d(2022, 6, 6), d(2022, 6, 12), P.WEEK, "week of 6 June 2022", order="dmy"),
    case("this month", d(2022, 6, 1), d(2022, 6, 30), P.MONTH, "June 2022"),
    case("next month", d(2022, 7, 1), d(2022, 7, 31), P.MONTH),
    case("last month", d(2022, 5, 1), d(2022, 5, 31), P.MONTH),
    case("next month", d(2026, 12, 1), d(2026, 12, 31), P.MONTH, today=LATER),
    case("this year", d(2022, 1, 1), d(2022, 12, 31), P.YEAR, "2022"),
    case("last year", d(2021, 1, 1), d(2021, 12, 31), P.YEAR, "2021"),
    case("next year", d(2023, 1, 1), d(2023, 12, 31), P.YEAR),
    case("this quarter", d(2022, 4, 1), d(2022, 6, 30), P.QUARTER, "Q2 2022"),
    case("next quarter", d(2027, 1, 1), d(2027, 3, 31), P.QUARTER, today=LATER),
    case("last quarter", d(2022, 1, 1), d(2022, 3, 31), P.QUARTER),
    case("next tuesday", d(2022, 6, 7)),
    case("next monday", d(2022, 6, 13)),
    case("last friday", d(2022, 6, 3)),
    case("last monday", d(2022, 5, 30)),
    case("this friday", d(2022, 6, 10)),
    case("friday", d(2022, 6, 10)),
    case("monday", TODAY),
    case("last friday", d(2026, 11, 20), today=LATER),
    # no year: the nearest occurrence
    case("late May", d(2022, 5, 21), d(2022, 5, 31), P.PART_OF_MONTH, "late May 2022"),
    case("May", d(2022, 5, 1), d(2022, 5, 31), P.MONTH, "May 2022"),
    case("May 13", d(2022, 5, 13), label="May 13, 2022"),
    case("13 May", d(2022, 5, 13)),
    case("5/13", d(2022, 5, 13)),
    case("Dec", d(2021, 12, 1), d(2021, 12, 31), P.MONTH),
    case("Q3", d(2022, 7, 1), d(2022, 9, 30), P.QUARTER),
    case("Feb 29", d(2024, 2, 29)),
    case("May 30 - June 2", d(2022, 5, 30), d(2022, 6, 2), P.DAYS),
    case("late May", d(2027, 5, 21), d(2027, 5, 31), P.PART_OF_MONTH, today=LATER),
    case("May", d(2027, 5, 1), d(2027, 5, 31), P.MONTH, today=LATER),
    case("May 13", d(2027, 5, 13), today=LATER),
    case("early November", d(2026, 11, 1), d(2026, 11, 10), P.PART_OF_MONTH, today=LATER),
    case("Jan 5", d(2027, 1, 5), today=LATER),
    case("Dec 30 - Jan 2", d(2026, 12, 30), d(2027, 1, 2), P.DAYS, today=LATER),
    case("Mar 1", d(2024, 3, 1), today=d(2023, 8, 31)),  # 183 days either way: the future wins
    # "by X" is X
    case("by July 2022", d(2022, 7, 1), d(2022, 7, 31), P.MONTH, "July 2022"),
    case("by Friday", d(2022, 6, 10)),
    case("By late May", d(2022, 5, 21), d(2022, 5, 31), P.PART_OF_MONTH),
    # two-digit years: the 100 years ending 10 years after today, as spreadsheets read them
    case("5/13/22", d(2022, 5, 13), today=LATER),
    case("5/13/99", d(1999, 5, 13), today=LATER),
    case("5/13/36", d(2036, 5, 13), today=LATER),
    case("5/13/37", d(1937, 5, 13), today=LATER),
    case("5/13/46", d(1946, 5, 13), today=LATER),
    case("5/13/32", d(2032, 5, 13)),
    case("5/13/33", d(1933, 5, 13)),
    case("5/13/42", d(1942, 5, 13)),
    case("12/7/41", d(1941, 12, 7), label="December 7, 1941"),
    # a month, quarter or half joined to its year by a dash is that period, not a range
    case("Mar-2020", d(2020, 3, 1), d(2020, 3, 31), P.MONTH, "March 2020"),
    case("June-2022", d(2022, 6, 1), d(2022, 6, 30), P.MONTH, "June 2022"),
    case("Q2-2022", d(2022, 4, 1), d(2022, 6, 30), P.QUARTER, "Q2 2022"),
    case("H1-2022", d(2022, 1, 1), d(2022, 6, 30), P.MONTHS, "Jan – Jun 2022"),
    case("Q1-2023", d(2023, 1, 1), d(2023, 3, 31), P.QUARTER, "Q1 2023"),
    # fiscal years (US federal: October to September) and calendar years
    case("FY2023", d(2022, 10, 1), d(2023, 9, 30), P.MONTHS, "Oct 2022 – Sep 2023"),
    case("FY23", d(2022, 10, 1), d(2023, 9, 30), P.MONTHS, "Oct 2022 – Sep 2023"),
    case("fy 2023", d(2022, 10, 1), d(2023, 9, 30), P.MONTHS),
    case("Q4 FY2022", d(2022, 7, 1), d(2022, 9, 30), P.MONTHS, "Jul – Sep 2022"),
    case("Q1 FY2023", d(2022, 10, 1), d(2022, 12, 31), P.MONTHS, "Oct – Dec 2022"),
    case("FY2022 Q4", d(2022, 7, 1), d(2022, 9, 30), P.MONTHS),
    case("CY2023", d(2023, 1, 1), d(2023, 12, 31), P.YEAR, "2023"),
    case("2Q22", d(2022, 4, 1), d(2022, 6, 30), P.QUARTER, "Q2 2022"),
    # thirds of a year (January–April, May–August, September–December) and seasons
    # (northern meteorological: spring March–May, ..., winter December–February)
    case("early 2023", d(2023, 1, 1), d(2023, 4, 30), P.MONTHS, "Jan – Apr 2023"),
    case("mid-2023", d(2023, 5, 1), d(2023, 8, 31), P.MONTHS, "May – Aug 2023"),
    case("late 2022", d(2022, 9, 1), d(2022, 12, 31), P.MONTHS, "Sep – Dec 2022"),
    case("early next year", d(2023, 1, 1), d(2023, 4, 30), P.MONTHS),
    case("late this year", d(2022, 9, 1), d(2022, 12, 31), P.MONTHS),
    case("end of the year", d(2022, 9, 1), d(2022, 12, 31), P.MONTHS),
    case("spring 2023", d(2023, 3, 1), d(2023, 5, 31), P.MONTHS, "Mar – May 2023"),
    case("summer 2022", d(2022, 6, 1), d(2022, 8, 31), P.MONTHS, "Jun – Aug 2022"),
    case("fall 2022", d(2022, 9, 1), d(2022, 11, 30), P.MONTHS, "Sep – Nov 2022"),
    case("autumn 2022", d(2022, 9, 1), d(2022, 11, 30), P.MONTHS),
    case("winter 2022", d(2022, 12, 1), d(2023, 2, 28), P.MONTHS, "Dec 2022 – Feb 2023"),
    case("summer", d(2022, 6, 1), d(2022, 8, 31), P.MONTHS),
    case("end of month", d(2022, 6, 21), d(2022, 6, 30), P.PART_OF_MONTH, "late June 2022"),
    case("end of next month", d(2022, 7, 21), d(2022, 7, 31), P.PART_OF_MONTH),
    case("end of June", d(2022, 6, 21), d(2022, 6, 30), P.PART_OF_MONTH, "late June 2022"),
    # words before a day
    case("on June 7", d(2022, 6, 7), label="June 7, 2022"),
    case("the morning of June 7", d(2022, 6, 7)),
    case("no later than June 7", d(2022, 6, 7)),
    # data files
    case("20190201", d(2019, 2, 1), label="February 1, 2019"),
    case("2022/06/06", d(2022, 6, 6)),
    case("06.07.2022", d(2022, 7, 6), label="July 6, 2022"),
    case("06.07.2022", d(2022, 7, 6), label="6 July 2022", order="dmy"),
    # numbers as words
    case("in two weeks", d(2022, 6, 20)),
    case("three days ago", d(2022, 6, 3)),
    case("in a month", d(2022, 7, 6)),
    case("the 6th", d(2022, 6, 6)),
    case("the 30th", d(2022, 5, 30)),
    case("the 25th", d(2026, 11, 25), today=LATER),
    case("May 13, 22", d(2022, 5, 13), today=LATER),
    case("13 May 99", d(1999, 5, 13), today=LATER),
    case("13/5/22", d(2022, 5, 13), order="dmy", today=LATER),
    case("'22", d(2022, 1, 1), d(2022, 12, 31), P.YEAR, "2022", today=LATER),
    case("'99", d(1999, 1, 1), d(1999, 12, 31), P.YEAR, today=LATER),
]


@pytest.mark.parametrize(("text", "today", "order", "start", "end", "precision", "label"), GRAMMAR)
def test_grammar(
    text: str,
    today: date,
    order: DateOrder,
    start: date,
    end: date,
    precision: P,
    label: str | None,
) -> None:
    when = parse_when(text, today=today, order=order)
    assert (when.start, when.end, when.precision) == (start, end, precision)
    assert when.start_at is None and when.end_at is None and when.tz is None
    if label is not None:
        assert when.label == label


TIMES = [
    # text, local zone, the instant, the date in the written zone, tz, label (mdy)
    ("2022-05-13 14:30", UTC, utc(2022, 5, 13, 14, 30), "UTC", "May 13, 2022 2:30 PM"),
    ("May 13, 2022 2:30pm", UTC, utc(2022, 5, 13, 14, 30), "UTC", "May 13, 2022 2:30 PM"),
    ("May 13, 2022 at 2:30 PM", UTC, utc(2022, 5, 13, 14, 30), "UTC", "May 13, 2022 2:30 PM"),
    ("May 13, 2022 2:30 p.m.", UTC, utc(2022, 5, 13, 14, 30), "UTC", None),
    ("13 May 2022 14:30", UTC, utc(2022, 5, 13, 14, 30), "UTC", None),
    ("May 13, 2022 12am", UTC, utc(2022, 5, 13, 0, 0), "UTC", "May 13, 2022 12:00 AM"),
    ("May 13, 2022 12:05 PM", UTC, utc(2022, 5, 13, 12, 5), "UTC", None),
    (
        "2022-05-13T14:30-04:00",
        UTC,
        utc(2022, 5, 13, 18, 30),
        "-04:00",
        "May 13, 2022 2:30 PM -04:00",
    ),
    (
        "2022-05-13T18:30Z",
        NEW_YORK,
        utc(2022, 5, 13, 18, 30),
        "+00:00",
        "May 13, 2022 6:30 PM +00:00",
    ),
    ("2022-05-13 23:30 +05:30", UTC, utc(2022, 5, 13, 18, 0), "+05:30", None),
    ("May 13, 2022 9pm -0500", UTC, utc(2022, 5, 14, 2, 0), "-05:00", None),
    ("13 May 2022 14:30 −04:00", UTC, utc(2022, 5, 13, 18, 30), "-04:00", None),
    (
        "May 13, 2022 2:30 PM",
        NEW_YORK,
        utc(2022, 5, 13, 18, 30),
        "America/New_York",
        "May 13, 2022 2:30 PM",
    ),
    (
        "May 13, 2022 2:30 PM",
        MINUS_4,
        utc(2022, 5, 13, 18, 30),
        "-04:00",
        "May 13, 2022 2:30 PM -04:00",
    ),
    ("tomorrow at 9am", NEW_YORK, utc(2022, 6, 7, 13, 0), "America/New_York", None),
    ("May 13 2pm", UTC, utc(2022, 5, 13, 14, 0), "UTC", "May 13, 2022 2:00 PM"),
]


@pytest.mark.parametrize(("text", "local_tz", "at", "tz", "label"), TIMES)
def test_times(text: str, local_tz: tzinfo, at: datetime, tz: str, label: str | None) -> None:
    when = parse_when(text, today=TODAY, local_tz=local_tz)
    assert when.precision is P.MINUTE
    assert when.start_at is not None
    assert when.start_at == when.end_at == at
    assert when.start_at.tzinfo is UTC
    assert when.tz == tz
    wall_date = d(2022, 6, 7) if text.startswith("tomorrow") else d(2022, 5, 13)
    assert when.start == when.end == wall_date
    if label is not None:
        assert when.label == label


def test_time_labels_follow_the_order() -> None:
    when = parse_when("2022-05-13T14:30-04:00", today=TODAY, order="dmy")
    assert when.label == "13 May 2022 14:30 -04:00"
    assert parse_when("13 May 2022 14:30", today=TODAY, order="dmy").label == "13 May 2022 14:30"


def test_ambiguous_local_wall_time_keeps_its_offset_in_the_label() -> None:
    first = parse_when("2022-11-06T01:30-04:00", today=TODAY)
    second = parse_when("2022-11-06T01:30-05:00", today=TODAY)
    for when, label in ((first, "November 6, 2022 1:30 AM -04:00"), (second, "1:30 AM -05:00")):
        local = rebuild(when.start, when.end, P.MINUTE, when.start_at, tz="America/New_York")
        assert local.label.endswith(label)
        back = parse_when(local.label, today=TODAY, local_tz=NEW_YORK)
        assert (back.start_at, back.tz) == (when.start_at, "America/New_York")


ERRORS = [
    ("sometime soon", "mdy", '"sometime" is not a known word; expected e.g.'),
    ("mid-Smarch", "mdy", '"Smarch" is not a known word'),
    ("June 6 ET", "mdy", '"ET" is a zone: write it after a time'),
    ("June 6, 2022 3pm EST", "mdy", '"EST" is standard time, but ET is on daylight time'),
    ("June 6, 2022 10pm-2am", "mdy", "the time range ends before it starts"),
    ("Q5 FY2022", "mdy", "expected e.g."),
    ("20191301", "mdy", "month 13 does not exist"),
    ("20190201151530", "mdy", "times are kept to the minute"),
    ("hearing on HR 2 at 7 pm", "mdy", "expected e.g."),
    ("", "mdy", "expected e.g."),
    ("   ", "mdy", "expected e.g."),
    ("by", "mdy", "expected e.g."),
    ("2022-13-01", "mdy", "month 13 does not exist"),
    ("2022-02-29", "mdy", "February 2022 has no day 29"),
    ("Feb 30, 2022", "mdy", "February 2022 has no day 30"),
    ("Feb 30", "mdy", "February has no day 30"),
    ("May 32", "mdy", "May has no day 32"),
    ("next blursday", "mdy", 'after "next", not "blursday"'),
    ("Q5 2022", "mdy", "quarter 5 does not exist"),
    ("Q0", "mdy", "quarter 0 does not exist"),
    ("2022-W54", "mdy", "2022 has no week 54"),
    ("13/5/2022", "mdy", "month 13 does not exist; dates are read month-first"),
    ("5/13/2022", "dmy", "month 13 does not exist; dates are read day-first"),
    ("13/5", "mdy", "TRACKER_DATE_ORDER=dmy"),
    ("June 10-6, 2022", "mdy", "ends before it starts"),
    ("June 2, 2022 - May 30, 2022", "mdy", "ends before it starts"),
    ("May 13, 2022 2pm - May 14, 2022", "mdy", "range from a time to a day"),
    ("Monday, June 7, 2022", "mdy", "June 7, 2022 is a Tuesday"),
    ("May 13, 2022 13pm", "mdy", "13 pm is not a time"),
    ("May 13, 2022 24:00", "mdy", "24:00 is not a time"),
    ("2022-05-13T14:30+25:00", "mdy", "+25:00 is not a UTC offset"),
    ("in 99999999999 days", "mdy", "out of range"),
    ("May 13, 2022 and stuff", "mdy", "expected e.g."),
    ("May 13, 2022 14", "mdy", "expected e.g."),
    ("tomorrow-ish", "mdy", "expected e.g."),
    ("mid-Smarch 2022", "mdy", "expected e.g."),
    ("week of someday", "mdy", "expected e.g."),
    ("2022-05-13T14:30:15Z", "mdy", "times are kept to the minute"),
    ("May 2022 - June 2022 - July 2022", "mdy", "expected e.g."),
]


@pytest.mark.parametrize(("text", "order", "reason"), ERRORS)
def test_errors_name_the_input(text: str, order: DateOrder, reason: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_when(text, today=TODAY, order=order)
    message = str(info.value)
    assert message.startswith(f'cannot read "{" ".join(text.split())}" as a date: ')
    assert reason in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_error_message_is_one_line_and_reasons_are_kept() -> None:
    with pytest.raises(DateParseError) as info:
        parse_when("May\n32", today=TODAY)
    assert str(info.value) == 'cannot read "May 32" as a date: May has no day 32'
    assert info.value.text == "May 32"
    assert info.value.reason == "May has no day 32"


def _same(first: When, second: When) -> bool:
    keys = ("start", "end", "precision", "start_at", "end_at", "tz", "approximate")
    return all(getattr(first, key) == getattr(second, key) for key in keys)


@pytest.mark.parametrize(("text", "today", "order", "start", "end", "precision", "label"), GRAMMAR)
def test_labels_of_parsed_inputs_read_back(
    text: str,
    today: date,
    order: DateOrder,
    start: date,
    end: date,
    precision: P,
    label: str | None,
) -> None:
    when = parse_when(text, today=today, order=order)
    for label_order in ORDERS:
        relabeled = rebuild(when.start, when.end, when.precision, order=label_order)
        # a different today: labels are absolute
        back = parse_when(relabeled.label, today=d(1999, 1, 1), order=label_order)
        assert _same(back, when), relabeled.label
        assert back.label == relabeled.label


@pytest.mark.parametrize(("text", "local_tz", "at", "tz", "label"), TIMES)
def test_time_labels_read_back(
    text: str, local_tz: tzinfo, at: datetime, tz: str, label: str | None
) -> None:
    when = parse_when(text, today=TODAY, local_tz=local_tz)
    for order in ORDERS:
        relabeled = rebuild(
            when.start, when.end, when.precision, when.start_at, when.end_at, when.tz, order=order
        )
        back = parse_when(relabeled.label, today=LATER, order=order, local_tz=local_tz)
        assert _same(back, when), relabeled.label


# --- property tests ---

LOCAL_ZONES = [
    (UTC, "UTC"),
    (NEW_YORK, "America/New_York"),
    (ZoneInfo("Asia/Kolkata"), "Asia/Kolkata"),
    (ZoneInfo("Europe/London"), "Europe/London"),
    (timezone(timedelta(hours=-3)), "-03:00"),
]
WRITTEN_OFFSETS = ["+00:00", "-04:00", "+05:30", "+14:00", "-09:30"]
DAYS = st.dates(d(1900, 1, 1), d(2100, 12, 31))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@st.composite
def stored_whens(draw: st.DrawFn) -> tuple[When, DateOrder, tzinfo]:
    """A canonical When of any precision, built from columns as storage would hold them."""
    order: DateOrder = draw(st.sampled_from(ORDERS))
    local_tz, local_name = draw(st.sampled_from(LOCAL_ZONES))
    precision = draw(st.sampled_from(list(P)))
    day = draw(DAYS)
    first_of_month = day.replace(day=1)
    start = end = day
    start_at = tz = None
    if precision is P.DAYS:
        end = day + timedelta(days=draw(st.integers(1, 800)))
    elif precision is P.WEEK:
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
    elif precision is P.PART_OF_MONTH:
        start = day.replace(day=draw(st.sampled_from([1, 11, 21])))
        end = _month_end(day) if start.day == 21 else start + timedelta(days=9)
    elif precision is P.MONTH:
        start, end = first_of_month, _month_end(day)
    elif precision is P.MONTHS:
        start = first_of_month
        end = _month_end(first_of_month + relativedelta(months=draw(st.integers(1, 30))))
    elif precision is P.QUARTER:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        end = _month_end(start + relativedelta(months=2))
    elif precision is P.YEAR:
        start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    elif precision is P.MINUTE:
        # From 1970: before, local mean time offsets with seconds meet zone changes (see
        # TYPED_DAYS), and a time at such a change reads back seconds off.
        wall = draw(st.datetimes(datetime(1970, 1, 2), datetime(2100, 12, 30)))
        tz = draw(st.sampled_from([local_name, *WRITTEN_OFFSETS, *US_ZONE_NAMES]))
        if tz == local_name:
            zone: tzinfo | None = local_tz
        elif tz in US_ZONE_NAMES:
            zone = US_ZONE_NAMES[tz]
        else:
            zone = datetime.fromisoformat(f"2000-01-01T00:00{tz}").tzinfo
        assert zone is not None
        start_at = wall.replace(second=0, microsecond=0, tzinfo=zone).astimezone(UTC)
        start = end = start_at.astimezone(zone).date()
        # a time range: up to three days later, most often the same day
        end_at = start_at + timedelta(minutes=draw(st.sampled_from([0, 0, 90, 480, 2000, 4000])))
        when = rebuild(
            start,
            end_at.astimezone(zone).date(),
            precision,
            start_at,
            end_at,
            tz,
            order=order,
            approximate=draw(st.booleans()),
        )
        return when, order, local_tz
    when = rebuild(
        start, end, precision, start_at, start_at, tz, order=order, approximate=draw(st.booleans())
    )
    assert when.precision is precision
    return when, order, local_tz


US_ZONE_NAMES = {
    "ET": ZoneInfo("America/New_York"),
    "CT": ZoneInfo("America/Chicago"),
    "MT": ZoneInfo("America/Denver"),
    "PT": ZoneInfo("America/Los_Angeles"),
}


@settings(max_examples=200, deadline=None)
@given(stored=stored_whens(), today=DAYS)
def test_every_stored_label_reads_back(stored: tuple[When, DateOrder, tzinfo], today: date) -> None:
    when, order, local_tz = stored
    back = parse_when(when.label, today=today, order=order, local_tz=local_tz)
    assert _same(back, when), when.label
    assert back.label == when.label


MONTH_NAMES = [calendar.month_name[i] for i in range(1, 13)]


# Typed dates from 1970 on: before that, local mean time offsets with seconds meet zone
# changes at midnight (Asia/Kolkata on 1 January 1906), and a time typed on such a day is
# labelled at the new offset without its seconds, which reads back 50 seconds off. A known
# gap, not one a portfolio's dates reach.
TYPED_DAYS = st.dates(d(1970, 1, 1), d(2100, 12, 31))


@st.composite
def typed_inputs(draw: st.DrawFn) -> tuple[str, DateOrder]:
    """Text as a staffer might type it, in one of the grammar's shapes."""
    order: DateOrder = draw(st.sampled_from(ORDERS))
    day, other = draw(TYPED_DAYS), draw(TYPED_DAYS)
    first, last = min(day, other), max(day, other)
    month, abbr = MONTH_NAMES[day.month - 1], MONTH_NAMES[day.month - 1][:3]
    numeric = f"{day.month}/{day.day}" if order == "mdy" else f"{day.day}/{day.month}"
    shapes = [
        day.isoformat(),
        f"{month} {day.day}, {day.year}",
        f"{day.day} {abbr}. {day.year}",
        f"{numeric}/{day.year}",
        f"{numeric}/{day.year % 100:02d}",
        f"{abbr} {day.day}",
        f"{draw(st.sampled_from(['early', 'mid', 'late']))} {month} {day.year}",
        f"{draw(st.sampled_from(['early ', 'mid-', 'late ']))}{abbr}",
        f"{month} {day.year}",
        abbr,
        f"Q{(day.month - 1) // 3 + 1} {day.year}",
        str(day.year),
        f"week of {month} {day.day}, {day.year}",
        f"{first.isoformat()}..{last.isoformat()}",
        f"{first:%b %d, %Y} - {last:%B %d, %Y}",
        f"{MONTH_NAMES[first.month - 1]} {first.year} - {MONTH_NAMES[last.month - 1]} {last.year}",
        f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
        + draw(st.sampled_from(["", "Z", "-04:00", "+05:30"])),
        f"{month} {day.day}, {day.year} at {draw(st.integers(1, 12))}:05 "
        + draw(st.sampled_from(["am", "PM"])),
        f"in {draw(st.integers(0, 400))} {draw(st.sampled_from(['days', 'weeks', 'months']))}",
        f"{draw(st.sampled_from(['+', '-']))}{draw(st.integers(0, 99))}"
        + draw(st.sampled_from(["d", "w", "m", "y"])),
        f"{draw(st.sampled_from(['this', 'next', 'last']))} "
        + draw(st.sampled_from(["week", "month", "quarter", "year", "wednesday"])),
        # the forms added later
        f"{abbr}-{day.year}",
        f"Q{(day.month - 1) // 3 + 1}-{day.year}",
        f"{draw(st.sampled_from(['Q1 ', 'Q4 ', '']))}FY{day.year}",
        f"{draw(st.sampled_from(['spring', 'summer', 'fall', 'winter']))} {day.year}",
        f"{draw(st.sampled_from(['early ', 'mid-', 'late ']))}{day.year}",
        f"{day:%Y%m%d}",
        f"{day:%Y/%m/%d}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{month} {day.day}, {day.year} {draw(st.integers(1, 10))}:00-11:30 "
        + draw(st.sampled_from(["am", "pm", "pm ET", "am PT"])),
        f"{first:%b %d, %Y} 9:00 AM - {last:%B %d, %Y} 5:00 PM",
        f"{draw(st.integers(1, 12))}pm {month} {day.day}, {day.year}",
        f"in {draw(st.sampled_from(['two', 'three', 'twelve']))} weeks",
    ]
    text = draw(st.sampled_from(shapes))
    return (f"c. {text}" if draw(st.booleans()) else text), order


@settings(max_examples=200, deadline=None)
@given(typed=typed_inputs(), today=DAYS, zone=st.sampled_from([z for z, _ in LOCAL_ZONES]))
def test_labels_of_typed_inputs_read_back(
    typed: tuple[str, DateOrder], today: date, zone: tzinfo
) -> None:
    text, order = typed
    try:
        when = parse_when(text, today=today, order=order, local_tz=zone)
    except DateParseError as exc:  # a wall time the zone skips, refused as it should be
        assume("does not exist in" not in exc.reason)
        raise
    assert when.start <= when.end
    back = parse_when(when.label, today=today + timedelta(days=1000), order=order, local_tz=zone)
    assert _same(back, when), (text, when.label)


# --- span, rebuild, describe, to_json, overlaps, is_past ---


def w(text: str) -> When:
    return parse_when(text, today=TODAY)


@pytest.mark.parametrize(
    ("first", "last", "start", "end", "precision", "label"),
    [
        ("May 13, 2022", "May 20, 2022", d(2022, 5, 13), d(2022, 5, 20), P.DAYS, "May 13–20, 2022"),
        ("May 2022", "July 2022", d(2022, 5, 1), d(2022, 7, 31), P.MONTHS, "May – Jul 2022"),
        ("Oct 2021", "Q1 2022", d(2021, 10, 1), d(2022, 3, 31), P.MONTHS, "Oct 2021 – Mar 2022"),
        ("May 13, 2022", "May 13, 2022", d(2022, 5, 13), d(2022, 5, 13), P.DAY, "May 13, 2022"),
        ("May 2022", "May 2022", d(2022, 5, 1), d(2022, 5, 31), P.MONTH, "May 2022"),
        (
            "late May 2022",
            "June 2022",
            d(2022, 5, 21),
            d(2022, 6, 30),
            P.DAYS,
            "May 21 – June 30, 2022",
        ),
        ("2022-05-13T14:30Z", "May 14, 2022", d(2022, 5, 13), d(2022, 5, 14), P.DAYS, None),
        ("May 2022", "May 10, 2022", d(2022, 5, 1), d(2022, 5, 10), P.DAYS, None),
    ],
)
def test_span(
    first: str, last: str, start: date, end: date, precision: P, label: str | None
) -> None:
    joined = span(w(first), w(last))
    assert (joined.start, joined.end, joined.precision) == (start, end, precision)
    if label is not None:
        assert joined.label == label
    assert _same(w(joined.label), joined)


def test_span_labels_follow_the_order() -> None:
    joined = span(w("May 3, 2022"), w("July 2022"), order="dmy")
    assert joined.label == "3 May – 31 July 2022"


def test_span_that_ends_before_it_starts_is_an_error() -> None:
    with pytest.raises(DateParseError, match="June 2022 until May 2022"):
        span(w("June 2022"), w("May 2022"))


def test_rebuild_normalizes_degenerate_columns() -> None:
    assert rebuild(d(2022, 5, 13), d(2022, 5, 13), P.DAYS).precision is P.DAY
    assert rebuild(d(2022, 5, 1), d(2022, 5, 31), P.MONTHS).precision is P.MONTH
    no_instant = rebuild(d(2022, 5, 13), d(2022, 5, 13), P.MINUTE)
    assert (no_instant.precision, no_instant.label) == (P.DAY, "May 13, 2022")
    not_minute = rebuild(d(2022, 5, 13), d(2022, 5, 13), P.DAY, utc(2022, 5, 13, 1, 0), tz="UTC")
    assert (not_minute.start_at, not_minute.tz) == (None, None)


def test_rebuild_accepts_stored_strings_and_naive_instants() -> None:
    when = rebuild(d(2022, 5, 13), d(2022, 5, 13), P("minute"), datetime(2022, 5, 13, 18, 30))
    assert when.start_at == utc(2022, 5, 13, 18, 30)
    assert when.end_at == when.start_at
    assert when.label == "May 13, 2022 6:30 PM +00:00"  # no zone stored: the offset is explicit


def test_rebuild_with_an_unknown_zone_falls_back_to_an_explicit_utc_offset() -> None:
    when = rebuild(d(2022, 5, 13), d(2022, 5, 13), P.MINUTE, utc(2022, 5, 13, 18, 30), tz="Mars/X")
    assert when.label == "May 13, 2022 6:30 PM +00:00"


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (d(2022, 5, 1), d(2022, 5, 31), "May 1–31, 2022"),
        (d(2022, 4, 1), d(2022, 6, 30), "April 1 – June 30, 2022"),
        (d(2022, 1, 1), d(2022, 12, 31), "January 1 – December 31, 2022"),
    ],
)
def test_days_that_happen_to_be_whole_periods_stay_days(start: date, end: date, label: str) -> None:
    when = rebuild(start, end, P.DAYS)
    assert when.label == label
    assert _same(w(label), when)


@pytest.mark.parametrize(
    ("text", "local_tz", "preview"),
    [
        ("late May 2022", UTC, "21–31 May 2022"),
        ("May 13, 2022", UTC, "13 May 2022"),
        ("Q2 2022", UTC, "1 Apr – 30 Jun 2022"),
        ("Dec 30, 2021 - Jan 2, 2022", UTC, "30 Dec 2021 – 2 Jan 2022"),
        ("this week", UTC, "6–12 Jun 2022"),
        ("2022-05-13T14:30-04:00", UTC, "13 May 2022 14:30 −04:00"),
        ("May 13, 2022 2:30 PM", NEW_YORK, "13 May 2022 14:30 −04:00"),
        ("May 13, 2022 2:30 PM", UTC, "13 May 2022 14:30 +00:00"),
    ],
)
def test_describe(text: str, local_tz: tzinfo, preview: str) -> None:
    assert describe(parse_when(text, today=TODAY, local_tz=local_tz)) == preview


def test_to_json_for_dates() -> None:
    assert to_json(w("late May 2022")) == {
        "start": "2022-05-21",
        "end": "2022-05-31",
        "precision": "part",
        "label": "late May 2022",
    }


def test_to_json_for_a_time_uses_the_written_offset() -> None:
    assert to_json(w("2022-05-13T14:30-04:00")) == {
        "start": "2022-05-13T14:30:00-04:00",
        "end": "2022-05-13T14:30:00-04:00",
        "precision": "minute",
        "label": "May 13, 2022 2:30 PM -04:00",
    }


def test_to_json_for_a_local_time_uses_the_local_zone() -> None:
    when = parse_when("Dec 1, 2022 9am", today=TODAY, local_tz=NEW_YORK)
    assert to_json(when)["start"] == "2022-12-01T09:00:00-05:00"
    assert datetime.fromisoformat(to_json(when)["end"]) == when.end_at


LOCAL_OFFSET_SECONDS = timezone(timedelta(hours=-4, seconds=-56))  # like New York's 1883 LMT


@pytest.mark.parametrize(
    ("start", "end", "precision", "start_at", "end_at", "tz"),
    [
        (d(2022, 5, 13), d(2022, 5, 13), "day", None, None, None),
        (d(2022, 5, 13), d(2022, 5, 13), "days", None, None, None),
        (d(2022, 5, 13), d(2022, 5, 20), P.DAYS, None, None, None),
        (d(2021, 12, 30), d(2022, 1, 2), "days", None, None, None),
        (d(2022, 5, 1), d(2022, 5, 31), "months", None, None, None),
        (d(2021, 10, 1), d(2022, 3, 31), "months", None, None, None),
        (d(2022, 5, 21), d(2022, 5, 31), "part", None, None, None),
        (d(2022, 5, 9), d(2022, 5, 15), "week", None, None, None),
        (d(2022, 4, 1), d(2022, 6, 30), "quarter", None, None, None),
        (d(2022, 1, 1), d(2022, 12, 31), "year", None, None, None),
        (d(2022, 5, 13), d(2022, 5, 14), "minute", None, None, None),  # no instant: days
        (d(2022, 5, 13), d(2022, 5, 13), "day", utc(2022, 5, 13, 1, 0), None, "UTC"),
        (d(2022, 5, 13), d(2022, 5, 13), "minute", utc(2022, 5, 13, 18, 30), None, None),
        (d(2022, 5, 13), d(2022, 5, 13), "minute", datetime(2022, 5, 13, 18, 30), None, "UTC"),
        (d(2022, 5, 13), d(2022, 5, 13), P.MINUTE, utc(2022, 5, 13, 18, 30), None, "-04:00"),
        (d(2022, 5, 13), d(2022, 5, 13), "minute", utc(2022, 5, 13, 18, 30), None, "+05:30"),
        (d(2022, 5, 13), d(2022, 5, 13), "minute", utc(2022, 5, 13, 18, 30), None, "Mars/X"),
        (d(2022, 5, 13), d(2022, 5, 13), "minute", utc(2022, 5, 13, 0, 0), None, "Asia/Jakarta"),
        (d(2022, 5, 13), d(2022, 5, 13), "minute", utc(2022, 5, 13, 18, 30), None, "+99:00"),
        (
            d(2022, 5, 13),
            d(2022, 5, 14),
            "minute",
            utc(2022, 5, 13, 18, 30),
            utc(2022, 5, 14, 2, 15),
            "America/New_York",
        ),
        # New York's fall back: 1:30 AM happens twice; the second needs its offset.
        (
            d(2022, 11, 6),
            d(2022, 11, 6),
            "minute",
            utc(2022, 11, 6, 5, 30),
            None,
            "America/New_York",
        ),
        (
            d(2022, 11, 6),
            d(2022, 11, 6),
            "minute",
            utc(2022, 11, 6, 6, 30),
            None,
            "America/New_York",
        ),
        # Seconds the label drops, and a zone whose offset has seconds.
        (
            d(2022, 5, 13),
            d(2022, 5, 13),
            "minute",
            datetime(2022, 5, 13, 18, 30, 15, tzinfo=UTC),
            None,
            "Europe/Madrid",
        ),
        (d(1883, 1, 1), d(1883, 1, 1), "minute", utc(1883, 1, 1, 17, 0), None, "America/New_York"),
        (
            d(2022, 5, 13),
            d(2022, 5, 13),
            "minute",
            datetime(2022, 5, 13, 18, 30, tzinfo=LOCAL_OFFSET_SECONDS),
            None,
            "UTC",
        ),
    ],
)
@pytest.mark.parametrize("order", ORDERS)
def test_stored_cells_are_to_json_of_rebuild(
    start: date,
    end: date,
    precision: P | str,
    start_at: datetime | None,
    end_at: datetime | None,
    tz: str | None,
    order: DateOrder,
) -> None:
    when = rebuild(start, end, P(precision), start_at, end_at, tz, order=order)
    span = to_json(when)
    expected = (span["start"], span["end"], when.label, when.precision.value)
    assert stored_cells(start, end, precision, start_at, end_at, tz, order=order) == expected


def _offset_text(offset: timedelta) -> str:
    """How the CSV import names a written offset: sign, hours and minutes."""
    seconds = int(offset.total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{'-' if seconds < 0 else '+'}{hours:02d}:{minutes:02d}"


@settings(max_examples=500)
@given(
    wall=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 27)),
    offset=st.one_of(
        st.integers(-14 * 60 - 59, 14 * 60 + 59).map(lambda m: timedelta(minutes=m)),
        st.integers(-86399, 86399).map(lambda s: timedelta(seconds=s)),
    ),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
    order=st.sampled_from(ORDERS),
)
def test_a_time_at_its_own_offset_is_what_rebuild_makes(
    wall: datetime, offset: timedelta, later: timedelta, order: DateOrder
) -> None:
    """The CSV import's shortcut for `start`/`end` cells written with their offset: where it
    answers, it answers what `rebuild` does with that offset as the zone."""
    start_at = wall.replace(tzinfo=timezone(offset))
    end_at = start_at + later
    fast = at_own_offset(start_at, end_at, order=order)
    whole_minutes = offset.total_seconds() % 60 == 0 and abs(offset) < timedelta(hours=15)
    assert (fast is not None) == (whole_minutes and not later)  # a time range: rebuild's
    if fast is not None:
        expected = rebuild(
            start_at.date(),
            end_at.date(),
            P.MINUTE,
            start_at.astimezone(UTC),
            end_at.astimezone(UTC),
            _offset_text(offset),
            order=order,
        )
        assert fast == expected


# The property tests' local zones, and one whose clocks go back half an hour.
READING_ZONES = (*(zone for zone, _ in LOCAL_ZONES), ZoneInfo("Australia/Lord_Howe"))


@settings(max_examples=500)
@given(
    instant=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 27)),
    seconds=st.sampled_from([0, 0, 0, 30]),
    zone=st.sampled_from(READING_ZONES),
    order=st.sampled_from(ORDERS),
)
@example(instant=datetime(9999, 1, 2), seconds=0, zone=NEW_YORK, order="mdy")  # the last year
def test_a_time_without_a_zone_reads_back_as_at_local_time(
    instant: datetime, seconds: int, zone: tzinfo, order: DateOrder
) -> None:
    """The CSV import's shortcut for a label written without a zone: where the time's own
    label has no offset, reading that label in the local zone gives the same When."""
    start_at = instant.replace(second=seconds, microsecond=0, tzinfo=UTC)
    fast = at_local_time(start_at, zone, order=order)
    if fast is None:  # seconds in the time, or in its wall time (local mean time)
        assert seconds or start_at.astimezone(zone).second
        return
    assert fast.start_at == fast.end_at == start_at
    if fast.label[-6:-5] not in ("+", "-"):  # no offset spelled out
        assert parse_when(fast.label, today=date(2026, 6, 15), order=order, local_tz=zone) == fast


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        (None, None, True),
        (d(2022, 5, 31), None, True),
        (d(2022, 6, 1), None, False),
        (None, d(2022, 5, 21), True),
        (None, d(2022, 5, 20), False),
        (d(2022, 5, 25), d(2022, 5, 26), True),
        (d(2022, 5, 1), d(2022, 6, 30), True),
    ],
)
def test_overlaps(date_from: date | None, date_to: date | None, expected: bool) -> None:
    assert overlaps(w("late May 2022"), date_from, date_to) is expected


def test_is_past() -> None:
    late_may = w("late May 2022")
    assert not is_past(late_may, d(2022, 5, 31))
    assert is_past(late_may, d(2022, 6, 1))
    assert not is_past(late_may, d(2022, 5, 1))


def test_today_may_be_passed_as_a_datetime() -> None:
    now = datetime(2022, 6, 6, 23, 59, tzinfo=UTC)
    assert parse_when("tomorrow", today=now).start == d(2022, 6, 7)


# --- times in prose, time ranges, zones by name, approximate dates, fiscal years ---

MORE_TIMES = [
    # text, local zone, start instant, end instant (None: the same), tz, label
    (
        "June 6, 2022 9:00–10:30 AM",
        NEW_YORK,
        utc(2022, 6, 6, 13, 0),
        utc(2022, 6, 6, 14, 30),
        "America/New_York",
        "June 6, 2022 9:00–10:30 AM",
    ),
    (
        "June 6 2022 9am-12pm ET",
        UTC,
        utc(2022, 6, 6, 13, 0),
        utc(2022, 6, 6, 16, 0),
        "ET",
        "June 6, 2022 9:00 AM–12:00 PM ET",
    ),
    (
        "June 6 2022 9:00 AM - June 7 2022 5:00 PM",
        NEW_YORK,
        utc(2022, 6, 6, 13, 0),
        utc(2022, 6, 7, 21, 0),
        "America/New_York",
        "June 6, 2022 9:00 AM – June 7, 2022 5:00 PM",
    ),
    ("June 6, 2022 11-1pm", UTC, utc(2022, 6, 6, 11, 0), utc(2022, 6, 6, 13, 0), "UTC", None),
    (
        "6 June 2022 14:00-15:30",
        UTC,
        utc(2022, 6, 6, 14, 0),
        utc(2022, 6, 6, 15, 30),
        "UTC",
        "June 6, 2022 2:00–3:30 PM",
    ),
    ("June 6 at 2:30 p.m. ET", UTC, utc(2022, 6, 6, 18, 30), None, "ET", "June 6, 2022 2:30 PM ET"),
    ("3pm EDT", UTC, utc(2022, 6, 6, 19, 0), None, "ET", "June 6, 2022 3:00 PM ET"),
    ("10:00 PT", NEW_YORK, utc(2022, 6, 6, 17, 0), None, "PT", "June 6, 2022 10:00 AM PT"),
    (
        "Jan 10, 2022 10am CT",
        UTC,
        utc(2022, 1, 10, 16, 0),
        None,
        "CT",
        "January 10, 2022 10:00 AM CT",
    ),
    ("June 7 at noon", UTC, utc(2022, 6, 7, 12, 0), None, "UTC", "June 7, 2022 12:00 PM"),
    ("June 7 at midnight", UTC, utc(2022, 6, 7, 0, 0), None, "UTC", "June 7, 2022 12:00 AM"),
    ("2pm June 6 2022", UTC, utc(2022, 6, 6, 14, 0), None, "UTC", "June 6, 2022 2:00 PM"),
    ("2:30 pm on June 7", UTC, utc(2022, 6, 7, 14, 30), None, "UTC", None),
    ("COB June 7", NEW_YORK, utc(2022, 6, 7, 21, 0), None, "America/New_York", None),
    ("by COB", UTC, utc(2022, 6, 6, 17, 0), None, "UTC", "June 6, 2022 5:00 PM"),
    ("no later than Friday COB", UTC, utc(2022, 6, 10, 17, 0), None, "UTC", None),
    (
        "20190201151500",
        NEW_YORK,
        utc(2019, 2, 1, 15, 15),
        None,
        "+00:00",
        "February 1, 2019 3:15 PM +00:00",
    ),
    ("2022-06-06T14:30:00.000Z", UTC, utc(2022, 6, 6, 14, 30), None, "+00:00", None),
    ("2022-06-06 14:30:00.000+02:00", UTC, utc(2022, 6, 6, 12, 30), None, "+02:00", None),
    # New York's fall back: the first 1:30 AM, labelled with its offset; EST names the second
    (
        "November 6, 2022 1:30 AM",
        NEW_YORK,
        utc(2022, 11, 6, 5, 30),
        None,
        "America/New_York",
        "November 6, 2022 1:30 AM -04:00",
    ),
    (
        "Nov 6, 2022 1:30 AM EST",
        UTC,
        utc(2022, 11, 6, 6, 30),
        None,
        "ET",
        "November 6, 2022 1:30 AM EST",
    ),
    (
        "Nov 6, 2022 1:30 AM ET",
        UTC,
        utc(2022, 11, 6, 5, 30),
        None,
        "ET",
        "November 6, 2022 1:30 AM EDT",
    ),
]


@pytest.mark.parametrize(("text", "local_tz", "start_at", "end_at", "tz", "label"), MORE_TIMES)
def test_more_times(
    text: str,
    local_tz: tzinfo,
    start_at: datetime,
    end_at: datetime | None,
    tz: str,
    label: str | None,
) -> None:
    when = parse_when(text, today=TODAY, local_tz=local_tz)
    assert when.precision is P.MINUTE
    assert (when.start_at, when.end_at, when.tz) == (start_at, end_at or start_at, tz)
    zone = when.start_at.astimezone(ZoneInfo("America/New_York") if tz == "ET" else local_tz)
    assert when.start == zone.date() or tz not in ("ET", "America/New_York")
    if label is not None:
        assert when.label == label
    for order in ORDERS:  # the label, in either order and read on another day, is this time
        relabeled = rebuild(
            when.start, when.end, P.MINUTE, when.start_at, when.end_at, when.tz, order=order
        )
        back = parse_when(relabeled.label, today=LATER, order=order, local_tz=local_tz)
        assert _same(back, when), relabeled.label


def test_a_zone_written_by_name_reads_back_in_any_local_zone() -> None:
    when = parse_when("June 6 2022 9am-12pm ET", today=TODAY)
    for zone, _ in LOCAL_ZONES:
        assert _same(parse_when(when.label, today=LATER, local_tz=zone), when)
    assert describe(when) == "6 Jun 2022 09:00–12:00 \u221204:00"
    assert to_json(when)["end"] == "2022-06-06T12:00:00-04:00"


def test_time_range_previews_and_cells() -> None:
    when = parse_when("June 6 2022 9:00 AM - June 7 2022 5:00 PM", today=TODAY, local_tz=NEW_YORK)
    assert describe(when) == "6 Jun 2022 09:00 \u221204:00 – 7 Jun 2022 17:00 \u221204:00"
    assert (when.start, when.end) == (d(2022, 6, 6), d(2022, 6, 7))
    cells = stored_cells(when.start, when.end, P.MINUTE, when.start_at, when.end_at, when.tz)
    assert cells == (
        "2022-06-06T09:00:00-04:00",
        "2022-06-07T17:00:00-04:00",
        "June 6, 2022 9:00 AM – June 7, 2022 5:00 PM",
        "minute",
    )


@pytest.mark.parametrize(
    ("text", "local_tz"),
    [
        ("March 13, 2022 2:30 AM", NEW_YORK),
        ("March 13, 2022 2:30 AM ET", UTC),
        ("2:30 am March 13, 2022", NEW_YORK),
        ("March 13, 2022 2:00-2:45 AM", NEW_YORK),
    ],
)
def test_a_wall_time_the_zone_skips_is_refused(text: str, local_tz: tzinfo) -> None:
    with pytest.raises(DateParseError, match=r"02:[0-9]{2} on 2022-03-13 does not exist in"):
        parse_when(text, today=TODAY, local_tz=local_tz)
    with pytest.raises(DateParseError, match="the clocks go forward an hour then"):
        parse_when(text, today=TODAY, local_tz=local_tz)


def test_a_dash_after_a_clock_is_a_range_not_an_offset() -> None:
    when = parse_when("June 6, 2022 9:00-10:30", today=TODAY)
    assert (when.start_at, when.end_at) == (utc(2022, 6, 6, 9, 0), utc(2022, 6, 6, 10, 30))
    iso = parse_when("2022-06-06T09:00-10:30", today=TODAY)  # ISO: an offset
    assert (iso.start_at, iso.tz) == (utc(2022, 6, 6, 19, 30), "-10:30")
    with pytest.raises(DateParseError, match=r"expected e\.g\."):
        parse_when("9:00-10:30", today=TODAY)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "label"),
    [
        ("c. May 2022", d(2022, 5, 1), d(2022, 5, 31), P.MONTH, "c. May 2022"),
        ("~2019", d(2019, 1, 1), d(2019, 12, 31), P.YEAR, "c. 2019"),
        ("circa 1990", d(1990, 1, 1), d(1990, 12, 31), P.YEAR, "c. 1990"),
        ("ca. June 6, 2022", d(2022, 6, 6), d(2022, 6, 6), P.DAY, "c. June 6, 2022"),
        ("c.late 2022", d(2022, 9, 1), d(2022, 12, 31), P.MONTHS, "c. Sep – Dec 2022"),
        (
            "~June 6 2022 9-10am",
            d(2022, 6, 6),
            d(2022, 6, 6),
            P.MINUTE,
            "c. June 6, 2022 9:00–10:00 AM",
        ),
    ],
)
def test_approximate_dates_keep_their_mark(
    text: str, start: date, end: date, precision: P, label: str
) -> None:
    when = parse_when(text, today=TODAY)
    assert (when.start, when.end, when.precision, when.label) == (start, end, precision, label)
    assert when.approximate
    back = parse_when(when.label, today=LATER)
    assert _same(back, when) and back.label == label
    plain = parse_when(label.removeprefix("c. "), today=TODAY)
    assert not plain.approximate and plain.label == label.removeprefix("c. ")


@pytest.mark.parametrize(
    ("text", "fiscal_start", "start", "end"),
    [
        ("FY2023", 10, d(2022, 10, 1), d(2023, 9, 30)),
        ("FY2023", 7, d(2022, 7, 1), d(2023, 6, 30)),
        ("Q1 FY2023", 7, d(2022, 7, 1), d(2022, 9, 30)),
        ("FY2023", 1, d(2023, 1, 1), d(2023, 12, 31)),
        ("Q4 FY23", 1, d(2023, 10, 1), d(2023, 12, 31)),
        ("CY2023", 7, d(2023, 1, 1), d(2023, 12, 31)),
    ],
)
def test_fiscal_years_follow_their_start_month(
    text: str, fiscal_start: int, start: date, end: date
) -> None:
    when = parse_when(text, today=TODAY, fiscal_start=fiscal_start)
    assert (when.start, when.end) == (start, end)
    assert _same(parse_when(when.label, today=LATER), when)  # labels are calendar months
