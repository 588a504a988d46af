#!/usr/bin/env python3
"""Make a synthetic archive of Vietnamese emulation-cluster conference reports.

    python benchmarks/make_corpus.py OUT --articles 1000 [--seed 7] [--words 600]
                                         [--flavor confsite|hugo|pelican|eleventy]

OUT/content/ receives a content folder: site.yaml, clusters.yaml, one Markdown file per
report (year-end reviews with scores, awards and the units elected chair and vice-chair of
the next term; mid-year reviews; work-plan conferences; news items of a single
department), attendees, and SVG score charts and banners under media/ that the reports
show as images. The same seed and size always give the same bytes, so two builds, two
machines or two generators can be compared on the same work.

The ``hugo``, ``pelican`` and ``eleventy`` flavors write the same articles (title, date,
cluster, tags, body) in the layout those generators read, for benchmarks/bench.py. Hugo's
and Pelican's carry no templates or settings of their own (bench.py adds them); Eleventy
has no site without a configuration, so its flavor also writes a minimal comparable one
(eleventy.config.mjs and Nunjucks templates: article pages, cluster and tag lists of 20
articles a page, the home page and a feed).

Only the standard library is used: the tests and the benchmarks run this file with any
Python >= 3.11.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# --- Facts: the seven clusters of provincial Departments of Home Affairs (before 2025) ---

MUNICIPALITIES = frozenset({"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh"})

CLUSTER_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("bac-bo", "Cụm thi đua các tỉnh, thành Bắc Bộ",
     ("Hà Nội", "Hải Phòng", "Quảng Ninh", "Hải Dương", "Hưng Yên", "Thái Bình", "Nam Định",
      "Ninh Bình", "Hà Nam", "Vĩnh Phúc", "Bắc Ninh")),
    ("trung-du-mien-nui-phia-bac", "Cụm thi đua Sở Nội vụ các tỉnh Trung du và miền núi phía Bắc",
     ("Bắc Kạn", "Bắc Giang", "Thái Nguyên", "Hòa Bình", "Yên Bái", "Phú Thọ", "Tuyên Quang")),
    ("mien-nui-phia-bac", "Cụm thi đua Sở Nội vụ các tỉnh miền núi phía Bắc",
     ("Hà Giang", "Cao Bằng", "Lạng Sơn", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La")),
    ("bac-trung-bo", "Cụm thi đua Sở Nội vụ các tỉnh Bắc Trung Bộ",
     ("Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế")),
    ("mien-trung-tay-nguyen", "Cụm thi đua Sở Nội vụ các tỉnh, thành miền Trung, Tây Nguyên",
     ("Đà Nẵng", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Kon Tum",
      "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng")),
    ("dong-nam-bo", "Cụm thi đua Sở Nội vụ các tỉnh, thành Đông Nam Bộ",
     ("Hồ Chí Minh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Bình Phước", "Tây Ninh",
      "Ninh Thuận", "Bình Thuận")),
    ("tay-nam-bo", "Cụm thi đua Sở Nội vụ các tỉnh, thành Tây Nam Bộ",
     ("Cần Thơ", "Long An", "Tiền Giang", "Bến Tre", "Vĩnh Long", "Trà Vinh", "Đồng Tháp",
      "An Giang", "Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau")),
)

FIRST_YEAR, LAST_YEAR = 2012, 2026

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Quốc", "Ngọc", "Kim", "Xuân")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hạnh", "Khánh", "Linh", "Long", "Mai",
         "Nam", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tùng", "Việt", "Yến")
POSITIONS = ("Giám đốc", "Phó Giám đốc", "Chánh Văn phòng", "Chánh Thanh tra",
             "Trưởng ban Thi đua - Khen thưởng", "Trưởng phòng Tổ chức, biên chế")
GUESTS = ("Đại diện lãnh đạo Vụ Thi đua - Khen thưởng, Bộ Nội vụ",
          "Đại diện Ban Thi đua - Khen thưởng Trung ương",
          "Lãnh đạo Văn phòng Bộ Nội vụ")

SUBJECTS = ("cải cách hành chính", "chuyển đổi số", "sắp xếp tổ chức bộ máy",
            "quản lý biên chế", "tuyển dụng công chức, viên chức", "thanh tra công vụ",
            "văn thư, lưu trữ", "công tác tôn giáo", "xây dựng chính quyền cơ sở",
            "đào tạo, bồi dưỡng cán bộ", "thi đua, khen thưởng", "văn hóa công vụ")
ACTIONS = ("triển khai", "đẩy mạnh", "hoàn thành", "rà soát", "kiện toàn", "đổi mới",
           "tham mưu tốt", "theo dõi, đôn đốc")
MANNERS = ("đúng kế hoạch", "có chiều sâu", "đạt chỉ tiêu đề ra", "bảo đảm chất lượng",
           "sát với thực tiễn địa phương", "kịp thời, đúng quy định")
TAGS = ("thi đua", "khen thưởng", "cải cách hành chính", "chuyển đổi số", "văn thư lưu trữ",
        "tổ chức bộ máy", "công vụ")

MEETINGS = {
    "tong-ket": "Hội nghị tổng kết công tác thi đua, khen thưởng năm {year}",
    "so-ket": "Hội nghị sơ kết công tác thi đua 6 tháng đầu năm {year}",
    "trien-khai": "Hội nghị triển khai nhiệm vụ thi đua năm {year}",
}
FLAG = 'Cờ thi đua của Bộ Nội vụ "Đơn vị dẫn đầu phong trào thi đua"'
MERIT = "Bằng khen của Bộ trưởng Bộ Nội vụ"


def unit_of(province: str) -> str:
    """The unit's full name, as clusters.yaml and reports write it."""
    kind = "thành phố" if province in MUNICIPALITIES else "tỉnh"
    return f"Sở Nội vụ {kind} {province}"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (đ becomes d, tone marks dropped)."""
    folded = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    words, word = [], []
    for ch in folded:
        if unicodedata.combining(ch):
            continue
        if ch.isascii() and ch.isalnum():
            word.append(ch.lower())
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return "-".join(words)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- The articles --------------------------------------------------------------------


@dataclass
class Score:
    unit: str
    rank: int
    points: int | None


@dataclass
class Report:
    slug: str
    title: str
    date: dt.date
    host: str
    location: str
    cluster: tuple[str, str, tuple[str, ...]] | None    # None: a news item of one department
    kind: str | None = None
    attendees: list[object] = field(default_factory=list)    # str, or dict(name, role, organization)
    scores: list[Score] = field(default_factory=list)
    awards: list[dict] = field(default_factory=list)
    in_office: tuple[int, str, str] | None = None
    elected: tuple[int, str, str] | None = None
    images: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    body: str = ""


class Corpus:
    """Draws the reports of one archive; every choice comes from one seeded generator."""

    def __init__(self, seed: int, words: int) -> None:
        self.rng = random.Random(f"confsite-corpus-{seed}")
        self.words = words
        self.slugs: set[str] = set()
        self.leaders: dict[tuple[str, int], tuple[str, str]] = {}   # (cluster slug, term) → chair, vice
        self.media: dict[str, str] = {}                             # path under content/ → SVG text

    def leaders_of(self, cluster, term: int) -> tuple[str, str]:
        """The chair and vice-chair of a cluster's term: one answer however often asked."""
        key = (cluster[0], term)
        if key not in self.leaders:
            chair, vice = self.rng.sample(cluster[2], 2)
            self.leaders[key] = (unit_of(chair), unit_of(vice))
        return self.leaders[key]

    def person(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def unique_slug(self, title: str) -> str:
        base = ascii_slug(title)
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return slug

    def meeting_date(self, kind: str, year: int) -> dt.date:
        r = self.rng
        if kind == "tong-ket":
            return dt.date(year, 12, r.randint(3, 29))
        if kind == "so-ket":
            return dt.date(year, r.choice((6, 7)), r.randint(2, 28))
        return dt.date(year, r.randint(1, 3), r.randint(2, 27))

    def report(self) -> Report:
        r = self.rng
        cluster = r.choice(CLUSTER_TABLE)
        year = r.randint(FIRST_YEAR, LAST_YEAR)
        host_province = r.choice(cluster[2])
        host = unit_of(host_province)
        place = "thành phố" if host_province in MUNICIPALITIES else "tỉnh"
        location = f"Hội trường {host}, {place} {host_province}"
        if r.random() < 0.25:
            kind = r.choice(("tong-ket", "so-ket", "trien-khai"))
            title = f"{host} {r.choice(ACTIONS)} {r.choice(SUBJECTS)} năm {year}"
            rep = Report(self.unique_slug(title), title, self.meeting_date(kind, year), host, location, None)
            rep.attendees = [self.attendee(cluster, host_province) for _ in range(r.randint(1, 3))]
        else:
            kind = r.choices(("tong-ket", "so-ket", "trien-khai"), weights=(5, 3, 2))[0]
            title = f"{MEETINGS[kind].format(year=year)} của {cluster[1]}"
            rep = Report(self.unique_slug(title), title, self.meeting_date(kind, year), host, location,
                         cluster, kind)
            rep.attendees = [self.attendee(cluster, None) for _ in range(r.randint(2, 5))]
            if r.random() < 0.5:
                rep.attendees.append(r.choice(GUESTS))
            if kind == "tong-ket":
                self.year_end(rep, year)
        rep.tags = r.sample(TAGS, r.randint(1, 3))
        if rep.cluster and r.random() < 0.3:
            rep.images.append(self.banner(rep.cluster))
        rep.body = self.body(rep, year)
        return rep

    def attendee(self, cluster, province: str | None) -> object:
        r = self.rng
        org = unit_of(province or r.choice(cluster[2]))
        if r.random() < 0.5:
            return {"name": self.person(), "role": r.choice(POSITIONS), "organization": org}
        return f"{self.person()}, {r.choice(POSITIONS)} {org}"

    def year_end(self, rep: Report, year: int) -> None:
        r = self.rng
        cluster = rep.cluster
        ranked = r.sample(cluster[2], min(len(cluster[2]), r.randint(3, 7)))
        top = sorted((r.randint(880, 1000) for _ in ranked), reverse=True)
        published = r.randint(1, len(ranked))       # the source gives points for the first few only
        rep.scores = [Score(unit_of(p), i + 1, top[i] if i < published else None)
                      for i, p in enumerate(ranked)]
        rep.awards = [{"award": FLAG, "recipient": rep.scores[0].unit, "conferred_by": "Bộ trưởng Bộ Nội vụ"}]
        if r.random() < 0.7:
            rep.awards.append({"award": MERIT, "collectives": r.randint(1, 5), "individuals": r.randint(2, 15)})
        if r.random() < 0.4:
            rep.in_office = (year, *self.leaders_of(cluster, year))
        rep.elected = (year + 1, *self.leaders_of(cluster, year + 1))
        chart = f"media/{year}/{cluster[0]}-{year}-diem.svg"
        if chart not in self.media:
            self.media[chart] = score_chart(rep.scores)
        rep.images.append((f"/{chart}", f"Điểm thi đua năm {year} của {cluster[1]}"))

    def banner(self, cluster) -> tuple[str, str]:
        path = f"media/cum/{cluster[0]}.svg"
        if path not in self.media:
            self.media[path] = banner_svg(cluster[1])
        return f"/{path}", f"Các đơn vị thành viên {cluster[1]}"

    def sentence(self, rep: Report) -> str:
        r = self.rng
        who = (unit_of(r.choice(rep.cluster[2])) if rep.cluster and r.random() < 0.6
               else "Các đơn vị" if rep.cluster else rep.host)
        return (f"{who} {r.choice(ACTIONS)} công tác {r.choice(SUBJECTS)} {r.choice(MANNERS)}; "
                f"trong năm tới tiếp tục {r.choice(ACTIONS)} {r.choice(SUBJECTS)}.")

    def body(self, rep: Report, year: int) -> str:
        r = self.rng
        d = rep.date
        blocks = [f"Ngày {d.day}/{d.month}/{d.year}, tại {rep.location}, {rep.host} "
                  f"{'chủ trì ' + rep.title[0].lower() + rep.title[1:] if rep.cluster else 'thông tin về kết quả công tác'}."]
        count = len(blocks[0].split())
        while count < self.words:
            para = " ".join(self.sentence(rep) for _ in range(r.randint(2, 5)))
            blocks.append(para)
            count += len(para.split())
            pick = r.random()
            if pick < 0.12:
                blocks.append(f"## Phương hướng năm {year + 1}")
            elif pick < 0.22:
                blocks.append("\n".join(f"- {r.choice(ACTIONS).capitalize()} {r.choice(SUBJECTS)};"
                                        for _ in range(r.randint(2, 4))))
            elif pick < 0.28 and rep.scores:
                rows = [f"| {s.rank} | {s.unit} | {s.points if s.points is not None else '—'} |"
                        for s in rep.scores]
                blocks.append("| Thứ hạng | Đơn vị | Điểm |\n|---:|---|---:|\n" + "\n".join(rows))
            elif pick < 0.32:
                blocks.append(f"> {self.sentence(rep)}")
        if rep.elected:
            blocks.append(f"Hội nghị bầu {rep.elected[1]} làm Cụm trưởng, {rep.elected[2]} làm Cụm phó "
                          f"năm {rep.elected[0]}.")
        return "\n\n".join(blocks) + "\n"


def score_chart(scores: list[Score]) -> str:
    """A small bar chart of the published points, as SVG text."""
    shown = [s for s in scores if s.points is not None]
    rows = []
    for i, s in enumerate(shown):
        width = max(10, (s.points - 800) * 2)
        y = 10 + i * 24
        rows.append(f'<rect x="10" y="{y}" width="{width}" height="18" fill="#2a6f97"/>'
                    f'<text x="{width + 16}" y="{y + 14}" font-size="12">{s.points}</text>')
    height = 20 + 24 * len(shown)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="{height}" '
            f'viewBox="0 0 480 {height}">' + "".join(rows) + "</svg>\n")


