"""Digitization reports: how far each unit, station or day has got (contract §2, §6).

- file rate = (digitized + verified) / (all records − duplicates), 0 when nothing but
  duplicates (or nothing at all) was received;
- dossier digitization rate = digitized dossiers / dossiers received;
- electronic-result rate = dossiers with an electronic result / dossiers received.

A dossier's day is its receipt's received_at. A receipt whose dossier code could not be read
counts as a dossier received and not digitized, on the day it came in (unless the code it was
read as names a dossier without receipt, or its unit and day do and its serial is one digit
off that one's alone: the same one, counted already). Counts come from the
database's GROUP BY, never from loading records, so a report over millions of records costs
three queries.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.table import Table

from schemas.codes import DOSSIER_CODE
from schemas.status import DigitizationStatus as Status
from storage.dossiers import DossierCounts, DossierRepository
from storage.records import GroupBy, RecordRepository

STATUSES = tuple(Status)
DONE = (Status.DIGITIZED, Status.VERIFIED)
CHART_FONT = "DejaVu Sans"  # ships with matplotlib and covers Vietnamese letters (ệ, ữ, ỷ …)


class ReportRow(BaseModel):
    """One group's counts and digitization rate."""

    group: str = Field(description="unit or station name, or a YYYY-MM-DD day")
    counts: dict[Status, int] = Field(description="records per status, every status present")
    total: int = Field(ge=0, description="all records, duplicates included")
    duplicates: int = Field(ge=0)
    rate: float = Field(ge=0, le=1, description="(digitized + verified) / (total - duplicates)")
    dossiers: int = Field(0, ge=0, description="dossiers received")
    dossiers_digitized: int = Field(0, ge=0)
    dossiers_with_result: int = Field(0, ge=0, description="with an electronic result")

    @property
    def dossier_rate(self) -> float:
        """The dossier digitization rate (contract §6); 0 without dossiers."""
        return self.dossiers_digitized / self.dossiers if self.dossiers else 0.0

    @property
    def result_rate(self) -> float:
        """The share of dossiers with an electronic result (contract §6); 0 without."""
        return self.dossiers_with_result / self.dossiers if self.dossiers else 0.0

    @property
    def done(self) -> int:
        """Records digitized or verified: the rate's numerator."""
        return sum(self.counts[status] for status in DONE)

    @property
    def expected(self) -> int:
        """Records that should be digitized: the rate's denominator."""
        return self.total - self.duplicates


def report_row(group: str, counts: dict[Status, int]) -> ReportRow:
    """The row for one group from its per-status counts (missing statuses count 0)."""
    full = {status: counts.get(status, 0) for status in STATUSES}
    total = sum(full.values())
    duplicates = full[Status.DUPLICATE]
    expected = total - duplicates
    done = sum(full[status] for status in DONE)
    return ReportRow(group=group, counts=full, total=total, duplicates=duplicates,
                     rate=done / expected if expected else 0.0)


def digitization_report(repository: RecordRepository, by: GroupBy = "unit",
                        since: datetime | None = None, *,
                        utc_offset: timedelta = timedelta(0),
                        dossiers: DossierRepository | None = None) -> list[ReportRow]:
    """One row per unit, station or day, in group order; ``since`` is on created_at (on
    received_at for dossiers).

    Days are those of created_at shifted by ``utc_offset`` (the command line passes the
    machine's offset, so an office in UTC+7 sees its own working days).
    """
    grouped = repository.count_by_group(by, since, utc_offset)
    per_dossier = dossiers.count_by_group(by, since, utc_offset) if dossiers else {}
    # A receipt whose code could not be read is a dossier received all the same (not
    # digitized: it waits in review for its code), or the rate counts only readable ones.
    unfiled = unfiled_counts(repository, dossiers, by, since, utc_offset) if dossiers else {}
    rows = []
    for group in sorted(set(grouped) | set(per_dossier) | set(unfiled)):
        counted = per_dossier.get(group, DossierCounts(0, 0, 0))
        rows.append(report_row(group, grouped.get(group, {})).model_copy(update={
            "dossiers": counted.total + unfiled.get(group, 0),
            "dossiers_digitized": counted.digitized,
            "dossiers_with_result": counted.with_result}))
    return rows


