"""Landing files: find them, fingerprint them, and make them readable by DuckDB.

DuckDB reads UTF-8 only (and cannot download the encodings extension here), so
the encoding of every file is decided: a byte-order mark first, then the encoding
the contract declares, and only when it declares none, detection (a strict UTF-8
check, a vote of non-ASCII lines, then charset-normalizer on a sample). A file that is
not clean UTF-8 is transcoded into a staging copy; a clean file is read in place.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from ingestion.contracts import Contract

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_SAMPLE_BYTES = 64 * 1024
# A header longer than this is not a header (a binary blob, a file with no line ends).
MAX_HEADER_BYTES = 64 * 1024
# Bytes no text export holds (tab, LF, CR and form feed excluded); a few are junk, many are binary.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
# Signatures of content that is not text, whatever the file is called.
_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed"),
    (b"PK\x03\x04", "zip-compressed"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"),
    (b"%PDF", "a PDF document"),
)
_NON_SPACE = re.compile(rb"\S")
_GLOB = re.compile(r"[*?\[\]{}]")
# CJK symbols and punctuation, unified ideographs, full-width forms.
_CJK = ((0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))
# GBK and GB2312 are subsets of GB18030: decoding with the superset loses nothing.
_GB_FAMILY = {"gbk", "gb2312", "gb18030", "cp936", "hz"}


class RefusedFile(Exception):
    """A file that cannot be read as its contract's format: refused whole, with the rule and the line."""

    def __init__(self, rule: str, message: str, line: int | None = None):
        super().__init__(message)
        self.rule, self.line = rule, line
        self.content_hash = ""

    def reason(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"rule {self.rule}: {where}{self}"


def _new_digest() -> "hashlib.blake2b":
    """The content hash the ledger knows a file by: BLAKE2b-256."""
    return hashlib.blake2b(digest_size=32)


def file_hash(data: bytes) -> str:
    """The content hash of bytes in hand (as content_hash() of a file holding them)."""
    digest = _new_digest()
    digest.update(data)
    return digest.hexdigest()


def display_name(path: Path) -> str:
    """The file name as text: bytes that are not UTF-8 are shown as \\xNN escapes."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class LandingFile:
    """One export file as found in landing/<source>/, ready to be read."""

    contract: Contract
    path: Path
    content_hash: str
    encoding: str
    size: int
    ends_with_newline: bool
    header: tuple[str, ...]  # CSV column names as exported (empty for JSON lines)
    has_rows: bool  # anything but a header: two header-only files are not a re-sent file
    # DuckDB's scanner ends a line at a lone CR too; such files are split in Python
    # so that line numbers stay the physical (LF-counted) ones.
    lone_cr: bool
    lines: int  # physical lines, LF-counted (a last line without LF counts)
    read_path: Path  # what DuckDB reads: the file itself or its UTF-8 staging copy
    # {line: byte offset of its first byte that is not valid in `encoding`}: quarantined, never mojibake
    undecodable: dict[int, int] = field(default_factory=dict, hash=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name


# A file modified this recently may still be being written: its size is checked again after
# SETTLE_SECONDS, and a file that grew (or changed) is left for the next run.
RECENT_SECONDS = 5.0
SETTLE_SECONDS = 1.0


def still_written(paths: list[Path]) -> set[Path]:
    """The files among paths still being written: modified in the last seconds and changed since."""
    now = time.time_ns()
    recent = {}
    for p in paths:
        st = p.stat()
        if now - st.st_mtime_ns < RECENT_SECONDS * 1e9:
            recent[p] = (st.st_size, st.st_mtime_ns)
    if not recent:
        return set()
    time.sleep(SETTLE_SECONDS)
    changed = set()
    for p, before in recent.items():
        st = p.stat()
        if (st.st_size, st.st_mtime_ns) != before:
            changed.add(p)
    return changed


def unknown_names(landing_dir: Path, source: str, contracts: tuple[Contract, ...]) -> list[str]:
    """Files in landing/<source>/ that no contract's pattern names: reported, never loaded."""
    folder = landing_dir / source
    if not folder.is_dir():
        return []
    return sorted(display_name(p) for p in folder.iterdir()
                  if p.is_file() and not any(fnmatch.fnmatchcase(p.name, c.file_pattern) for c in contracts))


def discover(landing_dir: Path, contract: Contract) -> list[Path]:
    """The contract's files in landing/<source>/, in name order (daily files sort by day)."""
    folder = landing_dir / contract.source
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(contract.file_pattern) if p.is_file())


