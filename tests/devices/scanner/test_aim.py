import pytest

from devices.scanner.aim import identify


@pytest.mark.parametrize(
    ("line", "code", "symbology", "aim"),
    [
        ("]Q1https://zwfw.zj.gov.cn/a", "https://zwfw.zj.gov.cn/a", "qr", "]Q1"),
        ("]C0A012", "A012", "code128", "]C0"),
        ("]C10109501101530003", "0109501101530003", "gs1-128", "]C1"),
        ("]E06901234567892", "6901234567892", "ean13", "]E0"),
        ("]E496385074", "96385074", "ean8", "]E4"),
        ("]d2010950110153000317", "010950110153000317", "gs1-datamatrix", "]d2"),
        ("]d1ABC", "ABC", "datamatrix", "]d1"),
        ("]h0汉信", "汉信", "han-xin", "]h0"),
        ("]Q3(01)123", "(01)123", "gs1-qr", "]Q3"),
        ("]L2pdf", "pdf", "pdf417", "]L2"),
    ],
)
def test_known_identifiers_become_names(line: str, code: str, symbology: str, aim: str) -> None:
    found = identify(line)
    assert (found.code, found.symbology, found.aim) == (code, symbology, aim)


@pytest.mark.parametrize("line", ["A012", "]", "]Q", "]W1abc", "]Q!abc", "x]Q1abc", "]Q１abc"])
def test_anything_else_is_a_plain_code(line: str) -> None:
    found = identify(line)
    assert (found.code, found.symbology, found.aim) == (line, None, None)