def unfiled_counts(repository: RecordRepository, dossiers: DossierRepository, by: GroupBy,
                   since: datetime | None, utc_offset: timedelta) -> dict[str, int]:
    """Per group, the receipts whose code could not be read, each a dossier received (not
    digitized) — but for one whose code as read (named in its review reasons) is that of a
    dossier without receipt: its result came in its folder, and that dossier is counted."""
    counts: dict[str, int] = {}
    for group, reasons in repository.unfiled_receipts(by, since, utc_offset):
        read, tails = read_as(reasons)
        if not counted_already(read, tails, receiptless_near(dossiers, read, tails)):
            counts[group] = counts.get(group, 0) + 1
    return counts


def read_as(reasons: list[str]) -> tuple[set[str], set[str]]:
    """The dossier codes a refused receipt's review reasons name as read, and the days and
    serials they name (:func:`day_serials`)."""
    return ({code for reason in reasons for code in DOSSIER_CODE.findall(reason)},
            day_serials(reasons))


def receiptless_near(dossiers: DossierRepository, read: set[str], tails: set[str]) -> set[str]:
    """The dossiers without receipt the rules of :func:`counted_already` may name for a
    receipt read so: those of the codes as read, those ending with a day and serial as
    read, and those of a code's unit and day (the database finds them)."""
    receiptless = {code for code in read
                   if (known := dossiers.get(code)) is not None and known.receipt_id is None}
    receiptless |= {code for tail in tails for code in dossiers.receiptless_ending(tail)}
    receiptless |= {code for day in {c[:SERIAL_START] for c in read}
                    for code in dossiers.receiptless_starting(day)}
    return receiptless


def counted_already(read_codes: Collection[str], read_tails: Collection[str],
                    receiptless: Collection[str]) -> bool:
    """Whether a receipt whose code was refused is one of the dossiers without receipt
    (``receiptless``: their codes) already, and so no dossier of its own: a code it was read
    as (``read_codes``) names one; or its code was read with another part damaged (a unit
    misread) but its day and serial whole (``read_tails``, «241128-0001») and exactly one
    ends so; or it was read with its unit and day whole and its serial one digit off
    exactly one (see :func:`near_serial`). With none or several, it is a dossier of its
    own, as ever. `sohoa report` and benchmarks/dossiers.py both count by this rule."""
    return (not set(read_codes).isdisjoint(receiptless)
            or receiptless_dossier(read_codes, read_tails, receiptless) is not None)


def receiptless_dossier(read_codes: Collection[str], read_tails: Collection[str],
                        receiptless: Collection[str]) -> str | None:
    """The one dossier without receipt (``receiptless``) a receipt whose code was refused
    is, by :func:`counted_already`'s rules, each asked to name exactly one: a code it was
    read as; else a day and serial read whole; else a serial one digit off. None when no
    rule names exactly one (two readings naming two such dossiers name neither). Such a
    receipt is filed there in review (office/refused_receipts.py), to be confirmed."""
    named = set(read_codes) & set(receiptless)
    if named:
        return named.pop() if len(named) == 1 else None
    ending = {code for code in receiptless for tail in read_tails if code.endswith(f"-{tail}")}
    if len(ending) == 1:
        return ending.pop()
    near = {code for code in receiptless for read in read_codes if near_serial(read, code)}
    return near.pop() if len(near) == 1 else None


# Where a dossier code's serial starts: «000.00.21.H27-241128-» is its unit and day.
SERIAL_START = len("000.00.21.H27-241128-")


