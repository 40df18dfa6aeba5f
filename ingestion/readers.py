"""Read landing files into DuckDB as text: one row per physical line, numbered exactly.

DuckDB's CSV reader, told that a line has one column and no quoting, returns
every physical line (blank lines as NULL) in file order, CRLF stripped. Its
position in the scan gives the exact line number, whatever is wrong with the
line; splitting into fields is then done in SQL, so a line with broken quoting
or the wrong number of fields is one `malformed` row, not a failed file.

The result is the view `_rows` (over the materialised scan): _file, _line, _text, _last_open (the last
line of a file that does not end with a newline), _shape_ok (fields parse and
count right), and one VARCHAR column `v_<field>` per contract field.
"""

from __future__ import annotations

import duckdb

from ingestion.contracts import Contract
from ingestion.files import LandingFile
from ingestion.warehouse import quote

# A delimiter no export contains, so each line is one column.
_NO_DELIMITER = "\\x1f\\x1e\\x1d"
# One CSV field after its comma: quoted (with "" escapes) or bare.
_CSV_FIELD = r',("(?:[^"]|"")*"|[^,"]*)'


class LineCountError(Exception):
    """DuckDB's scan did not return the lines Python counted: read the chunk carefully."""


def load_rows(
    con: duckdb.DuckDBPyConnection, contract: Contract, files: list[LandingFile], careful: bool = False
) -> None:
    """Create the view `_rows` over files of one contract that share one header.

    careful: split lines in Python, for a file DuckDB's CSV scanner rejects outright
    (binary junk, stray NUL bytes): slower, but every line is still accounted for.
    """
    if careful:
        _scan_lines_python(con, files)
    else:
        _scan_lines(con, files)
    if contract.format == "csv":
        _split_csv(con, contract, files[0].header)
    else:
        _split_jsonl(con, contract)


