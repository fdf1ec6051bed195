"""Imports never reach the server's file system through the API, and the CLI stays in the file's folder."""

from __future__ import annotations

import glob
import os
from pathlib import Path
from unittest import mock

import pytest

from app.asterisk.conf.parser import ConfigError, parse_config, parse_text
from tests.conftest import GraphQLClient, World
from tests.helpers import caller_for, new_tenant

IMPORT = """
mutation($t: UUID!, $text: String!) {
  importPjsipConf(tenantUuid: $t, text: $text) { endpoints unmapped }
}
"""


def _secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.conf"
    secret.write_text("[leaked]\ntype = endpoint\ncontext = stolen\n")
    return secret


def _directives(secret: Path) -> str:
    return (
        "[alice]\ntype = endpoint\ncontext = office\n"
        f"#include {secret}\n"
        '#include "secret.conf"\n'
        f"#tryinclude {secret}\n"
        f"#include {secret.parent}/*.conf\n"
        f"#tryinclude {secret.parent}/{{a,b}}/**/../*/zz\n"
        "#exec /bin/cat /etc/passwd\n"
    )


def test_text_never_opens_lists_or_globs_a_file(tmp_path: Path) -> None:
    text = _directives(_secret_file(tmp_path))
    forbidden = mock.Mock(side_effect=AssertionError("the file system was touched"))
    with (
        mock.patch("builtins.open", forbidden),
        mock.patch.object(glob, "glob", forbidden),
        mock.patch.object(os, "stat", forbidden),
        mock.patch.object(Path, "open", forbidden),
    ):
        config = parse_text(text, name="pjsip.conf")
    assert [s.name for s in config.sections] == ["alice"]
    lines = sorted(w.line for w, m in config.problems if "not followed" in m or "#exec is not run" in m)
    assert lines == [4, 5, 6, 7, 8, 9]


async def test_api_import_reports_includes_as_not_followed(world: World, gql: GraphQLClient, tmp_path: Path) -> None:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Hostile")
    text = _directives(_secret_file(tmp_path))
    done = (await gql.ok(IMPORT, {"t": str(tenant), "text": text}))["importPjsipConf"]
    assert done["endpoints"] == ["alice"]  # "leaked" from the secret file never shows up
    assert sum("not followed" in u for u in done["unmapped"]) == 5
    assert any("#exec" in u for u in done["unmapped"])


def test_cli_follows_relative_includes_like_asterisk(tmp_path: Path) -> None:
    (tmp_path / "endpoints").mkdir()
    (tmp_path / "endpoints" / "bob.conf").write_text("[bob]\ntype = endpoint\n")
    main = tmp_path / "pjsip.conf"
    main.write_text("[alice]\ntype = endpoint\n#include endpoints/bob.conf\n")
    assert [s.name for s in parse_config(main).sections] == ["alice", "bob"]


@pytest.mark.parametrize("directive", ["#include {secret}", "#tryinclude {secret}", "#include {folder}/*.conf"])
def test_cli_refuses_absolute_and_wildcard_includes_without_the_option(tmp_path: Path, directive: str) -> None:
    secret = _secret_file(tmp_path / "elsewhere" if (tmp_path / "elsewhere").mkdir() is None else tmp_path)
    main = tmp_path / "pjsip.conf"
    main.write_text("[alice]\ntype = endpoint\n" + directive.format(secret=secret, folder=secret.parent) + "\n")
    with pytest.raises(ConfigError, match="--allow-absolute-includes"):
        parse_config(main)
    allowed = parse_config(main, allow_absolute_includes=True)
    assert "leaked" in [s.name for s in allowed.sections]
