"""govan: the mobile government-service van (流动政务客厅)."""


def __getattr__(name: str) -> str:
    # importlib.metadata costs milliseconds at every start; only look the version up when asked.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("govan")
        except PackageNotFoundError:  # running from a source tree without installing
            return "0.0.0+source"
    raise AttributeError(f"module 'govan' has no attribute {name!r}")
