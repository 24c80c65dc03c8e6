"""Taking a file in and keeping it: size limit, type by content, images re-encoded, stored by hash.

- The type is judged by libmagic (python-magic) from the bytes, never from the name or the type the
  client claims. Only ACCEPTED types are kept; HTML, SVG and everything else is refused (415).
- The upload is copied to a temporary file in the upload folder while it is hashed and counted;
  past FORUM_UPLOAD_MAX_MB it stops (413). Nothing holds the whole file in memory, except an image
  while Pillow re-encodes it (bounded by MAX_PIXELS).
- Images are decoded and written anew by Pillow: orientation applied, at most MAX_SIDE pixels a side,
  and nothing of the original's metadata (EXIF location and camera, XMP, text chunks) carried over.
- The stored file is named by the SHA-256 of what is stored: `<upload folder>/<ab>/<abcdef…>`.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import magic
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError

MAX_SIDE = 4000          # pixels on the longer side of a stored image
MAX_PIXELS = 50_000_000  # larger images are refused before decoding (decompression bombs)
CHUNK = 64 * 1024

IMAGES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
ACCEPTED = {
    "application/pdf", *IMAGES,
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/csv", "text/plain",
}


class TooLarge(DomainError):
    code, status = "too_large", 413


class UnsupportedType(DomainError):
    code, status = "unsupported_type", 415


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    content_type: str


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_MB", 20)) * 1024 * 1024


def upload_root() -> Path:
    configured = current_app.config.get("UPLOAD_PATH")
    root = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_for(sha256: str) -> Path:
    return upload_root() / sha256[:2] / sha256


def clean_name(name: str | None) -> str:
    """The user's file name for display and download: no folders, no control characters, ≤ 200."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or _("Datei")


def _too_large() -> TooLarge:
    return TooLarge(_("Die Datei ist zu groß (höchstens %(mb)s MB).", mb=current_app.config.get("UPLOAD_MAX_MB", 20)))


def _copy(stream, target) -> None:
    limit, size = max_bytes(), 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large()
        target.write(chunk)
    target.flush()


def _reencode(path: Path, content_type: str) -> bytes:
    """The image decoded and written anew without its metadata; UnsupportedType if it will not decode."""
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UnsupportedType(_("Das Bild ist zu groß."))
            image = ImageOps.exif_transpose(image)  # applies the orientation, leaves a copy without it
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            fmt = IMAGES[content_type]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 85} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            image.save(out, fmt, **options)  # no exif=, icc=, pnginfo=: nothing of the original's metadata
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise UnsupportedType(_("Das Bild lässt sich nicht lesen.")) from exc


def _keep(data_path: Path, sha256: str) -> None:
    target = path_for(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        data_path.unlink(missing_ok=True)
    else:
        os.replace(data_path, target)


def store(stream) -> Stored:
    """Read `stream` (a file object) into the store. Raises TooLarge (413) or UnsupportedType (415)."""
    root = upload_root()
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as target:
            _copy(stream, target)
        content_type = magic.from_file(str(tmp), mime=True)
        if content_type not in ACCEPTED:
            raise UnsupportedType(_("Diese Art von Datei wird nicht angenommen. Erlaubt sind PDF, PNG, JPEG, "
                                    "WebP, OpenDocument, Office-Dokumente (docx, xlsx, pptx), CSV und Text."))
        if content_type in IMAGES:
            data = _reencode(tmp, content_type)
            tmp.write_bytes(data)
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        else:
            digest, size = _hash(tmp), tmp.stat().st_size
        _keep(tmp, digest)
        return Stored(digest, size, content_type)
    finally:
        tmp.unlink(missing_ok=True)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def discard(sha256: str) -> None:
    """Remove a stored file (called after the commit that removed its last row)."""
    path_for(sha256).unlink(missing_ok=True)
