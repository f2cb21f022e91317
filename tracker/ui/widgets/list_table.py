"""A DataTable with the motions every list in the app shares: j/k, g/G, home/end, pages."""

from __future__ import annotations

from textual.widgets import DataTable

from tracker.ui import keys


class ListTable(DataTable[object]):
    """A row-cursor table that moves like the timeline: the same key means the same
    everywhere; `enter` selects the row (its screen opens or edits it)."""

    BINDINGS = keys.LIST_MOTIONS

    def action_first(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False)

    def action_last(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)

    def action_select(self) -> None:
        self.action_select_cursor()
