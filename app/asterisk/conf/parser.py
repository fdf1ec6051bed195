"""Asterisk's configuration file syntax, read the way Asterisk reads it.

pjsip.conf and chan_sip's sip.conf are both loaded by Asterisk's generic
config reader (``main/config.c``). An importer that reads them differently
from Asterisk would import a configuration that Asterisk never ran, so this
module follows that reader's rules, including its odd ones:

* lines are split on ``\\n`` only; every character below 33 counts as blank
  and is trimmed from both ends of a line, a name and a value;
* ``;`` starts a comment, ``\\;`` is a literal semicolon (the backslash goes),
  ``;--`` ... ``--;`` is a block comment that nests (128 levels) and spans
  lines, and a ``--;`` with no block open makes Asterisk skip every following
  line until the next ``;--``;
* ``[name](!,base,+)`` options: ``!`` marks a template, ``+`` (optionally
  with a filter) appends to the first earlier section of that name, any other
  word copies the variables of the first earlier section of that name
  (ignoring case, templates included) at the moment the header is read;
* ``name = value``, ``name => value`` and ``name += text`` (the text is
  appended verbatim to the last variable of that name, inherited copies
  included); a leading ``\\`` escapes the first character of a name;
* ``#include`` and ``#tryinclude`` (quotes ``"..."`` or ``<...>``, globbing
  with ``{a,b}`` alternatives, at most 10 files open at once); an included
  file continues the section that was current when it was included, and the
  including file continues its own section afterwards;
* lines of 8191 bytes or more are skipped.

What Asterisk logs and carries on from, or refuses a file for but this module
can still make sense of, becomes a *problem*; what leaves no meaningful result
raises :class:`ConfigError`. Two deliberate differences: relative includes
are resolved against the including file's directory (Asterisk uses its
configuration directory, which is the same place for a flat ``/etc/asterisk``)
and ``#exec`` is never run. Includes reaching outside the imported file's
folder (absolute paths, wildcards) are refused unless explicitly allowed,
and text without an include root never opens, lists or globs any file.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.gc_pause import collector_paused

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# config.c MAX_INCLUDE_LEVEL: files open at once, the top file counting as the first.
MAX_INCLUDE_LEVEL = 10
# config.c MAX_NESTED_COMMENTS.
MAX_NESTED_COMMENTS = 128
# config.c reads with fgets() into char[8192]: a chunk that fills the buffer marks a line too long.
LINE_CHUNK_BYTES = 8191
# struct ast_category holds its name in char[80].
MAX_NAME_BYTES = 79

_BLANKS = "".join(chr(code) for code in range(33))
# Control characters that never occur in a text file; NUL would also cut a C string short.
_BINARY = re.compile("[\x00-\x08\x0e-\x1f]")
_GLOB_MAGIC = re.compile(r"[*?\[]")
_REFUSED = " (Asterisk refuses to load the file)"


@dataclass(frozen=True, slots=True)
class Where:
    """A position in a configuration file, for messages that point at the offending line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


Line = tuple[str, str, Where]


@dataclass(slots=True)
class ConfSection:
    """One section (Asterisk "category") as loaded.

    ``lines`` are the section's own variables in order, after ``+=`` folding
    and after ``(+)`` sections were merged in. ``variables`` is the complete
    list Asterisk holds and applies: copies of the bases' variables, made when
    the header was read, interleaved with the own ones in load order.
    ``additive`` says that at least one later ``(+)`` section was merged into
    this one.
    """

    name: str
    where: Where
    is_template: bool
    bases: list[str]
    additive: bool
    lines: list[Line]
    variables: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class ParsedConfig:
    """Sections in the order Asterisk keeps them, and what it would have warned about."""

    sections: list[ConfSection]
    problems: list[tuple[Where, str]]


class ConfigError(ValueError):
    """A configuration that cannot be read meaningfully (binary, too large, broken structure)."""

    def __init__(self, message: str, where: Where | None = None) -> None:
        super().__init__(f"{where}: {message}" if where is not None else message)
        self.where = where


