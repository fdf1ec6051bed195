"""The deployment files keep secrets out of images and pass the client's request id through;
a production install has every library the application imports."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_library_the_application_imports_is_installed_at_runtime() -> None:
    """A library imported by app/ but listed only among the development extras would work in
    the tests and fail in a production install (the agent's ARI client once did)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_normalised(re.split(r"[=<>\[]", d)[0]) for d in project["dependencies"]}
    distributions = packages_distributions()
    imported: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "app"}
    assert "aiohttp" in third_party  # the agent's client: the check below sees real imports
    missing = {m for m in third_party if not any(_normalised(d) in runtime for d in distributions.get(m, [m]))}
    assert missing == set()


def test_the_docker_build_context_leaves_out_secrets_and_local_environments() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".venv", "data", "**/node_modules", "**/__pycache__", ".git"} <= ignored


def test_nginx_keeps_the_client_request_id_and_hides_metrics() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Request-ID $request_id;" not in conf
    assert re.search(r"map \$http_x_request_id \$(\w+) \{\s*default \$http_x_request_id;\s*''\s+\$request_id;", conf)
    assert re.search(r"location = /metrics \{\s*return 404;", conf)
