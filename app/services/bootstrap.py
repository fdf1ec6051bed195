"""First start: the default engine, its transports, the root tenant and an admin token."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.db.database import Database
from app.db.models import Engine, Tenant, Transport
from app.db.session import make_private_dir
from app.domain.defaults import DEFAULT_ENGINE, DEFAULT_TRANSPORTS, ROOT_TENANT_NAME, ROOT_TENANT_SLUG
from app.domain.sorcery import transport_object
from app.record.engine_row import lock_engine
from app.record.sync import sync_engine_objects
from app.services.tenants import create_default_templates
from app.services.tokens import create_token

log = logging.getLogger(__name__)


async def bootstrap(db: Database, token_path: Path) -> str | None:
    """Create what an empty database needs; return the new admin token, or None if it existed.

    Two replicas starting together both try; the unique engine name lets one
    win and the other create nothing.
    """
    try:
        async with db.writing() as session:
            if (await session.execute(select(Engine.uuid).where(Engine.name == DEFAULT_ENGINE))).first():
                return None
            engine = Engine(name=DEFAULT_ENGINE)
            session.add(engine)
            await session.flush()
            engine = await lock_engine(session, engine.uuid)
            desired = {}
            for name, options in DEFAULT_TRANSPORTS.items():
                session.add(Transport(engine_uuid=engine.uuid, name=name, options=[list(o) for o in options]))
                obj = transport_object(name, options)
                desired[obj.key] = obj.fields
            await session.flush()
            await sync_engine_objects(session, engine, desired, dry_run=False)
            root = Tenant(name=ROOT_TENANT_NAME, slug=ROOT_TENANT_SLUG, engine_uuid=engine.uuid)
            session.add(root)
            await session.flush()
            await create_default_templates(session, root)
            token = await create_token(session, tenant_uuid=root.uuid, scopes="*", description="admin (first start)")
    except IntegrityError:
        log.info("another process bootstrapped the database first")
        return None
    write_secret_file(token_path, token)
    return token


def write_secret_file(path: Path, content: str) -> None:
    """Write ``content`` readable by its owner only (mode 0600 from creation on)."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content + "\n")
    os.chmod(path, 0o600)
