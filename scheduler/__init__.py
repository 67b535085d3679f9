"""The clock: APScheduler set-up and the jobs it runs."""
