"""Hostile and broken documents for tests/reliability, made on the fly so no binary is committed.

`write_bad(folder)` writes files the ingest must refuse, each by name with a Dutch reason;
`write_readable(folder)` writes hostile files that are still documents (markup, control characters,
odd names) and must be indexed as plain text. The committed *.html / *.md / *.txt beside this file
are part of the readable set.

Run `python tests/data/hostile/make_hostile.py DIR` to look at them.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMITTED = ["script.html", "markdown-trucs.md", "goed.txt"]

# Size limit the tests set (DOSSIER_MAX_FILE_MB) so that an "oversized" file stays small on disk.
TEST_LIMIT_MB = 0.5

# File name -> a fragment of the Dutch reason the ingest must give for it.
BAD = {
    "leeg.txt": "leeg (0 bytes)",
    "alleen-witruimte.md": "geen leesbare tekst",
    "plaatje-als.pdf": "geen geldig PDF-bestand",
    "beveiligd.pdf": "beveiligd met een wachtwoord",
    "afgekapt.pdf": "PDF",
    "geen-tekst.pdf": "geen tekst",
    "ongeldige-utf8.txt": "geen geldige UTF-8",
    "binair.txt": "binaire inhoud",
    "te-groot.txt": "DOSSIER_MAX_FILE_MB",
    "kapot.docx": "geen geldig Word-bestand",
    "lege-zip.docx": "geen geldig Word-bestand",
    "programma.exe": "wordt niet ondersteund",
    "diep-genest.html": "genest",
}


def _pdf(pages: list[str], password: str | None = None, image_only: bool = False) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if image_only:
            pdf.rect(20, 20, 100, 60, style="F")  # a drawing, no text: what a scan without OCR looks like
        else:
            pdf.multi_cell(0, 6, text)
    if password:
        pdf.set_encryption(owner_password="eigenaar", user_password=password)
    return bytes(pdf.output())


def write_bad(folder: Path) -> dict[str, str]:
    """Write every file of BAD into `folder`; returns BAD."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "Het meldpunt is dagelijks bereikbaar en je kunt anoniem melden. "
    (folder / "leeg.txt").write_bytes(b"")
    (folder / "alleen-witruimte.md").write_text(" \n\t\n   \n\n", encoding="utf-8")
    (folder / "plaatje-als.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    (folder / "beveiligd.pdf").write_bytes(_pdf([text * 3], password="geheim"))
    good_pdf = _pdf([text * 3])
    (folder / "afgekapt.pdf").write_bytes(good_pdf[:300])
    (folder / "geen-tekst.pdf").write_bytes(_pdf(["x"], image_only=True))
    # 0x81 and 0x8d are undefined in cp1252 and invalid as UTF-8 start bytes: neither decoding works.
    (folder / "ongeldige-utf8.txt").write_bytes(b"Tekst over opvang \x81\x8d\xff\xfe en meer.\n" * 3)
    (folder / "binair.txt").write_bytes(b"ELF\x02\x01\x01\x00\x00" + os.urandom(4096))
    limit = int(TEST_LIMIT_MB * 1024 * 1024)
    (folder / "te-groot.txt").write_text(text * (limit // len(text) + 50), encoding="utf-8")
    (folder / "kapot.docx").write_bytes(b"PK\x03\x04" + os.urandom(1024))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("leesmij.txt", "geen Word-document")
    (folder / "lege-zip.docx").write_bytes(buf.getvalue())
    (folder / "programma.exe").write_bytes(b"MZ" + os.urandom(512))
    depth = 5000  # deeper than Python's recursion limit: a reader that recurses per element fails here
    (folder / "diep-genest.html").write_text(
        "<html><body>" + "<div>" * depth + "Het meldpunt helpt." + "</div>" * depth + "</body></html>",
        encoding="utf-8",
    )
    return dict(BAD)


# Readable hostile files: name -> a phrase of its text that must be findable in the index afterwards.
READABLE = {
    "script.html": "paspoort inhoudt",
    "markdown-trucs.md": "registratiesysteem bewaart elk signaal",
    "goed.txt": "zorgcoördinator",
    "besturingstekens.txt": "meldpunt is anoniem",
    "<img src=x onerror=alert(1)>.md": "bestandsnaam met HTML",
    "[klik](javascript:alert(1)).txt": "markdown-link als bestandsnaam",
    "eindeloos.txt": "woord",
    "titel-truc.html": "slachtoffer krijgt bedenktijd",
    "titel-truc.md": "begeleider gaat mee",
    "titel-truc.txt": "vrijwillig vertrek",
}

# The tag a regex-based stripper left in the text: the '<' inside the quoted attribute ended its match.
BYPASS = '<img src=x onerror=alert(1) title="<">'
# Text the documents write *as entities*: the author's text, shown as written (decoded, escaped on the page).
ENTITY_TEXT = {
    "script.html": ["<script>alert(2)</script>", "<img src=x onerror=alert(3)>"],
    "titel-truc.html": ["a < b & c", "Café"],
    "titel-truc.md": ["<b>vet</b> als tekst", "Café"],
}


def write_readable(folder: Path) -> dict[str, str]:
    """Write the readable hostile files into `folder`; returns READABLE."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in COMMITTED:
        shutil.copy(HERE / name, folder / name)
    (folder / "besturingstekens.txt").write_text(
        "Besturingstekens in een OCR-export\u202e omgekeerd \u202cen zero-width\u200btekens.\n"
        "Een regel met een bel\x07 en backspace\x08: het meldpunt is anoniem.\x1b[31m rood\x1b[0m\n",
        encoding="utf-8",
    )
    (folder / "<img src=x onerror=alert(1)>.md").write_text(
        "# Naam met opmaak\n\nDeze notitie heeft een bestandsnaam met HTML erin.\n", encoding="utf-8"
    )
    (folder / "[klik](javascript:alert(1)).txt").write_text(
        "Link als naam: deze notitie heeft een markdown-link als bestandsnaam.\n", encoding="utf-8"
    )
    (folder / "titel-truc.html").write_text(
        f"<html><body><h1>Opvang {BYPASS}regeling</h1>\n<h2>Bedenktijd {BYPASS}</h2>\n"
        f"<p>Een {BYPASS}slachtoffer krijgt bedenktijd. <style>p{{color:red}}</style>"
        "Rekenregel: a &lt; b &amp; c. Caf&eacute; de Hoek is een meldadres.</p></body></html>\n",
        encoding="utf-8",
    )
    (folder / "titel-truc.md").write_text(
        f"# Begeleiding {BYPASS}\n\n## Vervoer {BYPASS} naar de opvang\n\n"
        f"Een {BYPASS}begeleider gaat mee naar de opvang.\n"
        "Dit is &lt;b&gt;vet&lt;/b&gt; als tekst. Caf&eacute; de Hoek &amp; omgeving.\n",
        encoding="utf-8",
    )
    (folder / "titel-truc.txt").write_text(
        f"Terugkeer {BYPASS} naar het land van herkomst kan via vrijwillig vertrek.\n"
        "Een regel met &lt; blijft zoals hij is.\n",
        encoding="utf-8",
    )
    # One "sentence" of 3,000 words (a table dump without punctuation): no sentence end to split on.
    run_on = " ".join(f"woord{i}" for i in range(3_000))
    (folder / "eindeloos.txt").write_text(run_on + "\n", encoding="utf-8")
    return dict(READABLE)


def main(argv: list[str]) -> None:
    out = Path(argv[1] if len(argv) > 1 else "hostile-out")
    write_bad(out / "slecht")
    write_readable(out / "leesbaar")
    print(f"geschreven in {out}")


if __name__ == "__main__":
    main(sys.argv)
