"""The README's first steps work when pasted into GraphiQL as one document."""

import re
from pathlib import Path

from graphql import parse, validate

from app.api.schema import build_schema
from app.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def first_steps_document() -> str:
    section = README[README.index("## First steps") :]
    match = re.search(r"```graphql\n(.*?)```", section, re.S)
    assert match, "the first steps show a GraphQL document"
    return match.group(1)


def test_the_first_steps_document_is_valid_against_the_schema() -> None:
    schema = build_schema(Settings())._schema
    errors = validate(schema, parse(first_steps_document()))
    assert errors == [], [e.message for e in errors]


def test_every_variable_of_the_first_steps_is_shown() -> None:
    document = first_steps_document()
    variables = set(re.findall(r"\$(\w+):", document))
    shown = re.search(r"```json\n(.*?)```", README[README.index("## First steps") :], re.S)
    assert shown, "the variables are shown"
    assert variables == set(re.findall(r'"(\w+)":', shown.group(1)))
