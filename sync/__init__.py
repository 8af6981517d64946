"""`govan sync`: the van's link to the centre. Sends the outbox up `central/up` until the centre
acknowledges each msg_id, and takes in what comes down (receipts of the back office, tracking).

Imports db and core, and daemon.bus / daemon.credentials for the MQTT session.
"""

__all__ = ["SyncError"]

from sync.errors import SyncError