def banner_svg(name: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="120" viewBox="0 0 640 120">'
            '<rect width="640" height="120" fill="#f4efe6"/>'
            f'<text x="20" y="68" font-size="22" fill="#7a1f1f">{name}</text></svg>\n')


# --- Writers -------------------------------------------------------------------------


def yaml_attendee(a: object) -> list[str]:
    if isinstance(a, dict):
        return [f"  - name: {quoted(a['name'])}", f"    role: {quoted(a['role'])}",
                f"    organization: {quoted(a['organization'])}"]
    return [f"  - {quoted(a)}"]


def confsite_document(rep: Report, number: int) -> str:
    out = ["---", f"id: bai-{number:06d}", f"title: {quoted(rep.title)}", f"slug: {rep.slug}",
           f"date: {rep.date.isoformat()}"]
    if rep.cluster:
        out += [f"cluster: {quoted(rep.cluster[1])}", f"kind: {rep.kind}", f"period: {rep.date.year}"]
    out += [f"location: {quoted(rep.location)}", f"host: {quoted(rep.host)}", "attendees:"]
    for a in rep.attendees:
        out += yaml_attendee(a)
    if rep.scores:
        out.append("scores:")
        for s in rep.scores:
            points = f", points: {s.points}, out_of: 1000" if s.points is not None else ""
            out.append(f"  - {{unit: {quoted(s.unit)}{points}, rank: {s.rank}}}")
    if rep.awards:
        out.append("awards:")
        for w in rep.awards:
            out.append(f"  - award: {quoted(w['award'])}")
            if "recipient" in w:
                out += [f"    recipient: {quoted(w['recipient'])}", f"    conferred_by: {quoted(w['conferred_by'])}"]
            else:
                out.append(f"    count: {{collectives: {w['collectives']}, individuals: {w['individuals']}}}")
    for name, lead in (("in_office", rep.in_office), ("elected", rep.elected)):
        if lead:
            out += [f"{name}:", f"  term: {lead[0]}", f"  chair: {quoted(lead[1])}",
                    f"  vice_chair: {quoted(lead[2])}"]
    if rep.images:
        out.append("images:")
        for src, caption in rep.images:
            out += [f"  - src: {src}", f"    caption: {quoted(caption)}"]
    out.append("tags: [" + ", ".join(quoted(t) for t in rep.tags) + "]")
    out.append("---")
    return "\n".join(out) + "\n\n" + rep.body


