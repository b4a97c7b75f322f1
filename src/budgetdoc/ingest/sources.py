"""Where pages come from: a file, a folder (recursive, in natural order), or a zip archive."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Literal

from budgetdoc.ingest.images import read_image
from budgetdoc.ingest.pdf import read_pdf
from budgetdoc.ingest.types import IngestError, IngestOptions, PageImage

PDF_EXT = {".pdf"}
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
ZIP_EXT = {".zip"}
KNOWN_EXT = PDF_EXT | IMAGE_EXT | ZIP_EXT
MAX_ZIP_DEPTH = 2  # a zip inside a zip is read; deeper nesting is refused

Kind = Literal["pdf", "image", "zip"]


def natural_key(s: str) -> list[object]:
    """Sort key that puts ``page-2`` before ``page-10``."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]


def sniff(head: bytes) -> Kind | None:
    """The kind of a file from its first bytes."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if (head.startswith((b"\x89PNG", b"\xff\xd8", b"II*\x00", b"MM\x00*", b"BM"))
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")):
        return "image"
    return None


def _kind_by_ext(name: str) -> Kind | None:
    ext = PurePosixPath(name).suffix.lower()
    return "pdf" if ext in PDF_EXT else "image" if ext in IMAGE_EXT else "zip" if ext in ZIP_EXT else None


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _read_one(data: str | bytes, name: str, kind: Kind | None, options: IngestOptions, depth: int
              ) -> Iterator[PageImage | IngestError]:
    if isinstance(data, str):
        try:
            with open(data, "rb") as f:
                head = f.read(1024)
        except OSError as e:
            yield IngestError.make(name, "not_found" if isinstance(e, FileNotFoundError) else "corrupt", str(e))
            return
    else:
        head = data[:1024]
    sniffed = sniff(head)
    kind = sniffed or kind
    if not head:
        yield IngestError.make(name, "corrupt", "the file is empty (0 bytes)")
    elif sniffed is None and kind is not None:
        yield IngestError.make(name, "corrupt", f"not a readable {kind.upper() if kind == 'pdf' else kind} "
                               "(its first bytes say otherwise)")
    elif kind == "pdf":
        yield from read_pdf(data, name, options)
    elif kind == "image":
        yield from read_image(data, name, options)
    elif kind == "zip":
        yield from _read_zip(data, name, options, depth + 1)
    else:
        yield IngestError.make(name, "unsupported", "not a PDF, image or zip archive")


def _read_zip(data: str | bytes, name: str, options: IngestOptions, depth: int) -> Iterator[PageImage | IngestError]:
    if depth > MAX_ZIP_DEPTH:
        yield IngestError.make(name, "unsupported", f"zip archives nested more than {MAX_ZIP_DEPTH} deep")
        return
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, OSError) as e:
        yield IngestError.make(name, "corrupt", f"not a readable zip archive ({e})")
        return
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not _hidden(PurePosixPath(m.filename).parts)
                   and _kind_by_ext(m.filename) is not None]
        members.sort(key=lambda m: natural_key(m.filename))
        if not members:
            yield IngestError.make(name, "empty", "the archive holds no PDF, image or zip files")
            return
        yield from _read_members(zf, members, name, options, depth)


def _read_members(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str, options: IngestOptions,
                  depth: int) -> Iterator[PageImage | IngestError]:
    """The pages of some members of an open archive, each checked (encrypted, over the size cap)."""
    for m in members:
        inner = f"{name}!{m.filename}"
        if m.flag_bits & 0x1:
            yield IngestError.make(inner, "encrypted", "the archive member is password-protected")
            continue
        if m.file_size > options.max_member_bytes:
            yield IngestError.make(inner, "too_large", f"{m.file_size:,} bytes uncompressed is over the "
                                   f"{options.max_member_bytes:,} byte cap")
            continue
        try:
            with zf.open(m) as f:
                blob = f.read(options.max_member_bytes + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as e:
            yield IngestError.make(inner, "corrupt", f"cannot extract ({e})")
            continue
        if len(blob) > options.max_member_bytes:
            yield IngestError.make(inner, "too_large", f"over the {options.max_member_bytes:,} byte cap")
            continue
        yield from _read_one(blob, inner, _kind_by_ext(m.filename), options, depth)


def list_inputs(source: str | Path) -> list[Path]:
    """The files a folder contributes: PDFs, images and zips, recursively, in natural path order
    (hidden files and folders skipped). A file is returned as itself."""
    root = Path(source)
    if not root.is_dir():
        return [root]
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in KNOWN_EXT
             and not _hidden(p.relative_to(root).parts)]
    return sorted(files, key=lambda p: natural_key(p.relative_to(root).as_posix()))


def read_pages(source: str | Path, options: IngestOptions | None = None) -> Iterator[PageImage | IngestError]:
    """Every page of a PDF, image, folder or zip archive, in order, each rasterised once.

    Yields a :class:`PageImage` per page and an :class:`IngestError` (with a one-line message
    naming the file and page) for whatever cannot be read — the iteration always goes on to the
    next file or page. ``PageImage.index`` numbers the pages of the whole batch from 0.
    """
    opts = options or IngestOptions()
    root = Path(source)
    if not root.exists():
        yield IngestError.make(str(source), "not_found", "no such file or folder")
        return
    files = list_inputs(root)
    if root.is_dir() and not files:
        yield IngestError.make(str(source), "empty", "the folder holds no PDF, image or zip files")
        return
    index = 0
    for path in files:
        for item in _read_one(str(path), str(path), _kind_by_ext(path.name), opts, 0):
            if isinstance(item, PageImage):
                item = dataclasses.replace(item, index=index)
                index += 1
            yield item


def zip_documents(path: str | Path) -> list[str]:
    """The documents a zip archive holds, as member names: each PDF (or nested zip) is one document,
    each folder of page images one (named ``folder/``). An archive holding one document, or images
    only, gives ``[]``: it is read whole as one document. Unreadable archives give ``[]`` too (the
    read then reports why)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [m.filename for m in zf.infolist() if not m.is_dir()
                     and not _hidden(PurePosixPath(m.filename).parts) and _kind_by_ext(m.filename) is not None]
    except (zipfile.BadZipFile, OSError):
        return []
    docs = [n for n in names if _kind_by_ext(n) in ("pdf", "zip")]
    image_folders = {str(PurePosixPath(n).parent) for n in names if _kind_by_ext(n) == "image"}
    docs += [("" if f == "." else f) + "/" for f in image_folders]
    # one document (a PDF, or the page images of one folder) is read whole, as before
    return sorted(docs, key=natural_key) if len(docs) >= 2 else []


def read_zip_member(path: str | Path, member: str, options: IngestOptions | None = None
                    ) -> Iterator[PageImage | IngestError]:
    """The pages of one document inside a zip archive: a member file, or the page images directly
    in a member folder (``folder/``, natural order). Errors name ``archive.zip!member``."""
    opts = options or IngestOptions()
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        yield IngestError.make(str(path), "corrupt", f"not a readable zip archive ({e})")
        return
    with zf:
        if member.endswith("/"):
            folder = member.rstrip("/") or "."
            members = sorted((m for m in zf.infolist() if not m.is_dir() and _kind_by_ext(m.filename) == "image"
                              and str(PurePosixPath(m.filename).parent) == folder
                              and not _hidden(PurePosixPath(m.filename).parts)), key=lambda m: natural_key(m.filename))
        else:
            members = [m for m in zf.infolist() if m.filename == member]
        if not members:
            yield IngestError.make(f"{path}!{member}", "not_found", "no such member in the archive")
            return
        yield from _read_members(zf, members, str(path), opts, 1)