def drop_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Drop `_rows` and what it reads from, once the typed rows are built."""
    kind = con.execute("select table_type from information_schema.tables where table_name = '_rows'").fetchone()
    if kind is not None:
        con.execute(f"drop {'view' if kind[0] == 'VIEW' else 'table'} _rows")
    con.execute("drop view if exists _lines")
    con.execute("drop table if exists _scan")
    con.execute("drop table if exists _catalog")
    con.execute("drop table if exists _line_counts")


def _scan_lines(con: duckdb.DuckDBPyConnection, files: list[LandingFile]) -> None:
    """View `_lines`: every non-blank physical line with its file and exact line number.

    The scan keeps file order and line order, so a line's number is its position
    in the scan minus where its file starts; files' line counts come from Python
    (LF count), and the total is checked against the scan.
    """
    starts, g = [], 1
    for f in files:
        starts.append(g)
        g += f.lines
    con.execute(
        "create or replace temp table _catalog as select unnest($1) as read_path, unnest($2) as file, "
        "unnest($3)::bigint as g0, unnest($4)::bigint as g1, unnest($5) as open_end",
        [[str(f.read_path) for f in files], [f.name for f in files], starts,
         [s + f.lines - 1 for s, f in zip(starts, files, strict=True)], [not f.ends_with_newline for f in files]],
    )
    paths = ", ".join("'" + str(f.read_path).replace("'", "''") + "'" for f in files)
    con.execute(
        f"""
        create or replace temp table _scan as
        select filename as read_path, text, row_number() over () as g
        from read_csv([{paths}], columns = {{'text': 'VARCHAR'}}, delim = E'{_NO_DELIMITER}',
                      quote = '', escape = '', header = false, auto_detect = false,
                      filename = true, max_line_size = 67108864, strict_mode = false)
        """
    )
    scanned = con.execute("select count(*) from _scan").fetchone()[0]
    if scanned != g - 1:
        raise LineCountError(f"DuckDB returned {scanned} lines, the files hold {g - 1}")
    con.execute(
        """
        create or replace temp view _lines as
        select c.file as _file, s.g - c.g0 + 1 as _line, s.text as _text, c.open_end and s.g = c.g1 as _last_open
        from _scan s join _catalog c using (read_path)
        where s.text is not null
        """
    )
    # Counted on the scan itself, apart from Python's LF count: the ledger checks that they agree.
    con.execute(
        """
        create or replace temp table _line_counts as
        select c.file as _file, count(*) as lines, count(*) filter (where s.text is null) as blank
        from _scan s join _catalog c using (read_path) group by all
        """
    )


def _scan_lines_python(con: duckdb.DuckDBPyConnection, files: list[LandingFile]) -> None:
    """`_lines` as `_scan_lines` makes it, from Python's own line splitting (LF only)."""
    names, numbers, texts, open_ends = [], [], [], []
    line_counts, blank_counts = [], []
    for f in files:
        lines = f.read_path.read_bytes().decode("utf-8", errors="replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        line_counts.append(len(lines))
        blank_counts.append(0)
        for i, line in enumerate(lines, start=1):
            line = line.removesuffix("\r").replace("\x00", "")
            if not line:
                blank_counts[-1] += 1
            if line:
                names.append(f.name)
                numbers.append(i)
                texts.append(line)
                open_ends.append(not f.ends_with_newline and i == len(lines))
    con.execute(
        "create or replace temp table _scan as select unnest($1) as _file, unnest($2)::bigint as _line, "
        "unnest($3) as _text, unnest($4) as _last_open",
        [names, numbers, texts, open_ends],
    )
    con.execute(
        "create or replace temp table _line_counts as select unnest($1) as _file, unnest($2)::bigint as lines, "
        "unnest($3)::bigint as blank",
        [[f.name for f in files], line_counts, blank_counts],
    )
    con.execute("create or replace temp view _lines as select * from _scan")


def _split_csv(con: duckdb.DuckDBPyConnection, contract: Contract, header: tuple[str, ...]) -> None:
    """Fields by header name; a line whose field count differs from the header is malformed."""
    width = len(header)
    values = []
    for f in contract.fields:
        if f.name in header:
            values.append(f"nullif(_fields[{header.index(f.name) + 1}], '') as {quote('v_' + f.name)}")
        else:
            values.append(f"cast(null as varchar) as {quote('v_' + f.name)}")
    con.execute(
        f"""
        create or replace temp view _rows as
        with split as (
            select *,
                strpos(_text, '"') = 0 as _plain,
                case when strpos(_text, '"') = 0 then string_split(_text, ',')
                     else list_transform(regexp_extract_all(',' || _text, '{_CSV_FIELD}', 1),
                          lambda x: case when x[1] = '"' then replace(x[2:-2], '""', '"') else x end)
                end as _fields
            from _lines
            where _line > 1
        ),
        shaped as (
            select *,
                len(_fields) = {width} and case when _plain then true else list_sum(list_transform(
                    regexp_extract_all(',' || _text, '{_CSV_FIELD}', 1), lambda x: length(x) + 1))
                    = length(_text) + 1 end as _shape_ok
            from split
        )
        select _file, _line, _text, _last_open, _shape_ok,
               {", ".join(values)}
        from shaped
        """
    )


def _split_jsonl(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """One JSON object per line; anything else is malformed. Missing keys read as NULL.

    A table, not a view: parsing JSON costs more than storing what it gives.
    """
    paths = ", ".join(f"'$.{f.name}'" for f in contract.fields)
    values = ", ".join(
        f"nullif(_values[{i + 1}], '') as {quote('v_' + f.name)}" for i, f in enumerate(contract.fields)
    )
    con.execute(
        f"""
        create or replace temp table _rows as
        with parsed as (
            select *, case when json_valid(_text) then json_type(_text) = 'OBJECT' else false end as _shape_ok
            from _lines
        ),
        extracted as (
            select *, case when _shape_ok then json_extract_string(_text, [{paths}]) end as _values
            from parsed
        )
        select _file, _line, _text, _last_open, _shape_ok, {values}
        from extracted
        """
    )
