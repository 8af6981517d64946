"""The driver over real links to the virtual printer: TCP, a pty serial line, and a file."""

import asyncio
import socket

import pytest

from devices.printer.decoder import decode, text_lines
from devices.printer.document import CutBlock, Document, QrBlock, TextBlock
from devices.printer.driver import NoAnswer, NotReady, PrinterDriver
from devices.printer.emulator import VirtualPrinter
from devices.printer.encoder import encode
from devices.printer.file_port import FileTransport
from devices.printer.profile import Profile
from devices.printer.serial_port import SerialTransport
from devices.printer.tcp import TcpTransport
from devices.printer.transport import TransportError
from devices.printer.usb_port import UsbTransport

TICKET = Document(
    blocks=[
        TextBlock(text="A012", align="center", size=(4, 4)),
        TextBlock(text="请到3号窗口"),
        QrBlock(data="https://example.gov.cn/q/A012"),
        CutBlock(),
    ]
)
JOB = encode(TICKET, Profile.for_paper(80))


@pytest.fixture
async def printer():
    virtual = VirtualPrinter()
    await virtual.start("127.0.0.1", 0)
    yield virtual
    await virtual.stop()


@pytest.fixture
async def driver(printer):
    tcp = PrinterDriver(TcpTransport("127.0.0.1", printer.port), status_timeout=0.5)
    await tcp.open()
    yield tcp
    await tcp.close()


async def test_ticket_over_tcp_reaches_the_virtual_printer(printer, driver):
    status = await driver.print(JOB)
    assert status is not None and status.ok
    (receipt,) = await printer.wait_for_receipts(1)
    assert receipt.lines == ["A012", "请到3号窗口"]
    assert receipt.qr_data == ["https://example.gov.cn/q/A012"]
    assert receipt.cut
    assert not printer.errors


async def test_paper_out_refuses_the_job_and_sends_nothing(printer, driver):
    printer.paper = "out"
    received_before = printer.bytes_received
    with pytest.raises(NotReady, match="paper out"):
        await driver.print(JOB)
    assert printer.printed == 0
    assert printer.bytes_received - received_before == 12  # only the status query
    printer.paper = "ok"
    await driver.print(JOB)
    assert printer.printed == 1


async def test_paper_near_end_prints_and_says_so(printer, driver):
    printer.paper = "near_end"
    status = await driver.print(JOB)
    assert status is not None and status.detail == "paper near end"
    assert printer.printed == 1


async def test_cover_open_refuses_the_job(printer, driver):
    printer.cover_open = True
    with pytest.raises(NotReady, match="cover open"):
        await driver.print(JOB)
    assert printer.printed == 0


async def test_a_silent_printer_is_no_answer_never_paper_ok(printer, driver):
    printer.silent = True
    with pytest.raises(NoAnswer, match="no answer"):
        await driver.status()
    with pytest.raises(NoAnswer):
        await driver.print(JOB)
    assert printer.printed == 0


async def test_refused_connection_is_named():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = TcpTransport("127.0.0.1", port)
    with pytest.raises(TransportError, match=f"127.0.0.1:{port}: connection refused"):
        await transport.open()


async def test_printer_going_away_fails_the_next_job(printer, driver):
    await driver.status()
    await printer.stop()
    with pytest.raises(TransportError, match="connection closed by the printer"):
        for _ in range(3):  # the close may need a moment to arrive
            await driver.print(JOB)
            await asyncio.sleep(0.05)


async def test_garbage_is_reported_and_the_next_job_still_prints(printer, driver):
    await driver.transport.write(b"\x1bZ\x99garbage")
    await driver.transport.close()
    await driver.open()
    await driver.print(JOB)
    (receipt,) = await printer.wait_for_receipts(1)
    assert receipt.lines == ["A012", "请到3号窗口"]
    assert len(printer.errors) == 1 and "unknown command ESC 0x5a" in printer.errors[0]


async def test_serial_line_over_a_real_pty():
    printer = VirtualPrinter()
    path = printer.open_pty()
    serial = PrinterDriver(SerialTransport(path, 115200), status_timeout=1)
    await serial.open()
    try:
        status = await serial.print(JOB)
        assert status is not None and status.ok
        (receipt,) = await printer.wait_for_receipts(1)
        assert receipt.lines == ["A012", "请到3号窗口"]
    finally:
        await serial.close()
        await printer.stop()


async def test_missing_serial_port_is_no_such_device(tmp_path):
    with pytest.raises(TransportError, match="ttyNOPE: no such device"):
        await SerialTransport(str(tmp_path / "ttyNOPE")).open()


async def test_file_transport_writes_the_job_without_status(tmp_path):
    device = tmp_path / "lp0"
    device.touch()
    driver = PrinterDriver(FileTransport(str(device)))
    await driver.open()
    try:
        assert not driver.status_known
        assert await driver.print(JOB) is None
        assert await driver.print(JOB) is None
    finally:
        await driver.close()
    assert text_lines(decode(device.read_bytes())) == ["A012", "请到3号窗口"] * 2


async def test_missing_device_file_is_not_created(tmp_path):
    with pytest.raises(TransportError, match="lp9: no such device"):
        await FileTransport(str(tmp_path / "lp9")).open()
    assert not (tmp_path / "lp9").exists()


async def test_usb_printer_absent_is_said_plainly():
    # Without libusb the transport says which package to install; with it, that no device has the ID.
    with pytest.raises(TransportError, match=r"usb 0483:5743: (no such device|libusb is not installed)"):
        await UsbTransport("0483:5743").open()


def test_usb_id_must_be_hex_vid_pid():
    with pytest.raises(ValueError, match="VID:PID"):
        UsbTransport("printer")
