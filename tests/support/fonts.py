"""Tests that draw Chinese need a CJK font from the system; without one they skip, saying what to install.

CI installs the font and sets GOVAN_REQUIRE_CJK_FONT=1, so there a missing font fails instead.
"""

from __future__ import annotations

import os
import shutil

import pytest

from devices.fonts import FONT_PACKAGES, FontChoice, default_cjk_font


def require_cjk_font() -> FontChoice:
    font = default_cjk_font()
    if font is None:
        reason = f"no Chinese font on this machine (apt-get install {FONT_PACKAGES}); .ci/run installs one"
        if os.environ.get("GOVAN_REQUIRE_CJK_FONT"):
            pytest.fail(reason)
        pytest.skip(reason)
    return font


def require_pdftoppm() -> str:
    """poppler-utils' pdftoppm, to look at a PDF as a citizen would; a failure in CI, a skip elsewhere."""
    found = shutil.which("pdftoppm")
    if found is None:
        reason = "no pdftoppm on this machine (apt-get install poppler-utils); .ci/run installs it"
        if os.environ.get("GOVAN_REQUIRE_CJK_FONT"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found