def near_serial(read: str, code: str) -> bool:
    """Whether ``read`` is ``code`` but for one digit of its serial («…-241128-0108» against
    «…-241128-0198»). A receipt's serial has nothing to check it against, so a code so read
    is refused (pipeline/values/dossier_codes.py), and its result, arriving later under the
    printed code, makes a dossier without receipt. Counting the receipt as that dossier is
    the likelier count: another dossier of the same unit and day, its serial one digit
    away, would have to have lost its own receipt (measured: two of two such receipts in
    generated stacks, seed 5 hard and seed 11 mild without symbols, were their result's)."""
    if len(read) != len(code) or read[:SERIAL_START] != code[:SERIAL_START]:
        return False
    return sum(a != b for a, b in zip(read[SERIAL_START:], code[SERIAL_START:],
                                      strict=True)) == 1


# A dossier code's day and serial («-241128-0001»), as a refused code's reading names them.
DAY_SERIAL = re.compile(r"(?<![0-9])(\d{6}-\d{4})(?![0-9])")


def day_serials(reasons: list[str]) -> set[str]:
    """The days and serials («241128-0001») of the dossier codes a receipt's review reasons
    name as read (those about its dossier-code field only)."""
    return {tail for reason in reasons if "dossier_code" in reason
            for tail in DAY_SERIAL.findall(reason)}


def report_records(rows: list[ReportRow]) -> list[dict[str, Any]]:
    """Rows as flat dictionaries (CSV lines, artifact table rows); rate rounded to 4 places."""
    return [{"group": row.group, **{status.value: row.counts[status] for status in STATUSES},
             "total": row.total, "duplicates": row.duplicates, "rate": round(row.rate, 4),
             "dossiers": row.dossiers, "dossiers_digitized": row.dossiers_digitized,
             "dossier_rate": round(row.dossier_rate, 4),
             "dossiers_with_result": row.dossiers_with_result,
             "result_rate": round(row.result_rate, 4)}
            for row in rows]


def write_csv(rows: list[ReportRow], path: Path) -> Path:
    """Write the report as CSV; returns the path.

    UTF-8 with a byte-order mark: offices open these in Excel, which otherwise garbles
    Vietnamese names; csv readers given ``encoding="utf-8-sig"`` read it cleanly.
    """
    fields = ["group", *(status.value for status in STATUSES), "total", "duplicates", "rate",
              "dossiers", "dossiers_digitized", "dossier_rate", "dossiers_with_result",
              "result_rate"]
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(report_records(rows))
    return path


def write_chart(rows: list[ReportRow], path: Path,
                title: str = "Digitization rate (digitized + verified) / (records − duplicates)"
                ) -> Path:
    """Draw a PNG scoreboard: one horizontal bar per group, best rate on top, each labelled
    with its percentage and counts. Returns the path."""
    # The object-oriented API with the Agg canvas needs no GUI and no global pyplot state,
    # so it works on a headless server and in worker threads.
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    ranked = sorted(rows, key=lambda row: (-row.rate, row.group))[::-1]  # barh draws bottom-up
    with rc_context({"font.family": CHART_FONT}):
        figure = Figure(figsize=(10, 1.6 + 0.45 * max(len(ranked), 1)), dpi=100)
        FigureCanvasAgg(figure)
        _draw_bars(figure.add_subplot(), ranked, title)
        figure.tight_layout()
        figure.savefig(Path(path), format="png")
    return Path(path)


