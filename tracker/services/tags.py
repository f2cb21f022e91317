"""Tags: lowercase words joined by hyphens, so `--tag "Northern Triangle"` finds the same rows."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.errors import UserError


def clean_tag(tag: str) -> str:
    cleaned = "-".join(tag.strip().lower().split())
    if not cleaned:
        raise UserError("a tag must not be empty")
    if "," in cleaned or ";" in cleaned:
        raise UserError(f"tag {tag!r} must not contain ',' or ';'")
    if len(cleaned) > 100:
        raise UserError(f"tag {tag!r} is longer than 100 characters")
    return cleaned


def clean_tags(tags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(clean_tag(tag) for tag in tags))
