"""Group meetings: scheduling, RSVPs, calendar files, reminders, changes and the officers'
weekly list."""
