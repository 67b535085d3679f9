"""Residents and officers made through the services, as the faces would make them."""

from __future__ import annotations

from core.permissions import Actor
from core.services import Services
from tests.conftest import OFFICER_ID


async def register(services: Services, uid: int, name: str, phone: str = "(203) 555-0142") -> None:
    """Consent and fill in every registration step."""
    await services.members.consent(uid, uid)
    await services.members.set_name(uid, name)
    await services.members.set_shared_phone(uid, phone)
    await services.members.set_address(uid, f"{uid % 100} Main St")


async def officer(services: Services) -> Actor:
    """The seeded officer."""
    return await services.access.actor(OFFICER_ID)
