"""The build compiles the UI's message catalogues, so an install needs no step of its own.

tui/locale/<locale>/LC_MESSAGES/govan.po (committed, made by `make messages`) → govan.mo beside
it, which tui/i18n.py reads. Compiled in the source tree, because an editable install
(`make venv`, editable_mode=compat) reads the tree itself; package-data ships it in a wheel.
Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE_DIR = Path(__file__).resolve().parent / "tui" / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Each .po under locale_dir compiled to its .mo; a .mo newer than its .po is kept."""
    compiled = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalogue, use_fuzzy=False)
        compiled.append(mo)
    return compiled


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        compile_catalogues()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
