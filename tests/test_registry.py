"""Units and clusters are identities of the registry (units.yaml, clusters.yaml), not spellings.

Each resolution rule, the stability of addresses, the two cases of issue 16, registry
errors, and a held-out archive with 2025 mergers built end to end.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from generator.build import pipeline
from generator.render import search
from generator.core.errors import BuildFailed
from sitekit import FIXTURES, article, build, content, errors, run, warnings

UNITS = """\
- id: hai-phong
  name: Sở Nội vụ thành phố Hải Phòng
  also: [SNV Hải Phòng]
- id: hoa-binh
  name: Sở Nội vụ tỉnh Hòa Bình
- id: dak-lak
  name: Sở Nội vụ tỉnh Đắk Lắk
- id: nam-dinh
  name: Sở Nội vụ tỉnh Nam Định
  until: 2025-06-30
  merged_into: ninh-binh
- id: ninh-binh
  name: Sở Nội vụ tỉnh Ninh Bình
"""

CLUSTERS = """\
- name: Cụm thi đua các tỉnh, thành Bắc Bộ
  slug: bac-bo
  members: [hai-phong, Sở Nội vụ tỉnh Nam Định, Sở Nội vụ tỉnh Ninh Bình]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder


def tree(root: Path, files: dict[str, str], units: str = UNITS, clusters: str = CLUSTERS) -> Path:
    return content(root, {"units.yaml": units, "clusters.yaml": clusters, **files})


def model(root: Path, files: dict[str, str], **kw):
    tree(root, files, **kw)
    return pipeline.model(pipeline.configure(root, root.parent / "site"))


def messages(root: Path, files: dict[str, str], **kw) -> list[str]:
    tree(root, files, **kw)
    try:
        return [p.format() for p in pipeline.model(pipeline.configure(root, root.parent / "site")).problems]
    except BuildFailed as exc:
        return [p.format() for p in exc.problems]


def hosted_by(name: str) -> str:
    return article("Hội nghị", "2020-12-11", host=name)


def unit_urls(site) -> dict[str, str]:
    return {u.name: u.url for u in site.units}


# -- resolution rules ------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["Sở Nội vụ thành phố Hải Phòng", "SNV Hải Phòng",
                                     "Sở Nội vụ thành phố Hải Phòng".encode().decode()])
def test_an_official_or_other_name_is_the_entry_without_a_warning(tmp_path, written):
    site = model(tmp_path / "c", {"a.md": hosted_by(written)})
    assert site.unit(written).url == "don-vi/hai-phong/"
    assert [p for p in site.problems if "host" in p.field] == []


@pytest.mark.parametrize("written, registered", [
    ("sở nội vụ thành phố hải phòng", "Sở Nội vụ thành phố Hải Phòng"),           # case
    ("So Noi vu thanh pho Hai Phong", "Sở Nội vụ thành phố Hải Phòng"),           # no diacritics
    ("Sở Nội vụ TP. Hải Phòng", "Sở Nội vụ thành phố Hải Phòng"),                 # TP.
    ("Sở Nội vụ Tp Hải Phòng", "Sở Nội vụ thành phố Hải Phòng"),
    ("Sở Nội vụ thành phố HảiPhòng", "Sở Nội vụ thành phố Hải Phòng"),            # spacing
    ("Sở Nội vụ tỉnh Hoà Bình", "Sở Nội vụ tỉnh Hòa Bình"),                       # old tone-mark placement
    ("Sở Nội vụ tỉnh Dak Lak", "Sở Nội vụ tỉnh Đắk Lắk"),                         # đ/d
    ("Sở Nội vụ tỉnh Đắk Lăk", "Sở Nội vụ tỉnh Đắk Lắk"),                         # a tone mark missing
])
def test_a_variant_spelling_is_the_entry_with_a_warning_giving_the_registered_spelling(tmp_path, written,
                                                                                      registered):
    site = model(tmp_path / "c", {"a.md": hosted_by(written)})
    assert site.unit(written).name == registered
    assert [p.format() for p in site.problems] == [
        f'warning: c/a.md:4: host: "{written}" is written differently from the registered unit '
        f'"{registered}"; write {registered}']
    assert len(site.units) == 5          # no page of its own


