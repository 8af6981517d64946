"""`webhook`: each case as an HTTP POST of JSON to the province's endpoint.

- `Idempotency-Key: {van_id}-{case_id}`: the endpoint answers a repeat with the first answer.
- `X-Govan-Timestamp` and `X-Govan-Signature: sha256=HEX`, the HMAC-SHA256 of
  `timestamp + "." + body` under the shared secret, so the endpoint knows it is us and
  can refuse a replay.
- 2xx with `{"state": "delivered"|"accepted", "reference": "…"}` is a receipt. 5xx, 429 and a
  dropped connection are tried again at once, with backoff, a few times; then the case waits
  for the centre's next round. 4xx is the endpoint refusing the case: rejected.
- `GET {url}/{key}` answers `{"state": …, "reference": …}` for `status`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from central.connectors.base import STATES, Bundle, ConnectorError, Receipt

__all__ = ["Webhook", "signature"]

RETRIES = 4
FIRST_DELAY_S = 0.2
TIMEOUT_S = 30.0


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class Webhook:
    name = "webhook"

    def __init__(
        self, url: str, secret: bytes, *, retries: int = RETRIES, first_delay_s: float = FIRST_DELAY_S
    ) -> None:
        self.url = url.rstrip("/")
        self.secret = secret
        self.retries = retries
        self.first_delay_s = first_delay_s

    def submit(self, bundle: Bundle) -> Receipt:
        document = bundle.manifest()
        contents = {a.attachment_id: a.content for a in bundle.attachments}
        for item in document["attachments"]:
            content = contents.get(item["id"])
            item["content"] = base64.b64encode(content).decode("ascii") if content is not None else None
        body = json.dumps(document, ensure_ascii=False).encode()
        answer = self._call("POST", self.url, body, bundle.key)
        if answer is None:
            raise ConnectorError(f"webhook {self.url}: refused case {bundle.key}")
        return answer

    def status(self, van_id: str, case_id: int) -> Receipt | None:
        key = f"{van_id}-{case_id}"
        answer = self._call("GET", f"{self.url}/{key}", b"", key)
        return answer if answer is not None and answer.state in STATES[1:] else None

    def _call(self, method: str, url: str, body: bytes, key: str) -> Receipt | None:
        delay = self.first_delay_s
        last = ""
        for attempt in range(self.retries):
            timestamp = str(int(time.time()))
            request = urllib.request.Request(
                url,
                data=body if method == "POST" else None,
                method=method,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Idempotency-Key": key,
                    "X-Govan-Timestamp": timestamp,
                    "X-Govan-Signature": signature(self.secret, timestamp, body),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                    return _receipt(json.loads(response.read() or b"{}"))
            except urllib.error.HTTPError as error:
                if error.code == 404 and method == "GET":
                    return None
                if error.code < 500 and error.code != 429:
                    if method == "POST":
                        return Receipt("rejected", None, _now())
                    return None
                last = f"HTTP {error.code}"
            except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
                last = type(error).__name__
            if attempt + 1 < self.retries:
                time.sleep(delay)
                delay *= 2
        raise ConnectorError(f"webhook {method} {url}: {last} after {self.retries} tries")


def _receipt(data: Any) -> Receipt:
    state = data.get("state") if isinstance(data, dict) else None
    if state not in STATES:
        state = "delivered"
    reference = data.get("reference") if isinstance(data, dict) else None
    return Receipt(state, str(reference) if reference else None, _now())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