def detect_encoding(data: bytes) -> tuple[str, bool]:
    """(encoding, decodes cleanly); a truncated file may end inside a character.

    Valid UTF-8 is not proof of UTF-8: GBK bytes for 转 (D7 AA) are valid UTF-8
    for the Hebrew ת. So the lines holding non-ASCII bytes are decoded both ways
    and the decoding that reads as Chinese wins; charset-normalizer decides only
    when neither does (running it on every file would cost minutes at bench scale).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, _decodes(data, name)
    utf16 = _utf16_without_bom(data[:_SAMPLE_BYTES])  # before the ASCII test: NUL is ASCII
    if utf16:
        return utf16, _decodes(data, utf16)
    if data.isascii():
        return "utf-8", True
    sample = _sample(data)
    votes = _line_votes(sample)
    if votes["utf-8"] > votes["gb18030"]:
        return "utf-8", _decodes(data, "utf-8")  # mostly UTF-8 lines: any GB line is foreign
    scores = {name: _chinese_share(sample, name) for name in ("utf-8", "gb18030")}
    if max(scores.values()) < 1.0:
        best = from_bytes(sample).best()
        if best is not None:
            scores[best.encoding] = _chinese_share(sample, best.encoding) + 0.01
    name = max(scores, key=lambda n: scores[n])  # ties keep the first: utf-8
    if name.replace("_", "-").lower() in _GB_FAMILY:
        name = "gb18030"  # the superset: decoding with it loses nothing
    return name, _decodes(data, name)


def decide_encoding(data: bytes, contract: Contract) -> tuple[str, bool]:
    """(encoding, decodes cleanly): the contract's declared encoding, else detect_encoding's guess.

    A BOM still decides (it cannot be there by accident); otherwise a declared encoding is
    taken as is, and lines that do not decode in it are quarantined (rule encoding), never
    re-read in another encoding that happens to fit.
    """
    if contract.encoding is None:
        return detect_encoding(data)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, _decodes(data, name)
    return contract.encoding, data.isascii() or _decodes(data, contract.encoding)


def _line_votes(sample: bytes) -> dict[str, int]:
    """Per non-ASCII line, the encoding that decodes it strictly and reads as more Chinese."""
    votes = {"utf-8": 0, "gb18030": 0}
    for line in sample.split(b"\n"):
        if line.isascii():
            continue
        shares = {name: _chinese_share(line, name) for name in votes if _decodes(line, name)}
        if shares:
            votes[max(shares, key=lambda n: shares[n])] += 1
    return votes


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without its BOM: ASCII text in it has a NUL in every other byte."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def refuse_unreadable(data: bytes, contract: Contract, encoding: str) -> None:
    """Raise RefusedFile for content no reader of this contract's format can take line by line."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise RefusedFile("binary", f"the content is {what}, not {contract.format} text: "
                                        "decompress or convert it before it lands")
    sample = data[:_SAMPLE_BYTES]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if not encoding.startswith("utf-16") and len(sample) >= 256 and control > 0.05 * len(sample):
        raise RefusedFile("binary", f"{control:,} control bytes in the first {len(sample):,}: binary content, "
                                    f"not {contract.format} text")
    if contract.format == "csv" and not encoding.startswith("utf-16"):
        end = data.find(b"\n")
        first = len(data) if end < 0 else end
        if first > MAX_HEADER_BYTES:
            raise RefusedFile("header", f"the first line is {first:,} bytes (over {MAX_HEADER_BYTES:,}): "
                                        "not a header; the file has no usable line ends", line=1)


def _chinese_share(sample: bytes, encoding: str) -> float:
    """Share of the non-ASCII characters that are CJK, minus undecodable bytes."""
    try:
        text = sample.decode(encoding, errors="replace")
    except LookupError:
        return -1.0
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return 0.0
    good = sum(1 for ch in wide if any(lo <= ord(ch) <= hi for lo, hi in _CJK))
    return (good - 2 * text.count("\ufffd")) / len(wide)


