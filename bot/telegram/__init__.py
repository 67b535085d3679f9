"""The Telegram face: handlers, texts, command menus and the Application factory."""
