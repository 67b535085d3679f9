"""Delivery: the outbox, the paced worker that drains it, SMS texts and the SMS keyword face's
rules, delivery reports, and how each member wants to be reached."""
