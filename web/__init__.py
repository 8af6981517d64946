"""govan web: the hall's display board and the citizens' phone and tablet pages (docs/hall.md).

Starlette routes (web.app) over a live state (web.live) that hears the board on MQTT and reads
a ticket's place from the store through flows.hall; `govan web` runs it under uvicorn (web.server).
"""

__all__: list[str] = []
