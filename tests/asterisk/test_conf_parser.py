"""The Asterisk config reader and writer (app.asterisk.conf) against hand-written files.

The expected results follow main/config.c: what Asterisk would hold for each
section after loading, and what it would warn about or refuse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.asterisk.conf import (
    ConfigError,
    ConfSection,
    ParsedConfig,
    escape_value,
    inherited_lines,
    parse_config,
    parse_text,
    write_section,
)

FIXTURES = Path(__file__).parent / "fixtures" / "conf"


def section(config: ParsedConfig, name: str, index: int = 0) -> ConfSection:
    return [s for s in config.sections if s.name == name][index]


def own(config: ParsedConfig, name: str, index: int = 0) -> list[tuple[str, str]]:
    return [(k, v) for k, v, _ in section(config, name, index).lines]


def applied(config: ParsedConfig, name: str, index: int = 0) -> list[tuple[str, str]]:
    return [(k, v) for k, v, _ in inherited_lines(config, section(config, name, index))]


def messages(config: ParsedConfig) -> list[tuple[int, str]]:
    return [(where.line, text) for where, text in config.problems]


# --------------------------------------------------------------------------- syntax.conf


@pytest.fixture(scope="module")
def syntax() -> ParsedConfig:
    return parse_config(FIXTURES / "syntax.conf")


def test_sections_in_file_order_with_additions_merged(syntax: ParsedConfig) -> None:
    assert [(s.name, s.is_template) for s in syntax.sections] == [
        ("general", False),
        ("base-tpl", True),
        ("other", False),
        ("alice", False),
        ("bob", True),
        ("svc", False),
        ("svc", False),
    ]


def test_assignments_comments_and_escapes(syntax: ParsedConfig) -> None:
    assert own(syntax, "general") == [
        ("plain", "value"),
        ("spaced", "padded value"),
        ("arrow", "object value"),
        ("escaped", "a;b;c"),
        ("empty", ""),
        ("inline", "ab"),
        ("visible", "yes"),
        ("allow", "ulaw ,alaw"),
        ("#hash", "escaped first character of a name"),
    ]


def test_bases_apply_in_order_before_own_lines(syntax: ParsedConfig) -> None:
    alice = section(syntax, "alice")
    assert alice.bases == ["base-tpl", "OTHER"]
    assert alice.additive is True
    assert own(syntax, "alice") == [
        ("allow", "g722 ,gsm"),
        ("context", "own"),
        ("disallow", "all"),
        ("callerid", "Alice <100>"),
    ]
    assert applied(syntax, "alice") == [
        ("context", "from-tpl"),
        ("allow", "g722 ,gsm"),
        ("context", "from-other"),
        ("context", "own"),
        ("disallow", "all"),
        ("callerid", "Alice <100>"),
    ]


def test_template_options_combine(syntax: ParsedConfig) -> None:
    bob = section(syntax, "bob")
    assert (bob.is_template, bob.bases, bob.lines) == (True, ["base-tpl"], [])
    assert applied(syntax, "bob") == [("context", "from-tpl"), ("allow", "g722")]


def test_addition_filter_picks_among_same_named_sections(syntax: ParsedConfig) -> None:
    assert own(syntax, "svc", 0) == [("type", "aor")]
    assert own(syntax, "svc", 1) == [("type", "auth"), ("username", "svc")]
    assert section(syntax, "svc", 1).additive is True


def test_variables_keep_their_lines(syntax: ParsedConfig) -> None:
    where = {k: w for k, _, w in inherited_lines(syntax, section(syntax, "alice"))}
    assert (where["callerid"].line, where["disallow"].line, where["allow"].line) == (38, 34, 27)
    assert where["disallow"].file == str(FIXTURES / "syntax.conf")
    assert section(syntax, "alice").where.line == 32


def test_problems_are_reported_with_their_lines(syntax: ParsedConfig) -> None:
    assert messages(syntax) == [
        (2, "option before any section (Asterisk refuses to load the file)"),
        (22, "no '=' in line: ignored"),
        (23, "unknown directive '#unknown' ignored"),
    ]


# --------------------------------------------------------------------------- includes


@pytest.fixture(scope="module")
def included() -> ParsedConfig:
    return parse_config(FIXTURES / "pjsip.conf", allow_absolute_includes=True)


def test_includes_globs_and_nesting(included: ParsedConfig) -> None:
    assert [s.name for s in included.sections] == [
        "global",
        "transport-udp",
        "alice",
        "bob",
        "inner",
        "brace-a",
        "brace-b",
    ]
    assert section(included, "inner").where.file == str(FIXTURES / "includes" / "nested" / "inner.conf")


def test_included_file_continues_the_current_section(included: ParsedConfig) -> None:
    assert own(included, "global") == [("type", "global"), ("debug", "yes"), ("user_agent", "main")]
    debug = section(included, "global").lines[1][2]
    assert (debug.file, debug.line) == (str(FIXTURES / "includes" / "transports.conf"), 1)


def test_include_problems(included: ParsedConfig) -> None:
    assert messages(included) == [
        (10, "included file 'includes/missing.conf' not found (Asterisk refuses to load the file)"),
        (11, "#exec is not run: its output cannot be imported"),
        (12, "unknown directive '#frobnicate' ignored"),
    ]


def test_include_loop_stops_at_the_depth_limit() -> None:
    with pytest.raises(ConfigError, match="deeper than 10") as caught:
        parse_config(FIXTURES / "loop.conf", allow_absolute_includes=True)
    assert caught.value.where is not None
    assert (caught.value.where.file, caught.value.where.line) == (str(FIXTURES / "loop.conf"), 3)


def write_chain(directory: Path, files: int) -> Path:
    """level1.conf includes level2.conf ... up to ``files`` files open at once."""
    for level in range(1, files + 1):
        include = f"#include level{level + 1}.conf\n" if level < files else ""
        (directory / f"level{level}.conf").write_text(f"[s{level}]\nn = {level}\n{include}")
    return directory / "level1.conf"


def test_ten_files_deep_is_the_limit(tmp_path: Path) -> None:
    assert len(parse_config(write_chain(tmp_path, 10)).sections) == 10
    with pytest.raises(ConfigError, match="deeper than 10"):
        parse_config(write_chain(tmp_path, 11))


def test_text_includes_need_a_root(tmp_path: Path) -> None:
    (tmp_path / "part.conf").write_text("[part]\nx = 1\n")
    text = "#include part.conf\n#tryinclude absent.conf\n"
    assert [s.name for s in parse_text(text, include_root=tmp_path).sections] == ["part"]
    rootless = parse_text(text)
    assert rootless.sections == []
    assert [line for line, _ in messages(rootless)] == [1, 2]


def test_directory_matched_by_an_include_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "sub.conf").mkdir()
    config = parse_text("#include sub.conf\n", include_root=tmp_path)
    assert [text for _, text in messages(config)] == [
        f"{tmp_path / 'sub.conf'} is not a regular file: ignored",
        "included file 'sub.conf' not found (Asterisk refuses to load the file)",
    ]


# --------------------------------------------------------------------------- fatal input


def test_binary_data_is_refused() -> None:
    with pytest.raises(ConfigError, match="binary data") as caught:
        parse_config(FIXTURES / "binary.conf")
    assert caught.value.where is not None and caught.value.where.line == 3


def test_control_characters_are_binary() -> None:
    with pytest.raises(ConfigError, match="control character"):
        parse_text("[a]\nx = \x1b[31m\n")


def test_oversized_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="larger than 64 bytes"):
        parse_config(FIXTURES / "syntax.conf", max_bytes=64)
    with pytest.raises(ConfigError, match="larger than 8 bytes"):
        parse_text("[general]\n", max_bytes=8)
    (tmp_path / "half.conf").write_text("[h]\n" + "x = 1\n" * 10)
    with pytest.raises(ConfigError, match="add up to more than"):
        parse_text("#include half.conf\n#include half.conf\n", include_root=tmp_path, max_bytes=100)


def test_unknown_base_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"base \[no-such-template\] is not defined") as caught:
        parse_config(FIXTURES / "unknown_base.conf")
    assert caught.value.where is not None and caught.value.where.line == 1


def test_base_must_come_before_its_user() -> None:
    with pytest.raises(ConfigError, match="not defined before"):
        parse_text("[a](later)\n[later](!)\n")


def test_addition_needs_an_earlier_non_template_section() -> None:
    with pytest.raises(ConfigError, match=r"no earlier section \[ghost\]"):
        parse_text("[ghost](+)\nx = 1\n")
    with pytest.raises(ConfigError, match=r"no earlier section \[tpl\]"):
        parse_text("[tpl](!)\n[tpl](+)\n")
    config = parse_text("[tpl](!)\na = 1\n[tpl](+TEMPLATES=include)\nb = 2\n")
    assert own(config, "tpl") == [("a", "1"), ("b", "2")]


def test_unclosed_header_is_refused() -> None:
    with pytest.raises(ConfigError, match="no closing"):
        parse_text("[general\n")
    with pytest.raises(ConfigError, match="no closing"):
        parse_text("[tpl](!\n")


def test_missing_top_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        parse_config(tmp_path / "absent.conf")


# --------------------------------------------------------------------------- Asterisk's finer points


def test_bases_are_copied_when_the_header_is_read() -> None:
    config = parse_text("[base]\na = 1\n[user](base)\n[base](+)\nb = 2\n")
    assert applied(config, "user") == [("a", "1")]
    assert own(config, "base") == [("a", "1"), ("b", "2")]


def test_append_to_missing_variable_assigns() -> None:
    assert own(parse_text("[a]\nx += 1\n"), "a") == [("x", "1")]


def test_append_extends_the_last_variable_of_that_name() -> None:
    config = parse_text("[a]\nx = 1\nx = 2\ny = 3\nx +=0\nx += 9\n")
    assert own(config, "a") == [("x", "1"), ("x", "20 9"), ("y", "3")]


def test_escaped_name_characters() -> None:
    config = parse_text("[a]\n\\=odd = 1\n\\+= 2\n\\[x = 3\n\\ = 4\n")
    assert own(config, "a") == [("=odd", "1"), ("+", "2"), ("[x", "3")]
    assert messages(config) == [(5, "invalid '\\' escape (Asterisk refuses to load the file)")]


def test_backslash_semicolon_keeps_only_the_semicolon() -> None:
    config = parse_text("[a]\nx = \\\\;y ; c\nz = ;--x--\\;\n")
    assert own(config, "a") == [("x", "\\;y"), ("z", "")]
    assert messages(config)[0][1] == "unterminated block comment ';--'"


def test_text_after_a_header_is_ignored() -> None:
    config = parse_text("[tpl] (!)\nx = 1\n")
    assert section(config, "tpl").is_template is False
    assert messages(config) == [(1, "text after the section header is ignored: ' (!)'")]


def test_stray_block_comment_end_hides_the_following_lines() -> None:
    config = parse_text("[a]\nx = 1 --;\ny = 2\n;--\nz = 3\n")
    assert own(config, "a") == [("x", "1 --;"), ("z", "3")]
    assert [line for line, _ in messages(config)] == [2]


def test_block_comment_spanning_a_header() -> None:
    config = parse_text("[a]\n;--\n[b]\n--;x = 1\n")
    assert [s.name for s in config.sections] == ["a"]
    assert own(config, "a") == [("x", "1")]


def test_long_lines_are_skipped_like_fgets() -> None:
    long = "x = " + "a" * 9000
    exact = "y = " + "b" * (8191 - len("y = ") - 1)  # 8191 bytes with its newline: swallows the next line
    config = parse_text(f"[a]\n{long}\nkept = 1\n{exact}\nswallowed = 1\nafter = 1\n")
    assert own(config, "a") == [("kept", "1"), ("after", "1")]
    assert [line for line, _ in messages(config)] == [2, 4, 5]


def test_section_names_are_cut_to_79_bytes() -> None:
    config = parse_text(f"[{'n' * 90}]\n")
    assert config.sections[0].name == "n" * 79
    assert "truncates" in messages(config)[0][1]


def test_legacy_latin1_file(tmp_path: Path) -> None:
    (tmp_path / "legacy.conf").write_bytes(b"[caf\xe9]\ncallerid = Ren\xe9\n")
    config = parse_config(tmp_path / "legacy.conf")
    assert own(config, "café") == [("callerid", "René")]


def test_byte_order_mark_is_reported() -> None:
    config = parse_text("\ufeff[a]\nx = 1\n")
    assert config.sections == []
    assert [line for line, _ in messages(config)] == [1, 1, 2]


def test_empty_base_name_inherits_from_the_first_section() -> None:
    config = parse_text("[first]\na = 1\n[x](!,)\n")
    assert applied(config, "x") == [("a", "1")]
    assert "empty base name" in messages(config)[0][1]


# --------------------------------------------------------------------------- writer


def test_write_section_text() -> None:
    text = write_section(
        "alice", [("callerid", "A;B <1>"), ("#odd", ">x"), ("empty", "")], template=True, bases=["t1", "t2"]
    )
    assert text == "[alice](!,t1,t2)\ncallerid = A\\;B <1>\n\\#odd = >x\nempty =\n"
    assert write_section("bob", []) == "[bob]\n"


def test_escape_value() -> None:
    assert escape_value("a;--b--;c") == "a\\;--b--\\;c"
    with pytest.raises(ValueError, match="control character"):
        escape_value("a\nb")


@pytest.mark.parametrize(
    ("name", "lines", "bases"),
    [
        ("a]b", [], ()),
        ("n" * 80, [], ()),
        ("ok", [("k=v", "x")], ()),
        ("ok", [(" k", "x")], ()),
        ("ok", [], ("a,b",)),
        ("ok", [], ("+x",)),
        ("ok", [("k", "v" * 9000)], ()),
    ],
)
def test_write_section_refuses_what_asterisk_would_misread(
    name: str, lines: list[tuple[str, str]], bases: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError):
        write_section(name, lines, bases=bases)


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t;\\-=>[#+ "), max_size=20
)
_BLANKS = "".join(chr(code) for code in range(33))


@settings(max_examples=200, deadline=None)
@given(
    name=_TEXT.filter(lambda s: s and "]" not in s and len(s.encode()) <= 79),
    keys=st.lists(_TEXT.filter(lambda s: "=" not in s).map(lambda s: s.strip(_BLANKS)).filter(bool), max_size=4),
    values=st.lists(_TEXT.map(lambda s: s.strip(_BLANKS)), min_size=4, max_size=4),
)
def test_written_sections_read_back_unchanged(name: str, keys: list[str], values: list[str]) -> None:
    pairs = list(zip(keys, values, strict=False))
    config = parse_text(write_section(name, pairs) + write_section("next", [("k", "v")]))
    assert [(s.name, [(k, v) for k, v, _ in s.lines]) for s in config.sections] == [
        (name, pairs),
        ("next", [("k", "v")]),
    ]
    assert config.problems == []
