"""Every YAML problem an editor meets is told in confsite's words, whatever PyYAML says.

The same cases run under the locked PyYAML (`make test`) and the newest one
(`make test-latest`); the expected messages are the project's, so a library release that
words or limits things differently cannot change what an editor reads.
"""
from __future__ import annotations

import pytest
import yaml

from generator.core import yamldoc
from sitekit import build, content, errors

DEEP = ("nested more than 40 levels deep", "flatten the structure")
UNREADABLE = ("this line cannot be read as YAML",
              "check the indentation (items of one list line up under each other) and put text that holds "
              ": # [ ] { } in double quotes")

# name: (YAML text, line of the problem with the block starting at line 2, message, hint)
CASES = {
    "short deep flow (libyaml 0.2.6 refuses it itself)": (
        "title: x\ntags: " + "[" * 60 + "]" * 60 + "\n", 3, *DEEP),
    "past libyaml's own limit of 1000 levels": ("title: x\ntags: " + "[" * 1100 + "]" * 1100 + "\n", 3, *DEEP),
    "deep block mappings": (
        "title: x\n" + "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "v: 1\n", 43, *DEEP),
    "deep compact sequences": ("title: x\nlist:\n" + "- " * 60 + "x\n", 4, *DEEP),
    "tab indentation": ("title: x\nelected:\n\tterm: 2021\n", 4, "the line is indented with a tab",
                        "indent with spaces, not tabs"),
    "bad escape": ('title: "Hội nghị \\x"\n', 2, "a \\ code in double quotes names no real character",
                   "type the character itself, or use single quotes to keep the backslash"),
    "undefined alias": ("title: x\ntags: *nope\n", 3, "*nope refers to no anchor &nope",
                        "write the value out plainly; YAML anchors and aliases are not needed here"),
    "unclosed quote": ('title: "Hội nghị\ndate: 2020-01-01\n', 2, "a double quote opened on this line is not closed",
                       'end the text with " on the same line'),
    "unclosed list": ("title: x\ntags: [a, b\ndate: 2020-01-01\n", 3,
                      "a list in [ ] or a group in { } opened on this line is not closed",
                      "close it on the same line, or put text that holds [ or { in double quotes"),
    "colon in a value": ("title: Hội nghị: tổng kết\n", 2,
                         'the value holds ": " without quotes, which YAML reads as a second field name',
                         'put text that contains ": " in double quotes, e.g. title: "Hội nghị: tổng kết"'),
    "control character": ("title: x\x00\n", 2,
                          "the text holds the invisible control character U+0000, which YAML does not allow",
                          "delete it (it comes with text copied from PDF or Word files)"),
    "indentation": ("title: x\nelected:\n  term: 2021\n chair: A\n", 5, *UNREADABLE),
}


def library_words(text: str) -> str:
    """What PyYAML itself says about *text* (empty if it reads it)."""
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        try:
            yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            return getattr(exc, "problem", None) or str(exc)
        except RecursionError:
            return "maximum recursion depth exceeded"
    return ""


@pytest.mark.parametrize("name", CASES)
def test_yaml_problems_are_worded_by_the_project(name):
    text, line, message, hint = CASES[name]
    with pytest.raises(yamldoc.YamlProblem) as caught:
        yamldoc.parse(text, line_offset=1)
    problem = caught.value
    assert (problem.line, problem.message, problem.hint) == (line, message, hint)
    said = library_words(text)
    if said:
        assert said not in problem.message + problem.hint


def test_a_short_deeply_nested_front_matter_gets_the_projects_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = content(tmp_path / "content", {"reports/a.md": "---\ntitle: x\ndate: 2020-01-01\ntags: "
                                         + "[" * 50 + "]" * 50 + "\n---\nx\n"})
    code, _, err = build(src, tmp_path / "site")
    assert code == 1 and not (tmp_path / "site").exists()
    assert errors(err) == ["content/reports/a.md:4: front-matter: nested more than 40 levels deep; flatten the structure"]


def test_ordinary_front_matter_is_not_walked_twice(monkeypatch):
    """The cheap bound lets ordinary front-matter skip the separate depth walk."""
    from generator.core import yamlguard

    walked = []
    monkeypatch.setattr(yamlguard, "check_depth", lambda *a: walked.append(a))
    text = ("title: x\ndate: 2020-12-11\nscores:\n" + "".join(
        f"  - {{unit: Sở Nội vụ tỉnh {n}, points: 9{n}0, rank: {n}}}\n" for n in range(1, 8))
        + "elected:\n  term: 2021\n  chair: Sở Nội vụ tỉnh A\ntags: [thi đua, khen thưởng]\n")
    assert yamldoc.parse(text).value["elected"]["term"] == 2021
    assert walked == []
    yamldoc.parse("tags: " + "[" * 30 + "]" * 30 + "\n")
    assert len(walked) == 1
