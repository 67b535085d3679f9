"""What is due: the runner that settles reminders, closings, checklists and expiries once
each, and the registry that features plug their kinds and periodic steps into."""
