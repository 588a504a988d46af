"""QR Code symbols (ISO/IEC 18004, error correction level M) in pure Python.

It makes, for every text, the symbol that zint makes (the encoder inside zxing-cpp, which
confsite used before, so codes and pages did not change): zint's cheapest split of the
text into numeric / alphanumeric / byte segments, its choice of version, and its mask —
the lowest total of the standard's four penalty rules as zint scores them, the lower
mask number on a tie. tests/test_qrencode.py holds zxing-cpp to it on many addresses.

What makes it cheap is work done once a version instead of once a code:
- The symbol is one integer, the top-left module its highest bit: rows of ``size``
  modules, each followed by :data:`MARGIN` light ones (what lies outside the integer is
  light too), so a row is framed by light modules on all sides.
- The data codewords are all that changes between codes of one version. Reed–Solomon
  codes are linear, so each data codeword's share of the unmasked symbol — its own
  modules and those of the error-correction codewords it adds to — is a table per
  codeword position and half byte: a symbol is one XOR per half codeword. (Up to
  version 12, ~280 bytes; larger, rarer codes gather their modules from the codewords.)
- Each penalty rule is a few shifts, ANDs and bit counts over the whole symbol.
- The segment search restarts at every character that only byte mode can hold, so it
  runs on the alphanumeric runs between them ("://", ".", "/", "-2024-") and is cached:
  a site's addresses are made of a few such runs.

Text is encoded as ISO-8859-1 when it fits (zint's default, no ECI), otherwise as UTF-8
behind ECI 26. (zint would use Shift JIS for text that fits that but not ISO-8859-1,
e.g. Greek or Japanese letters; this module uses UTF-8 there too, which every reader
decodes; confsite's addresses are ASCII.)
"""
from __future__ import annotations

import re
from functools import reduce
from operator import getitem, xor

MARGIN = 4  # light modules between rows, and round the symbol in the picture of encode()

# Data codewords and error-correction blocks at level M, versions 1–40 (ISO/IEC 18004 table 9).
_DATA = (16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627,
         669, 714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812,
         1914, 1992, 2102, 2216, 2334)
_BLOCKS = (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23,
           25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49)
_FORMAT_M = 0b00  # level M's two bits in the format information

_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM_VALUE = {c: i for i, c in enumerate(_ALNUM)}
_SEGMENT = re.compile(r"N+|A+|B+")

# Modes N A B K. Character count bits and zint's head costs ((count bits + 4) × 6, the unit
# being 1/6 bit) for versions 1–9, 10–26, 27–40. Kanji never holds a one-byte character,
# but zint's search carries its cost, which can decide ties, so ours does too.
_MODES = "NABK"
_INDICATOR = {"N": 1, "A": 2, "B": 4}
_COUNT_BITS = ({"N": 10, "A": 9, "B": 8}, {"N": 12, "A": 11, "B": 16}, {"N": 14, "A": 13, "B": 16})
_HEAD = ((84, 78, 72, 72), (96, 90, 120, 84), (108, 102, 120, 96))


def _span(version: int) -> int:
    return 0 if version < 10 else 1 if version < 27 else 2


# --- Segments: zint's search for the cheapest modes ----------------------------------------

