"""The back-office boundary. There is no public API of 浙江政务服务网, so the centre hands each
accepted case over through a `Connector`: `submit(bundle) -> Receipt`, idempotent per case,
and `status(van_id, case_id)`. docs/centre.md says what each side must do.
"""

__all__ = ["Attachment", "Bundle", "Connector", "ConnectorError", "Receipt", "make_connector"]

from central.connectors.base import Attachment, Bundle, Connector, ConnectorError, Receipt
from central.connectors.choose import make_connector
