"""A DataTable whose heading rows the cursor steps over (the follow-ups' groups)."""

from __future__ import annotations

from textual.coordinate import Coordinate

from tracker.ui.widgets.list_table import ListTable

HEADING = "heading:"


class GroupedTable(ListTable):
    """Rows keyed `heading:...` are group titles: shown, but never selected."""

    def is_heading(self, row: int) -> bool:
        if not 0 <= row < self.row_count:
            return False
        key = self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return bool(key and key.startswith(HEADING))

    def _nearest_item(self, row: int, direction: int) -> int | None:
        for step in (direction, -direction):
            probe = row
            while 0 <= probe < self.row_count:
                if not self.is_heading(probe):
                    return probe
                probe += step
        return None

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        if self.is_heading(new.row):
            target = self._nearest_item(new.row, 1 if new.row >= old.row else -1)
            if target is not None and target != new.row:
                if 0 <= old.row < self.row_count:
                    self.refresh_row(old.row)  # its highlight goes with the cursor
                self.cursor_coordinate = Coordinate(target, new.column)
                return
        super().watch_cursor_coordinate(old, new)

    def settle(self, row: int) -> None:
        """Put the cursor on `row`, or the nearest item below (else above) if it is a heading."""
        if self.row_count:
            target = self._nearest_item(max(0, min(row, self.row_count - 1)), 1)
            if target is not None:
                self.move_cursor(row=target, animate=False)

    def action_first(self) -> None:
        self.settle(0)

    def action_last(self) -> None:
        if self.row_count:
            target = self._nearest_item(self.row_count - 1, -1)
            if target is not None:
                self.move_cursor(row=target, animate=False)
