"""Generate the small sample documents in tests/data/samples/ (the generated files are committed).

Run: .venv/bin/python tests/data/make_samples.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent / "samples"

PDF_PAGE_1 = [
    "Meldroute",
    "",
    "Twijfel je over een signaal? Bel dan het meld- en adviespunt. Het meldpunt is dagelijks",
    "bereikbaar en je kunt anoniem melden.",
]
PDF_PAGE_2 = [
    "Opvang",
    "",
    "De crisisopvang is een geheime plek waar 24 uur per dag een medewerker aanwezig is om",
    "steun te bieden aan de slachtoffers.",
]

HTML = """<!doctype html>
<html><head><title>Voorbeeld</title><style>h1 { color: red }</style>
<script>alert("kop")</script></head>
<body>
<h1>Aanpak mensenhandel</h1>
<p>De gemeente heeft een aandachtsfunctionaris. <b>Iedere</b> gemeente doet mee.</p>
<img src="x.png" onerror="alert('img')">
<h2>Meldpunt</h2>
<p>Bel het meldpunt voor advies.<script>document.write("ingevoegd")</script></p>
<ul><li>Anoniem melden kan.</li><li>Dagelijks bereikbaar.</li></ul>
<p>Let op: &lt;script&gt;alert(1)&lt;/script&gt; is tekst, geen code.</p>
</body></html>
"""

MARKDOWN = """# Handleiding

Dit is de inleiding van de handleiding.

## Melden

Een vermoeden meld je bij het meldpunt.
<script>alert("md")</script>

## Opvang

De opvang is geheim.
"""

TEXT = "Iedere gemeente heeft een aandachtsfunctionaris.\nDie is het aanspreekpunt voor collega's.\n"


def make_pdf(path: Path, pages: list[list[str]], password: str | None = None) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password="eigenaar", user_password=password)
    pdf.output(str(path))


def make_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Samenwerking", level=1)
    document.add_paragraph("De regio werkt samen met ketenpartners.")
    document.add_heading("Politie", level=2)
    document.add_paragraph("De politie spoort daders op.")
    document.add_paragraph("Aangifte doen kan altijd.", style="List Bullet")
    document.add_heading("Zorg", level=2)
    document.add_paragraph("De zorgcoördinator regelt opvang.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Meldpunt"
    table.rows[0].cells[1].text = "Dagelijks"
    document.core_properties.author = "tests"
    document.save(str(path))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    make_pdf(OUT / "twee-paginas.pdf", [PDF_PAGE_1, PDF_PAGE_2])
    make_pdf(OUT / "beveiligd.pdf", [PDF_PAGE_1], password="geheim")
    make_pdf(OUT / "alleen-eigenaar.pdf", [PDF_PAGE_2], password="")  # owner password only: readable
    make_docx(OUT / "koppen.docx")
    (OUT / "pagina.html").write_text(HTML, encoding="utf-8")
    (OUT / "handleiding.md").write_text(MARKDOWN, encoding="utf-8")
    (OUT / "notitie.txt").write_text(TEXT, encoding="utf-8")
    (OUT / "windows.txt").write_bytes("Eén gemeente, één aanpak: coördinatie.\n".encode("cp1252"))
    # 0x81 and 0x8d are undefined in cp1252 and invalid as UTF-8 start bytes.
    (OUT / "kapot.txt").write_bytes(b"Tekst met \x81\x8d onleesbare bytes\n")
    (OUT / "leeg.txt").write_bytes(b"")
    (OUT / "nep.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (OUT / "notities.rtf").write_text("{\\rtf1 Tekst}", encoding="ascii")


if __name__ == "__main__":
    main()
