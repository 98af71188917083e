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


# Owner strings exactly as the shared snapshots give them: v3 (open-undersea-cable-map)
# with one space, v2 (telegeography-v2-2021-06) with two; a legal form stays with its company.
REAL_OWNERS = {
    "nzadi-cable-system": ("Kakike, Lda., KumoxiCom, Lda.", ["Kakike, Lda.", "KumoxiCom, Lda."]),
    "poseidon": ("Ocean Specialists, Inc (OSI)", ["Ocean Specialists, Inc (OSI)"]),
    "boriken-submarine-cable-system-bscs": (
        "Blackburn Technologies, LLC.",
        ["Blackburn Technologies, LLC."],
    ),
    "st-thomas-st-croix-system": (
        "Virgin Islands Next Generation Networks, Inc.",
        ["Virgin Islands Next Generation Networks, Inc."],
    ),
}


@pytest.mark.parametrize("layout", ["v3", "v2"])
@pytest.mark.parametrize("cable", sorted(REAL_OWNERS))
def test_split_names_keeps_legal_forms_on_real_strings(cable, layout):
    import json

    from conftest import OPEN_ROOT, V2_ROOT, _require

    root = _require(OPEN_ROOT if layout == "v3" else V2_ROOT)
    raw = json.loads((root / "cable" / f"{cable}.json").read_text(encoding="utf-8"))["owners"]
    text, names = REAL_OWNERS[cable]
    assert " ".join(raw.replace(",  ", ", ").split()) == text  # the data still says this
    assert split_names(raw) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Acme, S.A. de C.V., Other", ["Acme, S.A. de C.V.", "Other"]),
        ("Acme Pty, Ltd, Other", ["Acme Pty, Ltd", "Other"]),
        ("Acme, Pty Ltd", ["Acme, Pty Ltd"]),
        ("Acme, Sdn Bhd", ["Acme, Sdn Bhd"]),
        ("Acme, S.p.A.", ["Acme, S.p.A."]),
        ("Acme, GmbH, Beta, B.V.", ["Acme, GmbH", "Beta, B.V."]),
        ("Acme, Tbk", ["Acme, Tbk"]),
        ("Lda., Acme", ["Lda.", "Acme"]),  # nothing before it to join
        ("Acme, Asia Netcom", ["Acme", "Asia Netcom"]),  # a name starting like a form
        ("Acme, Corporate Networks", ["Acme", "Corporate Networks"]),
    ],
)
def test_split_names_legal_forms(text, names):
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