def _sample(data: bytes) -> bytes:
    """Lines holding non-ASCII bytes (what tells encodings apart), up to the sample size."""
    lines = [line for line in data[: _SAMPLE_BYTES * 16].split(b"\n") if not line.isascii()]
    sample = b"\n".join(lines)[:_SAMPLE_BYTES]
    return sample or data[:_SAMPLE_BYTES]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


_HASH_BLOCK = 1024 * 1024


def content_hash(path: Path) -> str:
    """The file's identity: BLAKE2b of its bytes (1.7x the speed of SHA-256 here, as good for this).

    Every run hashes every landing file: size and mtime can match while the content differs
    (a rewrite within the same second, `cp -p`, `rsync -t`), and hashing costs little next to
    reading rows (docs/ingestion.md, Performance).
    """
    digest = _new_digest()
    with open(path, "rb") as f:
        while block := f.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def hash_all(paths: list[Path], workers: int = 2) -> dict[Path, str | None]:
    """{path: content hash} (None when the file cannot be opened: inspect then says why)."""
    def one(path: Path) -> str | None:
        try:
            return content_hash(path)
        except OSError:
            return None

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return dict(zip(paths, pool.map(one, paths), strict=True))


def inspect(path: Path, contract: Contract, staging_dir: Path) -> LandingFile:
    """Fingerprint one file and stage a UTF-8 copy when DuckDB could not read it as is."""
    data = path.read_bytes()
    content_hash = file_hash(data)  # as content_hash(path), on bytes in hand
    try:
        return _inspect(path, data, content_hash, contract, staging_dir)
    except Exception as error:
        error.content_hash = content_hash  # a refused file is known by its content like any other
        raise


def _inspect(path: Path, data: bytes, content_hash: str, contract: Contract, staging_dir: Path) -> LandingFile:
    if path.name != display_name(path):
        raise RefusedFile("file_name", "the file name is not valid UTF-8: rename the file (its bytes are "
                                       "shown as \\xNN) and it loads on the next run")
    # Old Mac exports end lines with CR alone: each CR is a line end, as the source meant.
    cr_only = b"\r" in data and b"\n" not in data
    if cr_only:
        data = data.replace(b"\r", b"\n")
    encoding, clean = decide_encoding(data, contract)
    refuse_unreadable(data, contract, encoding)
    read_path = path
    undecodable: dict[int, int] = {}
    if encoding != "utf-8" or not clean or cr_only:
        text = _transcode(data, encoding, undecodable)
        staging_dir.mkdir(parents=True, exist_ok=True)
        read_path = staging_dir / f"{content_hash[:16]}_{_GLOB.sub('_', path.name)}"
        data = text.encode("utf-8")  # what is read: lines are counted on it
        read_path.write_bytes(data)
        first = text[: text.find("\n")] if "\n" in text else text
        refuse_unreadable(data, contract, "utf-8")
    else:
        end = data.find(b"\n")
        first = (data if end < 0 else data[:end]).decode("utf-8")
    if _GLOB.search(path.name) and read_path == path:
        # DuckDB expands glob characters in a path: a copy with a plain name is read literally.
        staging_dir.mkdir(parents=True, exist_ok=True)
        read_path = staging_dir / f"{content_hash[:16]}_{_GLOB.sub('_', path.name)}"
        read_path.write_bytes(data)
    header = _parse_header(first) if contract.format == "csv" else ()
    if contract.format == "csv" and data.strip():
        check_header(header, contract)
    body_start = data.find(b"\n") + 1 if contract.format == "csv" else 0
    has_rows = (body_start > 0 or contract.format != "csv") and _NON_SPACE.search(data, body_start) is not None
    return LandingFile(
        contract=contract,
        path=path,
        content_hash=content_hash,
        encoding=encoding,
        size=len(data),
        ends_with_newline=data.endswith(b"\n") or not data,
        header=header,
        has_rows=has_rows,
        lone_cr=data.count(b"\r") != data.count(b"\r\n"),
        lines=data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1),
        read_path=read_path,
        undecodable=undecodable,
    )


