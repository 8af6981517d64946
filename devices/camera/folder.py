"""A folder as a camera: for document cameras and scanners whose own software drops files.

Files that were there when watching began are old and never taken. A capture takes the
oldest new picture once it is fully written: its size and modification time have not
changed for `settle_s` seconds, and they are still the same after it has been read.
The folder is only looked at while a capture waits, so an idle daemon does nothing.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from core.problems import Code
from devices.camera.source import Mode, unavailable

PICTURE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"})


@dataclass(frozen=True)
class _Version:
    size: int
    mtime_ns: int


@dataclass
class _Watch:
    version: _Version
    unchanged_since: float


class FolderSource:
    self_test_captures = False

    def __init__(self, folder: Path, *, settle_s: float = 0.5, poll_s: float = 0.1) -> None:
        self.folder = folder
        self.settle_s = settle_s
        self.poll_s = poll_s
        self._taken: set[tuple[str, _Version]] | None = None

    @property
    def description(self) -> str:
        return f"folder {self.folder}"

    def present(self) -> None:
        if not self.folder.is_dir():
            raise unavailable(str(self.folder), Code.DEVICE_PORT_MISSING, "no such folder")

    def check(self) -> str:
        self.present()
        if not os.access(self.folder, os.R_OK | os.X_OK):
            raise unavailable(
                str(self.folder),
                Code.DEVICE_PERMISSION_DENIED,
                "permission denied; the daemon's user must be able to read it",
                "error",
            )
        taken = self._old_and_taken()
        waiting = sum(1 for item in self._pictures().items() if item not in taken)
        return f"watching {self.folder} ({waiting} new pictures waiting)"

    def _old_and_taken(self) -> set[tuple[str, _Version]]:
        """Pictures never to take: those there when watching began, and those taken since."""
        if self._taken is None:
            self._taken = set(self._pictures().items())
        return self._taken

    async def capture(self, mode: Mode) -> bytes:
        self.present()
        taken = self._old_and_taken()
        loop = asyncio.get_running_loop()
        watching: dict[str, _Watch] = {}
        while True:
            now = loop.time()
            settled = []
            for name, version in self._pictures().items():
                if (name, version) in taken:
                    continue
                watch = watching.get(name)
                if watch is None or watch.version != version:
                    watching[name] = _Watch(version, now)
                elif version.size > 0 and now - watch.unchanged_since >= self.settle_s:
                    settled.append((version.mtime_ns, name, version))
            for _, name, version in sorted(settled):
                data = await asyncio.to_thread(_read, self.folder / name)
                if data is not None and self._pictures().get(name) == version:
                    taken.add((name, version))
                    return data
                watching.pop(name, None)  # it changed while being read: watch it again
            await asyncio.sleep(self.poll_s)

    def _pictures(self) -> dict[str, _Version]:
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            raise unavailable(str(self.folder), Code.DEVICE_PORT_MISSING, "no such folder") from None
        except OSError as error:
            raise unavailable(
                str(self.folder),
                Code.CAMERA_FOLDER_UNREADABLE,
                f"cannot list it: {error.strerror}",
                "error",
                reason=error.strerror,
            ) from None
        pictures = {}
        for entry in entries:
            if entry.name.startswith(".") or Path(entry.name).suffix.lower() not in PICTURE_SUFFIXES:
                continue
            try:
                if entry.is_file():
                    stat = entry.stat()
                    pictures[entry.name] = _Version(stat.st_size, stat.st_mtime_ns)
            except FileNotFoundError:
                continue  # removed while we looked
        return pictures


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
