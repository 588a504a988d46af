"""Drafting front-matter facts from the text of a Vietnamese conference report.

Every fact keeps the sentence it came from. A fact is *sure* only when a sentence
says it plainly; anything inferred (a year taken from the context, a host guessed from
the place) is drafted as unsure, and the writer marks it for review. Where the text is
ambiguous nothing is drafted: a wrong fact costs an editor more than a missing one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .sources import Source
from .text import WORD_NUMBERS, fold, nfc, parse_dateline, sentences, upper_first, valid_date, vi_number
from .units import Registry, province_key


@dataclass
class Fact:
    value: Any
    sentence: str
    sure: bool = True
    why: str = ""


@dataclass
class Facts:
    title: Fact | None = None
    date: Fact | None = None
    cluster: Fact | None = None
    kind: Fact | None = None
    period: Fact | None = None
    location: Fact | None = None
    host: Fact | None = None
    author: Fact | None = None
    source: Fact | None = None
    attendees: list[Fact] = field(default_factory=list)
    awards: list[Fact] = field(default_factory=list)
    scores: list[Fact] = field(default_factory=list)
    in_office: dict[str, Fact] = field(default_factory=dict)
    elected: dict[str, Fact] = field(default_factory=dict)

    def all(self) -> list[Fact]:
        single = [self.title, self.date, self.cluster, self.kind, self.period, self.location, self.host,
                  self.author, self.source]
        return [f for f in single if f] + self.attendees + self.awards + self.scores + \
            list(self.in_office.values()) + list(self.elected.values())


# -- units in a sentence ---------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    unit: str
    explicit: bool         # written with "Sở Nội vụ"


_SNV = re.compile(r"\bso noi vu\s+(?:(?:tinh|thanh pho|tp\.?)\s+)?")
_WEAK = re.compile(r"(?<!cac )\b(?:tinh|thanh pho|tp\.)\s+")
_LIST_SEP = re.compile(r"\s*(?:,|\bva\b|&)\s*(?:(?:so noi vu\s+)?(?:(?:tinh|thanh pho|tp\.?)\s+))?")


def units_in(fs: str, registry: Registry, weak: bool = True) -> list[Mention]:
    """Units named in the folded sentence *fs*: "Sở Nội vụ tỉnh X", and lists continuing one."""
    found: dict[int, Mention] = {}

    def follow(pos: int, explicit: bool, first: bool) -> None:
        hit = registry.province_at(fs[pos:])
        if not hit:
            return
        key, length = hit
        if pos not in found or explicit and not found[pos].explicit:
            found[pos] = Mention(pos, pos + length, registry.unit(key), explicit)
        end = pos + length
        sep = _LIST_SEP.match(fs, end)
        if sep and sep.end() > end and registry.province_at(fs[sep.end():]):
            follow(sep.end(), False, False)

    for m in _SNV.finditer(fs):
        follow(m.end(), True, True)
    if weak:
        for m in _WEAK.finditer(fs):
            if m.end() not in found:
                follow(m.end(), False, True)
    return sorted(found.values(), key=lambda x: x.start)


# -- dates -----------------------------------------------------------------------------

_DAY_MONTH = re.compile(r"\b(?:ngay\s+)?(\d{1,2})\s*(?:/|-|\.|\s+thang\s+)\s*(\d{1,2})(?:\s*(?:/|-|\.|,?\s+nam\s+)\s*(\d{4}))?\b")
_MONTH_YEAR = re.compile(r"\bthang\s+(\d{1,2})\s*(?:/|-|\s+nam\s+)\s*(\d{4})\b")
_EVENT_START = re.compile(r"^(?:\(\w+\)\s*[-–—:]?\s*)?(?:vao\s+)?(?:(?:sang|chieu|toi|trua)\s+(?:nay\s+)?(?:thu\s+\w+\s*,?\s*)?"
                          r"(?:ngay\s+)?|ngay\s+|hom nay\s*\(?)(\d{1,2})")
_DOC_REF = re.compile(r"\b(?:so|chi thi|nghi quyet|quyet dinh|ke hoach|cong van|thong tu|nghi dinh|ban hanh)\b[^,;]{0,40}$")


# -- people ----------------------------------------------------------------------------

SURNAMES = set("""Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Quách Đinh Trịnh Lương Mai
Đào Cao Lâm Hà Tô Tạ Châu Trương Thái La Kiều Vương Lưu Chu Đoàn Triệu Hứa Nông Lò Đàm Khổng Mạc Tăng Từ Thân Văn
Lục Phùng Giang Doãn Âu Ninh Tống Viên Khúc Vi Hầu Bạch Quan Kim Diệp Thạch Lã Lại Nghiêm Hoa Chế Cù
Đậu Tòng Quang Phí Cầm Sầm Hà Lường Điêu Bế Hoàng""".split())
_STOP_WORDS = {"Giám", "Phó", "Chủ", "Chánh", "Trưởng", "Bí", "Ủy", "Uỷ", "Thứ", "Bộ", "Sở", "Hội", "Cụm", "Tỉnh",
               "UBND", "Tổng", "Ban", "Cục", "Vụ", "Ông", "Bà", "Đồng", "Đ/c"}
_NOT_NAMES = {"ho chi minh", "ha noi", "ha nam", "ha tinh", "ha giang", "lam dong", "cao bang", "lai chau",
              "kim boi", "quang ninh", "quang nam", "quang tri", "quang binh", "quang ngai"}
_WORD = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+)?")
_TITLE_WORD = re.compile(r"\b(?:ông|bà|đồng chí|đ/c|Ông|Bà|Đồng chí|Đ/c|Đ/C)\s*$")
ROLE_START = re.compile(
    r"^(?:nguyen\s+)?(?:pho\s+)?(?:giam doc|chanh van phong|chu tich|truong ban|uy vien|bo truong|thu truong|vu truong|"
    r"truong phong|chanh thanh tra|bi thu|can bo|chuyen vien|tong cuc truong|cuc truong|thu ky|truong khoa|"
    r"chi cuc truong|pho chi cuc truong|truong cum|cum truong|cum pho|truong doan|dai dien lanh dao|chanh an|vien truong|hieu truong|tong giam doc|"
    r"ke toan truong|chanh thanh tra so|truong|thu truong thuong truc)\b")
_ROLE_STOP = re.compile(
    r"\s*(?:;|\.(?:\s|$)|\(|\)|:|(?<!đua)\s[-–—]\s(?=[A-ZĐ])|\s+và\s+(?:ông|bà|đồng chí|đ/c|các|lãnh đạo|đại diện)\b|"
    r"\s+(?:phát biểu|phát động|tham gia|tham dự|đồng chủ trì|chủ trì|dự|trao|tặng|đã|cho biết|nhấn mạnh|yêu cầu|"
    r"đề nghị|đánh giá|tại|ghi nhận|chúc mừng|báo cáo|trình bày|khẳng định|nhận|được|ngồi giữa|cùng)\b|$)")


@dataclass(frozen=True)
class Person:
    name: str
    start: int
    end: int
    titled: bool


def people_in(s: str) -> list[Person]:
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(s)]
    found: list[Person] = []
    i = 0
    while i < len(words):
        start, end, w = words[i]
        if w in SURNAMES and (i == 0 or words[i - 1][2] not in {"tỉnh", "thành", "Sở", "phố", "TP", "tịch"}):
            j = i + 1
            while j < len(words) and j - i < 4 and words[j][0] == words[j - 1][1] + 1 and \
                    words[j][2][:1].isupper() and words[j][2] not in _STOP_WORDS and "/" not in words[j][2]:
                j += 1
            n = j - i
            name = s[start:words[j - 1][1]]
            titled = bool(_TITLE_WORD.search(s[:start]))
            if (n >= 3 or n == 2 and titled) and province_key(name) not in _NOT_NAMES and \
                    not re.search(r"(?:tỉnh|thành phố|Sở Nội vụ|TP\.?|tư tưởng|Chủ tịch)\s*$", s[:start]):
                found.append(Person(name, start, words[j - 1][1], titled))
                i = j
                continue
        i += 1
    return found


def _role_after(s: str, p: Person) -> str | None:
    m = re.match(r"\s*(?:,|–|—|-|\()\s*", s[p.end:])
    if not m:
        return None
    rest = s[p.end + m.end():]
    stop = _ROLE_STOP.search(rest)
    role = rest[:stop.start()] if stop else rest
    role = role.strip(" ,–—-")
    return role if role and ROLE_START.match(fold(role)) and len(role) <= 240 else None


def _role_before(s: str, p: Person) -> str | None:
    before = s[:p.start]
    before = _TITLE_WORD.sub("", before).rstrip()
    cut = max(before.rfind(","), before.rfind(";"), before.rfind(":"), before.rfind("("))
    m = list(re.finditer(r"\b(?:có|gồm|của|cùng|là|với)\s+", before))
    if m and m[-1].end() > cut:
        cut = m[-1].end() - 1
    role = before[cut + 1:].strip(" ,–—-")
    if role and ROLE_START.match(fold(role)) and len(role) <= 120 and \
            not re.search(r"\b(?:phat bieu|tang|trao|chu tri)\b", fold(role)):
        return role
    return None


ORGS = (("bo noi vu", "Bộ Nội vụ"), ("van phong bo", "Bộ Nội vụ"), ("bnv", "Bộ Nội vụ"))


def split_role(role: str, registry: Registry) -> tuple[str, str | None]:
    """(role, organisation): "Giám đốc Sở Nội vụ Hải Phòng" → ("Giám đốc", "Sở Nội vụ thành phố Hải Phòng")."""
    fr = fold(role)
    first_seg = fr.split(",")[0]
    m = _SNV.search(first_seg)
    if m:
        hit = registry.province_at(first_seg[m.end():])
        if hit:
            key, length = hit
            end = m.end() + length
            left = role[:m.start()].strip(" ,–—-")
            right = role[end:].strip(" ,–—-")
            return (", ".join(x for x in (left, right) if x)), registry.unit(key)
    for needle, org in ORGS:
        if re.search(rf"\b{needle}\b", fr):
            return role, org
    if re.search(r"\b(?:ubnd|uy ban nhan dan) tinh\b", first_seg):
        return role, "Ủy ban nhân dân tỉnh"
    return role, None


# -- the extractor -----------------------------------------------------------------------

@dataclass
class _Sentence:
    text: str
    folded: str
    block: int
    caption: bool = False


_ELECT = re.compile(r"\b(?:bau|suy ton|duoc chon|lua chon|thong nhat chon|nhat tri chon|tin nhiem|de cu|"
                    r"thong nhat giao|giao cho|dam nhan vai tro|dam nhiem)\b")
_ROLE = re.compile(r"\bcum (truong|pho)\b|\b(truong|pho) cum\b")
_YEAR = re.compile(r"\bnam (\d{4})\b")
_AUTHORITIES = (
    ("chu tich uy ban nhan dan tinh", "Chủ tịch Ủy ban nhân dân tỉnh"), ("chu tich ubnd tinh", "Chủ tịch Ủy ban nhân dân tỉnh"),
    ("bo truong bo noi vu", "Bộ trưởng Bộ Nội vụ"), ("thu tuong chinh phu", "Thủ tướng Chính phủ"),
    ("chu tich nuoc", "Chủ tịch nước"), ("bo noi vu", "Bộ Nội vụ"), ("uy ban nhan dan tinh", "Ủy ban nhân dân tỉnh"),
    ("ubnd tinh", "Ủy ban nhân dân tỉnh"), ("bo truong", "Bộ trưởng Bộ Nội vụ"),
)
_AWARD = re.compile(r"\b(?:[Cc]ờ(?:\s+thi\s+đua)?|[Bb]ằng\s+khen|[Gg]iấy\s+khen|[Dd]anh\s+hiệu)(?=[\s\"“”,.;:]|$)")
_SCALE = re.compile(r"\b(?:thang diem|diem toi da(?: la| cua [^.;]{0,40}? la)?|toi da)\s+(\d{1,3}(?:\.\d{3})+|\d+)\b"
                    r"|\btren (?:tong so |thang diem )?(\d{1,3}(?:\.\d{3})+|\d+) diem\b")
_NOT_CONFERRED = re.compile(r"\b(?:de nghi|de xuat|xet tang|trinh|huong dan|dang ky|phan dau|du kien)\b")


class Extractor:
    def __init__(self, source: Source, registry: Registry, cluster: str | None):
        self.source = source
        self.registry = registry
        self.forced_cluster = cluster
        self.facts = Facts()
        self.sentences: list[_Sentence] = []
        captions = {im.caption for im in source.images if im.caption}
        for n, block in enumerate(source.blocks):
            for s in sentences(nfc(block)):
                self.sentences.append(_Sentence(s, fold(s), n, block in captions))
        self.title_folded = fold(source.title or "")

    # helpers
    def _year_near(self, fs: str, pos: int) -> int | None:
        m = _YEAR.search(fs, pos, pos + 60)
        return int(m[1]) if m else None

    def run(self) -> Facts:
        f = self.facts
        if self.source.title:
            f.title = Fact(self.source.title, self.source.title)
        self.kind_and_period()
        self.cluster()
        self.date()
        self.place_and_host()
        self.leaders()
        self.people()
        self.awards()
        self.scores()
        self.byline()
        self.host_guess()
        return f

    # kind and period ------------------------------------------------------------------
    def kind_and_period(self) -> None:
        candidates = [(self.source.title or "", self.title_folded)] + \
            [(s.text, s.folded) for s in self.sentences[:4]]
        for text, fs in candidates:
            for word, kind in (("so ket", "so-ket"), ("tong ket", "tong-ket"), ("trien khai", "trien-khai")):
                m = re.search(rf"\b(?:hoi nghi\s+)?{word}\b", fs)
                if not m or (kind == "trien-khai" and ("tong ket" in fs or "so ket" in fs)):
                    continue
                if kind == "trien-khai" and not re.search(r"\b(?:hoi nghi trien khai|trien khai (?:cong tac|nhiem vu|ke hoach))",
                                                          fs) and text is not candidates[0][0]:
                    continue
                sure = text is candidates[0][0] or "hoi nghi" in fs
                self.facts.kind = Fact(kind, text, sure=sure,
                                       why="" if sure else "read from the text, not from a title: check the kind")
                y = _YEAR.search(fs, m.end())
                if y and not self.facts.period:
                    self.facts.period = Fact(int(y[1]), text)
                break
            if self.facts.kind:
                break
        if not self.facts.period:
            for text, fs in candidates:
                y = re.search(r"\b(?:cong tac|thi dua)[^.]{0,60}?\bnam (\d{4})\b", fs)
                if y:
                    self.facts.period = Fact(int(y[1]), text, sure=False, why="the year of the work reviewed")
                    break

    # cluster --------------------------------------------------------------------------
    def cluster(self) -> None:
        if self.forced_cluster:
            self.facts.cluster = Fact(self.forced_cluster, "(given with --cluster)")
            return
        counts: dict[str, tuple[int, str]] = {}
        texts = [(self.source.title or "", province_key(self.source.title or ""))] + \
            [(s.text, province_key(s.text)) for s in self.sentences]
        for c in self.registry.clusters:
            if not c.tail:
                continue
            pattern = re.compile(r"\bcum thi dua(?:\s+\w+){0,7}?\s+" + re.escape(c.tail) + r"\b")
            for text, key in texts:
                if pattern.search(key):
                    n, first = counts.get(c.name, (0, text))
                    counts[c.name] = (n + 1, first)
        if counts:
            best = sorted(counts.items(), key=lambda kv: (-kv[1][0], -len(kv[0])))
            name, (n, sentence) = best[0]
            sure = len(best) == 1 or best[1][1][0] < n
            self.facts.cluster = Fact(name, sentence, sure=sure,
                                      why="" if sure else "other clusters are named too")
            return
        for text, _ in texts:
            m = re.search(r"\bCụm thi đua\s+((?:Sở Nội vụ\s+|ngành Nội vụ\s+)?các tỉnh[^.;:()]*?)"
                          r"(?=\s+(?:tổ chức|đã|năm|họp|tổng kết|sơ kết|triển khai|gồm|do)\b|[.;:()]|$)", text)
            if m and len(m.group(1)) < 90:
                self.facts.cluster = Fact("Cụm thi đua " + m.group(1).strip(" ,"), text, sure=False,
                                          why="this cluster is not in clusters.yaml")
                return

    # date -----------------------------------------------------------------------------
    def date(self) -> None:
        line = parse_dateline(self.source.dateline) if self.source.dateline else None
        # A short first block that is only a date is the page's own dateline.
        for s in self.sentences[:3]:
            if not line and len(s.text) <= 60 and not re.search(r"\b(?:hoi nghi|so noi vu|cum)\b", s.folded):
                line = parse_dateline(s.text)
                if line:
                    break
        event = None
        for s in self.sentences[:8]:
            if s.caption:
                continue
            fs = s.folded
            m = _EVENT_START.match(fs)
            dm = _DAY_MONTH.match(fs, m.start(1)) if m else None
            if not dm:
                for cand in _DAY_MONTH.finditer(fs):
                    if _DOC_REF.search(fs[:cand.start()]):
                        continue
                    if re.search(r"\b(?:ngay|sang|chieu|toi|vao)\s+$", fs[:cand.start()]) and \
                            re.search(r"\b(?:to chuc|dien ra|khai mac|hop)\b", fs):
                        dm = cand
                        break
            if dm:
                event = (dm, s)
                break
            mo = _MONTH_YEAR.search(fs)
            if mo and re.search(r"\b(?:to chuc|dien ra|hop)\b", fs) and not _DOC_REF.search(fs[:mo.start()]):
                if valid_date(int(mo[2]), int(mo[1])):
                    self.facts.date = Fact(f"{mo[2]}-{int(mo[1]):02d}", s.text)
                    return
        if event:
            dm, s = event
            d, mth = int(dm[1]), int(dm[2])
            year = int(dm[3]) if dm[3] else None
            sure = True
            why = ""
            if year is None and line and line[0][5:7] and int(line[0][:4]) and \
                    (int(line[0][5:7]) == mth or not line[1]):
                year = int(line[0][:4])
            if year is None and self.facts.period:
                p = self.facts.period.value
                kind = self.facts.kind.value if self.facts.kind else ""
                year = p + 1 if kind == "tong-ket" and mth <= 4 else p if kind != "tong-ket" or mth >= 10 else None
                sure, why = False, "the year is not written with the date; it was taken from the year of the work"
            if year and valid_date(year, mth, d):
                self.facts.date = Fact(f"{year:04d}-{mth:02d}-{d:02d}", s.text, sure=sure, why=why)
                return
        if line:
            self.facts.date = Fact(line[0], f"(the page's date: {self.source.dateline or line[0]})",
                                   sure=not line[1] or False,
                                   why="" if not line[1] else "the date the page was published; check it is the day "
                                   "of the conference")
            if not line[1]:
                self.facts.date.sure = True
            return
        if self.facts.period:
            p = self.facts.period.value
            self.facts.date = Fact(f"{p:04d}-12", "(no date in the text)", sure=False,
                                   why="no date was found; this is only a placeholder month: write the real one")

    # place and host -------------------------------------------------------------------
    def place_and_host(self) -> None:
        for s in self.sentences[:8]:
            if s.caption:
                continue
            fs = s.folded
            if not re.search(r"\b(?:to chuc|dien ra|hop|khai mac|dang cai|tong ket|so ket)\b", fs):
                continue
            m = re.search(r"\btai\s+(?=(?:trung tam|hoi truong|khach san|thanh pho|tp\.?|tinh|huyen|quan|thi xa|"
                          r"tru so|nha van hoa|phong hop|cung van hoa|trung tam hoi nghi)\b|[A-ZĐ])", fs)
            if m and not re.match(r"hoi nghi\b", fs[m.end():]):
                rest = s.text[m.end():]
                stop = re.search(r",(?!\s*(?:tỉnh|thành phố|TP\.?|huyện|quận|thị xã)\s)|\.\s|\.$|;|\s(?:do|đã|tổ chức|diễn ra)\b", rest)
                place = rest[:stop.start()] if stop else rest
                place = place.strip(" ,.")
                if 4 <= len(place) <= 90:
                    self.facts.location = Fact(upper_first(place), s.text)
            h = re.search(r"^(?:.*,\s*)?((?:so noi vu\s+(?:(?:tinh|thanh pho|tp\.?)\s+)?\w[\w ]*?)|ubnd tinh|"
                          r"uy ban nhan dan tinh)(?:\s*[,–-][^,–]{0,60}[,–-]|\s*\([^)]{0,60}\))?"
                          r"\s+(?:da\s+)?(?:to chuc|dang cai|chu tri to chuc)\b", fs)
            d = re.search(r"\bdo\s+(so noi vu\s+.*?|ubnd tinh|uy ban nhan dan tinh)\s+(?:dang cai|to chuc|chu tri)\b", fs)
            hit = d or h
            if hit:
                found = units_in(hit.group(1), self.registry)
                if found and found[0].start <= 25:
                    self.facts.host = Fact(found[0].unit, s.text)
                elif re.fullmatch(r"ubnd tinh|uy ban nhan dan tinh", hit.group(1)):
                    self.facts.host = Fact("Ủy ban nhân dân tỉnh", s.text)
            if self.facts.location or self.facts.host:
                break

    def host_guess(self) -> None:
        """A cluster's conference is hosted by the chair in office, when it meets in its province."""
        chair = self.facts.in_office.get("chair")
        loc = self.facts.location
        if self.facts.host or not chair or not loc:
            return
        from .units import _PREFIX
        prov = province_key(_PREFIX.sub("", chair.value))
        prov = re.sub(r"^(?:tinh|thanh pho)\s+", "", prov)
        if prov and re.search(rf"\b{re.escape(prov)}\b", province_key(loc.value)):
            self.facts.host = Fact(chair.value, loc.sentence, sure=False,
                                   why="the unit in office as Cụm trưởng, meeting in its own province: check it "
                                   "organised the conference")

    # chair and vice-chair ----------------------------------------------------------------
    def leaders(self) -> None:
        period = self.facts.period.value if self.facts.period else None
        for s in self.sentences:
            fs = s.folded
            roles = list(_ROLE.finditer(fs))
            if not roles:
                continue
            units = units_in(fs, self.registry)
            electing = bool(_ELECT.search(fs))
            pairs: list[tuple[re.Match, Mention]] = []
            lanluot = re.search(r"\blan luot( la)?\b", fs)
            if lanluot and len(roles) >= 2:
                after = [u for u in units if u.start > lanluot.end()]
                before_roles = [r for r in roles if r.start() < lanluot.start()]
                for r, u in zip(before_roles, after):
                    pairs.append((r, u))
            else:
                prev_end = 0
                for i, r in enumerate(roles):
                    nxt = roles[i + 1].start() if i + 1 < len(roles) else len(fs)
                    tail = fs[r.end():]
                    holder = None
                    if re.match(r"\s*(?:nam \d{4}\s*)?(?:(?:cua\s+)?cum thi dua\s*)?(?:la|:)\s", tail):
                        holder = next((u for u in units if r.end() < u.start < nxt), None)
                    if holder is None:
                        before = [u for u in units if prev_end <= u.start and u.end <= r.start() and
                                  r.start() - u.end <= 90]
                        holder = before[-1] if before else None
                    if holder is None:          # "với vai trò Cụm trưởng, Sở Nội vụ tỉnh X …"
                        holder = next((u for u in units if r.end() <= u.start < nxt and
                                       re.fullmatch(r"\s*(?:nam \d{4})?\s*[,:]?\s*(?:so noi vu\s+)?(?:(?:tinh|thanh pho|tp\.?)\s+)?",
                                                    fs[r.end():u.start])), None)
                    if holder is not None:
                        pairs.append((r, holder))
                    prev_end = r.end()
            for r, u in pairs:
                role = "chair" if (r.group(1) or r.group(2)) == "truong" else "vice_chair"
                year = self._year_near(fs, r.end())
                between = fs[u.end:r.start()] if u.end <= r.start() else fs[r.end():u.start]
                elected = electing and (year is None or period is None or year > period)
                guessed_election = not electing and year is not None and period is not None and year > period
                elected = elected or guessed_election
                if not electing and re.search(r"\b(?:se|sap)\b", between):
                    continue
                target = self.facts.elected if elected else self.facts.in_office
                sure = True
                if year is None:
                    any_year = [int(y) for y in _YEAR.findall(fs)]
                    if elected:
                        year = next((y for y in any_year if period is None or y > period), None)
                        if year is None and period is not None:
                            year, sure = period + 1, False
                    else:
                        year = period
                        sure = any_year == [period] if period else False
                if year is None:
                    continue
                if role in target and target[role].value != u.unit:
                    target[role].sure = False
                    target[role].why = "the text names more than one unit for this role"
                    continue
                if role not in target:
                    target[role] = Fact(u.unit, s.text, sure=not guessed_election,
                                        why="the sentence names the next term without saying it was elected"
                                        if guessed_election else "")
                term = target.get("term")
                if term is None:
                    target["term"] = Fact(year, s.text, sure=sure,
                                          why="" if sure else "the year of the term is not written; check it")
                elif term.value != year:
                    term.sure = False
                    term.why = "the text gives more than one year for the term"

    # people -----------------------------------------------------------------------------
    def people(self) -> None:
        seen: dict[str, Fact] = {}
        for s in self.sentences:
            for p in people_in(s.text):
                before = fold(s.text[max(0, p.start - 40):p.start])
                if re.search(r"\b(?:tang|trao|cho|khen thuong)\s+(?:(?:ong|ba|dong chi|d/c)\s+)?$", before):
                    continue                      # a recipient of an award, not an attendee
                role = _role_after(s.text, p) or _role_before(s.text, p)
                if not role:
                    continue
                role, org = split_role(role, self.registry)
                value: dict[str, Any] = {"name": p.name}
                if role:
                    value["role"] = upper_first(role)
                if org:
                    value["organization"] = org
                if p.name in seen:
                    old = seen[p.name].value
                    if "organization" not in old and org:
                        seen[p.name].value = value
                    continue
                seen[p.name] = Fact(value, s.text)
                self.facts.attendees.append(seen[p.name])

    # awards ------------------------------------------------------------------------------
    def awards(self) -> None:
        found: dict[tuple, Fact] = {}
        for s in self.sentences:
            text, fs = s.text, s.folded
            mentions = list(_AWARD.finditer(text))
            units = units_in(fs, self.registry)
            for i, m in enumerate(mentions):
                start = m.start()
                if fold(m.group()).startswith("co") and not re.search(
                        r"^co(?:\s+thi dua|\s+[\"“]|\s+don vi dan dau|\s+dan dau|\s+cua|\s+truyen thong)", fs[start:]):
                    continue
                phrase = self._award_phrase(text, start)
                fphrase = fold(phrase)
                authority = None
                for needle, canon in _AUTHORITIES:
                    if re.search(rf"\bcua\s+{needle}\b", fphrase):
                        authority = canon
                        break
                if authority is None:
                    before = fs[max(0, start - 80):start]
                    for needle, canon in _AUTHORITIES:
                        if re.search(rf"\b(?:duoc\s+)?{needle}\s+(?:tang|trao tang|khen thuong)\b", before) or \
                                re.search(rf"\bthua uy quyen cua\s+{needle}\b", fs):
                            authority = canon
                            break
                value: dict[str, Any] = {"award": upper_first(phrase)}
                why = ""
                sure = True
                coll = re.search(r"\b(\d+)\s+tap the\b", fs)
                indiv = re.search(r"\b(\d+)\s+ca nhan\b", fs)
                nxt = mentions[i + 1].start() if i + 1 < len(mentions) else len(text)
                recipient = None
                after = fs[start + len(phrase):nxt]
                ra = re.match(r"\s*(?:nam \d{4}\s*)?(?:cho|tang|trao cho|trao tang)\s+", after)
                if ra:
                    pos = start + len(phrase) + ra.end()
                    u = next((u for u in units if u.start == pos or (u.start > pos and u.start - pos <= 20)), None)
                    if u:
                        recipient = u.unit
                    else:
                        person = next((p for p in people_in(text) if 0 <= p.start - pos < 16), None)
                        if person:
                            role = _role_after(text, person)
                            recipient = person.name + (f", {role}" if role else "")
                if recipient is None and not (coll or indiv):
                    prior = [u for u in units if u.end <= start and start - u.end <= 90]
                    if prior and re.search(r"\b(?:nhan|duoc tang|duoc trao|don nhan|vinh du|duoc khen)\b",
                                           fs[prior[-1].end:start]) and not _AWARD.search(text[prior[-1].end:start]):
                        recipient = prior[-1].unit
                if recipient:
                    value["recipient"] = recipient
                elif coll or indiv:
                    value["count"] = {k: int(v[1]) for k, v in (("collectives", coll), ("individuals", indiv)) if v}
                if authority:
                    value["conferred_by"] = authority
                if _NOT_CONFERRED.search(fs):
                    sure, why = False, "the sentence may speak of a proposal, not an award given"
                cls = award_class(value["award"])
                key = (cls, value.get("recipient") or "", str(value.get("count") or ""))
                plain_key = (cls, "", "")
                if key in found:
                    if len(value) > len(found[key].value):
                        found[key].value = value
                    continue
                if plain_key in found and key != plain_key and not found[plain_key].value.get("recipient"):
                    old = found.pop(plain_key)
                    self.facts.awards.remove(old)
                if key == plain_key and any(k[0] == cls for k in found):
                    continue
                fact = Fact(value, text, sure=sure, why=why)
                found[key] = fact
                self.facts.awards.append(fact)

    @staticmethod
    def _award_phrase(text: str, start: int) -> str:
        rest = text[start:]
        q = re.match(r"[^\"“”,.;]{0,40}?[\"“]([^\"”]{3,120})[\"”](?:\s+năm\s+\d{4})?", rest)
        if q:
            phrase = q.group()
            tail = re.match(r"\s+của\s+(?:[^,.;]{0,50}?)(?=\s+(?:tặng|cho|và|vì|do|được|đã)\b|[,.;]|$)",
                            rest[len(phrase):])
            return (phrase + (tail.group() if tail else "")).replace("“", '"').replace("”", '"')
        stop = re.search(r"\s+(?:tặng|cho|và|được|đã|vì|do|trong|tại|nhằm|có|là)\b|[,.;(]|$", rest[3:])
        phrase = rest[:3 + stop.start()] if stop else rest
        return phrase.strip()

    # scores --------------------------------------------------------------------------------
    def scores(self) -> None:
        table: dict[str, dict[str, Any]] = {}
        sentence_of: dict[str, str] = {}
        for rows in self.source.tables:
            self._score_table(rows, table, sentence_of)
        if table:
            scale = next((m for s in self.sentences for m in [_SCALE.search(s.folded)] if m), None)
            for e in table.values():
                if scale and "points" in e and "out_of" not in e:
                    e["out_of"] = vi_number(scale.group(1) or scale.group(2))
            self._emit_scores(table, sentence_of, sure=True)
            return
        out_of_all = None
        for s in self.sentences:
            fs = s.folded
            if "ca nuoc" in fs or s.caption:
                continue
            if not re.search(r"\b(?:diem|dan dau|dung dau|xep thu|xep hang|dung thu|tiep (?:sau|theo) (?:la|do la))\b", fs):
                continue
            units = units_in(fs, self.registry)
            if not units:
                continue
            scale = re.search(r"(?:tren|/)\s*(?:tong so\s+|thang diem\s+|tong\s+)?(\d{1,3}(?:\.\d{3})+|\d+)\s*diem|thang diem\s+(\d{1,3}(?:\.\d{3})+|\d+)", fs)
            if scale:
                out_of_all = vi_number(scale.group(1) or scale.group(2))
            lead = re.search(r"\b(?:dan dau|dung dau|xep thu nhat|xep thu 1|xep hang nhat|xep hang thu nhat|"
                             r"dung thu nhat|dat giai nhat)\b", fs)
            if lead and not re.search(r"\b(?:co|don vi)\s+$", fs[:lead.start()]):
                prior = [u for u in units if u.end <= lead.start()]
                if prior:
                    u = prior[-1]
                    entry = table.setdefault(u.unit, {"unit": u.unit})
                    entry["rank"] = 1
                    pts = re.search(r"\b(\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:,\d+)?)\s*(?:/\s*[\d.]+\s*)?diem\b",
                                    fs[lead.end():lead.end() + 80])
                    if pts and not (scale and pts.start() + lead.end() == scale.start(1)):
                        entry["points"] = vi_number(pts.group(1))
                    sentence_of[u.unit] = s.text
            for m in re.finditer(r"\b(?:xep|dung|dat)\s+(?:thu|hang|vi tri thu)\s+(\w+)\b", fs):
                rank = WORD_NUMBERS.get(m[1]) or (int(m[1]) if m[1].isdigit() else None)
                prior = [u for u in units if u.end <= m.start() and m.start() - u.end <= 60]
                if not rank or not prior:
                    continue
                u = prior[-1]
                entry = table.setdefault(u.unit, {"unit": u.unit})
                entry["rank"] = rank
                pts = re.search(r"\b(?:voi|dat)\s+(\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:,\d+)?)\s*diem\b",
                                fs[m.end():m.end() + 60])
                if pts:
                    entry["points"] = vi_number(pts.group(1))
                sentence_of[u.unit] = s.text
            follow = re.search(r"\b(?:tiep (?:sau|theo)(?: do)? (?:la|lan luot la)|xep sau (?:la|lan luot la)|"
                               r"cac vi tri tiep theo (?:lan luot )?(?:la|thuoc ve))\b", fs)
            if follow and table:
                rank = max(e.get("rank", 0) for e in table.values())
                for u in [u for u in units if u.start >= follow.end()]:
                    if u.unit in table:
                        continue
                    rank += 1
                    entry = table.setdefault(u.unit, {"unit": u.unit, "rank": rank})
                    pts = re.match(r"\s*\(\s*(\d{1,3}(?:\.\d{3})*(?:,\d+)?|\d+(?:,\d+)?)\s*diem", fs[u.end:])
                    if pts:
                        entry["points"] = vi_number(pts.group(1))
                    sentence_of[u.unit] = s.text
        if out_of_all:
            for e in table.values():
                if "points" in e:
                    e["out_of"] = out_of_all
        self._emit_scores(table, sentence_of, sure=True)

    def _emit_scores(self, table, sentence_of, sure: bool) -> None:
        ordered = sorted(table.values(), key=lambda e: (e.get("rank") or 999, -(e.get("points") or 0)))
        for e in ordered:
            value = {k: e[k] for k in ("unit", "points", "out_of", "rank") if k in e}
            self.facts.scores.append(Fact(value, sentence_of.get(e["unit"], ""), sure=sure))

    def _score_table(self, rows: list[list[str]], table, sentence_of) -> None:
        header = [fold(c) for c in rows[0]]
        unit_col = next((i for i, h in enumerate(header) if re.search(r"\b(?:don vi|so noi vu|tinh|dia phuong)\b", h)), None)
        pts_col = next((i for i, h in enumerate(header) if re.search(r"\bdiem\b", h) and "hang" not in h), None)
        rank_col = next((i for i, h in enumerate(header) if re.search(r"\b(?:hang|xep hang|thu hang|thu tu xep)\b", h)), None)
        if unit_col is None or (pts_col is None and rank_col is None):
            return
        scale = None
        if pts_col is not None:
            m = re.search(r"(?:thang|tren|toi da)\s*(?:diem\s*)?(\d{1,3}(?:\.\d{3})+|\d+)", header[pts_col])
            scale = vi_number(m.group(1)) if m else None
        max_col = next((i for i, h in enumerate(header) if re.search(r"\b(?:toi da|thang diem|diem chuan)\b", h)
                        and i != pts_col), None)
        caption = "table: " + " | ".join(rows[0])
        for row in rows[1:]:
            if unit_col >= len(row):
                continue
            unit = self.registry.resolve_unit(row[unit_col])
            if not unit:
                continue
            entry: dict[str, Any] = {"unit": unit}
            if pts_col is not None and pts_col < len(row):
                v = vi_number(row[pts_col])
                if v is not None:
                    entry["points"] = v
            if max_col is not None and max_col < len(row):
                v = vi_number(row[max_col])
                if v:
                    entry["out_of"] = v
            elif scale and "points" in entry:
                entry["out_of"] = scale
            if rank_col is not None and rank_col < len(row):
                v = vi_number(row[rank_col])
                if isinstance(v, int):
                    entry["rank"] = v
            table[unit] = entry
            sentence_of[unit] = caption + " → " + " | ".join(row)

    # byline -------------------------------------------------------------------------------
    def byline(self) -> None:
        if self.source.url:
            self.facts.source = Fact(self.source.url, "(the page's address)")
        blocks = [b for b in self.source.blocks[-3:] if b.strip()]
        for b in reversed(blocks):
            text = b.strip()
            if len(text) > 70:
                break
            m = re.match(r"^(?:nguồn|theo)\s*:?\s*(.+)$", text, re.I)
            if m and re.search(r"\.[a-z]{2,}", m.group(1)):
                if not self.facts.source:
                    self.facts.source = Fact(_as_url(m.group(1)), text)
                continue
            m = re.match(r"^(.*?)\s*[-–—]\s*((?:https?://)?[\w.-]+\.[a-z]{2,}(?:/\S*)?)$", text)
            if m:
                if not self.facts.source:
                    self.facts.source = Fact(_as_url(m.group(2)), text)
                text = m.group(1).strip()
                if not text:
                    continue
            m = re.match(r"^(?:(?:tin|bài|ảnh|tin và ảnh|tin, ảnh|bài, ảnh)\s*:\s*)?(.+)$", text, re.I)
            name = m.group(1).strip(" .") if m else text
            if re.fullmatch(r"[A-ZĐ](?:\.[A-ZĐ]){1,4}|[A-ZĐ][^\W\d_]*(?:\s+[A-ZĐ][^\W\d_]*){0,3}", name) and \
                    len(name) <= 40 and not re.search(r"\b(?:hoi nghi|so noi vu|cum)\b", fold(name)):
                self.facts.author = Fact(name, b)
                break
            break
        if not self.facts.author and self.source.author:
            author = " ".join(self.source.author.split())
            if 0 < len(author) <= 40:
                self.facts.author = Fact(author, "(the page's author field)", sure=False,
                                         why="taken from the page's metadata")


def _as_url(text: str) -> str:
    text = text.strip().rstrip(".")
    if not text.startswith(("http://", "https://")):
        text = "https://" + text
    if text.count("/") == 2:
        text += "/"
    return text


def award_class(award: str) -> str:
    f = fold(award)
    for prefix, name in (("co", "Cờ thi đua"), ("bang khen", "Bằng khen"), ("giay khen", "Giấy khen"),
                         ("danh hieu", "Danh hiệu")):
        if f.startswith(prefix):
            return name
    return award


def extract(source: Source, registry: Registry, cluster: str | None = None) -> Facts:
    return Extractor(source, registry, cluster).run()