SITE_YAML = """\
title: Lưu trữ tin hội nghị thi đua, khen thưởng ngành Nội vụ
base_url: https://snv.example.gov.vn/tin/
language: vi
description: Báo cáo hội nghị tổng kết, sơ kết và triển khai của các Cụm thi đua Sở Nội vụ (dữ liệu tổng hợp để đo tốc độ).
"""


def clusters_yaml() -> str:
    parts = ["# The seven clusters of the synthetic archive (benchmarks/make_corpus.py)."]
    for slug, name, provinces in CLUSTER_TABLE:
        parts.append(f"\n- name: {quoted(name)}\n  slug: {slug}\n  members:")
        parts.extend(f"    - {quoted(unit_of(p))}" for p in provinces)
    return "\n".join(parts) + "\n"


def other_document(rep: Report, flavor: str) -> tuple[str, str]:
    """The path under OUT and the text of an article for Hugo or Pelican."""
    cluster = rep.cluster[1] if rep.cluster else "Tin tức"
    tags = ", ".join(rep.tags)
    if flavor == "hugo":
        text = (f"---\ntitle: {quoted(rep.title)}\ndate: {rep.date.isoformat()}\nslug: {rep.slug}\n"
                f"clusters: [{quoted(cluster)}]\ntags: [{', '.join(quoted(t) for t in rep.tags)}]\n---\n\n")
        return f"content/posts/{rep.slug}.md", text + rep.body
    text = (f"Title: {rep.title}\nDate: {rep.date.isoformat()}\nSlug: {rep.slug}\n"
            f"Category: {cluster}\nTags: {tags}\n\n")
    return f"content/{rep.slug}.md", text + rep.body


