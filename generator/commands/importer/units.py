"""Units and clusters as the importer recognises them in running text.

A unit of the registry (a member of a cluster in ``clusters.yaml``) is found by its
province: "Sở Nội vụ Hải Phòng", "Sở Nội vụ thành phố Hải Phòng" and a bare "Hải
Phòng" in a list after a unit all resolve to the registered "Sở Nội vụ thành phố Hải
Phòng". Provinces that no registered cluster lists still resolve, to the name the
content contract would use ("Sở Nội vụ tỉnh …"), so a report of an unregistered
cluster keeps its units.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ...core.slugs import clean_name, fold, name_key

# Provinces and centrally-run cities (before and after the 2025 mergers), and whether
# the department is a city's ("thành phố") or a province's ("tỉnh").
CITIES = ("Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ", "Huế")
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình",
    "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên",
    "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)

_PREFIX = re.compile(r"^(?:sở nội vụ|snv)\s+(?:(?:tỉnh|thành phố|tp\.?)\s+)?", re.IGNORECASE)


def province_key(text: str) -> str:
    """Folded, spaced key of a province name: "Hòa Bình" and "Hoà Bình" meet."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


@dataclass(frozen=True)
class Cluster:
    name: str
    tail: str                       # the distinctive words, folded: "bac bo"
    members: tuple[str, ...]


class Registry:
    """The clusters and member units of a content folder, with the country's provinces."""

    def __init__(self, clusters: list[Cluster]):
        self.clusters = clusters
        self.units: dict[str, str] = {}          # province key → unit name
        for p in PROVINCES:
            self.units[province_key(p)] = f"Sở Nội vụ tỉnh {p}"
        for c in CITIES:
            self.units[province_key(c)] = f"Sở Nội vụ thành phố {c}"
        self.registered: set[str] = set()
        for cluster in clusters:
            for member in cluster.members:
                key = province_key(_PREFIX.sub("", member))
                if key:
                    self.units[key] = member
                    self.registered.add(member)
        # Longest first, so "Thừa Thiên Huế" wins over "Huế" and "Bà Rịa - Vũng Tàu" is one name.
        self._keys = sorted(self.units, key=len, reverse=True)
        self._cities = {province_key(c) for c in CITIES}

    @classmethod
    def from_data(cls, data: object) -> "Registry":
        clusters = []
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                name = clean_name(item["name"])
                members = tuple(clean_name(m) for m in item.get("members") or () if isinstance(m, str))
                clusters.append(Cluster(name, cluster_tail(name), members))
        return cls(clusters)

    def province_at(self, folded: str) -> tuple[str, int] | None:
        """(province key, length in folded characters) of the province name *folded* starts with."""
        for key in self._keys:
            if folded.startswith(key) and (len(folded) == len(key) or not folded[len(key)].isalnum()):
                return key, len(key)
        return None

    def unit(self, key: str) -> str:
        return self.units[key]

    def is_city(self, key: str) -> bool:
        return key in self._cities

    def resolve_unit(self, text: str) -> str | None:
        """The unit for a written name ("Sở Nội vụ Hải Phòng", "tỉnh Nam Định", "Nam Định")."""
        rest = province_key(_PREFIX.sub("", clean_name(text)))
        rest = re.sub(r"^(?:tinh|thanh pho|tp)\s+", "", rest)
        hit = self.province_at(rest)
        return self.units[hit[0]] if hit and hit[1] == len(rest) else None

    def cluster_named(self, text: str) -> Cluster | None:
        key = name_key(text)
        for c in self.clusters:
            if name_key(c.name) == key:
                return c
        tail = cluster_tail(text)
        found = [c for c in self.clusters if c.tail and c.tail == tail]
        if len(found) == 1:
            return found[0]
        near = difflib.get_close_matches(tail, [c.tail for c in self.clusters], n=1, cutoff=0.85)
        return next((c for c in self.clusters if near and c.tail == near[0]), None)


_GENERIC = ("cum thi dua", "nganh noi vu", "so noi vu", "cac tinh thanh pho", "cac tinh thanh", "cac tinh",
            "cac so noi vu", "tinh thanh", "thanh pho", "khu vuc", "vung")


def cluster_tail(name: str) -> str:
    """The words that tell one cluster from another: "Cụm thi đua các tỉnh, thành Bắc Bộ" → "bac bo"."""
    text = " " + province_key(name) + " "
    for generic in _GENERIC:
        text = text.replace(f" {generic} ", " ")
    return " ".join(text.split())
