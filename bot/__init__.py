"""The faces: Telegram handlers and conversations, the SMS face, the command line, and wiring."""
