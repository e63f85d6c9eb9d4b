"""Streaming readers for the formats the public bodies publish.

Each reader yields records one at a time with the line they start on, and turns
every way a file can be broken into an InputError naming the file and the line.
"""

from __future__ import annotations

import codecs
import csv
import json
import tempfile
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.management.base import OutputWrapper
from lxml import etree

from orientation.ingestion.errors import InputError

csv.field_size_limit(10 * 1024 * 1024)

#: the largest feed a source may publish (the national LHEO feed is under 1 GB)
MAX_DOWNLOAD_BYTES = 4 * 1024**3


@contextmanager
def local_file(location: str, *, suffix: str, stdout: OutputWrapper | IO[str] | None = None) -> Iterator[Path]:
    """A local path for a source's file: the path itself, or a temporary copy of an HTTPS URL."""
    if location.startswith("https://"):
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            if stdout is not None:
                stdout.write(f"  téléchargement de {location}\n")
            try:
                with urllib.request.urlopen(location, timeout=60) as response:
                    size = 0
                    while chunk := response.read(1 << 20):
                        size += len(chunk)
                        if size > MAX_DOWNLOAD_BYTES:
                            raise InputError(location, "fichier de plus de 4 Go : refusé")
                        handle.write(chunk)
            except OSError as error:
                raise InputError(location, f"téléchargement impossible : {error}") from error
            handle.flush()
            yield Path(handle.name)
        return
    if "://" in location:
        raise InputError(location, "seules les URL https:// sont acceptées")
    path = Path(location)
    if not path.is_file():
        raise InputError(location, "fichier introuvable")
    yield path


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def get(self, key: str, default: str = "") -> str:
        value = self.values.get(key)
        return default if value is None else value


def _decoded_lines(handle: IO[bytes], path: Path, encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    for number, raw in enumerate(handle, start=1):
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError as error:
            raise InputError(
                path.name,
                f"le fichier n’est pas encodé en {encoding.upper().replace('-SIG', '')} "
                f"(octet {raw[error.start : error.start + 1]!r} en position {error.start + 1})",
                line=number,
            ) from error
    try:
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise InputError(path.name, "le fichier se termine au milieu d’un caractère (fichier tronqué)") from error


def read_csv(
    path: Path,
    *,
    delimiter: str = ",",
    required_columns: Sequence[str] = (),
    encoding: str = "utf-8-sig",
    header: Sequence[str] | None = None,
    skip_rows: int = 0,
) -> Iterator[CsvRow]:
    """Yield the rows of a CSV file as dictionaries, strictly.

    A missing required column, a row with a wrong number of fields, a byte that is
    not in the encoding or a quote left open at the end of the file stops the
    reading with an InputError naming the line.
    """
    if not path.is_file():
        raise InputError(path.name, f"fichier introuvable : {path}")
    with path.open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle, path, encoding), delimiter=delimiter, strict=True)
        for _skipped in range(skip_rows):
            next(reader, None)
        try:
            columns = list(header) if header is not None else next(reader)
        except StopIteration:
            raise InputError(path.name, "le fichier est vide") from None
        except csv.Error as error:
            raise InputError(path.name, f"en-tête illisible : {error}", line=1) from error
        columns = [column.strip() for column in columns]
        missing = [column for column in required_columns if column not in columns]
        if missing:
            shown = ", ".join(columns[:8]) + (", …" if len(columns) > 8 else "")
            raise InputError(
                path.name,
                f"colonne obligatoire absente de l’en-tête (colonnes lues : {shown})",
                line=reader.line_num,
                field=", ".join(missing),
            )
        width = len(columns)
        line = reader.line_num
        while True:
            start = line + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise InputError(path.name, f"ligne CSV mal formée : {error}", line=start) from error
            line = reader.line_num
            if not fields:
                continue
            if len(fields) != width:
                raise InputError(
                    path.name,
                    f"{len(fields)} champs au lieu de {width}",
                    line=start,
                    field=columns[min(len(fields), width) - 1] if fields else "",
                )
            yield CsvRow(start, dict(zip(columns, fields, strict=True)))


