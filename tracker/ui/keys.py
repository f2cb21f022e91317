"""Every key binding, declared once; the screens, footer, help screen and palette read them."""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP: list[BindingType] = [
    Binding("1", "show_mode('timeline')", "Timeline", show=False, tooltip="The timeline of events"),
    Binding("2", "show_mode('stakeholders')", "Stakeholders", show=False),
    Binding("3", "show_mode('followups')", "Follow-ups", show=False),
    Binding("u", "undo", "Undo", tooltip="Take back the last change made here"),
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("ctrl+t", "toggle_theme", "Light/dark theme", show=False),
    Binding("ctrl+p", "command_palette", "Every command", show=False),
    Binding("q", "quit", "Quit", show=False),
    Binding("R", "reload", "Reload", show=False, tooltip="Read the data on screen again"),
]

TIMELINE: list[BindingType] = [
    Binding("slash", "focus_filter", "Filter", key_display="/"),
    Binding("escape", "clear_filter", "Clear filter", show=False),
    Binding("a", "add", "Add"),
    Binding("e", "edit", "Edit"),
    Binding("d", "delete", "Delete"),
    Binding("f", "add_follow_up", "Add follow-up"),
    Binding("x", "export", "Export CSV"),
    Binding("t", "today", "Go to today", show=False),
    Binding("i", "focus_detail", "Details", show=False, tooltip="Read the whole event"),
]

DETAIL: list[BindingType] = [
    Binding("escape,i", "leave", "Back to the list"),
    Binding("down,j", "scroll_down", "Scroll down", show=False),
    Binding("up,k", "scroll_up", "Scroll up", show=False),
    Binding("pagedown,space", "page_down", "Page down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("home,g", "scroll_home", "Top", show=False),
    Binding("end,G", "scroll_end", "Bottom", show=False),
]

# Every list (timeline, stakeholders, a stakeholder's profile, follow-ups) moves the same way.
LIST_MOTIONS: list[BindingType] = [
    Binding("up,k", "cursor_up", "Up", show=False),
    Binding("down,j", "cursor_down", "Down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
    Binding("home,g", "first", "First", show=False),
    Binding("end,G", "last", "Last", show=False),
    Binding("enter", "select", "Open or edit the row", show=False),
]

TIMELINE_LIST = LIST_MOTIONS

FILTER_BOX: list[BindingType] = [
    Binding("escape", "clear", "Clear filter"),
    Binding("down", "leave", "To the list", show=False),
]

STAKEHOLDERS: list[BindingType] = [
    Binding("slash", "focus_search", "Search", key_display="/"),
    Binding("escape", "clear_search", "Clear search", show=False),
    Binding("enter", "open", "Open", show=False),
    Binding("a", "add", "Add"),
    Binding("e", "edit", "Edit"),
    Binding("d", "delete", "Delete"),
    Binding("m", "merge", "Merge into…"),
]

PROFILE: list[BindingType] = [
    Binding("escape", "back", "Back"),
    Binding("o", "in_timeline", "Open in timeline"),
    Binding("e", "edit", "Edit"),
]

FOLLOW_UPS: list[BindingType] = [
    Binding("space", "toggle_done", "Done/open"),
    Binding("a", "add", "Add"),
    Binding("e", "edit", "Edit"),
    Binding("d", "delete", "Delete"),
    Binding("o", "go_to_event", "Open its event"),
]

DIALOG: list[BindingType] = [
    Binding("ctrl+s", "save", "Save", priority=True),
    Binding("escape", "cancel", "Cancel"),
    Binding("tab", "app.focus_next", "Next field"),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False),
]

FORM: list[BindingType] = [
    *DIALOG,
    # In a name box, → at the end takes the name it suggests; elsewhere it moves the cursor.
    Binding("right", "accept_name", "Accept the suggested name", key_display="→", priority=True),
]

CONFIRM: list[BindingType] = [
    Binding("y", "answer(True)", "Yes"),
    Binding("n", "answer(False)", "No"),
    Binding("escape", "answer(False)", "No", show=False),
]

CONFLICT: list[BindingType] = [
    Binding("m", "choose('mine')", "Keep mine"),
    Binding("t", "choose('theirs')", "Take theirs"),
    Binding("s", "choose('new')", "Save as new"),
    Binding("b,escape", "choose('back')", "Back to the form"),
]

HELP: list[BindingType] = [
    Binding("escape,question_mark,q", "close", "Close"),
]

SECTIONS: tuple[tuple[str, list[BindingType]], ...] = (
    ("Everywhere", APP),
    ("Timeline", TIMELINE),
    ("Every list", LIST_MOTIONS),
    ("Filter box", FILTER_BOX),
    ("Details pane", DETAIL),
    ("Stakeholders", STAKEHOLDERS),
    ("A stakeholder", PROFILE),
    ("Follow-ups", FOLLOW_UPS),
    ("Forms and dialogs", FORM),
    ("A question", CONFIRM),
    ("A save that clashed", CONFLICT),
)


def bindings(items: list[BindingType]) -> list[Binding]:
    """The Binding objects of a list (they all are, here)."""
    return [b for b in items if isinstance(b, Binding)]


def key_tokens(binding: Binding) -> list[str]:
    """How each of a binding's keys is written for people: `/`, `?`, `ctrl+s`, `up`, `k`."""
    if binding.key_display:
        return [binding.key_display]
    names = {"slash": "/", "question_mark": "?", "space": "space", "escape": "esc"}
    return [names.get(k, k) for k in binding.key.split(",")]


def key_label(binding: Binding) -> str:
    """A binding's keys in one label: `/`, `ctrl+s`, `up k`."""
    return " ".join(key_tokens(binding))
