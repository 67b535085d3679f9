"""Group meetings and public events: scheduling, RSVPs, calendar files, reminders, changes
and the officers' weekly list.

The face other features use: `MeetingService` (its `schedule_in` creates a group meeting or
a public event in the caller's transaction, `ics` makes its calendar file), `MeetingDraft`,
and `rsvp_buttons` for a message that asks whether someone will come.
"""

from core.meetings.messages import rsvp_buttons
from core.meetings.service import EventView, MeetingDraft, MeetingService, host_name

__all__ = ["EventView", "MeetingDraft", "MeetingService", "host_name", "rsvp_buttons"]
