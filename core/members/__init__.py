"""Members: residents' own records, watch groups and their leaders, and officers.

This is the face other features use for "who is in this group" and "who are the officers".
"""

from __future__ import annotations

from core.members.groups import GroupService, JoinOutcome, LeaderChange
from core.members.officers import OfficerService
from core.members.preferences import PreferenceService
from core.members.service import MemberRecord, MemberService, Profile, RegistrationStep, next_step

__all__ = [
    "GroupService",
    "JoinOutcome",
    "LeaderChange",
    "MemberRecord",
    "MemberService",
    "OfficerService",
    "PreferenceService",
    "Profile",
    "RegistrationStep",
    "next_step",
]
