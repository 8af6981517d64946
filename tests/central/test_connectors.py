"""The back-office boundary: filedrop and webhook, each idempotent per case; waybills and tracking."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from central.connectors import Attachment, Bundle, ConnectorError
from central.connectors.filedrop import FileDrop
from central.connectors.webhook import Webhook, signature
from core.waybill import Carrier, carrier_of, s10_check_digit

SECRET = b"shared-secret"


def bundle(case_id: int = 5) -> Bundle:
    return Bundle(
        "lg-01",
        case_id,
        "residence_permit",
        "居住证",
        "police",
        "2026-11-20T01:08:00.000+00:00",
        "林晓燕",
        {"name": "张三", "id_number": "330383198001011234", "phone": "13800000000"},
        "post",
        "龙港市某路1号",
        [{"material": "近期照片", "state": "copy_captured"}],
        [Attachment(1, "id_photo", hashlib.sha256(b"jpeg").hexdigest(), b"jpeg")],
    )


def test_filedrop_writes_a_case_once_and_reads_the_back_offices_receipt(tmp_path: Path) -> None:
    drop = FileDrop(tmp_path / "spool")
    first = drop.submit(bundle())
    again = drop.submit(bundle())
    assert (first.state, first.reference) == (again.state, again.reference) == ("delivered", "lg-01-5")
    folder = tmp_path / "spool" / "lg-01-5"
    assert sorted(path.name for path in folder.iterdir()) == ["1-id_photo.jpg", "manifest.json"]
    assert [p.name for p in (tmp_path / "spool").iterdir()] == ["lg-01-5"]  # no staging folder left behind
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["attachments"][0] == {
        "id": 1,
        "kind": "id_photo",
        "sha256": hashlib.sha256(b"jpeg").hexdigest(),
        "file": "1-id_photo.jpg",
        "certified_by": None,
        "certified_at": None,
    }
    assert drop.status("lg-01", 5) is None
    (folder / "receipt.json").write_text("not json", encoding="utf-8")
    assert drop.status("lg-01", 5) is None  # a half-written receipt is not a receipt
    (folder / "receipt.json").write_text('{"state": "accepted", "reference": "ZJ-1"}', encoding="utf-8")
    receipt = drop.status("lg-01", 5)
    assert receipt is not None and (receipt.state, receipt.reference) == ("accepted", "ZJ-1")


class Province(BaseHTTPRequestHandler):
    """The province's endpoint, as the connector boundary expects it: checks the signature, answers a repeated
    Idempotency-Key with its first answer, and fails now and then (every `flaky`-th request is a 503)."""

    cases: ClassVar[dict[str, str]] = {}
    requests = 0
    flaky = 2
    bad_signatures = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests += 1
        if self.flaky == 1 or type(self).requests % self.flaky == 1:
            self._answer(503, {})
            return
        expected = signature(SECRET, self.headers["X-Govan-Timestamp"], body)
        if not hmac.compare_digest(expected, self.headers["X-Govan-Signature"]):
            type(self).bad_signatures += 1
            self._answer(401, {})
            return
        key = self.headers["Idempotency-Key"]
        document = json.loads(body)
        assert document["attachments"][0]["content"] == "anBlZw=="  # base64 of the file
        reference = self.cases.setdefault(key, f"ZJ-{len(self.cases) + 1:06d}")
        self._answer(200, {"state": "delivered", "reference": reference})

    def do_GET(self) -> None:
        key = self.path.rsplit("/", 1)[-1]
        if key not in self.cases:
            self._answer(404, {})
            return
        self._answer(200, {"state": "accepted", "reference": self.cases[key]})

    def _answer(self, status: int, data: dict[str, str]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def province() -> Iterator[str]:
    Province.cases, Province.requests, Province.flaky, Province.bad_signatures = {}, 0, 2, 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Province)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/cases"
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_retries_a_failing_endpoint_and_a_repeat_is_the_same_case(province: str) -> None:
    hook = Webhook(province, SECRET, first_delay_s=0.01)
    first = hook.submit(bundle())
    again = hook.submit(bundle())
    assert (first.state, first.reference) == (again.state, again.reference) == ("delivered", "ZJ-000001")
    assert Province.requests == 4  # each submission met a 503 first, and was tried again
    assert len(Province.cases) == 1 and Province.bad_signatures == 0
    status = hook.status("lg-01", 5)
    assert status is not None and (status.state, status.reference) == ("accepted", "ZJ-000001")
    assert hook.status("lg-01", 6) is None


def test_webhook_gives_up_for_now_when_the_endpoint_keeps_failing(province: str) -> None:
    Province.flaky = 1  # every request fails
    with pytest.raises(ConnectorError, match="HTTP 503 after 3 tries"):
        Webhook(province, SECRET, retries=3, first_delay_s=0.01).submit(bundle())


def test_webhook_with_the_wrong_secret_is_refused(province: str) -> None:
    Province.flaky = 10**6
    receipt = Webhook(province, b"wrong", first_delay_s=0.01).submit(bundle())
    assert receipt.state == "rejected" and Province.bad_signatures == 1


@pytest.mark.parametrize(
    ("waybill", "carrier"),
    [
        ("1234567890123", Carrier.EMS),
        ("EA123456785CN", Carrier.S10),
        ("ea123456785cn", Carrier.S10),
        ("EA123456784CN", None),
        ("123456789012", None),
        ("EA12345678CN", None),
        ("SF1234567890", None),
        ("", None),
    ],
)
def test_waybill_formats(waybill: str, carrier: Carrier | None) -> None:
    assert carrier_of(waybill) == carrier


def test_s10_check_digit_follows_upu_weights() -> None:
    # 1×8 + 2×6 + 3×4 + 4×2 + 5×3 + 6×5 + 7×9 + 8×7 = 204; 11 - (204 mod 11) = 5.
    assert s10_check_digit("12345678") == 5
    assert s10_check_digit("00000000") == 5  # 11 - 0 = 11 becomes 5
    assert s10_check_digit("00000001") == 4  # 11 - 7
    assert s10_check_digit("00000008") == 0  # 8×7 = 56, 11 - (56 mod 11) = 10 becomes 0
    with pytest.raises(ValueError):
        s10_check_digit("1234567")
