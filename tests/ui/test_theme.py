"""The light theme's text meets WCAG AA (4.5:1) as drawn, and the theme chosen is remembered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot

from tests.ui.conftest import settle
from tracker import preferences
from tracker.clock import FixedClock
from tracker.services import Services, open_services
from tracker.settings import Settings
from tracker.ui.app import TrackerApp, create_app
from tracker.ui.theme import DARK, LIGHT

AA = 4.5
# Lines and bars drawn with these are not text (WCAG asks 3:1 of such parts, not 4.5:1).
NOT_TEXT = {chr(c) for c in range(0x2500, 0x25A0)} | {" ", "▏", "▕"}


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def poor_contrast(app: TrackerApp) -> list[str]:
    """Every run of text drawn on the screen now whose colours are below AA."""
    found: set[str] = set()
    for widget in app.screen.query("*"):
        if not widget.display or not widget.size.area:
            continue
        for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)):
            for segment in strip:
                style = segment.style
                if style is None or not set(segment.text) - NOT_TEXT:
                    continue
                assert style.color is not None and style.bgcolor is not None, segment
                fg = style.color.get_truecolor()
                bg = style.bgcolor.get_truecolor()
                ratio = contrast((fg.red, fg.green, fg.blue), (bg.red, bg.green, bg.blue))
                if ratio < AA:
                    found.add(f"{type(widget).__name__}: {segment.text.strip()!r} {ratio:.2f}")
    return sorted(found)


async def _light(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)
    assert pilot.app.theme == LIGHT


async def test_the_light_theme_meets_aa_on_every_screen(settings: Settings) -> None:
    later = FixedClock.on(dt.date(2022, 6, 12))  # follow-ups overdue, events still planned
    services = open_services(settings, later)
    app = create_app(settings, services, later)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await _light(pilot)
            assert poor_contrast(app) == []
            await pilot.press("slash", *"kind:zz")  # a filter that does not parse
            await settle(pilot)
            assert poor_contrast(app) == []
            await pilot.press("escape", "i")  # the details focused, the list's cursor blurred
            await settle(pilot)
            assert poor_contrast(app) == []
            await pilot.press("escape", "e")  # a form
            await settle(pilot)
            assert poor_contrast(app) == []
            await pilot.press("escape")
            await settle(pilot)
            for key in ("2", "3", "question_mark"):
                await pilot.press(key)
                await settle(pilot)
                assert poor_contrast(app) == [], key
                if key == "question_mark":
                    await pilot.press("escape")
    finally:
        services.close()


async def test_textual_light_alone_would_fail(app: TrackerApp) -> None:
    """The measure itself: Textual's own light theme has text below AA."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        assert poor_contrast(app) != []


async def test_the_theme_chosen_is_remembered(
    settings: Settings, services: Services, clock: FixedClock, config_dir: Path
) -> None:
    first = create_app(settings, services, clock)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert first.theme == DARK
        await _light(pilot)
    assert (config_dir / preferences.FILE_NAME).is_file()
    again = create_app(settings, services, clock)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == LIGHT
        await pilot.press("ctrl+t")
        await settle(pilot)
    assert create_app(settings, services, clock).theme == DARK


def test_no_folder_is_made_until_a_preference_is_saved(config_dir: Path) -> None:
    assert preferences.load() == {}
    assert not config_dir.exists()
    preferences.save("theme", "light")
    assert preferences.load() == {"theme": "light"}
    (config_dir / preferences.FILE_NAME).write_text("not json", encoding="utf-8")
    assert preferences.load() == {}  # unreadable: as if never set
