"""From the bytes a camera produced to the JPEG we keep, for each capture mode."""

from __future__ import annotations

from core.problems import Code, Problem
from devices.camera.document import process_document
from devices.camera.id_photo import process_id_photo
from devices.camera.imaging import CaptureError, Processed, keep_image_memory
from devices.camera.source import Mode
from devices.camera.stamp import Certification
from devices.fonts import FontChoice


def process_capture(
    data: bytes, mode: Mode, *, certification: Certification | None = None, font: FontChoice | None = None
) -> Processed:
    """Raises CaptureError, whose detail tells staff what went wrong. Runs in the imaging worker process."""
    keep_image_memory()
    if mode == "document":
        return process_document(data, certification=certification, font=font)
    if mode == "id_photo":
        if certification is not None:
            raise CaptureError(
                "certify is for copies of documents, not for ID photos", Problem(Code.CAMERA_CERTIFY_ID_PHOTO)
            )
        return process_id_photo(data)
    raise CaptureError(
        f"unknown capture mode {mode!r}; use document or id_photo",
        Problem(Code.CAMERA_UNKNOWN_MODE, {"mode": str(mode)}),
    )
