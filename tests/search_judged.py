"""A judged query set for search ranking: a small site and the article a reader means by each query.

Used by tests/test_search_ranking.py (through the real search page, in headless
Chromium) and by benchmarks/search_bench.py (the same queries through Pagefind on the
same site, side by side). The articles are written so that the wrong answers are near:
words that fold alike ("tuyên dương" and "tuyến đường", Hùng and Hưng), the words of a
name far apart in a newer article ("tuyển dụng … Quảng Ninh"), a kind named in the body
of an article of another kind.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

CLUSTERS = """\
- name: Cụm thi đua các tỉnh Trung du và miền núi phía Bắc
  slug: trung-du
  members: [Sở Nội vụ tỉnh Tuyên Quang, Sở Nội vụ tỉnh Hòa Bình, Sở Nội vụ tỉnh Yên Bái, Sở Nội vụ tỉnh Bắc Kạn]
- name: Cụm thi đua các tỉnh, thành Bắc Bộ
  slug: bac-bo
  members: [Sở Nội vụ tỉnh Quảng Ninh, Sở Nội vụ thành phố Hải Phòng, Sở Nội vụ tỉnh Thái Bình]
- name: Cụm thi đua các tỉnh Tây Nguyên
  slug: tay-nguyen
  members: [Sở Nội vụ tỉnh Đắk Lắk, Sở Nội vụ tỉnh Gia Lai, Sở Nội vụ tỉnh Kon Tum]
- name: Cụm thi đua các tỉnh Tây Nam Bộ
  slug: tay-nam-bo
  members: [Sở Nội vụ tỉnh Đồng Tháp, Sở Nội vụ tỉnh An Giang, Sở Nội vụ tỉnh Kiên Giang]
- name: Cụm thi đua các tỉnh Duyên hải miền Trung
  slug: duyen-hai
  members: [Sở Nội vụ tỉnh Khánh Hòa, Sở Nội vụ tỉnh Bình Định, Sở Nội vụ tỉnh Phú Yên]
