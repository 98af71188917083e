"""PDF reports: printed from the HTML report by WeasyPrint, read back with pypdf."""

from __future__ import annotations

import io

import pytest

from cablemap.dataset.provenance import ATTRIBUTION


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


def test_pdf_report_holds_the_report_and_names_its_data(network, tmp_path):
    from pypdf import PdfReader

    from cablemap.render.report import write_report

    path = tmp_path / "us-jp.pdf"
    assert write_report(network, "US", "JP", path, policy="clean-network-2020") == [path]
    pdf = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert text.startswith("Routes from United States to Japan under Clean Network 2020")
    for part in ("Direct cables", "Why flagged", "Glossary", "not in registry", "and 19 more"):
        assert part in text, part
    assert "data as of 2022-09" in text and ATTRIBUTION in text
    assert "Policy: Clean Network 2020: Clean Carrier and Clean Cable." in text
    assert pdf.metadata.title.startswith("Routes from United States to Japan")
    assert "data as of 2022-09" in pdf.metadata.subject and ATTRIBUTION in pdf.metadata.subject
    assert str(network.dataset.provenance.snapshot) in text
    assert len(pdf.pages) <= 6
    images = {image.name: image for page in pdf.pages for image in page.images}
    (image,) = images.values()  # the static route image, once (no map: it needs JavaScript)
    assert image.image.size == (1500, 900)


def test_pdf_is_refused_in_one_line_without_weasyprint(network, tmp_path, monkeypatch):
    import builtins

    from cablemap.errors import UserError
    from cablemap.render.report import write_report

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    with pytest.raises(UserError, match=r"pip install 'cablemap\[pdf\]'"):
        write_report(network, "US", "JP", tmp_path / "r.pdf")
    assert list(tmp_path.iterdir()) == []
