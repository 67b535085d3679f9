"""Repositories: one per aggregate, each bound to a session inside a transaction."""

from storage.repositories.audit import AuditRepository
from storage.repositories.flows import FlowRepository
from storage.repositories.groups import GroupRepository
from storage.repositories.members import MemberRepository
from storage.repositories.officers import OfficerRepository
from storage.repositories.outbox import OutboxRepository

__all__ = [
    "AuditRepository",
    "FlowRepository",
    "GroupRepository",
    "MemberRepository",
    "OfficerRepository",
    "OutboxRepository",
]
