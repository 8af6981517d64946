"""The Connector protocol and what crosses it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from central.errors import CentralError

__all__ = ["Attachment", "Bundle", "Connector", "ConnectorError", "Receipt"]

STATES = ("delivered", "accepted", "rejected")


class ConnectorError(CentralError):
    """The back office did not take the bundle this time; it is tried again later."""


@dataclass(frozen=True)
class Attachment:
    attachment_id: int
    kind: str  # document | certified_copy | id_photo | photo
    sha256: str
    content: bytes | None  # None: the van no longer had the file
    certified_by: int | None = None
    certified_at: str | None = None


@dataclass(frozen=True)
class Bundle:
    """One accepted case, as the back office needs it."""

    van_id: str
    case_id: int
    item_code: str
    item_name: str | None
    department: str | None
    accepted_at: str | None
    staff_name: str | None
    applicant: dict[str, Any] | None  # name, id_number, phone
    delivery: str | None
    delivery_address: str | None
    materials: list[dict[str, Any]]
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The idempotency key: the same case is the same submission, however often it is sent."""
        return f"{self.van_id}-{self.case_id}"

    def manifest(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "van_id": self.van_id,
            "case_id": self.case_id,
            "item_code": self.item_code,
            "item_name": self.item_name,
            "department": self.department,
            "accepted_at": self.accepted_at,
            "staff": self.staff_name,
            "applicant": self.applicant,
            "delivery": self.delivery,
            "delivery_address": self.delivery_address,
            "materials": self.materials,
            "attachments": [
                {
                    "id": a.attachment_id,
                    "kind": a.kind,
                    "sha256": a.sha256,
                    "file": file_name(a) if a.content is not None else None,
                    "certified_by": a.certified_by,
                    "certified_at": a.certified_at,
                }
                for a in self.attachments
            ],
        }


def file_name(attachment: Attachment) -> str:
    return f"{attachment.attachment_id}-{attachment.kind}.jpg"


@dataclass(frozen=True)
class Receipt:
    state: str  # delivered (已送达后台) | accepted (后台已受理) | rejected
    reference: str | None
    at: str


class Connector(Protocol):
    name: str

    def submit(self, bundle: Bundle) -> Receipt:
        """Hand the case over; the same case again returns the same receipt, not a second case."""
        ...

    def status(self, van_id: str, case_id: int) -> Receipt | None:
        """What the back office says now, or None when it has said nothing since delivery."""
        ...
