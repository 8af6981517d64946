"""`govan central`: the service centre's side. Takes in what every van sends into PostgreSQL,
acknowledges it once committed, hands accepted cases to the back office through a connector,
tracks mailed results, and sends receipts back down. `govan tui --central` reads it through
central.views.

Imports core (and govan.config) only.
"""

__all__ = ["CentralError"]

from central.errors import CentralError