def _search(text: str, span: int, *, start: str, at_end: bool) -> str:
    """The mode of each character of *text* by zint's dynamic programme (Project Nayuki's).

    *start* is ``"head"`` at the start of the data, ``"reset"`` right after a byte-only
    character (all four costs then depend on the byte cost only, so the search restarts
    there). *at_end*: the data ends with *text*; else a byte-only character follows it, and
    the trace back starts in byte mode."""
    head = _HEAD[span]
    prev = list(head) if start == "head" else [head[0], head[1], 0, head[3]]
    length = len(text)
    n_end = n_cost = a_end = a_cost = 0
    steps = []
    for i, ch in enumerate(text):
        cost = [0, 0, 0, 0]
        came = [None, None, None, None]
        if i < n_end or "0" <= ch <= "9":                # numeric, priced per group of up to 3
            if i >= n_end:
                j = i
                while j < length and j < i + 3 and "0" <= text[j] <= "9":
                    j += 1
                n_end, n_cost = j, (24, 21, 20)[j - i - 1]
            cost[0], came[0] = prev[0] + n_cost, "N"
        else:
            n_end = 0
        last = at_end and i + 1 == length
        if i < a_end:                                    # alphanumeric, priced per pair
            a_cost = 36 if last else 33
            cost[1], came[1] = prev[1] + a_cost, "A"
        elif ch in _ALNUM_VALUE:
            pair = not last and i + 1 < length and text[i + 1] in _ALNUM_VALUE
            a_end, a_cost = (i + 2, 33) if pair else (i + 1, 36)
            cost[1], came[1] = prev[1] + a_cost, "A"
        else:
            a_end = 0
        cost[2], came[2] = prev[2] + 48, "B"
        for to in range(4):                              # or end a segment here and switch
            for frm in range(4):
                if to != frm and came[frm] is not None:
                    switched = cost[frm] + head[to]
                    if came[to] is None or switched < cost[to]:
                        cost[to], came[to] = switched, _MODES[frm]
        steps.append(came)
        prev = cost
    mode = _MODES[prev.index(min(prev))] if at_end else "B"
    out = []
    for came in reversed(steps):
        mode = came[_MODES.index(mode)]
        out.append(mode)
    return "".join(reversed(out))


_RUNS: dict[tuple[str, int, str, bool], str] = {}


def _run_modes(run: str, span: int, start: str, at_end: bool) -> str:
    key = (run, span, start, at_end)
    modes = _RUNS.get(key)
    if modes is None:
        if len(_RUNS) > 50_000:
            _RUNS.clear()
        modes = _RUNS[key] = _search(run, span, start=start, at_end=at_end) if run else ""
    return modes


_ALNUM_RUN = "[0-9A-Z $%*+\\-./:]"
# Alphanumeric runs that may leave byte mode: those at the start or the end of the data and
# those of 6 characters or more. Between two byte-only characters, switching to numeric or
# alphanumeric mode and back costs more than byte mode saves on 5 characters (tested).
_LONG_RUN = 6
_CANDIDATES = re.compile(f"{_ALNUM_RUN}{{{_LONG_RUN},}}|^{_ALNUM_RUN}+|{_ALNUM_RUN}+$")


def segment_modes(data: str, version: int, runs: list[tuple[int, int, str]] | None = None) -> str:
    """The mode (N, A or B) of each character of *data* (one character a byte) for
    *version*: zint's search, run piecewise between byte-only characters. *runs*: the
    matches of _CANDIDATES in *data*, if known."""
    if runs is None:
        runs = [(*run.span(), run.group()) for run in _CANDIDATES.finditer(data)]
    if not runs:
        return "B" * len(data)
    span = _span(version)
    out, done = [], 0
    for start, end, run in runs:
        out += ("B" * (start - done), _run_modes(run, span, "reset" if start else "head", end == len(data)))
        done = end
    out.append("B" * (len(data) - done))
    return "".join(out)