def test_an_unknown_name_is_a_unit_of_its_own_with_the_nearest_registered_names(tmp_path):
    site = model(tmp_path / "c", {"a.md": hosted_by("Sở Nội vụ tỉnh Ninh Thuận")})
    unit = site.unit("Sở Nội vụ tỉnh Ninh Thuận")
    assert unit.url == "don-vi/so-noi-vu-tinh-ninh-thuan/" and not unit.registered
    assert [p.format() for p in site.problems] == [
        'warning: c/a.md:4: host: "Sở Nội vụ tỉnh Ninh Thuận" is not in units.yaml; '
        'did you mean "Sở Nội vụ tỉnh Ninh Bình" or "Sở Nội vụ tỉnh Nam Định"?']


def test_a_name_with_no_province_is_no_unit(tmp_path):
    site = model(tmp_path / "c", {"a.md": hosted_by("Ủy ban nhân dân tỉnh")})
    assert site.unit("Ủy ban nhân dân tỉnh") is None
    assert "Ủy ban nhân dân tỉnh" not in [u.name for u in site.units]
    assert [p.format() for p in site.problems] == [
        'warning: c/a.md:4: host: "Ủy ban nhân dân tỉnh" names no province or city, so it is not given a page '
        "of its own; write the full name, e.g. Ủy ban nhân dân tỉnh Nam Định"]


def test_every_field_that_names_a_unit_is_resolved(tmp_path):
    site = model(tmp_path / "c", {"a.md": article(
        "Tổng kết", "2020-12-11", cluster="Cụm thi đua các tỉnh, thành Bắc Bộ",
        host="Sở Nội vụ TP. Hải Phòng",
        scores="[{unit: So Noi vu tinh Nam Dinh, rank: 1}]",
        awards="[{award: Cờ thi đua, recipient: Sở Nội vụ tinh Ninh Binh}]",
        elected="{term: 2021, chair: sở nội vụ tỉnh nam định, vice_chair: SNV Hai Phong}",
        attendees="[{name: Nguyễn Văn A, organization: Sở Nội vụ tỉnh Ninh Binh}]")})
    fields = sorted(p.field for p in site.problems)
    assert fields == ["attendees", "awards", "elected.chair", "elected.vice_chair", "host", "scores"]
    assert all("is written differently from the registered unit" in p.message for p in site.problems)
    nam_dinh = site.unit_by_id("nam-dinh")
    assert [r.unit.slug for r in nam_dinh.scores] == ["nam-dinh"]
    assert [r.term.term for r in nam_dinh.chaired] == [2021]
    assert [g.award.award for g in site.unit_by_id("ninh-binh").awards] == ["Cờ thi đua"]
    assert [a.title for a in site.unit_by_id("hai-phong").hosted] == ["Tổng kết"]
    assert sorted(u.slug for u in site.units) == ["dak-lak", "hai-phong", "hoa-binh", "nam-dinh", "ninh-binh"]


def test_a_cluster_spelt_another_way_is_the_registered_cluster(tmp_path):
    site = model(tmp_path / "c", {"a.md": article("A", "2020-12-11", cluster="Cum thi dua cac tinh, thanh Bac Bo")})
    assert [c.slug for c in site.clusters] == ["bac-bo"]
    assert [p.format() for p in site.problems] == [
        'warning: c/a.md:4: cluster: "Cum thi dua cac tinh, thanh Bac Bo" is written differently from the '
        'registered cluster "Cụm thi đua các tỉnh, thành Bắc Bộ"; write Cụm thi đua các tỉnh, thành Bắc Bộ']


# -- the two cases of the issue -----------------------------------------------------------------


def test_a_host_typed_without_diacritics_moves_no_unit(tmp_path):
    """Issue 16, case 1, on the basic fixture (clusters.yaml only, no units.yaml)."""
    root = tmp_path / "c"
    shutil.copytree(FIXTURES / "basic" / "content", root)
    before = pipeline.model(pipeline.configure(root, tmp_path / "site"))
    (root / "reports" / "tin" / "typo.md").write_text(article("Tin", "2024-03-01",
                                                              host="So Noi vu thanh pho Hai Phong"), "utf-8")
    code, _, err = build(root, tmp_path / "site")
    assert code == 0, err
    assert warnings(err) == [
        'warning: c/reports/tin/typo.md:4: host: "So Noi vu thanh pho Hai Phong" is written differently from the '
        'registered unit "Sở Nội vụ thành phố Hải Phòng"; write Sở Nội vụ thành phố Hải Phòng']
    page = (tmp_path / "site" / "don-vi" / "so-noi-vu-thanh-pho-hai-phong" / "index.html").read_text("utf-8")
    assert "990" in page and "991" in page          # its own results, on its own page
    assert '<a class="article-link" href="/luu-tru/bai-viet/tin/">Tin</a>' in page
    assert not list((tmp_path / "site" / "don-vi").glob("*-2"))
    after = pipeline.model(pipeline.configure(root, tmp_path / "site2"))
    assert unit_urls(after) == unit_urls(before)


