"""Small files of every kind the upload judges, made here (no fixtures on disk)."""
from __future__ import annotations

import io
import zipfile

from PIL import Image

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CSV = b"Haltestelle,Fahrgaeste\nRathaus,120\nHauptbahnhof,340\n"
TEXT = "Protokoll der Sitzung: Grüße aus Braunschweig.\n".encode()


def image(fmt: str, size=(40, 20), exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **options)
    return out.getvalue()


def photo_with_gps() -> bytes:
    """A JPEG whose EXIF holds a camera, a GPS position and orientation 6 (turn 90° to show)."""
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x0110] = "Kameramodell"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise
    exif[0x8825] = {1: "N", 2: (52.0, 16.0, 8.0), 3: "E", 4: (10.0, 31.0, 15.0)}  # GPSInfo
    return image("JPEG", (40, 20), exif)


def _zip(entries) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data, method in entries:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def docx() -> bytes:
    return _zip([("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED),
                 ("_rels/.rels", b"<Relationships/>", zipfile.ZIP_DEFLATED),
                 ("word/document.xml", b"<w:document/>", zipfile.ZIP_DEFLATED)])


def odt() -> bytes:
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
                 ("content.xml", b"<office:document-content/>", zipfile.ZIP_DEFLATED)])


def plain_zip() -> bytes:
    return _zip([("notiz.txt", b"hallo", zipfile.ZIP_DEFLATED)])


def upload(data: bytes, name: str, content_type: str = "application/octet-stream", **fields) -> dict:
    """A multipart form for the test client: the file in field `file`, plus `fields`."""
    return {"file": (io.BytesIO(data), name, content_type), **fields}
