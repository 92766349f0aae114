"""Which files a command-line run takes from the paths it was given."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputFileError


def collect_inputs(paths: list[Path]) -> list[Path]:
    """Files given directly, and every file below folders given (hidden ones skipped).

    Every file is taken whatever its type: an unsupported file must still end as a
    `failed` record that tells the operator why, not be silently ignored.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not is_hidden(child.relative_to(path)):
                    found.setdefault(child.resolve())
        elif path.is_file():
            found.setdefault(path.resolve())
        else:
            raise InputFileError(f"{path}: no such file or folder")
    return list(found)


def is_hidden(relative: Path) -> bool:
    """Dot-files and files in dot-folders (editor and sync-tool litter)."""
    return any(part.startswith(".") for part in relative.parts)