def parse_config(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, allow_absolute_includes: bool = False
) -> ParsedConfig:
    """Load ``path`` and everything it includes, relative to the file's folder as Asterisk does.

    An include of an absolute path or a wildcard pattern reaches beyond the
    imported file's folder: it raises :class:`ConfigError` unless
    ``allow_absolute_includes`` says the operator wants exactly that.
    """
    loader = _Loader(max_bytes, follow_includes=True, allow_absolute=allow_absolute_includes)
    with collector_paused():
        loader.load_path(path, 1, _Context(None), None, required=True)
        return loader.result()


def parse_text(
    text: str,
    *,
    name: str = "<text>",
    include_root: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_absolute_includes: bool = False,
) -> ParsedConfig:
    """Load configuration text; relative ``#include`` names resolve against ``include_root``.

    Without ``include_root`` no file is ever opened, listed or globbed: every
    ``#include``/``#tryinclude`` becomes a "not followed" problem on its line,
    which is what text from an untrusted source needs. With it, relative
    includes are followed; absolute paths and wildcards only when allowed.
    """
    loader = _Loader(max_bytes, follow_includes=include_root is not None, allow_absolute=allow_absolute_includes)
    loader.account(len(text.encode("utf-8", "surrogatepass")), Where(name, 0))
    with collector_paused():
        loader.load_text(text, name, include_root, 1, _Context(None))
        return loader.result()


def inherited_lines(config: ParsedConfig, section: ConfSection) -> list[Line]:
    """What Asterisk applies for ``section``: each base's full variables in base order, then its own.

    This is ``ast_category_inherit``'s result, recorded while ``config`` was
    loaded rather than recomputed from it: Asterisk copies a base's variables
    when the inheriting header is read, so a base extended later by ``(+)``
    does not reach sections that inherited it earlier, and a ``+=`` can
    extend an inherited copy in place.
    """
    del config  # the list was recorded at load time; see the docstring
    return list(section.variables)


# --------------------------------------------------------------------------- loading


@dataclass(slots=True)
class _Category:
    """A section being loaded: ``own[i]`` says whether ``variables[i]`` is its own or an inherited copy.

    Inherited copies share the base's (immutable) line tuples, so a file of
    many sections inheriting large templates costs no per-variable objects.
    """

    name: str
    where: Where
    template: bool = False
    bases: list[str] = field(default_factory=list)
    additive: bool = False
    variables: list[Line] = field(default_factory=list)
    own: list[bool] = field(default_factory=list)

    def add(self, line: Line) -> None:
        self.variables.append(line)
        self.own.append(True)

    def add_copies(self, lines: list[Line]) -> None:
        self.variables.extend(lines)
        self.own.extend([False] * len(lines))

    def to_section(self) -> ConfSection:
        lines = [line for line, own in zip(self.variables, self.own, strict=True) if own]
        return ConfSection(self.name, self.where, self.template, self.bases, self.additive, lines, self.variables)


@dataclass(slots=True)
class _Comments:
    """Block comment state; Asterisk keeps it for one load call, across the files of one glob."""

    depth: int = 0
    opened_at: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Context:
    """One ``config_text_file_load`` call: its own current section and comment state."""

    category: _Category | None
    comments: _Comments = field(default_factory=_Comments)