"""

ARTICLES = {
    # slug: (front-matter, body); ids go newest first, so dates decide ties.
    "bac-bo-2022": ("""\
        title: Cụm Bắc Bộ tổng kết công tác thi đua năm 2022
        date: 2022-12-15
        cluster: Cụm thi đua các tỉnh, thành Bắc Bộ
        kind: tong-ket
        host: Sở Nội vụ tỉnh Quảng Ninh
        """, "Các đơn vị báo cáo kết quả tuyển dụng công chức, viên chức. Đoàn công tác Quảng Ninh "
             "trình bày mô hình một cửa liên thông."),
    "trung-du-2022": ("""\
        title: Cụm Trung du và miền núi phía Bắc tổng kết năm 2022
        date: 2022-12-10
        cluster: Cụm thi đua các tỉnh Trung du và miền núi phía Bắc
        kind: tong-ket
        host: Sở Nội vụ tỉnh Tuyên Quang
        """, "Hội nghị họp tại thành phố Tuyên Quang, đánh giá công tác thi đua của các tỉnh trong Cụm."),
    "dak-lak-2022": ("""\
        title: Sở Nội vụ tỉnh Đắk Lắk dẫn đầu Cụm Tây Nguyên năm 2022
        date: 2022-12-20
        cluster: Cụm thi đua các tỉnh Tây Nguyên
        kind: tong-ket
        host: Sở Nội vụ tỉnh Gia Lai
        """, "Hội nghị tổng kết công tác thi đua năm 2022 của Cụm họp tại Pleiku."),
    "tay-nguyen-2023-giua-nam": ("""\
        title: Cụm Tây Nguyên họp giữa năm 2023
        date: 2023-07-10
        cluster: Cụm thi đua các tỉnh Tây Nguyên
        kind: so-ket
        host: Sở Nội vụ tỉnh Kon Tum
        """, "Các đơn vị trong Cụm báo cáo kết quả sáu tháng đầu năm và nhiệm vụ cuối năm."),
    "tay-nguyen-2023-cuoi-nam": ("""\
        title: Cụm Tây Nguyên tổng kết năm 2023
        date: 2023-12-20
        cluster: Cụm thi đua các tỉnh Tây Nguyên
        kind: tong-ket
        host: Sở Nội vụ tỉnh Gia Lai
        """, "Từ kết quả sơ kết sáu tháng, các đơn vị hoàn thành vượt mức chỉ tiêu của năm."),
    "tay-nam-bo-2024": ("""\
        title: Cụm Tây Nam Bộ ký kết giao ước thi đua năm 2024
        date: 2024-03-05
        cluster: Cụm thi đua các tỉnh Tây Nam Bộ
        kind: trien-khai
        host: Sở Nội vụ tỉnh Đồng Tháp
        """, "Các tỉnh thống nhất nội dung, tiêu chí chấm điểm và lịch kiểm tra chéo."),
    "tay-nam-bo-2021": ("""\
        title: Đồng Tháp nhận Cờ thi đua của Cụm Tây Nam Bộ
        date: 2021-12-10
        cluster: Cụm thi đua các tỉnh Tây Nam Bộ
        kind: tong-ket
        attendees:
          - name: Nguyễn Văn Hưng
            role: Giám đốc
            organization: Sở Nội vụ tỉnh An Giang
        awards:
          - award: Cờ thi đua của Bộ trưởng Bộ Nội vụ
            recipient: Sở Nội vụ tỉnh Đồng Tháp
        """, "Hội nghị tổng kết năm 2021 của Cụm thi đua các tỉnh Tây Nam Bộ diễn ra tại Cao Lãnh."),
    "duyen-hai-2023": ("""\
        title: Cụm Duyên hải miền Trung tổng kết năm 2023
        date: 2023-12-05
        cluster: Cụm thi đua các tỉnh Duyên hải miền Trung
        kind: tong-ket
        host: Sở Nội vụ tỉnh Khánh Hòa
        attendees:
          - name: Nguyễn Văn Hùng
            role: Giám đốc
            organization: Sở Nội vụ tỉnh Bình Định
        """, "Khánh Hòa được suy tôn dẫn đầu Cụm; Bình Định và Phú Yên nhận Bằng khen."),
    "hoa-binh-co": ("""\
        title: Sở Nội vụ tỉnh Hòa Bình nhận Cờ thi đua của Chính phủ
        date: 2021-06-02
        cluster: Cụm thi đua các tỉnh Trung du và miền núi phía Bắc
        kind: other
        """, "Lễ đón nhận được tổ chức trang trọng tại trụ sở Ủy ban nhân dân tỉnh."),
    "tuyen-duong": ("""\
        title: Tuyên dương tập thể, cá nhân tiêu biểu trong phong trào thi đua
        date: 2024-05-20
        """, "Sở tuyên dương mười hai tập thể và hai mươi cá nhân có thành tích xuất sắc."),
    "tuyen-duong-giao-thong": ("""\
        title: Khánh thành tuyến đường vào trung tâm hành chính tỉnh
        date: 2024-04-18
        """, "Tuyến đường dài bốn ki-lô-mét giúp người dân đến làm thủ tục thuận tiện hơn."),
    "bieu-duong": ("""\
        title: Biểu dương người tốt việc tốt năm 2020
        date: 2020-11-11
        """, "Biểu dương các gương điển hình trong cán bộ, công chức."),
    "cai-cach": ("""\
        title: Đẩy mạnh cải cách hành chính và chuyển đổi số
        date: 2023-03-14
        """, "Sở Nội vụ hướng dẫn các cơ quan số hóa hồ sơ và cải cách thủ tục hành chính."),
    "nhiem-ky": ("""\
        title: Chuẩn bị bầu cử đại biểu Hội đồng nhân dân nhiệm kỳ 2021-2026
        date: 2021-02-01
        """, "Ủy ban bầu cử các cấp được thành lập; danh sách cử tri được niêm yết đúng hạn."),
    "thuy": ("""\
        title: Trao Bằng khen cho bà Lê Thị Thuỷ, chuyên viên phòng Tổ chức biên chế
        date: 2020-09-09
        """, "Bà Thuỷ có nhiều sáng kiến trong công tác tinh giản biên chế."),
    "hai-phong": ("""\
        title: Hải Phòng chia sẻ kinh nghiệm vị trí việc làm
        date: 2022-08-08
        cluster: Cụm thi đua các tỉnh, thành Bắc Bộ
        kind: other
        host: Sở Nội vụ thành phố Hải Phòng
        """, "Đề án vị trí việc làm được các tỉnh trong Cụm đánh giá cao."),
    "tuyen-dung": ("""\
        title: Thông báo tuyển dụng công chức năm 2024
        date: 2024-06-01
        """, "Sở Nội vụ thông báo thi tuyển công chức vào các cơ quan hành chính của tỉnh."),
    "ton-giao": ("""\
        title: Hội nghị công tác tôn giáo năm 2023
        date: 2023-01-12
        kind: trien-khai
        """, "Ban Tôn giáo triển khai nhiệm vụ năm 2023 với các chức sắc, chức việc."),
}

# (query as typed, the article a reader means). A query typed into the box, the last
# word unfinished where it is cut.
JUDGED = [
    # the collision of the issue: two words side by side, not far apart in a newer article
    ("tuyen quang", "trung-du-2022"),
    ("Tuyên Quang", "trung-du-2022"),
    ("tuyen qu", "trung-du-2022"),
    # diacritics, and words that fold alike
    ("dak lak", "dak-lak-2022"),
    ("Đắk Lắk", "dak-lak-2022"),
    ("DAK LAK", "dak-lak-2022"),
    ("tuyên dương", "tuyen-duong"),
    ("tuyến đường", "tuyen-duong-giao-thong"),
    ("đường", "tuyen-duong-giao-thong"),
    ("biểu dương", "bieu-duong"),
    ("Nguyễn Văn Hùng", "duyen-hai-2023"),
    ("Nguyễn Văn Hưng", "tay-nam-bo-2021"),
    ("dong thap", "tay-nam-bo-2021"),
    # spelling variants
    ("Đắc Lắc", "dak-lak-2022"),
    ("dac lac", "dak-lak-2022"),
    ("Hoà Bình", "hoa-binh-co"),
    ("hoa binh", "hoa-binh-co"),
    ("nhiệm kì", "nhiem-ky"),
    ("nhiem ki 2021", "nhiem-ky"),
    ("Lê Thị Thủy", "thuy"),
    ("Con Tum", "tay-nguyen-2023-giua-nam"),
    # one typo in a long word
    ("cai cach hanh chinnh", "cai-cach"),
    ("chuyn doi so", "cai-cach"),
    ("tuyen dunng", "tuyen-dung"),
    ("khahn hoa", "duyen-hai-2023"),
    ("nguyne van hung", "duyen-hai-2023"),
    # the last word while it is typed
    ("dak l", "dak-lak-2022"),
    ("giao u", "tay-nam-bo-2024"),
    ("chuyen doi s", "cai-cach"),
    ("hai ph", "hai-phong"),
    ("ton gi", "ton-giao"),
    # kinds and years
    ("so ket", "tay-nguyen-2023-giua-nam"),
    ("sơ kết 2023", "tay-nguyen-2023-giua-nam"),
    ("tong ket 2021", "tay-nam-bo-2021"),
    ("trien khai 2024", "tay-nam-bo-2024"),
    ("giao uoc thi dua", "tay-nam-bo-2024"),
    ("tong ket 2023 tay nguyen", "tay-nguyen-2023-cuoi-nam"),
    # units and clusters
    ("quang ninh", "bac-bo-2022"),
    ("hai phong", "hai-phong"),
    ("Khánh Hòa", "duyen-hai-2023"),
    ("tay nam bo", "tay-nam-bo-2024"),
    ("trung du mien nui", "trung-du-2022"),
    ("duyen hai mien trung", "duyen-hai-2023"),
    ("cum bac bo 2022", "bac-bo-2022"),
    # people, awards, topics
    ("co thi dua chinh phu", "hoa-binh-co"),
    ("vi tri viec lam", "hai-phong"),
    ("tinh gian bien che", "thuy"),
]


def write_site(root: Path) -> Path:
    """The content folder of the judged site under *root*."""
    content = root / "content"
    (content / "bai").mkdir(parents=True)
    (content / "site.yaml").write_text("title: Sở Nội vụ thử nghiệm\nbase_url: https://snv.example.gov.vn/tin/\n",
                                      encoding="utf-8")
    (content / "clusters.yaml").write_text(CLUSTERS, encoding="utf-8")
    for slug, (front, body) in ARTICLES.items():
        text = f"---\nslug: {slug}\n{textwrap.dedent(front)}---\n{body}\n"
        (content / "bai" / f"{slug}.md").write_text(text, encoding="utf-8")
    return content