def _transcode(data: bytes, encoding: str, undecodable: dict[int, int] | None = None) -> str:
    """UTF-8 text with exactly the original lines: decoded line by line, so broken
    bytes never swallow or invent a line break (line numbers must stay physical).

    undecodable, when given, receives {line: byte offset in the file of its first bad byte};
    such a line holds U+FFFD where its bytes did not decode, and is quarantined (rule encoding).
    """
    if encoding.startswith("utf-16"):
        return data.decode(encoding, errors="replace").lstrip("\ufeff")
    # A GB file may hold lines written as UTF-8 (an export merged from two systems): GB18030
    # decodes those too, as mojibake, so a line that is valid UTF-8 and reads as more Chinese
    # that way is a foreign line, quarantined like bytes that do not decode.
    other = "utf-8" if encoding == "gb18030" else None
    out, offset = [], 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            text = line.decode(encoding)
            if other and not line.isascii() and _decodes(line, other) \
                    and _chinese_share(line, other) >= _chinese_share(line, encoding):
                raise UnicodeDecodeError(encoding, line, 0, 1, f"the line is {other}")
            out.append(text)
        except UnicodeDecodeError as error:
            if undecodable is not None:
                undecodable[number] = offset + error.start
            out.append("\ufffd" + line.decode(encoding, errors="replace").replace("\n", "\ufffd"))
        offset += len(line) + 1
    return "\n".join(out).lstrip("\ufeff")


def check_header(header: tuple[str, ...], contract: Contract) -> None:
    """Refuse a file whose first line is not the contract's header: rows would be lost or misread.

    Columns may come in any order and optional ones may be missing (they read as empty);
    a first line of several fields naming none of the columns (no header: its first row
    would be taken for one), a column named twice, a column the contract does not know, or a missing required
    column refuses the file.
    """
    names = {f.name for f in contract.fields}
    if not names & set(header):
        if len(header) < 2:
            return  # one junk field, not a row: its lines are quarantined one by one (malformed)
        raise RefusedFile("header", f"the first line names none of the contract's columns "
                                    f"({', '.join(f.name for f in contract.fields[:3])}, ...): the file has no "
                                    "header, and its first row would be lost", line=1)
    twice = sorted({n for n in header if header.count(n) > 1})
    if twice:
        raise RefusedFile("header", f"column {', '.join(twice)} appears more than once in the header", line=1)
    extra = [n for n in header if n not in names]
    if extra:
        raise RefusedFile("header", f"column {', '.join(repr(n) for n in extra)} is not in the {contract.name} "
                                    "contract: a changed export needs a contract change first", line=1)
    missing = [f.name for f in contract.fields if (f.required or f.name in contract.key) and f.name not in header]
    if missing:
        raise RefusedFile("header", f"required column {', '.join(missing)} missing from the header", line=1)


def _parse_header(line: str) -> tuple[str, ...]:
    try:
        row = next(csv.reader(io.StringIO(line.rstrip("\r\n"), newline="")), [])
    except csv.Error as error:
        raise RefusedFile("header", f"the header does not parse as CSV ({error})", line=1) from error
    return tuple(name.strip().lower() for name in row)


def inspect_all(
    paths: list[tuple[Path, Contract]], staging_dir: Path, workers: int = 2
) -> list[LandingFile | tuple[Path, RefusedFile]]:
    """Inspect many files; hashing and reading release the GIL, so threads help.

    A file that cannot be inspected comes back as (path, RefusedFile): one file never stops the others.
    """
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda pc: _inspect_or_refuse(pc[0], pc[1], staging_dir), paths))


def _inspect_or_refuse(path: Path, contract: Contract, staging_dir: Path) -> LandingFile | tuple[Path, RefusedFile]:
    try:
        return inspect(path, contract, staging_dir)
    except RefusedFile as refused:
        return path, refused
    except Exception as error:  # noqa: BLE001 - whatever one file does, the run goes on with the others
        refused = RefusedFile("unreadable", f"{type(error).__name__}: {error}".splitlines()[0])
        refused.content_hash = getattr(error, "content_hash", "")
        return path, refused