# --- Eleventy: the articles, plus the smallest site comparable to Hugo's in bench.py ---

ELEVENTY_CONFIG = """\
// A minimal site for benchmarks/bench.py, written by benchmarks/make_corpus.py: article
// pages, cluster and tag lists (20 articles a page), the home page and a feed.
export default function (eleventyConfig) {
  const slugify = eleventyConfig.getFilter("slugify");
  const newestFirst = (a, b) => b.date - a.date;
  eleventyConfig.addFilter("dmy", (d) =>
    `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`);
  eleventyConfig.addCollection("articles", (api) => api.getFilteredByGlob("content/posts/*.md").sort(newestFirst));
  // One entry per list page, for a single pagination over all of them (terms.njk).
  eleventyConfig.addCollection("termPages", (api) => {
    const groups = new Map();
    for (const post of api.getFilteredByGlob("content/posts/*.md")) {
      const terms = [["clusters", post.data.cluster], ...(post.data.tags || []).map((t) => ["tags", t])];
      for (const [kind, name] of terms) {
        const key = `${kind}/${slugify(name)}`;
        if (!groups.has(key)) groups.set(key, { name, posts: [] });
        groups.get(key).posts.push(post);
      }
    }
    const pages = [];
    for (const [key, { name, posts }] of [...groups].sort()) {
      posts.sort(newestFirst);
      for (let i = 0; i * 20 < posts.length; i++) {
        pages.push({ name, url: `/${key}/` + (i ? `page/${i + 1}/` : ""), posts: posts.slice(i * 20, i * 20 + 20) });
      }
    }
    return pages;
  });
  return { dir: { input: "content", includes: "_includes" }, markdownTemplateEngine: false };
}
"""

