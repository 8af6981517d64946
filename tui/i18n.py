"""Every user-visible string goes through gettext: English in the code, Simplified Chinese in a catalogue.

The Python convention, so translators' tools work: messages are written in English where they
are used (`t("Sign out")`), `pybabel extract` (babel.cfg) collects them into tui/locale/govan.pot,
and tui/locale/zh_CN/LC_MESSAGES/govan.po holds the Chinese; the build compiles it to govan.mo
(setup.py), so an install needs no step of its own. English is the messages themselves.

No module-wide locale: the language is carried by the app (`App.language`, a `Language`), and
`t` finds it through Textual's active app. Code that runs outside an app (a printed document,
a test) passes a `Language` explicitly. Citizens' matter (slips, the board) uses the language
of `[service] citizen_locale`, whatever the staff's screen language.

Markers Babel extracts (babel.cfg's keywords):
- `t(message, **values)` translates now, filling {placeholders};
- `pt(context, message, **values)` the same, where one English word has two Chinese ones;
- `N_(message)` and `NC_(context, message)` mark a message chosen later (a mapping of a
  Literal's values to words, a key's description): `t` translates what they return.
"""

from __future__ import annotations

import functools
import gettext
import sys
from pathlib import Path
from typing import Literal

__all__ = ["DEFAULT_LOCALE", "LOCALE_DIR", "NC_", "N_", "Language", "Locale", "current", "language", "pt", "t"]

Locale = Literal["zh_CN", "en"]
DEFAULT_LOCALE: Locale = "zh_CN"
DOMAIN = "govan"
LOCALE_DIR = Path(__file__).parent / "locale"
# How gettext keys a message with a context in a catalogue: "context\x04message".
_CONTEXT_GLUE = "\x04"


@functools.cache
def _catalogue(locale: Locale) -> gettext.NullTranslations:
    if locale == "en":
        return gettext.NullTranslations()  # the messages are English
    # No fallback: a missing .mo is a broken build, not a reason to show English.
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale])


class Language:
    """One language's words: an app's staff language, or the citizens' language for their paper."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self._gettext = _catalogue(locale).gettext

    def t(self, message: str, /, **values: object) -> str:
        """`message` (or one marked by NC_) in this language, with {placeholders} filled in."""
        text = self._gettext(message).rpartition(_CONTEXT_GLUE)[2]
        return text.format(**values) if values else text

    def pt(self, context: str, message: str, /, **values: object) -> str:
        return self.t(NC_(context, message), **values)


@functools.cache
def _language(locale: Locale) -> Language:
    return Language(locale)


def language(locale: Locale = DEFAULT_LOCALE) -> Language:
    """The shared `Language` for a locale (its catalogue is read once)."""
    return _language(locale)


def current() -> Language:
    """The language of the app this runs in (Chinese outside any app)."""
    # Textual's context variable for the running app; read through sys.modules so that the
    # words (tui.problems for `govan staff`) can be used without loading Textual at all.
    context = sys.modules.get("textual._context")
    app = context.active_app.get(None) if context is not None else None
    found = getattr(app, "language", None)
    return found if isinstance(found, Language) else language()


def t(message: str, /, **values: object) -> str:
    """`message` in the language of the app this runs in (Chinese outside any app)."""
    return current().t(message, **values)


def pt(context: str, message: str, /, **values: object) -> str:
    return current().pt(context, message, **values)


def N_(message: str) -> str:
    """Marks a message for extraction; `t` translates it where it is shown."""
    return message


def NC_(context: str, message: str) -> str:
    """Marks a message with a context; `t` translates it where it is shown."""
    return f"{context}{_CONTEXT_GLUE}{message}"
