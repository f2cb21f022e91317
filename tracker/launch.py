"""The `tracker` command's entry point.

`tracker` alone (or with only `--db URL`) opens the full-screen app at once, without
building the command line: click and the definitions of every command cost a tenth of the
app's start-up. Anything else is the command line's (`tracker.cli`). Both report errors
the same way: one line, `tracker: error: ...`, exit code 2.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tracker.errors import UserError

if TYPE_CHECKING:
    from tracker.settings import Settings


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    app, db = _app_only(args)
    # Loading the modules makes tens of thousands of objects and no garbage: the cyclic
    # collector's passes over them would be wasted. It is held off until the command line
    # is loaded (then what was loaded is set aside from its passes), or, for the app, until
    # the app has set up what it keeps (`TrackerApp.load_names`).
    gc.disable()
    if not app:
        from tracker.cli import main as cli_main

        gc.freeze()
        gc.enable()
        cli_main(args)
        return
    with reporting_errors():
        from tracker.settings import Settings
        from tracker.ui import run_app

        settings = Settings.from_env(db)
        check_new_database(settings, needed=False)
        run_app(settings)


def check_new_database(settings: Settings, *, needed: bool) -> None:
    """Before the database is opened: a SQLite file named with --db or TRACKER_DB that is
    not there is an error when `needed` (a command that only reads or changes what is
    there), and is created, saying so on stderr, otherwise (the app, a command that adds);
    its folder must exist. The default file is made on first use, as always."""
    from tracker.storage import lite

    path = lite.sqlite_file(settings.db_url)
    if path is None or settings.is_default_db or path.exists():
        return
    if not path.parent.is_dir():
        raise UserError(f"no folder {path.parent} for the database; create it first")
    if needed:
        raise UserError(f"no database at {path}")
    say(f"creating a new database at {path}")


def _app_only(args: list[str]) -> tuple[bool, str | None]:
    """(True, the --db value) when `args` ask for nothing but the app."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return True, args[0][len("--db=") :]
    return False, None


def say(message: str) -> None:
    """One line on stderr; what it quotes has its control characters shown escaped."""
    from tracker.textsafe import visible_line

    print(visible_line(message), file=sys.stderr)


@contextmanager
def reporting_errors(*, unexpected: bool = False) -> Iterator[None]:
    """Turn a user's or the database's error into one line and exit code 2; with
    `unexpected`, any other error too (a last resort: the causes are fixed where found;
    TRACKER_DEBUG=1 shows the traceback instead)."""
    try:
        yield
    except UserError as exc:
        say(f"tracker: error: {exc.message}")
        sys.exit(2)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        say(f"tracker: error: {exc.strerror or exc}{where}")
        sys.exit(2)
    except Exception as exc:
        # SQLAlchemy is not imported for this: if it is not loaded, it raised nothing.
        sa_exc = sys.modules.get("sqlalchemy.exc")
        if sa_exc is not None and isinstance(exc, sa_exc.SQLAlchemyError):
            say(f"tracker: error: {database_error(getattr(exc, 'orig', None) or exc)}")
            sys.exit(2)
        if not unexpected or _click_own(exc) or os.environ.get("TRACKER_DEBUG"):
            raise
        reason = " ".join(str(exc).split())[:200]
        say(f"tracker: error: unexpected {type(exc).__name__}: {reason} (TRACKER_DEBUG=1 shows it)")
        sys.exit(2)


def _click_own(exc: Exception) -> bool:
    """Click's exceptions (usage errors, exits), which its caller reports."""
    click = sys.modules.get("click")
    return click is not None and isinstance(
        exc, click.exceptions.ClickException | click.exceptions.Exit | click.exceptions.Abort
    )


BUSY = "the database is busy: another process is writing (an import?); try again"


def database_error(exc: BaseException) -> str:
    """A database's refusal as one line: `database: ` and the driver's message (a lock
    another process held for longer than the wait: `BUSY`)."""
    reason = " ".join(str(exc).split())
    if reason in ("database is locked", "database is busy") or reason.startswith(
        "database is locked"
    ):
        return BUSY
    return f"database: {reason[:300]}"
