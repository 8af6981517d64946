"""govan: the mobile government-service van (流动政务客厅)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("govan")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"
