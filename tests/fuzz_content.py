"""Hypothesis strategies for editors' files, valid and broken, friendly and hostile.

A generated document is bytes: front-matter (from real values of the right or wrong
type, or from raw YAML snippets: alias bombs, deep nesting, bad escapes, tags) and a
Markdown body (hostile HTML, deep nesting, odd links), sometimes re-encoded, cut short
or replaced by random bytes.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

import yaml
from hypothesis import strategies as st

ARTICLE_KEYS = ["title", "date", "slug", "cluster", "kind", "period", "location", "host", "summary", "attendees",
                "awards", "scores", "elected", "in_office", "images", "tags", "author", "source", "id", "aliases",
                "draft"]

ODD_TEXT = [
    "Cụm thi đua", unicodedata.normalize("NFD", "Cụm thi đua Bắc Bộ"), "Sở Nội vụ tỉnh Đắk Lắk",
    "\u200b", "\u200c\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\u00ad", "\u2028", "\u0085",
    "👨‍👩‍👧", "🇻🇳", "𝕏", "عربى", "עברית", "ﷺ", "Ａ", "ǅ", "İ", "ß", "\U0010fffd", "\ufffd",
    "<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>", "</title><svg onload=alert(1)>",
    "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "{{ config }}", "{% raw %}", "${x}",
    "../../etc/passwd", "..\\..\\x", "/", "\\", ": ", " #", "- ", "&a", "*a", "? ", "|", ">", "%", "@", "`",
    "\x1b[31m", "\x07", "\x7f", "'", '"', "\t", "   ",
]

SLUGISH = st.from_regex(r"\A[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,3}\Z")


def odd_text(max_parts: int = 6) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=12))
    return st.lists(piece, max_size=max_parts).map("".join)


def readable_text() -> st.SearchStrategy[str]:
    """Text that a field accepts: letters first, odd characters after."""
    return st.tuples(st.sampled_from(["Hội nghị", "Sở Nội vụ", "Cụm", "Tổng kết"]), odd_text(3)).map(" ".join)


scalars = st.one_of(
    odd_text(), st.integers(), st.integers(min_value=-10**30, max_value=10**30), st.floats(),
    st.booleans(), st.none(), st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(odd_text(2), inner, max_size=4)),
                      max_leaves=16)

VALID = {
    "title": readable_text(),
    "date": st.one_of(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
                      st.sampled_from(["2020-12", "2020-12-11 08:30", "11/12/2020", "2020-02-30"])),
    "slug": SLUGISH,
    "cluster": st.sampled_from(["Cụm thi đua các tỉnh, thành Bắc Bộ", "Cụm <b>lạ</b>", "Cụm mới"]),
    "kind": st.sampled_from(["tong-ket", "so-ket", "trien-khai", "other", "khac"]),
    "period": st.integers(min_value=1900, max_value=2300),
    "summary": odd_text(),
    "host": readable_text(),
    "attendees": st.lists(st.one_of(readable_text(), st.fixed_dictionaries(
        {"name": readable_text()}, optional={"role": odd_text(), "organization": readable_text()})), max_size=3),
    "awards": st.lists(st.fixed_dictionaries({"award": readable_text()}, optional={
        "recipient": readable_text(), "recipients": st.lists(readable_text(), max_size=3),
        "count": st.one_of(st.integers(-5, 200000), st.fixed_dictionaries({"collectives": st.integers(0, 9)})),
        "conferred_by": odd_text()}), max_size=3),
    "scores": st.lists(st.fixed_dictionaries({"unit": readable_text()}, optional={
        "points": st.one_of(st.integers(0, 1200), st.floats(), st.just("1.000,5")),
        "out_of": st.integers(0, 1000), "rank": st.integers(-1, 20)}), max_size=3),
    "elected": st.fixed_dictionaries({"term": st.integers(1940, 2210)},
                                     optional={"chair": readable_text(), "vice_chair": readable_text()}),
    "images": st.lists(st.one_of(
        st.sampled_from(["../media/a.png", "/media/a.png", "/media/khong-co.png", "../../../etc/passwd",
                         "javascript:alert(1)", "C:\\anh.png", "%2e%2e/x.png", "/media/a.svg", "/site.yaml"]),
        st.fixed_dictionaries({"src": st.sampled_from(["/media/a.png", "a.png", ""]), "caption": odd_text()})),
        max_size=3),
    "tags": st.lists(odd_text(2), max_size=4),
    "source": st.sampled_from(["https://example.gov.vn/a", "javascript:alert(1)", "//evil.example", "ftp://x",
                               "https://example.gov.vn/\"><script>alert(1)</script>"]),
    "id": st.one_of(SLUGISH, st.just("../x")),
    "aliases": st.lists(st.one_of(SLUGISH, st.sampled_from(["../../x", "bai-viet/cu", "static", "p/x",
                                                             "feed.xml", "/"])), max_size=3),
    "draft": st.one_of(st.booleans(), st.just("yes")),
}


@st.composite
def front_matter_values(draw) -> dict:
    """A mapping of article fields: each value valid-ish, or anything at all."""
    keys = draw(st.lists(st.sampled_from(ARTICLE_KEYS), unique=True, max_size=10))
    data = {"title": draw(VALID["title"]), "date": draw(VALID["date"])} if draw(st.booleans()) else {}
    for key in keys:
        strategy = VALID.get(key, odd_text())
        data[key] = draw(st.one_of(strategy, values) if draw(st.integers(0, 3)) else values)
    if draw(st.integers(0, 5)) == 0:
        data[draw(odd_text(2))] = draw(values)
    return data


def _bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines)


RAW_YAML = st.one_of(
    st.builds(_bomb, st.integers(2, 9), st.integers(2, 12)),
    st.builds(lambda n, o, c: f"title: x\ndate: 2020-01-01\ntags: {o * n}{c * n}", st.integers(1, 3000),
              st.sampled_from(["[", "{a: "]), st.sampled_from(["]", "}"])),
    st.builds(lambda n: "title: x\ndate: 2020-01-01\nawards:\n" + "".join("  " * i + "- \n" for i in range(n)),
              st.integers(1, 200)),
    st.sampled_from([
        'title: "\\ud800"\ndate: 2020-01-01', 'title: "\\udfff\\ud800"', 'title: "\\x00"', 'title: "\\U0001F600"',
        'title: "\\N\\_\\L\\P"', "title: 'unclosed\ndate: 2020-01-01", "title:\tx", "\ttitle: x",
        "title: x\ntitle: y\ndate: 2020-01-01", "a: &a [*a]\ntitle: x", "a: &a {b: *a}\ntitle: x",
        "base: &b {title: x}\n<<: *b\ndate: 2020-01-01", "title: !!binary aGk=\ndate: 2020-01-01",
        "title: !!python/object/apply:os.system [echo]\ndate: 2020-01-01", "title: !custom x",
        "title: x\ndate: 2020-13-45", "title: x\ndate: 2020-02-30 25:61", "? [a, b]\n: c", "? {a: b}\n: c",
        "- just\n- a list", "just a sentence", "", "~", "---\ntitle: two\n---", "...", "%YAML 1.1\n---\ntitle: x",
        "title: x\ndate: 2020-01-01\nperiod: 1e400", "title: x\ndate: 2020-01-01\nperiod: " + "9" * 5000,
        "title: " + "Hội nghị " * 20000 + "\ndate: 2020-01-01", "title: x\ndate: 2020-01-01\nslug: " + "a" * 400,
        "title: x\ndate: 2020-01-01\ncluster: " + "Cụm " * 2000,
    ]),
    odd_text(8),
)

HOSTILE_HTML = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>', "<iframe src=//evil.example></iframe>", "<style>*{}</style>",
    '<div style="x:expression(alert(1))">x</div>', "<svg><script>alert(1)</script></svg>", "<svg onload=alert(1)>",
    "<math><a xlink:href=javascript:alert(1)>x</a></math>", "<object data=x></object>", "<embed src=x>",
    '<base href="javascript://">', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>', "<details open ontoggle=alert(1)>",
    "<!--", "-->", "<![CDATA[", "]]>", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    '<p title="</p><script>alert(1)</script>">x</p>', "<template><script>alert(1)</script></template>",
    "&#xD800;", "&#0;", "&#x110000;", "&#55296;", "&lt;script&gt;", "<", ">", "&",
]
MARKDOWN = [
    "# Tiêu đề", "## Tiêu đề", "# Tiêu đề", "#", "| a | b |\n|---|:-:|\n| 1 | 2 |", "```\n<script>x</script>\n```",
    "[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "[x]( data:text/html,x)", "![a](/media/a.png)",
    "![a](../media/a.png)", "![a](khong-co.png)", "[a](../../../etc/passwd)", "[a](%2e%2e/x)", "[a](/media/a.svg)",
    "[a](#muc)", "[a](https://example.gov.vn)", "<javascript:alert(1)>", "[r]\n\n[r]: javascript:alert(1)",
    "[x](<a b>)", "[x](a\x00b)", "*a **b*** _c_", "`code`", "> trích", "- mục", "1. mục", "---", "\\", "\u202e",
]


@st.composite
def markdown_body(draw) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(HOSTILE_HTML), st.sampled_from(MARKDOWN), odd_text(4)),
                          max_size=12))
    if draw(st.integers(0, 4)) == 0:   # deep nesting
        unit = draw(st.sampled_from(["> ", "- ", "[", "*", "`", "<div>", "<b>", "1. ", "  - ", "_"]))
        parts.append(unit * draw(st.integers(1, 3000)) + "x")
    return draw(st.sampled_from(["\n", "\n\n", " ", ""])).join(parts)


@st.composite
def front_matter_text(draw) -> str:
    if draw(st.integers(0, 2)) == 0:
        return draw(RAW_YAML)
    data = draw(front_matter_values())
    try:
        return yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False,
                              default_flow_style=draw(st.sampled_from([None, True, False])))
    except yaml.YAMLError:
        return draw(RAW_YAML)


@st.composite
def document(draw) -> bytes:
    """One Markdown file's bytes."""
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(st.binary(max_size=400))
    fm = draw(front_matter_text())
    body = draw(markdown_body())
    if shape == 1:
        text = f"---\n{fm}\n"                      # never closed
    elif shape == 2:
        text = body                                 # no front-matter at all
    else:
        text = f"---\n{fm}\n---\n{body}\n"
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "cp1258", "utf-16", "crlf"]))
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    try:
        data = text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "strict")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:                # half-saved: cut anywhere, even inside a character
        data = data[:draw(st.integers(0, len(data)))]
    return data
