"""Load one document from the corpus folder as raw text per page (.txt, .md, .pdf, .docx, .html).

Every failure is a `DocumentError` with a Dutch reason; the caller skips that file and ingests the others.
Output is text only: markup is reduced to its text, with headings kept as markdown '#' lines.
.html goes through a real HTML parser (selectolax/lexbor): text nodes only, entities decoded, scripts and
styles dropped, headings, list items and blocks kept as lines for the structure step. Raw HTML inside a
.md (or a .txt, .pdf, .docx) is removed by the standard library's HTML tokenizer, which reads quoted
attributes as the browser does (a regex stopped at `title="<"` and left the tag in the text); a .md's
entities are decoded too. Text written *as* entities (`&lt;b&gt;`) is the author's text and stays, as
`<b>`: the page escapes everything it shows.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from index.errors import DocumentError

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")

# Elements whose content is never text for a reader.
_HTML_DROP = ("script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "canvas")
_HTML_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "ul", "ol", "table",
    "tr", "blockquote", "pre", "figure", "figcaption", "dl", "dt", "dd", "address", "form", "fieldset",
}  # fmt: skip
# Raw markup in a non-HTML file: these tags end a line (as in the browser); their content is never text.
_MARKUP_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Document:
    """A loaded document: its path relative to the corpus folder and its raw text per page."""

    source: str
    pages: list[tuple[int | None, str]]

    @property
    def text(self) -> str:
        return "\n\n".join(text for _, text in self.pages)


def supported_list() -> str:
    return ", ".join(SUPPORTED_SUFFIXES)


def load_document(path: Path, corpus_dir: Path, settings) -> Document:
    """Read one file into a Document, or raise DocumentError with a Dutch reason."""
    path = Path(path)
    source = _relative(path, Path(corpus_dir))
    _check_name_and_place(path, Path(corpus_dir), source)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            source,
            f"bestandstype '{suffix or '(geen extensie)'}' wordt niet ondersteund; "
            f"ondersteund zijn {supported_list()}. Zet het om naar een van deze typen.",
        )
    try:
        size = path.stat().st_size
    except OSError as err:
        raise DocumentError(source, f"het bestand kan niet gelezen worden ({err.strerror}).") from err
    limit_mb = settings.max_file_mb
    if size > limit_mb * 1024 * 1024:
        raise DocumentError(
            source,
            f"het bestand is {size / 1024 / 1024:.1f} MB, groter dan de grens van {limit_mb:g} MB. "
            "Splits het bestand of verhoog de grens met DOSSIER_MAX_FILE_MB.",
        )
    if size == 0:
        raise DocumentError(source, "het bestand is leeg (0 bytes).")

    try:
        if suffix == ".pdf":
            pages = _load_pdf(path, source)
        elif suffix == ".docx":
            pages = [(None, _load_docx(path, source, limit_mb))]
        elif suffix in (".html", ".htm"):
            pages = [(None, _html_to_text(_decode(path.read_bytes(), source), source))]
        else:
            pages = [(None, _decode(path.read_bytes(), source))]
    except OSError as err:
        raise DocumentError(source, f"het bestand kan niet gelezen worden ({err.strerror or err}).") from err

    if suffix not in (".html", ".htm"):  # the HTML parser already left text only
        pages = [(number, strip_markup(text, entities=suffix == ".md")) for number, text in pages]
    pages = [(number, _text_only(text)) for number, text in pages]
    if not any(text.strip() for _, text in pages):
        raise DocumentError(source, "het bestand bevat geen leesbare tekst.")
    return Document(source=source, pages=pages)


def _check_name_and_place(path: Path, corpus_dir: Path, source: str) -> None:
    """Refuse a link that leads out of the corpus folder, and a file name that is not UTF-8."""
    # A symlink in a shared corpus folder must not put /etc/passwd or someone's notes in the index.
    try:
        path.resolve().relative_to(corpus_dir.resolve())
    except ValueError:
        raise DocumentError(
            source,
            "dit is een verwijzing (link) naar een bestand buiten de corpusmap en wordt niet gelezen. "
            "Kopieer het bestand zelf in de corpusmap.",
        ) from None
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise DocumentError(
            source,
            "de bestandsnaam bevat tekens die geen geldige UTF-8 zijn. Geef het bestand een nieuwe naam.",
        ) from None


def _relative(path: Path, corpus_dir: Path) -> str:
    try:
        return path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def _text_only(text: str) -> str:
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class _MarkupStripper(HTMLParser):
    """Keeps the text between tags verbatim (line breaks included); drops tags, comments, scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _HTML_DROP:
            self.dropping.append(tag)
        elif tag in _MARKUP_BREAKS:
            self.out.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _MARKUP_BREAKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if self.dropping and tag == self.dropping[-1]:
            self.dropping.pop()
        elif tag in _MARKUP_BREAKS and tag != "br":
            self.out.append("\n")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(data)


