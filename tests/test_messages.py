"""The command line speaks Vietnamese to editors (English with ``--lang en``).

Messages are ``N_()`` templates in the code, translated when printed from the ``cli``
catalogue. These tests hold the catalogue to the code (every template translated, the
compiled file up to date) and scan what editors see for English that slipped through.
"""
from __future__ import annotations

import ast
import io
import re
import shutil
import signal
import string
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import tools
from generator.commands import overlay
from generator.commands.progress import Progress
from generator.core.errors import Problem, Severity
from generator.core.messages import LOCALE_DIR, Msg, N_, Translator, choose_language, utf8_console
from sitekit import FIXTURES, article, content, errors, run, write_tree
from test_errors import CASES, GOOD
from test_yaml_messages import CASES as YAML_CASES

PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "cli.po"
MO = PO.with_suffix(".mo")


def catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="vi", domain="cli")


def templates_in_code() -> dict[str, str]:
    """Every N_("…") template of the package, with where it is."""
    found = {}
    for path in sorted((tools.ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), \
                    f"{path.name}:{node.lineno}: N_() needs a literal template (kwargs carry the values)"
                found[first.value] = f"{path.relative_to(tools.ROOT)}:{node.lineno}"
    return found


def fields(template: str) -> set[str]:
    """The {fields} of a template; a template given no values (e.g. ``{unit: …}`` examples) is
    printed as it is, so there the braced parts themselves must be kept."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return set(re.findall(r"\{[^{}]*\}", template))


# -- the catalogue ----------------------------------------------------------------------


def test_every_template_has_a_vietnamese_translation_with_the_same_fields() -> None:
    cat = catalog()
    code = templates_in_code()
    assert len(code) > 300
    missing = [f"{where}: {t!r}" for t, where in code.items() if not (cat.get(t) and cat.get(t).string)]
    assert not missing, "translate these in generator/core/locale/vi/LC_MESSAGES/cli.po (make messages):\n" + \
        "\n".join(missing)
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert not fuzzy, fuzzy
    for t in code:
        message = cat.get(t)
        if "%(" in t or "%s" in t:          # argparse's own texts keep their %-fields
            assert sorted(re.findall(r"%\(\w+\)\w|%s", t)) == sorted(re.findall(r"%\(\w+\)\w|%s", message.string)), t
        else:
            assert fields(message.string) == fields(t), t
            assert message.string.strip(), t


# Calls that carry editor messages; their message and hint arguments must be N_() templates.
MESSAGE_CALLS = {"error", "warn", "_warn", "err", "fail", "log", "print", "Problem", "BodyProblem", "PublishError",
                 "WriteError", "YamlProblem", "_Unsafe", "WorkerDied", "BuildFailed", "_problem", "ImportProblem",
                 "Refusal"}


def _sentences(node: ast.AST) -> list[str]:
    """Literal English text with a space in it under *node*, outside N_() calls."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if " " in node.value.strip() else []
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return [text] if re.search(r"[A-Za-z] [A-Za-z]", text) else []
    found = []
    for child in ast.iter_child_nodes(node):
        found += _sentences(child)
    return found


def test_no_editor_message_is_written_outside_n_() -> None:
    """A message written as a plain string would print in English to a Vietnamese editor."""
    plain = []
    for path in sorted((tools.ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in MESSAGE_CALLS:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    plain += [f"{path.relative_to(tools.ROOT)}:{node.lineno}: {t!r}" for t in _sentences(arg)]
    assert not plain, "wrap these in N_() and translate them (make messages):\n" + "\n".join(plain)


def test_compiled_catalogue_is_up_to_date_with_the_po() -> None:
    buffer = io.BytesIO()
    write_mo(buffer, catalog())
    assert MO.read_bytes() == buffer.getvalue(), "run make messages to compile cli.po into cli.mo"


def test_the_theme_catalogue_a_build_reads_is_compiled_from_its_po() -> None:
    from generator.render import i18n

    po = i18n.LOCALE_DIR / "vi.po"
    with po.open("rb") as f:
        theme = read_po(f, locale="vi")
    buffer = io.BytesIO()
    write_mo(buffer, theme)
    assert po.with_suffix(".mo").read_bytes() == buffer.getvalue(), "run make messages to compile vi.po into vi.mo"
    # What the pages show comes from it: a translated id of the theme reads in Vietnamese.
    message = next(m for m in theme if m.id and m.string and m.id != m.string)
    assert i18n.translations("vi").gettext(message.id) == message.string


def test_the_compiled_catalogue_is_packaged() -> None:
    import fnmatch
    import tomllib

    data = tomllib.loads((tools.ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["generator.core"]
    for path in (MO, PO):
        rel = path.relative_to(tools.ROOT / "generator" / "core").as_posix()
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), rel
    theme = data["tool"]["setuptools"]["package-data"]["generator.render"]
    for rel in ("locale/vi.po", "locale/vi.mo"):
        assert any(fnmatch.fnmatch(rel, p) for p in theme), rel


def test_measured_numbers_and_dates_in_the_editors_form() -> None:
    import datetime as dt

    from generator.core.messages import Num

    message = N_("{when}: {size} MB", when=dt.date(2020, 12, 11), size=Num(12.25, 1))
    assert message == "2020-12-11: 12.2 MB"
    assert Translator("vi")(message) == "11/12/2020: 12,2 MB"


def test_a_missing_translation_falls_back_to_english_never_to_empty() -> None:
    vi = Translator("vi")
    assert vi(N_("a sentence nobody translated: {x}", x=1)) == "a sentence nobody translated: 1"
    assert vi(N_("missing")) == "còn thiếu"
    assert vi("plain text") == "plain text"


def test_messages_joined_with_text_stay_translatable() -> None:
    joined = "(" + N_("missing") + ") " + N_("is empty")
    assert isinstance(joined, Msg) and joined == "(missing) is empty"
    assert Translator("vi")(joined) == "(còn thiếu) đang để trống"


# -- choosing the language --------------------------------------------------------------


def test_language_order_lang_then_env_then_locale_then_site_yaml(tmp_path: Path) -> None:
    site = content(tmp_path / "c", {}, "title: T\nlanguage: en\n")
    plain = tmp_path / "none"
    assert choose_language(None, {}, plain) == "vi"                                   # the default
    assert choose_language(None, {}, site) == "en"                                    # site.yaml
    assert choose_language(None, {"LANG": "vi_VN.UTF-8"}, site) == "vi"               # locale beats site.yaml
    assert choose_language(None, {"LANG": "C.UTF-8"}, site) == "en"                   # C is skipped
    assert choose_language(None, {"LANG": "fr_FR.UTF-8"}, plain) == "vi"              # no catalogue: skipped
    assert choose_language(None, {"LC_ALL": "en_US.UTF-8", "LANG": "vi_VN"}, plain) == "en"
    assert choose_language(None, {"LC_MESSAGES": "POSIX", "LANG": "en_GB"}, plain) == "en"
    assert choose_language(None, {"CONFSITE_LANG": "vi", "LANG": "en_US.UTF-8"}, site) == "vi"  # env beats locale
    assert choose_language("en", {"CONFSITE_LANG": "vi"}, plain) == "en"             # --lang beats all


# -- no English reaches an editor who reads Vietnamese -----------------------------------

_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'|`[^`]*`|<[^>]*>|\S+\.(?:md|yaml|svg|png|jpg)\b|\S*/\S*|(?<!\w)--?[\w-]+')


def english_words() -> set[str]:
    """Words of the English templates that no Vietnamese translation uses (so "date:" or
    "Markdown" are not counted: they are written as they are in both languages)."""
    cat = catalog()
    english, vietnamese = set(), set()
    for m in cat:
        if m.id:
            english |= {w.lower() for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", m.id))}
            vietnamese |= {w.lower() for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", m.string))}
    return english - vietnamese - {"yaml", "utf", "svg", "html", "url", "id", "png"}


def english_in(output: str, allowed: str = "") -> list[str]:
    """Lines of *output* with an English template fragment or English words outside quotes."""
    cat = catalog()
    fragments = set()
    for m in cat:
        if m.id and "%(" not in m.id:
            for piece in re.split(r"\{\w+\}", m.id):
                piece = piece.strip(" ;:,.()")
                if len(piece.split()) >= 3:
                    fragments.add(piece)
    words = english_words()
    own = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", allowed)}
    bad = []
    for line in output.splitlines():
        if any(f in line for f in fragments):
            bad.append(line)
            continue
        text = _QUOTED.sub(" ", line.split(": ", 2)[-1] if re.match(r"^\S+:\d*:? ", line) else line)
        hits = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)} & words - own
        if len(hits) >= 2:
            bad.append(f"{line}   <- {sorted(hits)}")
    return bad


BROKEN = {name: files for name, (files, _) in CASES.items()}
BROKEN.update({
    "clusters and site.yaml": {
        "clusters.yaml": "- name: Cụm A\n  members: [Sở Nội vụ tỉnh A, Sở Nội vụ tỉnh A]\n- name: Cụm A\n- 12\n",
        "reports/a.md": article(cluster="Cụm B", elected="{term: 2021}", tags="{a: 1}", draft="có",
                                period="1800", source="ftp://x", images="[{caption: x}]", attendees="[[1]]"),
        "reports/b.md": "---\ntitle: T\ndate: 2020\nslug: A B\nscores: [{unit: Sở Nội vụ tỉnh A, points: 99, out_of: 10}]"
                        "\n---\n[x](C:/tai-lieu/a.docx)\n",
        "reports/c.md": "---\ntitle: T\ndate: 2020-12-11\n",
        "reports/d.md": "---\ntitle: !!python/name:os.system\ndate: 2020-12-11\n---\n",
    },
    # Problems that issue 18 (the first week's bugs) words: points and out_of in one, a thousands
    # dot, links without an address, on one computer, to ftp:, a file name in the wrong case,
    # lists nested too deeply, two titles making one address, UTF-16 without a byte-order mark.
    "first week": {
        "reports/e.md": article("Sơ kết", scores="[{unit: Sở Nội vụ tỉnh A, points: 994/1000}, "
                                "{unit: Sở Nội vụ tỉnh B, points: 1.000, out_of: 1000}]",
                                body="[trống]()\n\n[tải](ftp://x.example/a.pdf)\n\n[tệp](file:///C:/a.docx)\n\n"
                                     "![Ảnh](/anh.png)\n\n" + "".join("  " * i + "- mục\n" for i in range(12))),
        "Anh.png": b"\x89PNG\r\n\x1a\n",
        "reports/f.md": article("Sơ kết"),
        "reports/g.md": article("Bài UTF-16", body="Nội dung.").encode("utf-16-le"),
    },
    # Issue 15: YAML problems told in confsite's own words, one file each.
    "yaml in our words": {f"reports/y{i}.md": "---\n" + text + "---\nNội dung.\n"
                          for i, (text, *_) in enumerate(YAML_CASES.values())},
    # Issue 16: mistakes in the registry of units, and names written another way.
    "registry": {
        "units.yaml": "- id: a\n  name: Sở Nội vụ tỉnh A\n  merged_into: b\n- id: a\n  name: Sở Nội vụ tỉnh Khác\n"
                      "- id: c\n  name: Sở Nội vụ tỉnh C\n  also: [Sở Nội vụ tỉnh A]\n  from: 2020-01-01\n"
                      "  until: 2019-01-01\n- id: d\n  name: Sở Nội vụ tỉnh D\n  until: 2025-06-30\n"
                      "  merged_into: không-có\n  renamed_to: c\n- 12\n",
        "clusters.yaml": "- name: Cụm thi đua các tỉnh Bắc Bộ\n  members: [Sở Nội vụ tỉnh A, Sở Nội vụ tỉnh Mới]\n",
        "reports/r.md": article("Hội nghị Cụm", cluster="Cụm thi đua các tỉnh Bắc bộ", host="Sở Nội vụ tỉnh C",
                                location="Ủy ban nhân dân tỉnh"),
    },
})


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_build_in_vietnamese_prints_no_english(case: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONFSITE_LANG", "vi")
    files = BROKEN[case]
    content(tmp_path / "content", {**GOOD, **files})
    code, out, err = run("build", "--content", "content", "--output", "site")
    assert code == 1
    assert "dựng không thành công" in err.splitlines()[-1]
    allowed = " ".join(v if isinstance(v, str) else "" for v in files.values())
    assert english_in(err, allowed) == []
    for line in err.splitlines():     # the structure stays: path:line: field: what was found; what to write
        assert re.match(r"^(cảnh báo: )?\S+?(:\d+)?: ", line) or line.startswith("dựng không thành công"), line


def test_the_hostile_fixture_in_vietnamese_prints_no_english(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "hostile" / "broken", tmp_path / "content")
    code, out, err = run("--lang", "vi", "build")
    assert code == 1
    assert len(err.splitlines()) > 10
    assert english_in(err) == []


def test_lang_en_gives_the_english_messages_unchanged(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONFSITE_LANG", "vi")
    for name in ("day-first date", "yaml syntax error", "unknown kind", "conflicting chairs"):
        files, expected = CASES[name]
        shutil.rmtree(tmp_path / "content", ignore_errors=True)
        content(tmp_path / "content", {**GOOD, **files})
        code, out, err = run("build", "--lang", "en", "--content", "content", "--output", "site")
        assert code == 1
        assert errors(err) == expected
        assert err.splitlines()[-1] == f"build failed: {len(expected)} error(s); site/ was not changed"
        code, out, vi = run("build", "--content", "content", "--output", "site")
        assert vi.splitlines()[-1] == f"dựng không thành công: {len(expected)} lỗi; site/ không bị thay đổi"


def test_the_same_problem_in_both_languages_keeps_path_line_and_field(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {"reports/a.md": article(date="11/12/2020")})
    _, _, en = run("--lang", "en", "build")
    _, _, vi = run("--lang", "vi", "build")
    assert en.splitlines()[0] == 'content/reports/a.md:3: date: "11/12/2020" is not a date; write 2020-12-11'
    assert vi.splitlines()[0] == 'content/reports/a.md:3: date: "11/12/2020" không phải là ngày tháng; hãy viết 2020-12-11'
    assert english_in(vi) == [] and english_in(en) == en.splitlines()      # the scan sees English


# -- build, check, progress -------------------------------------------------------------


def test_build_summary_and_check_in_both_languages(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {"reports/a.md": article("Hội nghị Cụm thi đua tổng kết")})
    code, out, err = run("--lang", "vi", "build")
    assert code == 0 and out.startswith("đã dựng 1 bài, ") and "0 cảnh báo, trong" in out
    code, out, err = run("--lang", "en", "build")
    assert code == 0 and out.startswith("built 1 articles, ")
    code, out, err = run("check", "--lang", "vi")
    assert code == 0 and out.startswith("kiểm tra đạt: 1 bài (kể cả bài nháp), không có lỗi")
    assert "cảnh báo: content/reports/a.md:2: summary: còn thiếu; " in err
    assert "cluster: tiêu đề giống hội nghị của một Cụm thi đua" in err
    assert english_in(out + err) == []
    code, out, err = run("check", "--lang", "en")
    assert code == 0 and out.startswith("check passed: 1 articles (drafts included), no errors")
    assert "warning: content/reports/a.md:2: summary: missing; " in err
    write_tree(tmp_path / "content", {"reports/b.md": article(date="2020-02-30")})
    code, out, err = run("check", "--lang", "vi")
    assert code == 1 and err.splitlines()[-1] == "kiểm tra không đạt: 1 lỗi; không ghi gì cả"


def test_progress_line_in_vietnamese() -> None:
    stream = io.StringIO()
    with Progress(stream, live=False, quiet_for=0, tr=Translator("vi")) as progress:
        for stage in ("load", "validate", "model", "render", "write"):
            progress(stage)
    assert [ln.split(" … ")[0] for ln in stream.getvalue().splitlines()] == [
        "[1/5] đọc tệp", "[2/5] kiểm tra", "[3/5] dựng mô hình", "[4/5] tạo trang", "[5/5] ghi tệp"]


# -- --help ---------------------------------------------------------------------------

COMMANDS = ("build", "serve", "check", "new", "publish")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_in_both_languages(command: str) -> None:
    code, vi, _ = run("--lang", "vi", command, "--help")
    assert code == 0
    assert vi.startswith("cách dùng: confsite " + command)
    assert "tuỳ chọn:" in vi and "hiện hướng dẫn này rồi thoát" in vi and "--lang {vi,en}" in vi
    assert english_in(vi, "confsite usage DEST URL LIVERELOAD_PORT BASE_URL CONTENT OUTPUT HOST PORT KEEP "
                          "TITLE CLUSTER DATE LANG vi en") == []
    code, en, _ = run("--lang", "en", command, "--help")
    assert code == 0 and en.startswith("usage: confsite " + command) and "show this help message and exit" in en


def test_top_level_help_and_argument_errors_in_both_languages() -> None:
    code, vi, _ = run("--lang", "vi", "--help")
    assert code == 0 and "Dựng trang tin báo cáo hội nghị từ các tệp Markdown." in vi
    assert "dựng trang vào thư mục đầu ra" in vi
    code, _, err = run("--lang", "vi", "new")
    assert code == 2 and "confsite new: lỗi: còn thiếu các tham số: title" in err
    code, _, err = run("--lang", "en", "new")
    assert code == 2 and "confsite new: error: the following arguments are required: title" in err


# -- new ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, comment, placeholder, refused", [
    ("vi", "# tiêu đề bài, như bạn đọc sẽ thấy", "Viết nội dung bài ở đây",
     "body: vẫn còn đoạn chữ mẫu của confsite new; hãy viết nội dung bài vào chỗ đó"),
    ("en", "# the headline, as readers will see it", "Write the report here",
     "body: still holds the placeholder text of confsite new; write the report in its place"),
])
def test_new_writes_a_draft_skeleton_in_the_language(lang, comment, placeholder, refused, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {})
    code, out, err = run("--lang", lang, "new", "Hội nghị tổng kết năm 2024", "--date", "2024-12-20")
    assert code == 0, err
    path = tmp_path / "content/reports/2024/hoi-nghi-tong-ket-nam-2024.md"
    assert out.strip().startswith({"vi": "đã tạo ", "en": "wrote "}[lang] + "content/reports/2024/hoi-nghi-tong-ket-nam-2024.md")
    text = path.read_text("utf-8")
    assert comment in text and placeholder in text
    lines = text.splitlines()
    draft = next(ln for ln in lines if ln.startswith("draft: true"))
    commented = [ln for ln in lines[1:lines.index("---", 1)] if not ln.startswith("#")]
    assert all("  # " in ln for ln in commented), commented       # every field line explains itself
    if lang == "vi":
        assert "# đơn vị đăng cai" in text and "# bảng điểm: mỗi đơn vị một dòng" in text
        assert "bài nháp không được đăng lên trang" in draft
        assert english_in(text, "title date slug cluster kind period location host summary attendees awards "
                                "scores elected images tags author draft true tong ket so trien khai other "
                                "term chair vice_chair src caption unit points out_of rank award recipient "
                                "Markdown Heading") == []
    # A draft passes check; with the draft line gone, check and build refuse the placeholder.
    assert run("--lang", lang, "check")[0] == 0
    path.write_text(text.replace(draft + "\n", ""), "utf-8")
    for command in ("check", "build"):
        code, _, err = run("--lang", lang, command)
        assert code == 1
        assert f"content/reports/2024/hoi-nghi-tong-ket-nam-2024.md:{len(lines) - 1}: {refused}" in err, err


def test_new_problems_in_vietnamese(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {"clusters.yaml": "- name: Cụm thi đua các tỉnh Bắc Bộ\n"})
    code, _, err = run("--lang", "vi", "new", "Tổng kết", "--cluster", "Cum thi dua cac tinh Bac Bo x")
    assert code == 0          # written as given, with a warning that says how to register the cluster
    assert 'cảnh báo: content/clusters.yaml: cluster: "Cum thi dua cac tinh Bac Bo x" không có trong clusters.yaml; ' \
           'có phải ý bạn là "Cụm thi đua các tỉnh Bắc Bộ"? Nếu không phải và đây là Cụm thi đua mới, hãy thêm' in err
    assert english_in(err, "Cum thi dua cac tinh Bac Bo") == []
    code, _, err = run("--lang", "vi", "new", "Tổng kết", "--date", "20/12/2024")
    assert code == 1 and "--date: '20/12/2024' không phải là ngày tháng; hãy viết theo dạng YYYY-MM-DD" in err
    assert "hoặc YYYY-MM khi chỉ biết tháng" in err


# -- import ---------------------------------------------------------------------------


def test_import_in_vietnamese(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {})
    write_tree(tmp_path / "in", {
        "bao-cao.txt": "Hội nghị tổng kết công tác thi đua năm 2024 của Cụm thi đua các tỉnh Bắc Bộ\n\n"
                       "Ngày 20/12/2024, tại Hội trường Sở Nội vụ tỉnh A, Cụm thi đua đã tổ chức hội nghị tổng kết.\n",
        "trong.txt": "", "cu.doc": b"\xd0\xcf\x11\xe0old", "anh.bmp": b"BM"})
    code, out, err = run("--lang", "vi", "import", "in/bao-cao.txt", "in/trong.txt", "in/cu.doc", "in/anh.bmp",
                         "in/khong-co.docx")
    assert code == 1
    assert "in/bao-cao.txt → content/reports/2024/" in out and "đã điền" in out
    assert "in/trong.txt: tệp trống; hãy đưa nội dung báo cáo vào tệp, hoặc bỏ tệp này ra" in err
    assert "in/khong-co.docx: không có tệp hoặc thư mục này" in err
    assert "4 tệp không nhập được (xem ở trên)" in err.splitlines()[-1]
    assert english_in(out + err) == []
    [draft] = (tmp_path / "content/reports/2024").glob("*.md")
    text = draft.read_text("utf-8")
    assert "# Bài nháp do confsite import tạo từ in/bao-cao.txt." in text and "# trích từ: " in text
    assert "# trích từ: cùng câu trên" in text
    comments = "\n".join(ln.split("# ", 1)[1] for ln in text.splitlines() if "# " in ln and "trích từ:" not in ln)
    assert english_in(comments, "confsite import draft true in bao cao txt") == []


# -- publish --------------------------------------------------------------------------


def test_publish_and_rollback_in_both_languages(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    content(tmp_path / "content", {"reports/a.md": article()})
    code, out, err = run("--lang", "vi", "publish", "www")
    assert code == 0, err
    assert re.match(r"^đã đăng \d+ tệp thành bản www/releases/\S+; www/current trỏ tới bản này, trong", out)
    code, out, err = run("--lang", "en", "publish", "www")
    assert code == 0 and re.match(r"^published \d+ files as www/releases/\S+; www/current points at it in", out)
    code, out, err = run("--lang", "vi", "publish", "www", "--rollback")
    assert code == 0 and out.startswith("đã quay www/current từ bản ")
    code, out, err = run("--lang", "vi", "publish", "www", "--rollback")
    assert code == 1 and "là bản cũ nhất còn giữ trong" in err and "không còn bản nào để quay lại" in err
    assert english_in(err) == []
    code, out, err = run("--lang", "en", "publish", "www", "--rollback")
    assert code == 1 and "there is no earlier release to go back to" in err
    code, out, err = run("--lang", "vi", "publish", "www", "--keep", "0")
    assert code == 1 and "đăng không thành công: --keep 0 sẽ xoá mất bản đang chạy" in err
    code, out, err = run("--lang", "vi", "publish", "bientap@may-chu.example:")
    assert code == 1 and "nơi đăng bientap@may-chu.example: không ghi thư mục trên máy chủ sau dấu hai chấm" in err
    code, out, err = run("--lang", "vi", "publish", "ssh://may-chu.example:x/srv")
    assert code == 1 and "cổng không phải là số; hãy viết theo dạng ssh://user@host:2222/srv/snv-tin" in err
    code, out, err = run("--lang", "vi", "publish", "www", "--dry-run")
    assert code == 1 and "--dry-run liệt kê những gì sẽ được gửi lên máy chủ" in err
    write_tree(tmp_path / "content", {"reports/b.md": article("B", date="2020-13-01")})
    code, out, err = run("--lang", "vi", "publish", "www")
    assert code == 1 and err.splitlines()[-1] == "đăng không thành công: 1 lỗi; www/current không bị thay đổi"


# -- serve and its overlay ------------------------------------------------------------


def test_overlay_and_placeholder_in_both_languages(tmp_path: Path) -> None:
    problems = [Problem("content/a.md", 3, "date", N_('"{text}" is not a date', text="11/12/2020"),
                        N_("write {date}", date="2020-12-11")),
                Problem("content/a.md", 4, "foo", N_("unknown field, ignored"), severity=Severity.WARNING)]
    vi = overlay.markup(problems, tmp_path, Translator("vi"))
    assert "Chưa dựng lại được trang: 1 lỗi" in vi and 'lang="vi"' in vi
    assert "&quot;11/12/2020&quot; không phải là ngày tháng; hãy viết 2020-12-11" in vi
    assert "Hãy sửa tệp rồi lưu lại: trang này sẽ tự tải lại." in vi
    en = overlay.markup(problems, tmp_path)
    assert "The site could not be rebuilt: 1 error(s)" in en and "is not a date; write 2020-12-11" in en
    assert "Trang chưa được dựng lần nào." in overlay.placeholder(problems, 1, Translator("vi")).decode()
    assert "The site has not been built yet." in overlay.placeholder(problems, 1).decode()


@pytest.mark.parametrize("lang, serving, title, failed", [
    ("vi", "đang mở bản xem trước tại http://127.0.0.1:", "Chưa dựng lại được trang: 1 lỗi",
     "dựng không thành công: 1 lỗi; vẫn hiển thị bản dựng tốt gần nhất"),
    ("en", "serving http://127.0.0.1:", "The site could not be rebuilt: 1 error(s)",
     "build failed: 1 error(s); still serving the last good site"),
])
def test_serve_speaks_the_language(lang, serving, title, failed, tmp_path: Path) -> None:
    content(tmp_path / "content", {"reports/a.md": article(date="2020-12-41")})
    port, live = tools.free_port(), tools.free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--lang", lang, "--port", str(port),
             "--livereload-port", str(live)], cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            tools.wait_for_port(port, timeout=30, proc=proc)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/tin/")
                pytest.fail("a failed first build must answer 404 with the overlay")
            except urllib.error.HTTPError as exc:
                page = exc.read().decode("utf-8")
            assert title in page
            assert "content/reports/a.md:3" in page
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
    text = log.read_text("utf-8")
    assert serving in text and failed in text
    if lang == "vi":
        assert "content/reports/a.md:3: date: \"2020-12-41\" không phải là một ngày có thật" in text
        assert english_in(text) == []


# -- Windows consoles -------------------------------------------------------------------


def test_output_is_utf8_on_a_console_with_an_old_code_page() -> None:
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="cp1252")     # a Windows console before UTF-8
    utf8_console(console)
    console.write("Cụm trưởng, Cụm phó, đơn vị đăng cai\n")
    console.flush()
    assert raw.getvalue().decode("utf-8") == "Cụm trưởng, Cụm phó, đơn vị đăng cai\n"
