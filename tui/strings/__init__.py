"""All user-visible text: key → (Simplified Chinese, English).

One module per screen or area, each defining STRINGS; they are merged here, and a
key defined twice is an error, so screens cannot silently overwrite each other.
"""

from __future__ import annotations

import importlib
import pkgutil


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for key, value in module.STRINGS.items():
            if key in merged:
                raise KeyError(f"string {key!r} is defined twice (again in tui.strings.{module_info.name})")
            merged[key] = value
    return merged


STRINGS = _merge()