def _draw_bars(axes: Any, ranked: list[ReportRow], title: str) -> None:
    """Bars, percentage labels and axes of the scoreboard."""
    from matplotlib import colormaps
    from matplotlib.ticker import PercentFormatter

    axes.set_title(title, fontsize=11)
    axes.set_xlim(0, 125)  # room right of a full bar for its label
    axes.set_xticks(range(0, 101, 20))
    axes.xaxis.set_major_formatter(PercentFormatter())
    axes.spines[["top", "right"]].set_visible(False)
    if not ranked:
        axes.text(50, 0.5, "no records", ha="center", va="center")
        axes.set_yticks([])
        return
    # Red to green, avoiding the palest middle of the map, which vanishes on white.
    colours = [colormaps["RdYlGn"](0.1 + 0.8 * row.rate) for row in ranked]
    with_dossiers = any(row.dossiers for row in ranked)
    height = 0.3 if with_dossiers else 0.8
    places = list(range(len(ranked)))
    bars = axes.barh([p + (height if with_dossiers else 0) for p in places],
                     [row.rate * 100 for row in ranked], height=height, color=colours,
                     edgecolor="#555555", linewidth=0.5, label="files")
    axes.bar_label(bars, padding=4, fontsize=8 if with_dossiers else 9,
                   labels=[f"{row.rate:.1%}  ({row.done}/{row.expected})" for row in ranked])
    axes.set_yticks(places, [row.group for row in ranked])
    if with_dossiers:
        _draw_dossier_bars(axes, ranked, places, height)


def _draw_dossier_bars(axes: Any, ranked: list[ReportRow], places: list[int],
                       height: float) -> None:
    """The two dossier indicators under each group's file-rate bar, and a legend."""
    for offset, name, rate, count, colour in (
            (0.0, "dossiers digitized", "dossier_rate", "dossiers_digitized", "#3b6ea8"),
            (-height, "electronic results", "result_rate", "dossiers_with_result", "#8e6bb8")):
        bars = axes.barh([p + offset for p in places],
                         [getattr(row, rate) * 100 for row in ranked], height=height,
                         color=colour, edgecolor="#555555", linewidth=0.5, label=name)
        axes.bar_label(bars, padding=4, fontsize=8, labels=[
            f"{getattr(row, rate):.1%}  ({getattr(row, count)}/{row.dossiers})"
            for row in ranked])
    axes.legend(loc="lower right", fontsize=8)


def render_table(rows: list[ReportRow], title: str = "Digitization report") -> Table:
    """A rich table per group: total, duplicates, pending (received or processing), failed,
    needs review, digitized, verified and the rate; short headers fit an 80-column terminal."""
    table = Table(title=title, caption=None if rows else "no records")
    table.add_column("group", overflow="fold", min_width=8)
    for header in ("total", "dup", "pending", "failed", "review", "digitized", "verified",
                   "rate", "dossiers", "dossier rate", "e-result"):
        table.add_column(header, justify="right")
    for row in rows:
        pending = row.counts[Status.RECEIVED] + row.counts[Status.PROCESSING]
        numbers = (row.total, row.duplicates, pending, row.counts[Status.FAILED],
                   row.counts[Status.NEEDS_REVIEW], row.counts[Status.DIGITIZED],
                   row.counts[Status.VERIFIED])
        table.add_row(row.group, *map(str, numbers), f"{row.rate:.1%}", str(row.dossiers),
                      f"{row.dossier_rate:.1%}", f"{row.result_rate:.1%}")
    return table


def report_markdown(rows: list[ReportRow]) -> str:
    """A one-paragraph summary over every row, for the artifact's description."""
    done = sum(row.done for row in rows)
    expected = sum(row.expected for row in rows)
    overall = done / expected if expected else 0.0
    dossiers = sum(row.dossiers for row in rows)
    digitized = sum(row.dossiers_digitized for row in rows)
    results = sum(row.dossiers_with_result for row in rows)
    return (f"**Digitization rate {overall:.1%}** ({done} of {expected} records digitized or "
            f"verified; duplicates not counted) over {len(rows)} groups. "
            f"**Dossier digitization rate {digitized / dossiers if dossiers else 0:.1%}** "
            f"({digitized} of {dossiers} dossiers); **electronic results "
            f"{results / dossiers if dossiers else 0:.1%}** ({results} of {dossiers}).")