#: deeper than any record of an exchange format (data·inclusion needs 3): a hostile file
MAX_JSON_DEPTH = 32


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def iter_json_array(path: Path, *, chunk_size: int = 1 << 16) -> Iterator[tuple[int, Any]]:
    """Yield (line, item) for each element of a top-level JSON array, streaming."""
    if not path.is_file():
        raise InputError(path.name, f"fichier introuvable : {path}")
    decoder = json.JSONDecoder()
    with path.open("rb") as handle:
        text_stream = _decoded_lines(handle, path, "utf-8-sig")
        buffer = ""
        line = 1
        position = 0
        exhausted = False

        def fill() -> bool:
            nonlocal buffer, position, exhausted
            if exhausted:
                return False
            pieces = []
            size = 0
            for piece in text_stream:
                pieces.append(piece)
                size += len(piece)
                if size >= chunk_size:
                    break
            else:
                exhausted = True
            buffer = buffer[position:] + "".join(pieces)
            position = 0
            return bool(pieces)

        def skip_blanks() -> str:
            nonlocal position, line
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n":
                    if buffer[position] == "\n":
                        line += 1
                    position += 1
                if position < len(buffer):
                    return buffer[position]
                if not fill():
                    return ""

        fill()
        if skip_blanks() != "[":
            raise InputError(path.name, "le fichier ne commence pas par un tableau JSON « [ »", line=line)
        position += 1
        expect_item = True
        after_comma = False
        while True:
            char = skip_blanks()
            if char == "":
                raise InputError(
                    path.name, "fin de fichier avant la fin du tableau JSON (fichier tronqué ?)", line=line
                )
            if char == "]":
                if after_comma:
                    raise InputError(path.name, "virgule en trop avant « ] »", line=line)
                return
            if not expect_item:
                if char != ",":
                    raise InputError(path.name, f"« , » ou « ] » attendu, « {char} » trouvé", line=line)
                position += 1
                expect_item = True
                after_comma = True
                continue
            start_line = line
            while True:
                try:
                    item, end = decoder.raw_decode(buffer, position)
                except RecursionError:
                    raise InputError(
                        path.name,
                        "JSON imbriqué trop profondément pour être un enregistrement : refusé",
                        line=start_line,
                    ) from None
                except json.JSONDecodeError as error:
                    if not exhausted and fill():
                        continue
                    raise InputError(
                        path.name,
                        f"JSON invalide : {error.msg}",
                        line=start_line + buffer.count("\n", position, error.pos),
                    ) from error
                if end == len(buffer) and not exhausted:
                    # A number or literal may continue in the next chunk.
                    fill()
                    continue
                break
            line += buffer.count("\n", position, end)
            position = end
            expect_item = False
            after_comma = False
            if _depth(item) > MAX_JSON_DEPTH:
                raise InputError(
                    path.name, f"enregistrement imbriqué sur plus de {MAX_JSON_DEPTH} niveaux : refusé", line=start_line
                )
            yield start_line, item


def hardened_xml_parser_options() -> dict[str, Any]:
    """lxml options that refuse external entities, DTD loading and network access."""
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def release(element: etree._Element) -> None:
    """Free an element read by iterparse, and the siblings read before it, so that
    memory stays flat however long the file."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def iter_xml_elements(path: Path, tag: str) -> Iterator[etree._Element]:
    """Yield each complete `tag` element of an XML file, freeing it afterwards.

    The parser never resolves entities nor reads a DTD, so entity bombs and
    external entities do nothing. A truncated or malformed file raises InputError
    with the line lxml stopped at.
    """
    if not path.is_file():
        raise InputError(path.name, f"fichier introuvable : {path}")
    context = etree.iterparse(str(path), events=("end",), tag=(tag, "{*}" + tag), **hardened_xml_parser_options())
    try:
        for _event, element in context:
            yield element
            release(element)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise InputError(path.name, f"XML mal formé : {error.msg}", line=line) from error


def existing_folder(path: str | Path) -> Path:
    """The folder an import reads, or an InputError saying it is not there."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(str(folder), "dossier introuvable")
    return folder