class _Loader:
    """Builds the category list the way config.c does, recording problems on the way."""

    def __init__(self, max_bytes: int, *, follow_includes: bool, allow_absolute: bool) -> None:
        self.max_bytes = max_bytes
        # Text from the API must never touch the file system: decided before any path is built.
        self.follow_includes = follow_includes
        self.allow_absolute = allow_absolute
        self.loaded_bytes = 0
        self.categories: list[_Category] = []
        self.by_name: dict[str, list[_Category]] = {}
        # config.c's cfg->current: where a newly included file starts.
        self.current: _Category | None = None
        self.problems: list[tuple[Where, str]] = []
        # One string object for each distinct name or value: a file of many endpoints repeats
        # option names, template names, and values that name other sections (aors=, auth=).
        self.strings: dict[str, str] = {}

    def result(self) -> ParsedConfig:
        return ParsedConfig([c.to_section() for c in self.categories], self.problems)

    def shared(self, text: str) -> str:
        """The one string object kept for this text."""
        return self.strings.setdefault(text, text)

    def problem(self, where: Where, message: str) -> None:
        self.problems.append((where, message))

    def account(self, size: int, where: Where) -> None:
        """Refuse input over ``max_bytes``, per file and in total, so includes cannot multiply work."""
        if size > self.max_bytes:
            raise ConfigError(f"{where.file} is larger than {self.max_bytes} bytes", where)
        self.loaded_bytes += size
        if self.loaded_bytes > self.max_bytes:
            raise ConfigError(f"the included files add up to more than {self.max_bytes} bytes", where)

    # ---------------------------------------------------------------- files

    def load_path(self, path: Path, level: int, context: _Context, site: Where | None, *, required: bool) -> bool:
        """Load one file; False when it cannot be opened (Asterisk then counts it as missing)."""
        try:
            with path.open("rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except OSError as exc:
            if required:
                raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", site) from exc
            if site is not None:
                self.problem(site, f"cannot read {path}: {exc.strerror or exc}")
            return False
        self.account(len(data), Where(str(path), 0))
        text, encoding = _decode(data, str(path))
        del data  # the file's bytes: not needed once decoded, and as large as the file
        self.load_text(text, str(path), path.parent, level, context, encoding)
        return True

    def load_text(
        self, text: str, file: str, directory: Path | None, level: int, context: _Context, encoding: str = "utf-8"
    ) -> None:
        _refuse_binary(text, file)
        if text.startswith("\ufeff"):
            self.problem(Where(file, 1), "byte order mark: Asterisk reads it as part of the first line")
        for line, lineno in self._readable_lines(text, file, encoding):
            self.load_line(context, line, Where(file, lineno), directory, level)
        if context.comments.depth > 0:
            opened = context.comments.opened_at[0] if context.comments.opened_at else 0
            self.problem(Where(file, opened), "unterminated block comment ';--'")

    def _readable_lines(self, text: str, file: str, encoding: str) -> Iterator[tuple[str, int]]:
        """Lines with their numbers, minus those Asterisk's fgets() loop skips as too long.

        A too-long line is read in 8191-byte chunks until a short chunk; when
        its length is an exact multiple of 8191, the following line is that
        short chunk and is swallowed too. Lines are cut from the text one at a
        time: a list of them all would cost several times the file's size.
        """
        length = len(text)
        start = number = 0
        while start < length:
            line, start = _next_line(text, start)
            number += 1
            size = _chunked_length(line, start <= length, encoding)
            if size < LINE_CHUNK_BYTES:
                yield line, number
                continue
            self.problem(Where(file, number), f"line of {LINE_CHUNK_BYTES} bytes or more: Asterisk skips it")
            while size % LINE_CHUNK_BYTES == 0 and start < length:
                number += 1
                self.problem(Where(file, number), "line swallowed by Asterisk while skipping the previous one")
                line, start = _next_line(text, start)
                size = _chunked_length(line, start <= length, encoding)

    # ---------------------------------------------------------------- lines

    def load_line(self, context: _Context, raw: str, where: Where, directory: Path | None, level: int) -> None:
        """Comments go first, so a ``;`` can hide a header or a directive as well as a value."""
        text = self.uncomment(raw, context.comments, where)
        if text is None:
            return
        text = text.strip(_BLANKS)
        if not text:
            return
        if text[0] == "[":
            self.header(context, text, where)
        elif text[0] == "#":
            self.directive(text, where, directory, level)
        else:
            self.variable(context, text, where)

    def uncomment(self, line: str, state: _Comments, where: Where) -> str | None:
        """The part of ``line`` outside comments, or None when all of it is inside one.

        Follows config.c's scan: the text before a block comment and the text
        after it are joined with nothing in between; ``\\0`` marks where
        config.c writes its string terminators.
        """
        if not state.depth and ";" not in line:
            return line
        buf = line
        start = 0
        kept: int | None = None if state.depth else 0
        while True:
            stop = buf.find("\0", start)
            at = buf.find(";", start, len(buf) if stop < 0 else stop)
            if at < 0:
                break
            if at > start and buf[at - 1] == "\\":
                buf = buf[: at - 1] + buf[at:]
                start = at
            elif buf[at + 1 : at + 3] == "--" and buf[at + 3 : at + 4] != "-":
                if state.depth >= MAX_NESTED_COMMENTS:
                    raise ConfigError(f"block comments nested deeper than {MAX_NESTED_COMMENTS} levels", where)
                buf = buf[:at] + "\0" + buf[at + 1 :]
                start = at + 3
                state.depth += 1
                state.opened_at.append(where.line)
            elif at >= start + 2 and buf[at - 2 : at] == "--":
                start = at + 1
                buf, start, kept = self._close_comment(buf, start, kept, state, where)
            elif state.depth == 0:
                buf = buf[:at]
                break
            else:
                start = at + 1
        if kept is None:
            return None
        return buf[kept : _terminator(buf, kept)]

    def _close_comment(
        self, buf: str, start: int, kept: int | None, state: _Comments, where: Where
    ) -> tuple[str, int, int | None]:
        state.depth -= 1
        if state.opened_at:
            state.opened_at.pop()
        if state.depth == -1:
            self.problem(where, "'--;' without an open block comment: Asterisk ignores the lines after it until ';--'")
        if state.depth != 0:
            return buf, start, kept
        if kept is None:
            return buf, start, start
        end = _terminator(buf, kept)
        return buf[:end] + buf[start:], end, kept

    # ---------------------------------------------------------------- headers

    def header(self, context: _Context, text: str, where: Where) -> None:
        """``[name](options)``: only a ``(`` right after ``]`` opens options; the rest is ignored, as in config.c."""
        close = text.find("]")
        if close < 0:
            raise ConfigError("no closing ']' in section header", where)
        name = text[1:close]
        rest = text[close + 1 :]
        options: list[str] = []
        if rest.startswith("("):
            end = rest.find(")")
            if end < 0:
                raise ConfigError("no closing ')' in section header", where)
            options = rest[1:end].split(",")
            rest = rest[end + 1 :]
        if rest:
            self.problem(where, f"text after the section header is ignored: {rest!r}")
        self.open_section(context, name, options, where)

    def open_section(self, context: _Context, name: str, options: list[str], where: Where) -> None:
        """Apply ``[name](options)`` in the order written, as config.c does."""
        stored = self.shared(_truncate(name, MAX_NAME_BYTES))
        if stored != name:
            self.problem(where, f"section name longer than {MAX_NAME_BYTES} bytes: Asterisk truncates it")
        options = [self.shared(option) for option in options]
        new = _Category(stored, where)
        target = new
        for option in options:
            if option == "!":
                target.template = True
            elif option.startswith("+"):
                target = self._merge(name, option[1:], new if target is new else None, where)
            else:
                self._inherit(target, option, where)
        context.category = target
        if target is new:
            self.categories.append(new)
            self.by_name.setdefault(_fold(new.name), []).append(new)
        self.current = target

    def _merge(self, name: str, condition: str, new: _Category | None, where: Where) -> _Category:
        existing = self.find(name, condition)
        if existing is None:
            raise ConfigError(
                f"(+{condition}) but no earlier section [{name}] to add to (a template needs TEMPLATES=include)", where
            )
        if new is not None:
            existing.template |= new.template
            existing.bases.extend(new.bases)
            existing.add_copies(new.variables)
            existing.additive = True
        return existing

    def _inherit(self, target: _Category, base_name: str, where: Where) -> None:
        base = self.find(base_name, "TEMPLATES=include")
        if base is None:
            raise ConfigError(f"base [{base_name}] is not defined before this section", where)
        if base is target:
            raise ConfigError(f"section [{base_name}] inherits from itself", where)
        if not base_name:
            self.problem(where, "empty base name: Asterisk inherits from the first section of the file")
        target.bases.append(base_name)
        target.add_copies(base.variables)

    def find(self, name: str, condition: str) -> _Category | None:
        """config.c ``ast_category_get``: the first section of that name (any when empty) meeting ``condition``."""
        candidates = self.by_name.get(_fold(name), []) if name else self.categories
        return next((c for c in candidates if _meets(c, condition)), None)

    # ---------------------------------------------------------------- directives

    def directive(self, text: str, where: Where, directory: Path | None, level: int) -> None:
        """``#word argument``: includes are followed; ``#exec`` would run a program, so it only becomes a problem."""
        word_end = 1
        while word_end < len(text) and ord(text[word_end]) > 32:
            word_end += 1
        word = _fold(text[1:word_end])
        argument = text[word_end + 1 :].strip(_BLANKS)
        if word not in ("include", "tryinclude", "exec"):
            self.problem(where, f"unknown directive '#{text[1:word_end]}' ignored")
            return
        if word == "exec":
            self.problem(where, "#exec is not run: its output cannot be imported")
            return
        if not argument:
            self.problem(where, f"#{word} needs a file name")
            return
        self.include(_dequote(argument), where, directory, level + 1, optional=word == "tryinclude")

    def include(self, pattern: str, where: Where, directory: Path | None, level: int, *, optional: bool) -> None:
        """Load every regular file the pattern matches, all in one context like one config.c load call.

        The depth limit is checked only when there is a file to load, so a
        missing ``#tryinclude`` stays harmless at any depth.
        """
        if not self.follow_includes:
            self.problem(where, f"include of {pattern!r} not followed: text sent for import never reads files")
            return
        if not self.allow_absolute and (os.path.isabs(pattern) or _has_wildcard(pattern)):
            raise ConfigError(
                f"include of {pattern!r} refused: absolute paths and wildcards are followed only with "
                "--allow-absolute-includes",
                where,
            )
        if os.path.isabs(pattern):
            full = pattern
        elif directory is not None:
            full = str(directory / pattern)
        else:
            self.problem(where, f"cannot follow the include of {pattern!r}: no directory to resolve it against")
            return
        candidates = [Path(p) for p in _glob(full)]
        files = [p for p in candidates if p.is_file()]
        for path in candidates:
            if path.exists() and not path.is_file():
                self.problem(where, f"{path} is not a regular file: ignored")
        if files and level > MAX_INCLUDE_LEVEL:
            raise ConfigError(f"includes nested deeper than {MAX_INCLUDE_LEVEL} files (an include loop?)", where)
        context = _Context(self.current)
        loaded = sum(self.load_path(path, level, context, where, required=False) for path in files)
        if not loaded and not optional:
            self.problem(where, f"included file {pattern!r} not found{_REFUSED}")

    # ---------------------------------------------------------------- variables

    def variable(self, context: _Context, text: str, where: Where) -> None:
        """``name = value``, ``name => value`` or ``name += text``; only the first ``=`` separates."""
        category = context.category
        if category is None:
            self.problem(where, f"option before any section{_REFUSED}")
            return
        escaped = text[0] == "\\"
        body = text[1:] if escaped else text
        if escaped and (not body or ord(body[0]) < 33):
            self.problem(where, f"invalid '\\' escape{_REFUSED}")
            return
        equals = body.find("=", 1 if escaped else 0)
        if equals < 0:
            self.problem(where, "no '=' in line: ignored")
            return
        if equals > (1 if escaped else 0) and body[equals - 1] == "+":
            name = body[: equals - 1].strip(_BLANKS)
            raw = body[equals + 1 :]
            if _append(category, name, raw):
                return
            value = raw.strip(_BLANKS)
        else:
            name = body[:equals].strip(_BLANKS)
            rest = body[equals + 1 :]
            value = (rest[1:] if rest.startswith(">") else rest).strip(_BLANKS)
        if not name:
            self.problem(where, "no variable name before '=': ignored")
            return
        shared = self.shared
        category.add((shared(name), shared(value), where))


# --------------------------------------------------------------------------- helpers


def _append(category: _Category, name: str, raw: str) -> bool:
    """``name += raw``: extend the last variable of that name; False when there is none.

    Like config.c, the updated value replaces the first variable whose name
    and value equal the found one ignoring case, and it is no longer an
    inherited copy.
    """
    found = next((line for line in reversed(category.variables) if line[0] == name), None)
    if found is None:
        return False
    found_name, found_value, _ = found
    value = (found_value + raw).strip(_BLANKS)
    for index, (other_name, other_value, where) in enumerate(category.variables):
        if _fold(other_name) == _fold(name) and (not found_value or _fold(other_value) == _fold(found_value)):
            category.variables[index] = (found_name, value, where)
            category.own[index] = True
            break
    return True


def _meets(category: _Category, condition: str) -> bool:
    """config.c ``does_category_match`` for a ``(+filter)`` or the base lookup.

    Empty: any section but a template. Otherwise every ``name=value``
    expression (separated by ``&``) must hold: ``TEMPLATES=include`` admits
    templates, ``TEMPLATES=restrict`` admits only them, any other pair is a
    pair of regular expressions that one variable must both match.
    """
    if not condition:
        return not category.template
    template_ok = False
    for expression in condition.split("&"):
        parts = expression.split("=")
        if len(parts) < 2:
            return False
        key, value = parts[0].strip(_BLANKS), parts[1].strip(_BLANKS)
        if key == "TEMPLATES":
            mode = _fold(value)
            if mode == "restrict" and not category.template:
                return False
            if mode not in ("include", "restrict"):
                return False
            template_ok = template_ok or category.template
        elif not _any_variable_matches(category, key, value):
            return False
    return not category.template or template_ok


def _any_variable_matches(category: _Category, name_pattern: str, value_pattern: str) -> bool:
    try:
        name_re, value_re = re.compile(name_pattern), re.compile(value_pattern)
    except re.error:
        return False
    return any(name_re.search(name) and value_re.search(value) for name, value, _ in category.variables)


def _has_wildcard(pattern: str) -> bool:
    """Whether glob(3) with GLOB_BRACE would expand ``pattern`` (a listing of the file system)."""
    return any(c in pattern for c in "*?[{")


def _glob(pattern: str) -> list[str]:
    """glob(3) with GLOB_BRACE and GLOB_NOMAGIC: matches sorted per alternative, plain names kept."""
    found: list[str] = []
    for alternative in _expand_braces(pattern):
        if _GLOB_MAGIC.search(alternative):
            found.extend(sorted(glob.glob(alternative)))
        else:
            found.append(alternative)
    return found


def _expand_braces(pattern: str) -> list[str]:
    """``a{b,c}d`` → ``abd``, ``acd``; braces without a comma at their top level stay literal."""
    depth = 0
    opened = 0
    for index, char in enumerate(pattern):
        if char == "{":
            if depth == 0:
                opened = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                choices = _split_top_level(pattern[opened + 1 : index])
                if len(choices) > 1:
                    head, tail = pattern[:opened], pattern[index + 1 :]
                    return [out for choice in choices for out in _expand_braces(head + choice + tail)]
    return [pattern]


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _dequote(argument: str) -> str:
    """Drop one pair of ``"..."`` or ``<...>`` around an include name, as config.c does."""
    closing = {'"': '"', "<": ">"}.get(argument[0])
    if closing is not None and argument[-1] == closing:
        return argument[1:-1]
    return argument


def _decode(data: bytes, file: str) -> tuple[str, str]:
    """The text and its encoding: UTF-8, or Latin-1 for legacy files. NUL bytes mean binary data."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise ConfigError("binary data (NUL byte)", Where(file, data.count(b"\n", 0, nul) + 1))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _refuse_binary(text: str, file: str) -> None:
    match = _BINARY.search(text)
    if match is not None:
        char = match.group()
        line = text.count("\n", 0, match.start()) + 1
        raise ConfigError(f"binary data (control character {char!r})", Where(file, line))


def _chunked_length(line: str, has_newline: bool, encoding: str) -> int:
    """The line's length in bytes as fgets() sees it, newline included (at most 4 bytes a character)."""
    if len(line) * 4 < LINE_CHUNK_BYTES - 1 or line.isascii():
        size = len(line)
    else:
        size = len(line.encode(encoding, "surrogatepass"))
    return size + (1 if has_newline else 0)


def _next_line(text: str, start: int) -> tuple[str, int]:
    """The line starting at ``start`` (without its newline), and where the next one starts: past
    the end of the text when this one has no newline."""
    end = text.find("\n", start)
    if end < 0:
        return text[start:], len(text) + 1
    return text[start:end], end + 1


def _terminator(buf: str, start: int) -> int:
    end = buf.find("\0", start)
    return len(buf) if end < 0 else end


def _truncate(name: str, limit: int) -> str:
    encoded = name.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return name
    return encoded[:limit].decode("utf-8", "ignore")


def _fold(text: str) -> str:
    """strcasecmp() in the C locale folds ASCII letters only."""
    return text.lower() if text.isascii() else "".join(c.lower() if c.isascii() else c for c in text)