ELEVENTY_TEMPLATES = {
    "_includes/base.njk": """\
<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{{ title }} · Tin hội nghị thi đua, khen thưởng ngành Nội vụ</title></head><body>
<header><a href="/">Tin hội nghị thi đua, khen thưởng ngành Nội vụ</a></header>
<main>{{ content | safe }}</main></body></html>
""",
    "_includes/article.njk": """\
---
layout: base.njk
---
<article><h1>{{ title }}</h1>
<p><time>{{ page.date | dmy }}</time> · <a href="/clusters/{{ cluster | slugify }}/">{{ cluster }}</a></p>
{{ content | safe }}</article>
""",
    "posts/posts.11tydata.json": '{"layout": "article.njk"}\n',
    "index.njk": """\
---
layout: base.njk
title: Trang chủ
---
<ul>
{% for post in collections.articles.slice(0, 20) %}<li><a href="{{ post.url }}">{{ post.data.title }}</a></li>
{% endfor %}</ul>
""",
    "terms.njk": """\
---
layout: base.njk
pagination: {data: collections.termPages, size: 1, alias: term, addAllPagesToCollections: false}
permalink: "{{ term.url }}"
eleventyComputed: {title: "{{ term.name }}"}
---
<h1>{{ term.name }}</h1><ul>
{% for post in term.posts %}<li><a href="{{ post.url }}">{{ post.data.title }}</a> {{ post.date | dmy }}</li>
{% endfor %}</ul>
""",
    "feed.njk": """\
---
permalink: /feed.xml
eleventyExcludeFromCollections: true
---
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tin hội nghị thi đua, khen thưởng ngành Nội vụ</title>
<link>https://snv.example.gov.vn/tin/</link>
{% for post in collections.articles %}<item><title>{{ post.data.title }}</title><link>https://snv.example.gov.vn/tin{{ post.url }}</link><pubDate>{{ post.date.toUTCString() }}</pubDate></item>
{% endfor %}</channel></rss>
""",
}


