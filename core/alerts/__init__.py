"""Alerts: officers' targeted alerts and scam alerts, leaders' broadcasts, with previews."""
