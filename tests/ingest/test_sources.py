"""Folders (recursive, natural order, hidden files skipped), zip archives (members named
``archive.zip!member``), and a batch that always goes on past a bad file."""

from __future__ import annotations

import zipfile

import numpy as np
from ingest_helpers import SCAN_JPG, encrypted_pdf, one_real_page, png_bytes

from budgetdoc.ingest import IngestError, IngestOptions, PageImage, list_inputs, read_pages
from budgetdoc.ingest.sources import natural_key, sniff

FAST = IngestOptions(dpi=36)


def _png(v: int = 0) -> bytes:
    a = np.full((30, 20), 255, np.uint8)
    a[10:20, 5:15] = v
    return png_bytes(a, dpi=(100, 100))


def _summary(items) -> list[str]:
    return [f"{i.source}#{i.page}" if isinstance(i, PageImage) else f"ERR {i.file}#{i.page}:{i.reason}" for i in items]


def test_folder_is_recursive_sorted_naturally_and_skips_noise(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("page-10.png", "page-2.png", "b/page-1.png", ".hidden/x.png", ".DS_Store", "notes.txt", "l.json"):
        (tmp_path / name).write_bytes(_png())
    files = [p.relative_to(tmp_path).as_posix() for p in list_inputs(tmp_path)]
    assert files == ["b/page-1.png", "page-2.png", "page-10.png"]
    items = list(read_pages(tmp_path, FAST))
    assert [i.index for i in items] == [0, 1, 2]
    assert [i.source.rsplit("/", 1)[-1] for i in items] == ["page-1.png", "page-2.png", "page-10.png"]


def test_batch_goes_on_after_bad_files(tmp_path):
    (tmp_path / "a-bad.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "b-locked.pdf").write_bytes(encrypted_pdf())
    (tmp_path / "c-good.pdf").write_bytes(one_real_page())
    (tmp_path / "d-bad.png").write_bytes(b"\x89PNG\r\n\x1a\nnope")
    (tmp_path / "e-good.png").write_bytes(_png())
    items = list(read_pages(tmp_path, FAST))
    kinds = [("page" if isinstance(i, PageImage) else i.reason) for i in items]
    assert kinds == ["corrupt", "encrypted", "page", "corrupt", "page"]
    assert [i.index for i in items if isinstance(i, PageImage)] == [0, 1]
    for err in (i for i in items if isinstance(i, IngestError)):
        assert str(tmp_path) in err.message and "\n" not in err.message and str(err) == err.message


def test_zip_archive_members_nested_folders_and_errors(tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/p-1.png", _png(10))
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("scans/page-10.png", _png(1))
        z.writestr("scans/page-9.jpg", SCAN_JPG.read_bytes())
        z.writestr("doc.pdf", one_real_page())
        z.writestr("broken.pdf", b"%PDF-1.4 nope")
        z.writestr("__MACOSX/scans/._page-9.jpg", b"junk")
        z.writestr("readme.txt", b"ignored")
        z.write(inner, "more/inner.zip")
    items = list(read_pages(archive, FAST))
    assert _summary(items) == [
        f"ERR {archive}!broken.pdf#None:corrupt",
        f"{archive}!doc.pdf#1",
        f"{archive}!more/inner.zip!deep/p-1.png#1",
        f"{archive}!scans/page-9.jpg#1",
        f"{archive}!scans/page-10.png#1",
    ]
    pdf_page = items[1]
    assert pdf_page.has_text_layer and pdf_page.dpi == 36


def test_zip_member_size_cap_and_bad_archive(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("huge.png", b"\x00" * 2_000_000)  # compresses to almost nothing
    (err,) = read_pages(archive, IngestOptions(max_member_bytes=1_000_000))
    assert err.reason == "too_large" and err.file == f"{archive}!huge.png"
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    (err,) = read_pages(bad)
    assert err.reason == "corrupt" and "bad.zip" in err.message


def test_missing_unsupported_and_empty_sources(tmp_path):
    (err,) = read_pages(tmp_path / "nope.pdf")
    assert err.reason == "not_found"
    txt = tmp_path / "notes.txt"
    txt.write_text("hello")
    (err,) = read_pages(txt)
    assert err.reason == "unsupported"
    empty = tmp_path / "empty"
    empty.mkdir()
    (err,) = read_pages(empty)
    assert err.reason == "empty"
    arch = tmp_path / "nothing.zip"
    with zipfile.ZipFile(arch, "w") as z:
        z.writestr("a.txt", b"x")
    (err,) = read_pages(arch)
    assert err.reason == "empty"


def test_content_decides_over_extension(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(_png())  # a PNG with the wrong name is still read
    (page,) = read_pages(p, FAST)
    assert isinstance(page, PageImage) and page.media_type == "image/png"
    assert sniff(b"%PDF-1.7") == "pdf" and sniff(b"PK\x03\x04") == "zip" and sniff(b"II*\x00") == "image"
    assert sorted(["p10", "p9", "P1"], key=natural_key) == ["P1", "p9", "p10"]
