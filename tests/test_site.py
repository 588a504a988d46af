"""The site model without templates: successions, gaps, units, archives, warnings."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from generator.build import pipeline
from generator.core.errors import BuildFailed, Severity
from sitekit import FIXTURES, article, content

CLUSTERS = """\
- name: Cụm A
  slug: cum-a
  members: [Sở Nội vụ tỉnh Một, Sở Nội vụ tỉnh Hai, Sở Nội vụ tỉnh Ba]
- name: Cụm Đông
  members: [Sở Nội vụ tỉnh Đắk Lắk, Sở Nội vụ tỉnh Bốn]
- name: Cụm Dừa
  members: [Sở Nội vụ tỉnh Năm]
"""


def model(root: Path, files: dict[str, str], clusters: str = CLUSTERS):
    content(root, {"clusters.yaml": clusters, **files})
    return pipeline.model(pipeline.configure(root, root.parent / "site"))


def problems(root: Path, files: dict[str, str], clusters: str = CLUSTERS):
    content(root, {"clusters.yaml": clusters, **files})
    try:
        site = pipeline.model(pipeline.configure(root, root.parent / "site"))
        return [p.format() for p in site.problems]
    except BuildFailed as exc:
        return [p.format() for p in exc.problems]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder


def report(title: str, date: str, **fields: str) -> str:
    return article(title, date, cluster="Cụm A", **fields)


def test_succession_with_gaps_and_repeated_reports(tmp_path):
    site = model(tmp_path / "c", {
        "a.md": report("Tổng kết 2019", "2019-12-10", period="2019",
                       elected="{term: 2020, chair: Sở Nội vụ tỉnh Một, vice_chair: Sở Nội vụ tỉnh Hai}"),
        # the same election, reported again at another conference: fine
        "b.md": report("Sơ kết 2020", "2020-07-01", period="2020", kind="so-ket",
                       in_office="{term: 2020, chair: Sở  Nội vụ tỉnh Một}"),
        # nothing at all about 2021 and 2022: gaps
        "c.md": report("Tổng kết 2022", "2023-01", period="2022",
                       elected="{term: 2023, chair: Sở Nội vụ tỉnh Ba}"),
    })
    cluster = next(c for c in site.clusters if c.slug == "cum-a")
    terms = {t.term: t for t in cluster.succession}
    assert sorted(terms) == [2020, 2023]
    assert terms[2020].chair.name == "Sở Nội vụ tỉnh Một"
    assert terms[2020].vice_chair.name == "Sở Nội vụ tỉnh Hai"
    assert [a.title for a in terms[2020].elected_at] == ["Tổng kết 2019"]
    assert [a.title for a in terms[2020].reported_in] == ["Tổng kết 2019", "Sơ kết 2020"]
    assert [(y.year, y.gap) for y in cluster.timeline] == [
        (2023, True), (2022, False), (2021, True), (2020, False), (2019, False)]
    # the month-only report of January 2023 belongs to the emulation year 2022 it reviews
    assert [a.title for a in cluster.timeline[1].articles] == ["Tổng kết 2022"]
    assert cluster.timeline[0].term.chair.name == "Sở Nội vụ tỉnh Ba"


def test_conflicting_vice_chairs_name_both_files(tmp_path):
    found = problems(tmp_path / "c", {
        "a.md": report("A", "2019-12-10", elected="{term: 2020, chair: Sở Nội vụ tỉnh Một, vice_chair: Sở Nội vụ tỉnh Hai}"),
        "b.md": report("B", "2020-07-01", in_office="{term: 2020, chair: Sở Nội vụ tỉnh Một, vice_chair: Sở Nội vụ tỉnh Ba}"),
    })
    assert found == ['c/b.md:5: in_office.vice_chair: "Sở Nội vụ tỉnh Ba" as vice-chair of Cụm A for 2020, but '
                     'c/a.md:5 names "Sở Nội vụ tỉnh Hai"; correct the report that is wrong; one term has one vice-chair']


def test_unit_names_in_two_unicode_forms_are_one_unit(tmp_path):
    nfd = unicodedata.normalize("NFD", "Sở Nội vụ tỉnh Đắk Lắk")
    site = model(tmp_path / "c", {
        "a.md": article("A", "2020-12-11", cluster="Cụm Đông", host=nfd,
                        scores=f"[{{unit: {nfd}, points: 990, rank: 1}}]"),
    })
    units = [u for u in site.units if "Đắk Lắk" in u.name]
    assert len(units) == 1
    unit = units[0]
    assert unit.url == "don-vi/so-noi-vu-tinh-dak-lak/"
    assert [a.title for a in unit.hosted] == ["A"]
    assert [(r.year, r.score.points) for r in unit.scores] == [(2020, 990)]
    assert [c.name for c in unit.clusters] == ["Cụm Đông"]


def test_people_who_receive_awards_are_not_units(tmp_path):
    site = model(tmp_path / "c", {
        "a.md": article("A", "2020-12-11", awards="[{award: Bằng khen, recipients: [Nguyễn Văn A, Sở Nội vụ tỉnh Một]}]"),
    })
    names = [u.name for u in site.units]
    assert "Sở Nội vụ tỉnh Một" in names and "Nguyễn Văn A" not in names


def test_units_outside_the_cluster_and_unknown_clusters_are_warnings_with_suggestions(tmp_path):
    found = problems(tmp_path / "c", {
        "a.md": report("A", "2020-12-11", elected="{term: 2021, chair: Sở Nội vụ tỉnh Mốt}"),
        "b.md": article("B", "2020-12-12", cluster="Cụm Đôngg"),
        "c.md": report("C", "2020-12-13", elected="{term: 2020, chair: Sở Nội vụ tỉnh Năm}"),
    })
    assert sorted(found) == [
        'warning: c/a.md:5: elected.chair: "Sở Nội vụ tỉnh Mốt" is written differently from the registered unit '
        '"Sở Nội vụ tỉnh Một"; write Sở Nội vụ tỉnh Một',
        'warning: c/b.md:4: cluster: "Cụm Đôngg" is not in clusters.yaml; did you mean "Cụm Đông"?',
        'warning: c/c.md:5: elected.chair: "Sở Nội vụ tỉnh Năm" is not a member of Cụm A in clusters.yaml; '
        'add it to the members of this cluster in clusters.yaml',
    ]


def test_indexes_are_in_vietnamese_alphabetical_order(tmp_path):
    site = model(tmp_path / "c", {"a.md": article("A", "2020-01-02")})
    assert [c.name for c in site.clusters] == ["Cụm A", "Cụm Dừa", "Cụm Đông"]
    names = [u.name for u in site.units]
    assert names.index("Sở Nội vụ tỉnh Đắk Lắk") > names.index("Sở Nội vụ tỉnh Bốn")


def test_year_archive_groups_by_cluster_with_news_last(tmp_path):
    site = model(tmp_path / "c", {
        "a.md": article("Tin", "2020-03-01"),
        "b.md": article("Báo cáo Đông", "2020-12-01", cluster="Cụm Đông"),
        "c.md": report("Báo cáo A", "2020-06-01"),
    })
    (year,) = site.years
    assert [(g.cluster.name if g.cluster else None, [a.title for a in g.articles]) for g in year.groups] == [
        ("Cụm A", ["Báo cáo A"]), ("Cụm Đông", ["Báo cáo Đông"]), (None, ["Tin"])]


def test_duplicate_ids_and_alias_collisions(tmp_path):
    found = problems(tmp_path / "c", {
        "a.md": article("A", "2020-01-02", id="bai-a"),
        "b.md": article("B", "2020-01-03", id="bai-a", aliases="[a]"),
    })
    errors = [f for f in found if not f.startswith("warning")]
    assert errors == [
        'c/b.md:4: id: "bai-a" is also the id of c/a.md; give each article its own id',
        'c/b.md:5: aliases: the old address of "B" would be published at /bai-viet/a/, which c/a.md:2 ("A") '
        'already uses; remove this alias, or give the other page another slug',
    ]


def test_bundled_content_holds_the_real_successions(project_root):
    site = pipeline.model(pipeline.configure(project_root / "content", project_root / "site"))
    assert [p.format() for p in site.problems if p.severity is Severity.WARNING] == []
    terms = {(c.slug, t.term): t for c in site.clusters for t in c.succession}

    def who(slug, term):
        t = terms[(slug, term)]
        return (t.chair.name if t.chair else None, t.vice_chair.name if t.vice_chair else None)

    assert who("bac-bo", 2020) == ("Sở Nội vụ thành phố Hải Phòng", None)
    assert who("bac-bo", 2021) == ("Sở Nội vụ tỉnh Nam Định", "Sở Nội vụ tỉnh Quảng Ninh")
    assert [a.date.iso() for a in terms[("bac-bo", 2021)].elected_at] == ["2020-12-11"]
    assert who("bac-bo", 2022) == ("Sở Nội vụ tỉnh Quảng Ninh", None)
    assert who("bac-bo", 2023) == ("Sở Nội vụ tỉnh Ninh Bình", None)
    assert who("trung-du-mien-nui-phia-bac", 2024) == ("Sở Nội vụ tỉnh Tuyên Quang", "Sở Nội vụ tỉnh Hòa Bình")
    assert who("mien-trung-tay-nguyen", 2023) == ("Sở Nội vụ tỉnh Lâm Đồng", "Sở Nội vụ tỉnh Quảng Nam")
    nam_dinh = site.unit("Sở Nội vụ tỉnh Nam Định")
    assert [(r.cluster.slug, r.term.term) for r in nam_dinh.chaired] == [("bac-bo", 2021)]


@pytest.mark.slow
def test_a_generated_corpus_builds_and_agrees_with_itself(tmp_path, project_root):
    maker = project_root / "benchmarks" / "make_corpus.py"
    subprocess.run([sys.executable, str(maker), str(tmp_path), "--articles", "300", "--words", "80"], check=True)
    site = pipeline.model(pipeline.configure(tmp_path / "content", tmp_path / "site"))
    assert [p.format() for p in site.problems] == []
    assert len(site.articles) == 300
    assert len(site.clusters) == 7
    for c in site.clusters:
        for t in c.succession:
            assert t.chair is not None and (t.elected_at or t.reported_in)
            assert all(a.elected.term == t.term for a in t.elected_at)
            assert all(t.term in {lead.term for lead in (a.elected, a.in_office) if lead} for a in t.reported_in)
        years = [y.year for y in c.timeline]
        assert years == list(range(years[0], years[-1] - 1, -1))  # every year, gaps included


@pytest.mark.parametrize("fixture", ["basic"])
def test_fixture_model_has_three_clusters_over_several_years(fixture):
    site = pipeline.model(pipeline.configure(FIXTURES / fixture / "content", Path("unused")))
    assert len(site.clusters) == 3
    assert len({a.date.year for a in site.articles}) >= 4


def test_aliases_cannot_take_pages_the_build_makes(tmp_path):
    found = problems(tmp_path / "c", {
        "a.md": report("A", "2020-12-11", period="2020", aliases="[cum-thi-dua/cum-a/2020, nam/2020/trang/2]"),
    })
    assert [f for f in found if not f.startswith("warning")] == [
        'c/a.md:6: aliases: the old address of "A" would be published at /cum-thi-dua/cum-a/2020/, which the page '
        'of Cụm A for 2020 already uses; remove this alias, or give the other page another slug',
        'c/a.md:6: aliases: the old address of "A" would be published at /nam/2020/trang/2/, which the archive '
        'of 2020 already uses; remove this alias, or give the other page another slug',
    ]
