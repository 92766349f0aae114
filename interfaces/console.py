"""The console a command prints its output with."""

from __future__ import annotations

from rich.console import Console

# Piped into a file or another program, rich draws 80 columns (or $COLUMNS) and cuts a table's
# cells to fit: `sohoa report > report.txt` came out with «tot…» for the totals' column. A
# table takes only the width its cells need, so a wide limit costs nothing on short rows.
PIPED_WIDTH = 10_000


def output_console() -> Console:
    """The console for a command's standard output: the terminal's width on a terminal, no
    practical limit when the output is piped or redirected, so no table is cut."""
    console = Console()
    return console if console.is_terminal else Console(width=PIPED_WIDTH)
