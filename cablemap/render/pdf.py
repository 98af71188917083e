"""PDF reports: the HTML report, less its interactive map, printed by WeasyPrint.

WeasyPrint (PyPI, BSD) lays out HTML and CSS without a browser; it runs no JavaScript,
so a PDF report shows the static route image where the HTML report has its Leaflet map.
It is an optional dependency (``pip install 'cablemap[pdf]'``) and needs the Pango
library at run time, which pip cannot install: :func:`require_pdf` says so in one line
before any work is done.
"""

from __future__ import annotations

PRINT_CSS = """
@page { size: A4 landscape; margin: 12mm 12mm 14mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555 } }
body { max-width: none; margin: 0; font-size: 10pt }
table { font-size: 7.5pt; width: 100% }
tr, img { page-break-inside: avoid }
h2, h3 { page-break-after: avoid }
img.static { max-width: 100%; max-height: 112mm }
"""
"""Print layout: A4 landscape (the hop tables are wide), page numbers, no split rows."""


def require_pdf() -> None:
    """Check that a PDF can be made here.

    Raises
    ------
    UserError
        When WeasyPrint is not installed or cannot load Pango.
    """
    from cablemap.errors import UserError

    try:
        import weasyprint  # noqa: F401
    except ImportError:
        raise UserError(
            "a PDF report needs WeasyPrint: pip install 'cablemap[pdf]' (and the Pango "
            "library, see docs/reports.md), or write the report as .html or .md"
        ) from None
    except OSError as exc:  # WeasyPrint is there, Pango (a system library) is not
        raise UserError(
            f"a PDF report needs the Pango library, which WeasyPrint cannot load ({exc}); "
            "install Pango (see docs/reports.md), or write the report as .html or .md"
        ) from None


def html_to_pdf(page: str) -> bytes:
    """Print an HTML page (with no external resources) to PDF bytes.

    The title, description and generator of the page's ``<head>`` become the PDF's
    metadata.
    """
    import weasyprint

    document = weasyprint.HTML(string=page, base_url=None)
    return bytes(document.write_pdf(stylesheets=[weasyprint.CSS(string=PRINT_CSS)]))