def test_two_unregistered_clusters_that_differ_by_a_tone_mark_fail_naming_both(tmp_path):
    """Issue 16, case 2."""
    found = messages(tmp_path / "c", {
        "a.md": article("A", "2020-12-11", cluster="Cụm thi đua Đồng Nai"),
        "b.md": article("B", "2021-12-11", cluster="Cụm thi đua Đồng Nài"),
    })
    errs = [m for m in found if m.startswith("c/")]
    assert len(errs) == 1
    assert "c/a.md:4" in errs[0] and "c/b.md:4" in errs[0]
    assert '"Cụm thi đua Đồng Nai"' in errs[0] and '"Cụm thi đua Đồng Nài"' in errs[0]
    assert "/cum-thi-dua/cum-thi-dua-dong-nai/" in errs[0]


def test_the_tone_mark_pair_fails_the_build_command_too(tmp_path):
    root = tree(tmp_path / "c", {"a.md": article("A", "2020-12-11", cluster="Cụm thi đua Đồng Nai"),
                                 "b.md": article("B", "2021-12-11", cluster="Cụm thi đua Đồng Nài")})
    code, _, err = build(root, tmp_path / "site")
    assert code == 1 and not (tmp_path / "site").exists()
    assert any("c/b.md:4" in e and "c/a.md:4" in e for e in errors(err)), err


def test_an_unregistered_name_cannot_take_a_registered_address(tmp_path):
    found = messages(tmp_path / "c", {"a.md": hosted_by("Hai Phong")},
                     units="- id: hai-phong\n  name: Sở Nội vụ thành phố Hải Phòng\n", clusters="")
    assert sorted(found) == ['c/a.md:4: host: "Hai Phong" would be published at /don-vi/hai-phong/, the address of '
                     '"Sở Nội vụ thành phố Hải Phòng" (c/units.yaml:1); write the name exactly as c/units.yaml:1 '
                     'does, or add "Hai Phong" to units.yaml with an id of its own',
                     'warning: c/a.md:4: host: "Hai Phong" is not in units.yaml; add it to units.yaml']


# -- address stability ---------------------------------------------------------------------------


MISSPELT = [
    {"host": "So Noi vu tinh Ninh Binh"},
    {"host": "Sở Nội vụ Hải Phòng mới"},                              # unregistered, near Hải Phòng
    {"scores": "[{unit: Sở Nội vụ thành phố Hải Phong, rank: 1}]"},
    {"awards": "[{award: Bằng khen, recipient: Sở Nội vụ tỉnh Nam Dinh}]"},
    {"elected": "{term: 2030, chair: Sở Nội vụ tỉnh Ninh Bìnhh}"},
    {"cluster": "Cụm thi đua các tỉnh thành Bắc Bộ"},
    {"cluster": "Cụm thi đua Bắc Bộ mới"},
]


@pytest.mark.parametrize("fields", MISSPELT, ids=lambda f: "-".join(f))
@pytest.mark.parametrize("name", ["0000.md", "zzzz.md"])      # read first or last
def test_adding_a_misspelt_name_anywhere_leaves_every_address_unchanged(tmp_path, fields, name):
    base = {
        "a.md": article("A", "2020-12-11", cluster="Cụm thi đua các tỉnh, thành Bắc Bộ",
                        host="Sở Nội vụ thành phố Hải Phòng",
                        scores="[{unit: Sở Nội vụ tỉnh Nam Định, rank: 1}, {unit: Sở Nội vụ tỉnh Hòa Bình, rank: 2}]",
                        elected="{term: 2021, chair: Sở Nội vụ tỉnh Ninh Bình}"),
        "b.md": article("B", "2021-12-11", cluster="Cụm thi đua Đồng Nai", host="Sở Nội vụ tỉnh Đồng Nai"),
    }
    before = model(tmp_path / "c1", base)
    after = model(tmp_path / "c2", {**base, name: article("Z", "2022-01-02", **fields)})
    old = {**unit_urls(before), **{c.name: c.url for c in before.clusters}}
    new = {**unit_urls(after), **{c.name: c.url for c in after.clusters}}
    assert {k: new.get(k) for k in old} == old
    assert not [u for u in new.values() if re.search(r"-\d+/$", u)]


