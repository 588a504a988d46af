from generator.core.slugs import clean_name, fold, name_key, slugify, vi_sort_key


def test_slug_of_the_contract_example():
    assert slugify("Hội nghị Sở Nội vụ tỉnh Đắk Lắk") == "hoi-nghi-so-noi-vu-tinh-dak-lak"


def test_slug_folds_d_and_runs_of_other_characters():
    assert slugify("ĐỒNG THÁP – 2023: “Tổng kết”!!") == "dong-thap-2023-tong-ket"
    assert slugify("  --Cụm  thi   đua--  ") == "cum-thi-dua"
    assert slugify("!!!") == ""


def test_slug_is_the_same_for_nfc_and_nfd_input():
    import unicodedata

    title = "Hội nghị tổng kết Cụm thi đua miền Trung"
    assert slugify(unicodedata.normalize("NFD", title)) == slugify(title)


def test_fold_is_what_readers_type_without_diacritics():
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Hội nghị") == "hoi nghi"


def test_name_key_joins_unicode_forms_and_spacing():
    import unicodedata

    a = "Sở Nội vụ tỉnh Quảng Ninh"
    b = unicodedata.normalize("NFD", "Sở  Nội vụ\ttỉnh Quảng Ninh\u200b")
    assert name_key(a) == name_key(b)
    assert clean_name(b) == a


def test_vietnamese_alphabetical_order():
    names = ["Đà Nẵng", "Dung Quất", "Bắc Kạn", "Bà Rịa", "An Giang", "Hà Nội", "Hải Phòng", "Hà Nam", "Ơn", "Ông", "Oa"]
    assert sorted(names, key=vi_sort_key) == [
        "An Giang", "Bà Rịa", "Bắc Kạn", "Dung Quất", "Đà Nẵng", "Hà Nam", "Hà Nội", "Hải Phòng", "Oa", "Ông", "Ơn"]


def test_tones_only_break_ties():
    assert sorted(["Hạ", "Ha", "Hà", "Hả"], key=vi_sort_key) == ["Ha", "Hà", "Hả", "Hạ"]
