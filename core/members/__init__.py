"""Members: residents' own records, watch groups and their leaders, and officers.

This is the face other features use for "who is in this group" and "who are the officers".
"""

from __future__ import annotations

from core.members.digest import UNTOUCHED_WORKING_DAYS, send_untouched_digest, untouched
from core.members.groups import GroupService, GroupSummary, JoinOutcome, LeaderChange
from core.members.officers import OfficerService
from core.members.phones import CodeSent, PhoneVerifier, looks_like_code
from core.members.preferences import PreferenceService
from core.members.service import MemberRecord, MemberService, Profile, RegistrationStep, next_step

__all__ = [
    "UNTOUCHED_WORKING_DAYS",
    "CodeSent",
    "GroupService",
    "GroupSummary",
    "JoinOutcome",
    "LeaderChange",
    "MemberRecord",
    "MemberService",
    "OfficerService",
    "PhoneVerifier",
    "PreferenceService",
    "Profile",
    "RegistrationStep",
    "looks_like_code",
    "next_step",
    "send_untouched_digest",
    "untouched",
]
