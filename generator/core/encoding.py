"""Decode editors' files, and say plainly what an old Windows encoding looks like."""
from __future__ import annotations

_VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")


class NotUtf8(Exception):
    def __init__(self, line: int, guess: str, iconv_name: str):
        super().__init__(guess)
        self.line = line
        self.guess = guess
        self.iconv_name = iconv_name

    @property
    def message(self) -> str:
        return f"the file is not UTF-8 (it looks like {self.guess})"

    def hint(self, path: str) -> str:
        return (f"open it in your editor and save it as UTF-8 (Notepad: File › Save as › Encoding: UTF-8), "
                f"or run: iconv -f {self.iconv_name} -t UTF-8 {path} > fixed.md")


def decode(data: bytes) -> str:
    """UTF-8 text with a BOM dropped and line endings made ``\\n``; :class:`NotUtf8` otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotUtf8(1, "UTF-16, as Windows Notepad sometimes saves", "UTF-16")
    wide = _utf16_without_bom(data)
    if wide:
        raise NotUtf8(1, f"{wide} without a byte-order mark, as some Windows programs save", wide)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        guess, name = _guess(data)
        raise NotUtf8(line, guess, name) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(data: bytes) -> str:
    """``UTF-16LE`` or ``UTF-16BE`` when *data* reads as that encoding: Vietnamese text
    (mostly Latin letters) then has a zero byte in nearly every second position, which
    text in any 8-bit encoding or UTF-8 never has."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return ""
    pairs = len(sample) // 2
    odd = sample[1::2].count(0)      # the high byte of U+0000–U+00FF, little-endian
    even = sample[0::2].count(0)
    for zeros, other, name in ((odd, even, "UTF-16LE"), (even, odd, "UTF-16BE")):
        if zeros >= pairs * 0.3 and other == 0:
            try:
                data[: len(data) // 2 * 2].decode(name.replace("UTF-16", "utf-16-").lower())
            except UnicodeDecodeError:
                continue
            return name
    return ""


def _guess(data: bytes) -> tuple[str, str]:
    for codec, label, iconv in (("cp1258", "Windows-1258, the old Vietnamese Windows encoding", "CP1258"),
                                ("cp1252", "Windows-1252", "CP1252")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "cp1258" and not any(c in _VIETNAMESE for c in text):
            continue
        return label, iconv
    return "an unknown legacy encoding", "CP1258"