# -- registry errors ---------------------------------------------------------------------------------


def test_registry_mistakes_are_errors_with_lines(tmp_path):
    units = """\
- id: a
  name: Sở Nội vụ tỉnh A
  merged_into: b
- id: a
  name: Sở Nội vụ tỉnh Khác
- id: c
  name: Sở Nội vụ tỉnh C
  also: [Sở Nội vụ tỉnh A]
- id: d
  name: Sở Nội vụ tỉnh D
  until: 2025-06-30
  merged_into: không-có
"""
    found = messages(tmp_path / "c", {"a.md": article("A", "2020-12-11")}, units=units, clusters="")
    assert found == [
        "c/units.yaml:3: [1].merged_into: is given without until:, so the date of the change is not known; "
        "write until: 2025-06-30 (the last day the unit existed under this entry)",
        'c/units.yaml:4: [2].id: "a" is the id of another unit (line 1); give each unit its own id; the id is the '
        "unit's address and never changes",
        'c/units.yaml:8: [3].also: "Sở Nội vụ tỉnh A" is also a name of a (line 1); a name can stand for one unit '
        "only; remove it from one of them",
        'c/units.yaml:3: merged_into: "b" is not a unit of units.yaml; write the id of the unit it became, as '
        "listed in this file",
        'c/units.yaml:12: merged_into: "không-có" is not a unit of units.yaml; write the id of the unit it became, '
        "as listed in this file",
    ]


# -- the held-out archive ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    src = root / "content"
    shutil.copytree(FIXTURES / "registry" / "content", src)
    code, out, err = build(src, root / "site")
    assert code == 0, err
    return root / "site", err


def page(site: Path, path: str) -> str:
    text = (site / path / "index.html").read_text("utf-8")
    return text[text.index("<main"):text.index("</main>")]


def test_the_archive_builds_one_page_per_real_unit(archive):
    site, err = archive
    pages = sorted(p.name for p in (site / "don-vi").iterdir() if p.is_dir())
    assert pages == ["so-noi-vu-thanh-pho-hai-phong", "so-noi-vu-thanh-pho-hue", "so-noi-vu-tinh-ha-nam",
                     "so-noi-vu-tinh-hai-duong", "so-noi-vu-tinh-hoa-binh", "so-noi-vu-tinh-nam-dinh",
                     "so-noi-vu-tinh-ninh-binh", "so-noi-vu-tinh-phu-tho", "so-noi-vu-tinh-vinh-phuc"]
    assert "is not in units.yaml" not in err and "is not in clusters.yaml" not in err
    # every variant spelling was resolved, with a warning naming file and line
    assert 'bac-bo-2020.md:6: host: "So Noi vu thanh pho Hai Phong" is written differently' in err
    assert 'trung-du-2023.md:6: host: "Sở Nội vụ tỉnh Hoà Bình" is written differently' in err


def test_history_links_go_both_ways(archive):
    site, _ = archive
    nam_dinh = page(site, "don-vi/so-noi-vu-tinh-nam-dinh")
    assert 'Từ ngày 01/07/2025 hợp nhất vào <a href="/tin/don-vi/so-noi-vu-tinh-ninh-binh/">' \
           "Sở Nội vụ tỉnh Ninh Bình</a>" in nam_dinh
    ninh_binh = page(site, "don-vi/so-noi-vu-tinh-ninh-binh")
    assert '<a href="/tin/don-vi/so-noi-vu-tinh-nam-dinh/">Sở Nội vụ tỉnh Nam Định</a>, hợp nhất vào từ ngày ' \
           "01/07/2025" in ninh_binh
    assert '<a href="/tin/don-vi/so-noi-vu-tinh-ha-nam/">Sở Nội vụ tỉnh Hà Nam</a>' in ninh_binh
    # the successor lists its predecessors' results: Nam Định chaired the cluster in 2021
    history = ninh_binh[ninh_binh.index('id="history-h"'):]
    assert "Kết quả của Sở Nội vụ tỉnh Nam Định" in history
    assert "Cụm trưởng Cụm thi đua các tỉnh, thành Bắc Bộ năm 2021" in history
    # formed_from on the successor makes the link from the predecessors too
    hoa_binh = page(site, "don-vi/so-noi-vu-tinh-hoa-binh")
    assert 'hợp nhất vào <a href="/tin/don-vi/so-noi-vu-tinh-phu-tho/">' in hoa_binh