def strip_markup(text: str, *, entities: bool) -> str:
    """`text` without HTML tags, comments, scripts and styles; entities decoded only when `entities`."""
    if "<" not in text and not (entities and "&" in text):
        return text
    stripper = _MarkupStripper()
    # The tokenizer always decodes entities; escaping every '&' first gives a plain text's '&lt;' back.
    stripper.feed(text if entities else text.replace("&", "&amp;"))
    stripper.close()
    return "".join(stripper.out)


def _decode(data: bytes, source: str) -> str:
    """UTF-8 first; cp1252 only when it decodes cleanly (old Windows exports); anything else is refused."""
    if b"\x00" in data[:8192]:
        raise DocumentError(source, "dit lijkt geen tekstbestand (binaire inhoud). Sla het op als tekst.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise DocumentError(
            source, "de tekst is geen geldige UTF-8 (en ook geen Windows-1252). Sla het op als UTF-8."
        ) from err
    if _CONTROL_RE.search(text):
        raise DocumentError(source, "de tekst is geen geldige UTF-8. Sla het op als UTF-8.")
    return text


def _load_pdf(path: Path, source: str) -> list[tuple[int | None, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not path.read_bytes()[:1024].lstrip().startswith(b"%PDF"):
        raise DocumentError(source, "dit is geen geldig PDF-bestand (de PDF-kop ontbreekt).")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            # An owner password alone (empty user password) still lets everyone read the text.
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported encryption
                opened = 0
            if not opened:
                raise DocumentError(
                    source, "de PDF is beveiligd met een wachtwoord. Sla een onbeveiligde kopie op."
                )
        pages = [(number, page.extract_text() or "") for number, page in enumerate(reader.pages, start=1)]
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as err:
        raise DocumentError(source, f"de PDF kan niet gelezen worden ({type(err).__name__}).") from err
    if not any(text.strip() for _, text in pages):
        raise DocumentError(
            source,
            "de PDF bevat geen tekst (alleen afbeeldingen?). Laat er eerst tekstherkenning (OCR) op los.",
        )
    return pages


# A .docx is a zip: its parts may unpack to far more than the file's size (a "zip bomb").
DOCX_UNPACKED_FACTOR = 10


def _load_docx(path: Path, source: str, limit_mb: float) -> str:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile as err:
        raise DocumentError(source, "dit is geen geldig Word-bestand (.docx).") from err
    if unpacked > DOCX_UNPACKED_FACTOR * limit_mb * 1024 * 1024:
        raise DocumentError(
            source,
            f"het Word-bestand is uitgepakt {unpacked / 1024 / 1024:.1f} MB, meer dan "
            f"{DOCX_UNPACKED_FACTOR} × de grens van {limit_mb:g} MB. Splits het bestand of verhoog de "
            "grens met DOSSIER_MAX_FILE_MB.",
        )
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as err:
        raise DocumentError(source, "dit is geen geldig Word-bestand (.docx).") from err
    # Style names by id, read once: python-docx's `paragraph.style` scans all styles for every
    # paragraph (measured ~2 ms each: 20,000 paragraphs took over a minute).
    styles = {s.style_id: s.name or "" for s in document.styles}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    styles[None] = (default.name or "") if default is not None else ""
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(_docx_paragraph(item, styles.get(item._p.style, styles[None])))
        elif isinstance(item, Table):
            for row in item.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                blocks.append(" | ".join(dict.fromkeys(c for c in cells if c)))
    return "\n\n".join(b for b in blocks if b.strip())


def _docx_paragraph(paragraph, style: str) -> str:
    text = paragraph.text.strip()
    match = re.match(r"(?:Heading|Kop)\s*(\d)", style, re.IGNORECASE)
    if text and match:
        return "#" * min(int(match.group(1)), 6) + " " + " ".join(text.split())
    if text and style.lower() == "title":
        return "# " + " ".join(text.split())
    if text and style.lower().startswith(("list", "lijst")):
        return "- " + text
    return text


def _html_to_text(html: str, source: str = "") -> str:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    for node in tree.css(", ".join(_HTML_DROP)):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    out: list[str] = []
    try:
        _walk(root, out)
    except RecursionError:
        raise DocumentError(
            source, "de HTML is te diep genest om te lezen. Sla de pagina op als tekst of PDF."
        ) from None
    text = "".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _walk(node, out: list[str]) -> None:
    """Text of a node, with headings as '#' lines, list items as '- ' lines and blocks as paragraphs."""
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(re.sub(r"\s+", " ", child.text_content or ""))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            title = " ".join(child.text(deep=True).split())
            if title:
                out.append(f"\n\n{'#' * int(tag[1])} {title}\n\n")
        elif tag == "li":
            out.append("\n- ")
            _walk(child, out)
            out.append("\n")
        elif tag == "br":
            out.append("\n")
        elif tag in ("td", "th"):
            _walk(child, out)
            out.append(" | ")
        elif tag in _HTML_BLOCKS:
            out.append("\n\n")
            _walk(child, out)
            out.append("\n\n")
        elif tag not in ("-comment",):
            _walk(child, out)
