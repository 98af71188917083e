import pytest

from cablemap.dataset.records import parse_bool, parse_length_km, parse_year, split_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("China Mobile, MTN, Meta", ["China Mobile", "MTN", "Meta"]),
        ("Hrvatski Telekom,  Albania Telecom", ["Hrvatski Telekom", "Albania Telecom"]),
        ("Seren Juno Network Co., Ltd.", ["Seren Juno Network Co., Ltd."]),
        ("Avaroa Cable Ltd., OPT French Polynesia", ["Avaroa Cable Ltd.", "OPT French Polynesia"]),
        ("A, , B,", ["A", "B"]),
        (
            "Telia Eesti (formerly Eesti Telekom, Elion), Telia",
            ["Telia Eesti (formerly Eesti Telekom, Elion)", "Telia"],
        ),
        (None, []),
        ("", []),
    ],
)
def test_split_names(text, names):
    assert split_names(text) == names


@pytest.mark.parametrize(
    ("text", "km"),
    [
        ("45,000 km", 45000.0),
        ("302 km", 302.0),
        ("999.99 km", 999.99),
        ("n.a.", None),
        (None, None),
    ],
)
def test_parse_length_km(text, km):
    assert parse_length_km(text) == km


@pytest.mark.parametrize(
    ("value", "year"),
    [(2023, 2023), ("2023 March", 2023), ("2021 Q4", 2021), ("n.a.", None), (None, None)],
)
def test_parse_year(value, year):
    assert parse_year(value) == year


@pytest.mark.parametrize(
    ("value", "flag"), [(True, True), (None, False), ("true", True), ("false", False), ("", False)]
)
def test_parse_bool(value, flag):
    assert parse_bool(value) is flag
