"""`govan tui --central`: the centre's screens (跟踪问效). They render central.views and forward keys."""

__all__: list[str] = []