def _bit_length(modes: str, version: int, eci: bool) -> int:
    counts = _COUNT_BITS[_span(version)]
    bits = 12 if eci else 0
    if "N" not in modes and "A" not in modes:
        return bits + 4 + counts["B"] + 8 * len(modes)
    for seg in _SEGMENT.finditer(modes):
        mode, n = seg.group()[0], seg.end() - seg.start()
        bits += 4 + counts[mode] + (8 * n if mode == "B" else
                                    11 * (n // 2) + 6 * (n % 2) if mode == "A" else
                                    10 * (n // 3) + (0, 4, 7)[n % 3])
    return bits


def choose_version(data: str, eci: bool = False) -> tuple[int, str]:
    """Version and modes as zint picks them: estimate at version 40, take the smallest
    version that holds it, re-plan there, then step down while the re-planned data fits."""
    runs = [(*run.span(), run.group()) for run in _CANDIDATES.finditer(data)]
    planned: dict[int, str] = {}

    def modes_for(version: int) -> str:
        span = _span(version)
        if span not in planned:
            planned[span] = segment_modes(data, version, runs)
        return planned[span]

    modes = modes_for(40)
    length = _bit_length(modes, 40, eci)
    if length > 8 * _DATA[39]:
        raise ValueError(f"too long for a QR code at level M: {len(data)} bytes")
    version = next(v for v in range(1, 41) if 8 * _DATA[v - 1] >= length)
    if version != 40:
        smaller = modes_for(version)
        if _bit_length(smaller, version, eci) <= length:
            modes = smaller
    while version > 1:
        smaller = modes_for(version - 1)
        if 8 * _DATA[version - 2] < _bit_length(smaller, version - 1, eci):
            break
        version, modes = version - 1, smaller
    return version, modes


def data_codewords(data: str, modes: str, version: int, eci: bool = False) -> bytes:
    """The data codewords: segments, terminator, bit padding and pad codewords."""
    counts = _COUNT_BITS[_span(version)]
    acc, nbits = (0b0111_00011010, 12) if eci else (0, 0)   # ECI 26: UTF-8
    if "N" not in modes and "A" not in modes:               # one byte segment
        acc = (((acc << 4 | 4) << counts["B"] | len(data)) << 8 * len(data)) | int.from_bytes(
            data.encode("latin-1"), "big")
        nbits += 4 + counts["B"] + 8 * len(data)
        modes = ""
    for seg in _SEGMENT.finditer(modes):
        mode, start, end = seg.group()[0], seg.start(), seg.end()
        part = data[start:end]
        acc = (((acc << 4) | _INDICATOR[mode]) << counts[mode]) | (end - start)
        nbits += 4 + counts[mode]
        if mode == "B":
            acc = (acc << 8 * len(part)) | int.from_bytes(part.encode("latin-1"), "big")
            nbits += 8 * len(part)
        elif mode == "A":
            for i in range(0, len(part) - 1, 2):
                acc = (acc << 11) | (45 * _ALNUM_VALUE[part[i]] + _ALNUM_VALUE[part[i + 1]])
            if len(part) % 2:
                acc = (acc << 6) | _ALNUM_VALUE[part[-1]]
            nbits += 11 * (len(part) // 2) + 6 * (len(part) % 2)
        else:
            for i in range(0, len(part), 3):
                group = part[i:i + 3]
                acc = (acc << (1 + 3 * len(group))) | int(group)
                nbits += 1 + 3 * len(group)
    capacity = 8 * _DATA[version - 1]
    pad = min(4, capacity - nbits)                       # terminator, where it fits
    pad += (-(nbits + pad)) % 8                          # then to a whole codeword
    nbits += pad
    fill = (capacity - nbits) // 8
    acc = (acc << (pad + 8 * fill)) | int.from_bytes((b"\xec\x11" * (fill // 2 + 1))[:fill], "big")
    return acc.to_bytes(capacity // 8, "big")


# --- Reed–Solomon over GF(256), x^8 + x^4 + x^3 + x^2 + 1 -------------------------------------

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _EXP[_i + 255] = _x
    _LOG[_x] = _i
    _x = (_x << 1) ^ (0x11D if _x & 0x80 else 0)
del _x, _i


def _mul(a: int, b: int) -> int:
    return _EXP[_LOG[a] + _LOG[b]] if a and b else 0


def _generator(degree: int) -> list[int]:
    poly = [1]
    for i in range(degree):                              # × (x − α^i)
        poly = [c ^ _mul(p, _EXP[i]) for c, p in zip(poly + [0], [0] + poly)]
    return poly


def rs_remainder(block: bytes, degree: int) -> bytes:
    """The *degree* error-correction codewords of *block*."""
    gen = _generator(degree)[1:]
    rem = [0] * degree
    for b in block:
        f = b ^ rem[0]
        rem = rem[1:] + [0]
        if f:
            rem = [r ^ _mul(g, f) for r, g in zip(rem, gen)]
    return bytes(rem)


# --- Per-version plan ----------------------------------------------------------------------

def _alignment_centres(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    last = 4 * version + 10
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    return [6] + [last - step * i for i in reversed(range(count - 1))]


def _bch(value: int, poly: int, bits: int) -> int:
    rem = value << bits
    for shift in range(rem.bit_length() - poly.bit_length(), -1, -1):
        if rem >> (shift + poly.bit_length() - 1) & 1:
            rem ^= poly << shift
    return (value << bits) | rem


_MASKS = (lambda y, x: (y + x) % 2 == 0, lambda y, x: y % 2 == 0, lambda y, x: x % 3 == 0,
          lambda y, x: (y + x) % 3 == 0, lambda y, x: (y // 2 + x // 3) % 2 == 0,
          lambda y, x: (y * x) % 6 == 0, lambda y, x: ((y * x) % 2 + (y * x) % 3) % 2 == 0,
          lambda y, x: ((y + x) % 2 + (y * x) % 3) % 2 == 0)


class _Plan:
    """What a version's symbols share: function patterns, data module order, masks, tables."""

    gather: list[int]

    def __init__(self, version: int):
        self.version, self.high, self.low = version, None, None
        n = self.size = 17 + 4 * version
        w = self.width = n + MARGIN
        self.bits = n * w
        fixed: dict[tuple[int, int], int] = {}           # function modules: (row, col) → 0/1
        for i in range(n):
            fixed[6, i] = fixed[i, 6] = 1 - i % 2        # timing
        for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):  # finders and separators
            for r in range(-1, 8):
                for c in range(-1, 8):
                    if 0 <= r0 + r < n and 0 <= c0 + c < n:
                        ring = max(abs(r - 3), abs(c - 3))
                        fixed[r0 + r, c0 + c] = int(ring != 2 and ring != 4)
        centres = _alignment_centres(version)
        for r0 in centres:
            for c0 in centres:
                if not (r0 < 8 and c0 < 8 or r0 < 8 and c0 > n - 9 or r0 > n - 9 and c0 < 8):
                    for r in range(-2, 3):
                        for c in range(-2, 3):
                            fixed[r0 + r, c0 + c] = int(max(abs(r), abs(c)) != 1)
        self.format_cells = ([(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)]
                             + [(8, 5 - i) for i in range(6)])            # bits 0–14, first copy
        second = [(8, n - 1 - i) for i in range(8)] + [(n - 7 + i, 8) for i in range(7)]
        for cell in self.format_cells + second:
            fixed[cell] = 0
        fixed[n - 8, 8] = 1                                               # the dark module
        if version >= 7:
            info = _bch(version, 0x1F25, 12)
            for i in range(18):
                fixed[n - 11 + i % 3, i // 3] = fixed[i // 3, n - 11 + i % 3] = info >> i & 1
        self.bit = lambda r, c: 1 << (self.bits - 1 - (r * w + c))
        order = []                                                        # data modules, placed
        for pair, right in enumerate(range(n - 1, 0, -2)):
            col = right if right > 6 else right - 1
            rows = range(n - 1, -1, -1) if pair % 2 == 0 else range(n)
            order += [(r, c) for r in rows for c in (col, col - 1) if (r, c) not in fixed]
        self.func = self._int(cell for cell, dark in fixed.items() if dark)
        self.masks = []
        for number, rule in enumerate(_MASKS):
            fmt = _bch(_FORMAT_M << 3 | number, 0x537, 10) ^ 0x5412
            self.masks.append(self._int([cell for cell in order if rule(*cell)]
                                        + [cell for i, cell in enumerate(self.format_cells) if fmt >> i & 1]
                                        + [cell for i, cell in enumerate(second) if fmt >> i & 1]))
        # where a module has a left / an upper neighbour
        self.horizontal = self._int((r, c) for r in range(n) for c in range(1, n))
        self.vertical = self._int((r, c) for r in range(1, n) for c in range(n))
        self.total = len(order) // 8                                      # codewords
        if version <= _TABLES_UP_TO:
            self.high, self.low = self._tables(version, order)
        else:   # for each place in the picture, the bit of the codewords it shows (or a 0)
            self.gather = [8 * self.total] * self.bits
            for i, (r, c) in enumerate(order[:8 * self.total]):
                self.gather[r * w + c] = i

    def _int(self, cells) -> int:
        """The symbol with dark modules at *cells* (row, column) only."""
        canvas = bytearray(b"0" * self.bits)
        for r, c in cells:
            canvas[r * self.width + c] = 49
        return int(canvas, 2)

    def unmasked(self, words: bytes) -> int:
        """The symbol of data codewords *words* before masking, format bits light."""
        if self.high is not None:
            return reduce(xor, map(getitem, self.high, words.translate(_HIGH)),
                          reduce(xor, map(getitem, self.low, words.translate(_LOW)), self.func))
        stream = f"{int.from_bytes(_with_ecc(words, self.version, self.total), 'big'):0{8 * self.total}b}0"
        return int("".join(map(stream.__getitem__, self.gather)), 2) ^ self.func

    def _tables(self, version: int, order: list[tuple[int, int]]):
        """For each data codeword and each value of its high / low half: its share of the
        unmasked symbol (its modules and those of the error-correction codewords)."""
        data, blocks = _DATA[version - 1], _BLOCKS[version - 1]
        ecc = (self.total - data) // blocks
        short, longs = data // blocks, data % blocks
        place = [self.bit(*cell) for cell in order]

        def modules(position: int) -> list[int]:       # codeword *position*'s, by value
            bits = place[8 * position:8 * position + 8]
            table = [0] * 256
            for v in range(1, 256):
                table[v] = table[v & (v - 1)] ^ bits[8 - (v & -v).bit_length()]
            return table

        units: dict[tuple[int, int], bytes] = {}
        high, low = [], []
        for block in range(blocks):
            length = short + (block >= blocks - longs)
            ecc_modules = [modules(data + t * blocks + block) for t in range(ecc)]
            for k in range(length):
                at = k * blocks + block if k < short else short * blocks + block - (blocks - longs)
                unit = units.get((length, k))
                if unit is None:
                    unit = units[length, k] = rs_remainder(bytes(k) + b"\x01" + bytes(length - k - 1), ecc)
                single = []
                for b in range(8):
                    share = place[8 * at + 7 - b]
                    for table, u in zip(ecc_modules, unit):
                        share ^= table[_mul(u, 1 << b)]
                    single.append(share)
                for table, bits in ((low, single[:4]), (high, single[4:])):
                    row = [0] * 16
                    for v in range(1, 16):
                        row[v] = row[v & (v - 1)] ^ bits[(v & -v).bit_length() - 1]
                    table.append(row)
        return high, low


def _with_ecc(words: bytes, version: int, total: int) -> bytes:
    """The data codewords and their error-correction codewords, interleaved by block."""
    blocks = _BLOCKS[version - 1]
    short, longs = len(words) // blocks, len(words) % blocks
    ecc = (total - len(words)) // blocks
    cut = [0]
    for block in range(blocks):
        cut.append(cut[-1] + short + (block >= blocks - longs))
    parts = [words[a:b] for a, b in zip(cut, cut[1:])]
    checks = [rs_remainder(part, ecc) for part in parts]
    data = [part[k] for k in range(short + 1) for part in parts if k < len(part)]
    return bytes(data + [check[k] for k in range(ecc) for check in checks])


_TABLES_UP_TO = 12   # larger versions (over ~280 bytes) gather their modules instead: the
                     # tables would grow with the square of the symbol, and such codes are rare
_PLANS: dict[int, _Plan] = {}
_HIGH = bytes(b >> 4 for b in range(256))
_LOW = bytes(b & 15 for b in range(256))


def _plan(version: int) -> _Plan:
    plan = _PLANS.get(version)
    if plan is None:
        plan = _PLANS[version] = _Plan(version)
    return plan


def penalty(d: int, plan: _Plan) -> int:
    """The four penalty rules as zint scores them, on symbol *d* (format bits included):
    runs of 5+ alike, 2×2 blocks, 1:1:3:1:1 patterns — counted once each when 4 light
    modules (or the edge) lie on at least one side — and the dark share. Shifts by 1 step
    along a row, by the width down a column. Positive integers only (``x & ~y`` is written
    ``x ^ (x & y)``), and counts of equal weight are taken together (rows' above columns')."""
    w, w2, bits, left, up = plan.width, 2 * plan.width, plan.bits, plan.horizontal, plan.vertical
    # 1: runs of 5 or more modules of one colour: 3 + (length − 5) each
    e = (d ^ (d >> 1) ^ left) & left                 # same colour as the module to the left
    rows = e & (e >> 1)
    rows &= rows >> 2                                # 5 alike, ending here
    v = (d ^ (d >> w) ^ up) & up                     # same colour as the module above
    cols = v & (v >> w)
    cols &= cols >> w2
    runs = (rows << bits) | cols
    score = runs.bit_count() + 2 * (runs ^ (runs & (((rows >> 1) << bits) | (cols >> w)))).bit_count()
    # 2: 2×2 blocks of one colour, 3 each
    score += 3 * (e & (e >> w) & v).bit_count()
    # 3: 1:1:3:1:1 (dark light dark×3 light dark) with 4 light modules before or after
    #    (the margin counts as light), 40 each
    pair = d & (d << 2)
    found = pair & (pair << 4) & (d << 3)
    found ^= found & ((d | (d << 4)) << 1)
    near = d | (d >> 1)
    near |= near >> 2
    rows = found ^ (found & (near >> 1) & (near << 10))
    pair = d & (d << w2)
    found = pair & (pair << (4 * w)) & (d << (3 * w))
    found ^= found & ((d | (d << (4 * w))) << w)
    above = d | (d >> w)                             # (nothing lies below the last row,
    above |= above >> w2                             # so look down from the row after it)
    below = d | (d << w)
    below |= below << w2
    cols = found ^ (found & (above >> w) & (below << (7 * w)))
    score += 40 * ((rows << bits) | cols).bit_count()
    # 4: share of dark modules: 10 for each whole 5 % away from half
    n2 = plan.size * plan.size
    return score + 10 * (abs(100 * d.bit_count() - 50 * n2) // (5 * n2))


def prepare(text: str) -> tuple[str, bool]:
    """*text* as one character a byte, and whether it needs ECI 26 (UTF-8)."""
    try:
        text.encode("latin-1")
        return text, False
    except UnicodeEncodeError:
        return text.encode("utf-8").decode("latin-1"), True


def encode(text: str) -> tuple[int, str]:
    """The QR symbol of *text* at level M: its size *n* in modules, and its rows as text,
    ``1`` dark and ``0`` light: row *r* with :data:`MARGIN` light modules either side is
    ``picture[r * (n + MARGIN):][:n + 2 * MARGIN]``."""
    data, eci = prepare(text)
    version, modes = choose_version(data, eci)
    plan = _plan(version)
    base = plan.unmasked(data_codewords(data, modes, version, eci))
    best = best_score = None
    for mask in plan.masks:
        score = penalty(base ^ mask, plan)
        if best_score is None or score < best_score:
            best, best_score = mask, score
    return plan.size, f"{0:0{MARGIN}}{base ^ best:0{plan.bits}b}"