def test_facts_keep_the_name_of_their_time_with_the_name_today(archive):
    site, _ = archive
    bac_bo = page(site, "cum-thi-dua/bac-bo")
    assert re.search(r'so-noi-vu-tinh-nam-dinh/">Sở Nội vụ tỉnh Nam Định</a> <span class="now">'
                     r"\(nay thuộc Sở Nội vụ tỉnh Ninh Bình\)</span>", bac_bo)
    mien_trung = page(site, "cum-thi-dua/mien-trung")
    assert ">Sở Nội vụ tỉnh Thừa Thiên Huế</a> <span class=\"now\">(nay là Sở Nội vụ thành phố Huế)" in mien_trung
    report = page(site, "bai-viet/mien-trung-so-ket-nam-2023")
    assert '>Sở Nội vụ tỉnh Thừa Thiên Huế</a> <span class="now">(nay là Sở Nội vụ thành phố Huế)' in report
    old_report = page(site, "bai-viet/bac-bo-tong-ket-nam-2020")
    assert '>Sở Nội vụ tỉnh Hải Dương</a> <span class="now">(nay thuộc Sở Nội vụ thành phố Hải Phòng)' \
        in old_report
    hue = page(site, "don-vi/so-noi-vu-thanh-pho-hue")
    assert "<li>Sở Nội vụ tỉnh Thừa Thiên Huế (đến ngày 31/12/2024)</li>" in hue


def test_cluster_pages_show_membership_changes_and_renames(archive):
    site, _ = archive
    bac_bo = page(site, "cum-thi-dua/bac-bo")
    changes = bac_bo[bac_bo.index('id="changes-h"'):]
    assert "<strong>01/07/2025</strong>" in changes
    assert changes.index("rời Cụm") < changes.index("Sở Nội vụ tỉnh Hải Dương") < changes.index("Thành viên trước")
    assert 'Từ ngày 01/07/2025 đổi tên thành <a href="/tin/cum-thi-dua/cum-1/">Cụm thi đua số 1</a>' in bac_bo
    cum_1 = page(site, "cum-thi-dua/cum-1")
    assert '<a href="/tin/cum-thi-dua/bac-bo/">Cụm thi đua các tỉnh, thành Bắc Bộ</a>' in cum_1
    assert "gia nhập" in cum_1 and "Sở Nội vụ tỉnh Phú Thọ" in cum_1


def test_exports_give_the_unit_id_and_its_name_today(archive):
    site, _ = archive
    rows = list(csv.DictReader(io.StringIO((site / "du-lieu" / "diem.csv").read_text("utf-8-sig"))))
    nam_dinh = next(r for r in rows if r["unit_id"] == "so-noi-vu-tinh-nam-dinh")
    assert nam_dinh["unit"] == "Sở Nội vụ tỉnh Nam Định" and nam_dinh["unit_current"] == "Sở Nội vụ tỉnh Ninh Bình"
    hai_phong = next(r for r in rows if r["year"] == "2020" and r["rank"] == "1")
    assert hai_phong["unit_id"] == "so-noi-vu-thanh-pho-hai-phong"
    elections = list(csv.DictReader(io.StringIO((site / "du-lieu" / "bau-cu.csv").read_text("utf-8-sig"))))
    term = next(r for r in elections if r["term"] == "2021")
    assert (term["chair_id"], term["chair_current"]) == ("so-noi-vu-tinh-nam-dinh", "Sở Nội vụ tỉnh Ninh Bình")
    conferences = list(csv.DictReader(io.StringIO((site / "du-lieu" / "hoi-nghi.csv").read_text("utf-8-sig"))))
    first = next(r for r in conferences if r["date"] == "2020-12-10")
    assert first["host"] == "So Noi vu thanh pho Hai Phong" and first["host_id"] == "so-noi-vu-thanh-pho-hai-phong"


