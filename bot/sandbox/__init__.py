"""The sandbox: the real service against a local Bot API and SMS provider, with a web chat.

The Bot API (`telegram_api`, `telegram_http`) and Twilio (`twilio_api`) played here are the
same ones the tests drive the service through: every call is checked against the published
specs in `specs/`, and answered as Telegram and Twilio answer, errors included.
"""
