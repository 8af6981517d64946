"""SW3, the SAM's own status byte: every code the protocol defines, in Chinese and English.

Drivers test SW3 only; SW1/SW2 are the card's APDU status, passed through for diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass

OK = 0x90
CARD_FOUND = 0x9F
NO_CONTENT = 0x91
CHECKSUM_ERROR = 0x10
LENGTH_ERROR = 0x11
COMMAND_ERROR = 0x21
NOT_PERMITTED = 0x23
UNRECOGNISED_ERROR = 0x24
CARD_AUTHENTICATES_SAM_FAILED = 0x31
SAM_AUTHENTICATES_CARD_FAILED = 0x32
VERIFICATION_ERROR = 0x33
UNKNOWN_CARD_TYPE = 0x40
READ_FAILED = 0x41
RANDOM_NUMBER_FAILED = 0x47
SAM_SELF_TEST_FAILED = 0x60
SAM_NOT_AUTHORISED = 0x66
FIND_FAILED = 0x80
SELECT_FAILED = 0x81


@dataclass(frozen=True, slots=True)
class Status:
    code: int
    zh: str
    en: str

    def __str__(self) -> str:
        """For a `detail`: the English meaning, then the code and the Chinese the reader's manual uses."""
        return f"{self.en} ({self.code:02X} {self.zh})"


STATUSES: dict[int, Status] = {
    status.code: status
    for status in (
        Status(OK, "操作成功", "success"),
        Status(CARD_FOUND, "寻找证/卡成功", "card found"),
        Status(NO_CONTENT, "证/卡中此项无内容", "the card holds no such item"),
        Status(CHECKSUM_ERROR, "接收数据校验和错", "the reader received a bad checksum"),
        Status(LENGTH_ERROR, "接收数据长度错", "the reader received a bad length"),
        Status(COMMAND_ERROR, "接收数据命令错", "the reader received an unknown command"),
        Status(NOT_PERMITTED, "越权操作", "operation not permitted"),
        Status(UNRECOGNISED_ERROR, "无法识别的错误", "unrecognised error"),
        Status(CARD_AUTHENTICATES_SAM_FAILED, "证/卡认证SAM失败", "the card did not accept the SAM"),
        Status(SAM_AUTHENTICATES_CARD_FAILED, "SAM认证证/卡失败", "the SAM did not accept the card"),
        Status(VERIFICATION_ERROR, "信息验证错误", "card data failed verification"),
        Status(UNKNOWN_CARD_TYPE, "无法识别的卡类型", "unknown card type"),
        Status(READ_FAILED, "读证/卡操作失败", "the card could not be read"),
        Status(RANDOM_NUMBER_FAILED, "取随机数失败", "the card gave no random number"),
        Status(SAM_SELF_TEST_FAILED, "SAM自检失败", "SAM self-test failed"),
        Status(SAM_NOT_AUTHORISED, "SAM未经授权", "SAM not authorised"),
        Status(FIND_FAILED, "寻找证/卡失败", "no card found"),
        Status(SELECT_FAILED, "选取证/卡失败", "the card could not be selected"),
    )
}


def describe(code: int) -> Status:
    """The meaning of an SW3 byte; codes outside the table get an honest "unknown status"."""
    known = STATUSES.get(code)
    return known if known is not None else Status(code, "未知状态", "unknown status")