def test_search_finds_a_report_by_the_registered_and_todays_names(tmp_path):
    site = model(tmp_path / "c", {"a.md": article("A", "2020-12-11", host="So Noi vu tinh Nam Dinh")})
    names = search.unit_names(site, site.articles[0])
    assert names == ("Sở Nội vụ tỉnh Nam Định", "Sở Nội vụ tỉnh Ninh Bình")


def test_check_lists_every_spelling_per_entry_and_unregistered_names(tmp_path):
    root = tree(tmp_path / "c", {
        "a.md": article("A", "2020-12-11", host="Sở Nội vụ tỉnh Hoà Bình"),
        "b.md": article("B", "2020-12-12", host="Sở Nội vụ tỉnh Hòa Bình"),
        "c.md": article("C", "2020-12-13", host="Sở Nội vụ tỉnh Lai Châu"),
        "d.md": article("D", "2020-12-14", host="SNV Hải Phòng"),
    })
    code, out, err = run("check", "--content", str(root))
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if "unit hoa-binh" in ln)
    assert '"Sở Nội vụ tỉnh Hòa Bình" 1× (first at c/b.md:4)' in line
    assert '"Sở Nội vụ tỉnh Hoà Bình" [differs] 1× (first at c/a.md:4)' in line
    other_name = next(ln for ln in out.splitlines() if "unit hai-phong" in ln)
    assert '"SNV Hải Phòng" 1× (first at c/d.md:4)' in other_name      # an `also` name is no variant
    assert '  unit "Sở Nội vụ tỉnh Lai Châu": "Sở Nội vụ tỉnh Lai Châu" 1× (first at c/c.md:4)' in out
    # the other entries (all written as registered, in clusters.yaml) are counted, not listed
    assert "unit nam-dinh" not in out
    assert "other registered units and clusters are written only as registered" in out


def test_without_units_yaml_the_members_of_clusters_are_the_registry(tmp_path):
    site = model(tmp_path / "c", {"a.md": hosted_by("Sở Nội vụ tỉnh Ninh Bìnhh"),
                                  "b.md": article("B", "2021-01-02", host="SNV Nam Định")}, units="")
    assert site.unit("Sở Nội vụ tỉnh Ninh Bình").url == "don-vi/so-noi-vu-tinh-ninh-binh/"
    assert sorted(p.format() for p in site.problems) == [
        'warning: c/a.md:4: host: "Sở Nội vụ tỉnh Ninh Bìnhh" is not a registered unit (units.yaml, or the members '
        'in clusters.yaml); did you mean "Sở Nội vụ tỉnh Ninh Bình"?',
        'warning: c/b.md:4: host: "SNV Nam Định" is not a registered unit (units.yaml, or the members in '
        'clusters.yaml); did you mean "Sở Nội vụ tỉnh Nam Định"?']


def test_a_site_without_any_registry_names_units_without_warnings(tmp_path):
    site = model(tmp_path / "c", {"a.md": hosted_by("Sở Nội vụ tỉnh Ninh Bình")}, units="", clusters="")
    assert site.unit("Sở Nội vụ tỉnh Ninh Bình").url == "don-vi/so-noi-vu-tinh-ninh-binh/"
    assert site.problems == ()


def test_an_edit_of_units_yaml_reaches_every_page_of_a_cached_build(tmp_path):
    from sitekit import tree_bytes

    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "registry" / "content", root)
    assert build(root, tmp_path / "site")[0] == 0
    units = root / "units.yaml"
    text = units.read_text("utf-8").replace("  until: 2025-06-30\n  merged_into: Sở Nội vụ tỉnh Ninh Bình\n", "")
    units.write_text(text.replace("also: [SNV Hải Phòng]", "also: [SNV Hải Phòng, So Noi vu thanh pho Hai Phong]"),
                     "utf-8")
    assert build(root, tmp_path / "site")[0] == 0
    assert build(root, tmp_path / "clean", "--no-cache")[0] == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "clean")
    assert "hợp nhất vào" not in page(tmp_path / "site", "don-vi/so-noi-vu-tinh-nam-dinh")
