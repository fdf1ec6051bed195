"""The deployment files keep secrets out of images and pass the client's request id through."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_agent_dependency_is_installed_at_runtime() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {re.split(r"[=<>\[]", d)[0].lower() for d in project["dependencies"]}
    assert "httpx" in runtime  # app/asterisk/ari/client.py imports it in `pjsip-graph agent`


def test_the_docker_build_context_leaves_out_secrets_and_local_environments() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".venv", "data", "**/node_modules", "**/__pycache__", ".git"} <= ignored


def test_nginx_keeps_the_client_request_id_and_hides_metrics() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Request-ID $request_id;" not in conf
    assert re.search(r"map \$http_x_request_id \$(\w+) \{\s*default \$http_x_request_id;\s*''\s+\$request_id;", conf)
    assert re.search(r"location = /metrics \{\s*return 404;", conf)