def eleventy_document(rep: Report) -> tuple[str, str]:
    cluster = rep.cluster[1] if rep.cluster else "Tin tức"
    text = (f"---\ntitle: {quoted(rep.title)}\ndate: {rep.date.isoformat()}\ncluster: {quoted(cluster)}\n"
            f"tags: [{', '.join(quoted(t) for t in rep.tags)}]\n---\n\n")
    return f"content/posts/{rep.slug}.md", text + rep.body


def write_corpus(out: Path, articles: int, seed: int = 7, words: int = 600, flavor: str = "confsite") -> int:
    """Write the corpus under *out*; returns the number of articles written."""
    corpus = Corpus(seed, words)
    reports = [corpus.report() for _ in range(articles)]
    files: dict[str, str] = {}
    if flavor == "confsite":
        files["content/site.yaml"] = SITE_YAML
        files["content/clusters.yaml"] = clusters_yaml()
        for number, rep in enumerate(reports, 1):
            files[f"content/reports/{rep.date.year}/{rep.slug}.md"] = confsite_document(rep, number)
        files.update({f"content/{path}": svg for path, svg in corpus.media.items()})
    elif flavor in ("hugo", "pelican"):
        files.update(other_document(rep, flavor) for rep in reports)
    elif flavor == "eleventy":
        files["eleventy.config.mjs"] = ELEVENTY_CONFIG
        files.update({f"content/{rel}": text for rel, text in ELEVENTY_TEMPLATES.items()})
        files.update(eleventy_document(rep) for rep in reports)
    else:
        raise ValueError(f"unknown flavor {flavor!r}")
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return len(reports)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder to write into (content/ is made inside it)")
    ap.add_argument("--articles", type=int, default=1000, help="how many articles (default 1000)")
    ap.add_argument("--seed", type=int, default=7, help="the same seed gives the same corpus (default 7)")
    ap.add_argument("--words", type=int, default=600, help="about how many words per article body")
    ap.add_argument("--flavor", choices=("confsite", "hugo", "pelican", "eleventy"), default="confsite")
    args = ap.parse_args(argv)
    if args.articles < 1:
        ap.error("--articles must be at least 1")
    n = write_corpus(args.out, args.articles, args.seed, args.words, args.flavor)
    print(f"wrote {n} articles ({args.flavor}) under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
