"""Which files a command-line run takes from the paths it was given."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from schemas.errors import InputFileError

log = logging.getLogger("sohoa.inputs")


@dataclass
class Inputs:
    """The files a run takes, and the entries it left alone with the reason for each."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def collect_inputs(paths: list[Path]) -> list[Path]:
    """Files given directly, and every file below folders given (hidden ones skipped).

    Every file is taken whatever its type: an unsupported file must still end as a
    `failed` record that tells the operator why, not be silently ignored. Links that lead
    out of the folders given are not followed (see ``find_inputs``); each is logged.
    """
    found = find_inputs(paths)
    for path, reason in found.skipped:
        log.warning("skipped %s: %s", path, reason)
    return found.files


def find_inputs(paths: list[Path]) -> Inputs:
    """The files to take from ``paths``, and what was skipped and why.

    A file given by name is taken as given, even through a link: the operator chose it.
    Below a folder, a symbolic link is taken only when it leads to a file inside one of the
    folders given: otherwise a link dropped in a station folder could make sohoa read, and
    store, any file the process may read (``/etc/shadow``, another office's scans). Files
    are returned resolved, so what is read later is what was checked here.
    """
    folders = [path.resolve() for path in paths if path.is_dir()]
    found: dict[Path, None] = {}
    inputs = Inputs()
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if is_hidden(relative):
                    continue
                target, reason = follow(child, folders)
                if reason:
                    inputs.skipped.append((child, reason))
                elif target is not None:
                    found.setdefault(target)
        elif path.is_file():
            found.setdefault(path.resolve())
        else:
            raise InputFileError(f"{path}: no such file or folder")
    inputs.files = list(found)
    return inputs


def follow(child: Path, folders: list[Path]) -> tuple[Path | None, str | None]:
    """The file ``child`` stands for, or why it is skipped; (None, None) for a folder."""
    try:
        target = child.resolve(strict=True)
    except FileNotFoundError:
        return None, "a link to a file that does not exist"
    except (RuntimeError, OSError) as error:  # a loop of links, a permission refused
        return None, f"cannot be followed ({error})"
    if not any(target.is_relative_to(folder) for folder in folders):
        # Checked for every entry, not only links: a linked folder leads out as well.
        return None, "a link leading outside the folders given; copy the file in instead"
    if target.is_dir():
        return None, None
    if not target.is_file():
        return None, "not a regular file (a device, socket or pipe)"
    return target, None


def is_hidden(relative: Path) -> bool:
    """Dot-files and files in dot-folders (editor and sync-tool litter)."""
    return any(part.startswith(".") for part in relative.parts)
