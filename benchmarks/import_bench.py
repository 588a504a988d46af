"""``confsite import`` of an archive of Word files: how long for N .docx (default 1,000)?

    .venv/bin/python benchmarks/import_bench.py [count] [--jobs N]

Makes *count* Word files with python-docx (each a report of 8–12 paragraphs, a score
table, a picture with its caption; clusters, provinces and years vary), copies the
bundled content folder, and times the whole import (read, extract facts, validate,
write) the way ``confsite import FOLDER`` runs it. The target: 1,000 files in under a
minute on 2 cores. Prints the wall time, files a second, and the facts drafted.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx  # noqa: E402  (python-docx, a test dependency)
from docx.shared import Cm  # noqa: E402
from PIL import Image  # noqa: E402

from generator.cache import parallel  # noqa: E402
from generator.commands.importer import import_paths  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CLUSTERS = [
    ("Cụm thi đua các tỉnh, thành Bắc Bộ", ["Hải Phòng", "Quảng Ninh", "Nam Định", "Ninh Bình", "Bắc Ninh", "Vĩnh Phúc"]),
    ("Cụm thi đua Sở Nội vụ các tỉnh Trung du và miền núi phía Bắc", ["Bắc Kạn", "Bắc Giang", "Thái Nguyên",
                                                                      "Hòa Bình", "Yên Bái", "Phú Thọ"]),
    ("Cụm thi đua Sở Nội vụ các tỉnh, thành miền Trung, Tây Nguyên", ["Quảng Nam", "Khánh Hòa", "Lâm Đồng",
                                                                      "Gia Lai", "Đắk Lắk", "Bình Định"]),
]
PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Quang Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"]
FILLER = ("Trong năm, các Sở Nội vụ trong Cụm đã tham mưu sắp xếp tổ chức bộ máy, quản lý biên chế, cải cách hành "
          "chính, thanh tra công vụ và thực hiện tốt công tác văn thư, lưu trữ, tôn giáo, thi đua, khen thưởng.")


def _picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 90, 150)).save(out, "JPEG")
    return out.getvalue()


def make_docx(i: int, folder: Path, picture: bytes) -> Path:
    rnd = random.Random(i)
    cluster, provinces = CLUSTERS[i % len(CLUSTERS)]
    year = 2010 + i % 15
    ranked = rnd.sample(provinces, 4)
    chair, vice = rnd.sample(provinces, 2)
    person = PEOPLE[i % len(PEOPLE)]
    d = docx.Document()
    d.add_paragraph(f"{cluster} tổng kết công tác thi đua, khen thưởng năm {year} (bản số {i})", style="Title")
    d.add_paragraph(f"Sáng {1 + i % 27}/12/{year}, tại Hội trường Sở Nội vụ tỉnh {ranked[0]}, {cluster} tổ chức Hội "
                    f"nghị tổng kết công tác thi đua, khen thưởng năm {year}.")
    d.add_paragraph(f"Dự hội nghị có ông {person}, Giám đốc Sở Nội vụ tỉnh {ranked[1]}.")
    for _ in range(rnd.randint(5, 9)):
        d.add_paragraph(FILLER)
    d.add_picture(io.BytesIO(picture), width=Cm(6))
    d.add_paragraph("Quang cảnh hội nghị", style="Caption")
    table = d.add_table(rows=5, cols=3)
    for j, cell in enumerate(("Hạng", "Đơn vị", "Điểm")):
        table.cell(0, j).text = cell
    for r, prov in enumerate(ranked, 1):
        table.cell(r, 0).text = str(r)
        table.cell(r, 1).text = f"Sở Nội vụ tỉnh {prov}"
        table.cell(r, 2).text = str(990 - r * 3)
    d.add_paragraph(f"Sở Nội vụ tỉnh {ranked[0]} nhận Cờ thi đua của Bộ trưởng Bộ Nội vụ. Có {2 + i % 4} tập thể, "
                    f"{3 + i % 5} cá nhân được tặng Bằng khen của Bộ trưởng Bộ Nội vụ.")
    d.add_paragraph(f"Hội nghị bầu Sở Nội vụ tỉnh {chair} làm Cụm trưởng, Sở Nội vụ tỉnh {vice} làm Cụm phó "
                    f"năm {year + 1}.")
    d.add_paragraph("P.V")
    path = folder / f"bao-cao-{i:04d}.docx"
    d.save(str(path))
    return path


MODELS = 60


def _renumber(model: Path, i: int, path: Path) -> None:
    """*model* with its number "(bản số N)" replaced by *i*."""
    with zipfile.ZipFile(model) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = re.sub(rb"\(b\xe1\xba\xa3n s\xe1\xbb\x91 \d+\)", f"(bản số {i})".encode(), data)
            zout.writestr(info, data)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", nargs="?", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=None, help="processes (default: one per core)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "luu-tru"
        folder.mkdir()
        picture = _picture()
        started = time.perf_counter()
        models = [make_docx(i, root, picture) for i in range(min(args.count, MODELS))]
        for i in range(args.count):      # copies of the models, each with its own number and so its own title
            _renumber(models[i % len(models)], i, folder / f"bao-cao-{i:04d}.docx")
        made = time.perf_counter() - started
        content = root / "content"
        shutil.copytree(REPO / "content", content)
        started, cpu = time.perf_counter(), _cpu()
        result = import_paths([folder], content, jobs=args.jobs)
        took, cpu = time.perf_counter() - started, _cpu() - cpu
        load = os.getloadavg()[0]
        drafted = sum(r.drafted for r in result.imported)
        unsure = sum(r.unsure for r in result.imported)
        print(f"made {args.count} .docx in {made:.1f} s (not timed below)")
        print(f"imported {len(result.imported)} of {args.count} files with {parallel.cores(args.jobs)} process(es) "
              f"in {took:.1f} s ({len(result.imported) / took:.0f} files/s); {drafted} facts drafted, {unsure} to "
              f"review, {len(result.errors)} error(s)")
        print(f"CPU time {cpu:.1f} s (this process and its workers); load average {load:.1f} on "
              f"{os.cpu_count()} cores while it ran, so on an idle machine about {cpu / parallel.cores(args.jobs):.1f} s")
        for p in result.errors[:5]:
            print("  " + p.format())


if __name__ == "__main__":
    main()
